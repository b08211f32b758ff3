import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec } from './exec.js';

/** Root of the checkout (tools/ holds the Go modules and the pinned versions). */
export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

interface VersionsFile {
  readonly temporal: { readonly version: string; readonly goPackage: string };
  readonly kubernetes: { readonly version: string; readonly goModuleDir: string };
  readonly etcd: { readonly version: string; readonly goModuleDir: string };
  readonly kwok: { readonly version: string; readonly goPackages: readonly string[] };
  readonly kubefed: { readonly version: string; readonly goModuleDir: string };
}

/** The pinned versions of every tool (tools/versions.json, the single source of truth). */
export const versions: VersionsFile = JSON.parse(
  readFileSync(join(projectRoot, 'tools', 'versions.json'), 'utf8'),
) as VersionsFile;

/** A group of binaries built together and cached in one directory `<group>-<version>/`. */
export type ToolGroup = 'temporal' | 'kubernetes' | 'etcd' | 'kwok' | 'kubefed';

/** One binary kfed needs, where it may come from and how to check it. */
export interface ToolDefinition {
  readonly group: ToolGroup;
  /** File name of the binary. */
  readonly binary: string;
  /** Environment variable that names an existing binary to use instead of building. */
  readonly envVar: string;
  /** Arguments that print the version. */
  readonly versionArgs: readonly string[];
}

export const toolDefinitions = {
  temporal: { group: 'temporal', binary: 'temporal', envVar: 'KFED_TEMPORAL_BINARY', versionArgs: ['--version'] },
  etcd: { group: 'etcd', binary: 'etcd', envVar: 'KFED_ETCD_BINARY', versionArgs: ['--version'] },
  kubeApiserver: { group: 'kubernetes', binary: 'kube-apiserver', envVar: 'KFED_KUBE_APISERVER_BINARY', versionArgs: ['--version'] },
  kubeControllerManager: {
    group: 'kubernetes',
    binary: 'kube-controller-manager',
    envVar: 'KFED_KUBE_CONTROLLER_MANAGER_BINARY',
    versionArgs: ['--version'],
  },
  kubeScheduler: { group: 'kubernetes', binary: 'kube-scheduler', envVar: 'KFED_KUBE_SCHEDULER_BINARY', versionArgs: ['--version'] },
  kubectl: { group: 'kubernetes', binary: 'kubectl', envVar: 'KFED_KUBECTL_BINARY', versionArgs: ['version', '--client'] },
  kwok: { group: 'kwok', binary: 'kwok', envVar: 'KFED_KWOK_BINARY', versionArgs: ['--version'] },
  kwokctl: { group: 'kwok', binary: 'kwokctl', envVar: 'KFED_KWOKCTL_BINARY', versionArgs: ['--version'] },
  kubefedControllerManager: {
    group: 'kubefed',
    binary: 'kubefed-controller-manager',
    envVar: 'KFED_KUBEFED_CONTROLLER_MANAGER_BINARY',
    versionArgs: ['--version'],
  },
  kubefedctl: { group: 'kubefed', binary: 'kubefedctl', envVar: 'KFED_KUBEFEDCTL_BINARY', versionArgs: ['version'] },
  validateKubeFedConfig: {
    group: 'kubefed',
    binary: 'validate-kubefedconfig',
    envVar: 'KFED_VALIDATE_KUBEFEDCONFIG_BINARY',
    versionArgs: ['--version'],
  },
} as const satisfies Record<string, ToolDefinition>;

export type ToolName = keyof typeof toolDefinitions;

/** Absolute paths of every tool, as resolved by {@link ensureTools}. */
export type Toolchain = Readonly<Record<ToolName, string>>;

/** Thrown when a tool cannot be found or built; the message says what to do. */
export class ToolchainError extends Error {
  override name = 'ToolchainError';
}

/** Where a tool came from, for the progress lines. */
export type ToolSource = 'env' | 'path' | 'cache' | 'built';

export function groupVersion(group: ToolGroup): string {
  return versions[group].version;
}

/**
 * The cache of built tools, outside the checkout so fresh clones on the same machine reuse it.
 * @default `${XDG_CACHE_HOME:-$HOME/.cache}/kfed/tools`, overridden by `KFED_TOOLS_DIR`.
 */
export function toolsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KFED_TOOLS_DIR) return env.KFED_TOOLS_DIR;
  const cacheHome = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(cacheHome, 'kfed', 'tools');
}

export function groupCacheDir(group: ToolGroup, env: NodeJS.ProcessEnv = process.env): string {
  return join(toolsCacheDir(env), `${group}-${groupVersion(group)}`);
}

