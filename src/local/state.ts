import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** What `npm start` / `kfed local up` left running, so later commands can find and reuse it. */
export interface LocalState {
  readonly temporal: { readonly address: string; readonly namespace: string; readonly uiUrl: string; readonly pid: number; readonly dbFile: string };
  readonly emulator: { readonly port: number; readonly dnsEndpoint: string; readonly gkeEndpoint: string; readonly tokenFile: string; readonly pid: number; readonly stateDir: string };
  /** `bundle`: the workflow bundle it runs; a different one (changed sources) means restart it. */
  readonly worker: { readonly pid: number; readonly logFile: string; readonly bundle?: string };
}

/**
 * The local environment's directory.
 * @default `<cwd>/.kfed` (override: KFED_LOCAL_DIR)
 */
export function localDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KFED_LOCAL_DIR ?? join(process.cwd(), '.kfed');
}

export function localStatePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(localDir(env), 'local.json');
}

/**
 * The file kfed writes into a local directory it created. `kfed local down --purge` deletes a
 * directory only when it holds this marker, written by kfed (owner the user, mode 0600): never a
 * directory KFED_LOCAL_DIR happens to name.
 */
export const localDirMarker = '.kfed-local-dir';

/** Modes of what kfed keeps in the local directory: it holds tokens, logs and a database. */
export const privateModes = { directory: 0o700, file: 0o600 } as const;

/**
 * Why a path is not one kfed can trust as its own, or undefined when it is: a directory or
 * regular file (not a symlink), owned by the current user, with no access for group or others.
 * A `.kfed/` checked out from a repository fails this: git writes files 0644 and dirs 0755.
 */
export function untrustedReason(path: string, kind: keyof typeof privateModes): string | undefined {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be checked (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  if (stats.isSymbolicLink()) return 'is a symbolic link';
  if (kind === 'directory' ? !stats.isDirectory() : !stats.isFile()) return `is not a ${kind === 'directory' ? 'directory' : 'regular file'}`;
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) return `is owned by uid ${stats.uid}, not by you (uid ${uid})`;
  const mode = stats.mode & 0o777;
  if ((mode & 0o077) !== 0) return `has mode ${mode.toString(8).padStart(4, '0')}, but kfed makes it ${privateModes[kind].toString(8).padStart(4, '0')}`;
  return undefined;
}

/**
 * Creates the local directory (mode 0700) and marks it as kfed's; returns its path. Only a
 * directory kfed creates now, or one that is empty, gets the marker: an existing directory with
 * content stays the user's, so `--purge` will refuse it. A marked directory is tightened to 0700.
 */
export function ensureLocalDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = localDir(env);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: privateModes.directory });
  const stats = lstatSync(dir);
  const uid = process.getuid?.();
  // Not a directory of the user's (a symlink, someone else's): neither marked nor changed here;
  // reading its state and purging it are refused later.
  if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid)) return dir;
  const marker = join(dir, localDirMarker);
  if (readdirSync(dir).length === 0) {
    writeFileSync(marker, 'This directory was created by kfed (kfed local up); kfed local down --purge deletes it.\n', { mode: privateModes.file, flag: 'wx' });
  }
  if (untrustedReason(marker, 'file') === undefined) chmodSync(dir, privateModes.directory);
  return dir;
}

/** Whether `--purge` may delete the local directory: absent, kfed's own, or someone else's (and why). */
export type LocalDirOwnership = { readonly kind: 'absent' } | { readonly kind: 'kfed' } | { readonly kind: 'foreign'; readonly reason: string };

/** See {@link LocalDirOwnership}: kfed's own means a directory of the user's holding kfed's marker. */
export function localDirOwnership(env: NodeJS.ProcessEnv = process.env): LocalDirOwnership {
  const dir = localDir(env);
  const dirProblem = untrustedReason(dir, 'directory');
  if (dirProblem === 'does not exist') return { kind: 'absent' };
  // A directory of the user's with a loose mode is still theirs: the marker decides.
  if (dirProblem && !dirProblem.startsWith('has mode')) return { kind: 'foreign', reason: `it ${dirProblem}` };
  const markerProblem = untrustedReason(join(dir, localDirMarker), 'file');
  if (markerProblem === 'does not exist') return { kind: 'foreign', reason: `it holds no ${localDirMarker} marker, so kfed did not create it` };
  if (markerProblem) return { kind: 'foreign', reason: `its ${localDirMarker} marker ${markerProblem}, so kfed did not write it` };
  return { kind: 'kfed' };
}

