import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
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

export function readLocalState(env: NodeJS.ProcessEnv = process.env): LocalState | undefined {
  const path = localStatePath(env);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LocalState;
  } catch {
    return undefined;
  }
}

export function writeLocalState(state: LocalState, env: NodeJS.ProcessEnv = process.env): void {
  const path = localStatePath(env);
  mkdirSync(localDir(env), { recursive: true });
  // Write-then-rename: a crash never leaves a half-written state file.
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2));
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