function isExecutableFile(path: string): boolean {
  try {
    return statSync(path).isFile() && (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function findOnPath(binary: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, binary);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Runs the binary's version command; returns its output when it mentions the pinned version. */
async function versionMatches(path: string, tool: ToolDefinition): Promise<{ ok: boolean; output: string }> {
  const result = await exec(path, tool.versionArgs, { timeoutMs: 30_000 });
  const output = `${result.stdout}${result.stderr}`.trim();
  return { ok: result.code === 0 && output.includes(groupVersion(tool.group)), output };
}

function elapsed(startMs: number): string {
  return `${((Date.now() - startMs) / 1000).toFixed(1)}s`;
}

export interface EnsureToolsOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Build missing tools with Go; when false a missing tool is an error. @default true */
  readonly build?: boolean;
  /** Progress lines. @default silent */
  readonly log?: (line: string) => void;
}

async function goAvailable(env: NodeJS.ProcessEnv): Promise<boolean> {
  const result = await exec('go', ['version'], { env });
  return result.code === 0;
}

/** Go command lines that build one group into `outDir`. */
function buildCommands(group: ToolGroup, outDir: string): { args: string[]; cwd?: string; env?: Record<string, string> }[] {
  switch (group) {
    case 'temporal':
      // The version is stamped so `temporal --version` reports it (go install leaves 0.0.0-DEV).
      return [
        {
          args: ['install', '-ldflags', `-s -w -X github.com/temporalio/cli/temporalcli.Version=${versions.temporal.version}`, `${versions.temporal.goPackage}@v${versions.temporal.version}`],
          env: { GOBIN: outDir },
        },
      ];
    case 'kwok':
      return [{ args: ['install', ...versions.kwok.goPackages.map((p) => `${p}@v${versions.kwok.version}`)], env: { GOBIN: outDir } }];
    case 'etcd':
      return [{ args: ['build', '-trimpath', '-ldflags', '-s -w', '-o', join(outDir, 'etcd'), '.'], cwd: join(projectRoot, versions.etcd.goModuleDir) }];
    case 'kubernetes': {
      const v = versions.kubernetes.version;
      const [major, minor] = v.split('.');
      // The version is stamped because kwokctl reads `kube-apiserver --version` to pick flags.
      const ldflags = [
        '-s -w',
        `-X k8s.io/component-base/version.gitVersion=v${v}`,
        `-X k8s.io/component-base/version.gitMajor=${major ?? ''}`,
        `-X k8s.io/component-base/version.gitMinor=${minor ?? ''}`,
        `-X k8s.io/client-go/pkg/version.gitVersion=v${v}`,
      ].join(' ');
      const pkgs = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'].map((c) => `k8s.io/kubernetes/cmd/${c}`);
      return [{ args: ['build', '-trimpath', '-ldflags', ldflags, '-o', `${outDir}/`, ...pkgs], cwd: join(projectRoot, versions.kubernetes.goModuleDir) }];
    }
    case 'kubefed': {
      // The version is stamped as the release's Makefile does, so `--version` / `version`
      // report it (unstamped builds say v0.0.1-alpha.0).
      const ldflags = `-s -w -X sigs.k8s.io/kubefed/pkg/version.version=v${versions.kubefed.version}`;
      const cwd = join(projectRoot, versions.kubefed.goModuleDir);
      const build = (binary: string, pkg: string): { args: string[]; cwd: string } => ({
        args: ['build', '-trimpath', '-ldflags', ldflags, '-o', join(outDir, binary), pkg],
        cwd,
      });
      return [
        build(toolDefinitions.kubefedControllerManager.binary, 'sigs.k8s.io/kubefed/cmd/controller-manager'),
        build(toolDefinitions.kubefedctl.binary, 'sigs.k8s.io/kubefed/cmd/kubefedctl'),
        // kfed's own check of a KubeFedConfig with the release's validation code.
        build(toolDefinitions.validateKubeFedConfig.binary, './cmd/validate-kubefedconfig'),
      ];
    }
  }
}

async function buildGroup(group: ToolGroup, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  if (!(await goAvailable(env))) {
    throw new ToolchainError(
      `Go is needed to build ${group} ${groupVersion(group)} but \`go version\` failed. ` +
        `Install Go >= 1.26 (https://go.dev/dl) or point the KFED_*_BINARY variables at existing binaries (see README "Tools").`,
    );
  }
  const finalDir = groupCacheDir(group, env);
  // Build into a scratch directory and rename, so an interrupted build never looks cached.
  const scratch = `${finalDir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  for (const command of buildCommands(group, scratch)) {
    log(`  go ${command.args.filter((a) => !a.startsWith('-X')).slice(0, 2).join(' ')} ... (cwd ${command.cwd ?? '.'})`);
    const result = await exec('go', command.args, { env: { ...env, ...command.env }, cwd: command.cwd });
    if (result.code !== 0) {
      rmSync(scratch, { recursive: true, force: true });
      const tail = result.stderr.trim().split('\n').slice(-20).join('\n');
      throw new ToolchainError(`building ${group} ${groupVersion(group)} failed (go ${command.args[0] ?? ''}):\n${tail}`);
    }
  }
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(scratch, finalDir);
}

/**
 * Makes every tool available and returns their paths. Order of preference per tool: its
 * environment variable, the PATH (only when the version matches), the cache, a Go build.
 * Idempotent: a warm run only checks versions.
 */
export async function ensureTools(options: EnsureToolsOptions = {}): Promise<Toolchain> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((): void => undefined);
  const build = options.build ?? true;
  const resolved: Partial<Record<ToolName, string>> = {};
  const tools = Object.entries(toolDefinitions) as [ToolName, ToolDefinition][];

  // Groups with a tool found nowhere are built first, side by side: module downloads overlap
  // and one slow build does not hold up the others (cold: ~22 min together on 2 cores).
  const missing = new Set<ToolGroup>();
  for (const [, tool] of tools) {
    if (env[tool.envVar]) continue;
    if (!isExecutableFile(join(groupCacheDir(tool.group, env), tool.binary))) missing.add(tool.group);
  }
  for (const [, tool] of tools) {
    // A matching binary on PATH makes a build unnecessary.
    if (missing.has(tool.group) && tools.filter(([, t]) => t.group === tool.group).every(([, t]) => findOnPath(t.binary, env) !== undefined)) {
      const onPath = await Promise.all(tools.filter(([, t]) => t.group === tool.group).map(([, t]) => versionMatches(findOnPath(t.binary, env) ?? '', t)));
      if (onPath.every((r) => r.ok)) missing.delete(tool.group);
    }
  }
  if (missing.size > 0 && !build) {
    throw new ToolchainError(`${[...missing].map((g) => `${g} ${groupVersion(g)}`).join(', ')} not built yet (looked in the KFED_*_BINARY variables, PATH and ${toolsCacheDir(env)}); run \`npm run tools\``);
  }
  const builtGroups = new Set<ToolGroup>();
  await Promise.all(
    [...missing].map(async (group) => {
      const started = Date.now();
      log(`[tools] ${group} ${groupVersion(group)}: building from source with Go (a cold build takes minutes)`);
      await buildGroup(group, env, log);
      builtGroups.add(group);
      log(`[tools] ${group} ${groupVersion(group)}: built in ${elapsed(started)}`);
    }),
  );

  for (const [name, tool] of tools) {
    const started = Date.now();
    const label = `${tool.binary} ${groupVersion(tool.group)}`;
    const fromEnv = env[tool.envVar];
    let path: string | undefined;
    let source: ToolSource | undefined;
    if (fromEnv) {
      if (!isExecutableFile(fromEnv)) throw new ToolchainError(`${tool.envVar}=${fromEnv} is not an executable file`);
      path = fromEnv;
      source = 'env';
    }
    if (!path) {
      const onPath = findOnPath(tool.binary, env);
      if (onPath && (await versionMatches(onPath, tool)).ok) {
        path = onPath;
        source = 'path';
      }
    }
    if (!path) {
      const cached = join(groupCacheDir(tool.group, env), tool.binary);
      if (!existsSync(cached)) throw new ToolchainError(`${label}: the build finished but ${cached} is missing`);
      path = cached;
      source = builtGroups.has(tool.group) ? 'built' : 'cache';
    }
    const check = await versionMatches(path, tool);
    if (!check.ok && source !== 'env') {
      throw new ToolchainError(`${label} at ${path} does not report version ${groupVersion(tool.group)}: ${check.output.slice(0, 300)}`);
    }
    if (!check.ok) log(`[tools] warning: ${path} (from ${tool.envVar}) reports "${check.output.split('\n')[0] ?? ''}", expected ${groupVersion(tool.group)}`);
    resolved[name] = path;
    log(`[tools] ${label}: ${source ?? 'cache'} ${path} (${elapsed(started)})`);
  }
  return resolved as Toolchain;
}