/** Deletes the local directory, which {@link localDirOwnership} must have found to be kfed's. */
export function removeLocalDir(env: NodeJS.ProcessEnv = process.env): void {
  rmSync(localDir(env), { recursive: true, force: true });
}

/** Largest local.json read: it is a few hundred bytes. */
const maxStateBytes = 64 * 1024;

const warned = new Set<string>();

/** Prints a warning once per process: commands read the state more than once. */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.error(message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasFields(value: unknown, strings: readonly string[], numbers: readonly string[]): boolean {
  return isRecord(value) && strings.every((k) => typeof value[k] === 'string') && numbers.every((k) => Number.isInteger(value[k]));
}

function isLocalState(value: unknown): value is LocalState {
  return (
    isRecord(value) &&
    hasFields(value.temporal, ['address', 'namespace', 'uiUrl', 'dbFile'], ['pid']) &&
    hasFields(value.emulator, ['dnsEndpoint', 'gkeEndpoint', 'tokenFile', 'stateDir'], ['port', 'pid']) &&
    hasFields(value.worker, ['logFile'], ['pid'])
  );
}

/**
 * The state of the local environment, or undefined when there is none kfed can trust. The file
 * redirects the CLI (Temporal address, endpoints, the kubeconfig's token file) and names pids
 * `npm stop` signals, so only a local.json kfed wrote is read: owned by the user, mode 0600, in
 * a directory of mode 0700 owned by the user. Any other is ignored with a one-line warning.
 */
export function readLocalState(env: NodeJS.ProcessEnv = process.env, warn: (line: string) => void = warnOnce): LocalState | undefined {
  const dir = localDir(env);
  const path = localStatePath(env);
  const fileProblem = untrustedReason(path, 'file');
  if (fileProblem === 'does not exist') return undefined;
  const dirProblem = untrustedReason(dir, 'directory');
  const problem = fileProblem ? `it ${fileProblem}` : dirProblem ? `its directory ${dirProblem}` : undefined;
  const ignoring = `kfed: ignoring ${path}:`;
  if (problem) {
    warn(`${ignoring} ${problem}; kfed trusts only a local.json it wrote (yours, mode 0600, in a directory of mode 0700) — if it did, run: chmod 700 ${dir} && chmod 600 ${path}`);
    return undefined;
  }
  if (lstatSync(path).size > maxStateBytes) {
    warn(`${ignoring} larger than ${maxStateBytes / 1024} KiB, not a state file kfed wrote`);
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    value = undefined;
  }
  if (!isLocalState(value)) {
    warn(`${ignoring} not a state file kfed wrote (start again with: npm start)`);
    return undefined;
  }
  return value;
}

export function writeLocalState(state: LocalState, env: NodeJS.ProcessEnv = process.env): void {
  const path = localStatePath(env);
  ensureLocalDir(env);
  // Write-then-rename: a crash never leaves a half-written state file. The temporary file is
  // removed first, so its mode is the one given here, not that of a leftover.
  rmSync(`${path}.tmp`, { force: true });
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2), { mode: privateModes.file, flag: 'wx' });
  renameSync(`${path}.tmp`, path);
}

/** Environment for kfed processes (worker, CLI) that talk to the local environment. */
export function localEnv(state: LocalState): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: state.temporal.address,
    TEMPORAL_NAMESPACE: state.temporal.namespace,
    KFED_TEMPORAL_UI_URL: state.temporal.uiUrl,
    KFED_DNS_ENDPOINT: state.emulator.dnsEndpoint,
    KFED_GKE_ENDPOINT: state.emulator.gkeEndpoint,
    KFED_GCP_ACCESS_TOKEN_FILE: state.emulator.tokenFile,
  };
}

/** True when a process with that pid runs (a zombie, exited but not yet reaped, counts as gone). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    // /proc/PID/stat: "pid (comm) STATE ..."; comm may hold spaces or parentheses.
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    // No such process, or no /proc (not Linux): ask the kernel below.
    if (existsSync('/proc/self/stat')) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
