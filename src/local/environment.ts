import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { ensureLocalDir, localEnv, processAlive, readLocalState, writeLocalState, type LocalState } from './state.js';
import { taskQueuePollers } from './task-queue.js';
import { TemporalDevServer, isTemporalServing } from './temporal-dev-server.js';
import { projectRoot, type Toolchain } from './tools.js';
import { waitFor } from './wait.js';
import { cachedWorkflowBundle } from './workflow-bundle.js';

/** The offline environment of `npm start`: Temporal dev server + UI, the emulator and a worker. */
export interface LocalEnvironment {
  readonly state: LocalState;
  /** Which parts were already running and reused (true) or started now (false). */
  readonly reused: { readonly temporal: boolean; readonly emulator: boolean; readonly worker: boolean };
}

type TemporalState = LocalState['temporal'];
type EmulatorState = LocalState['emulator'];
type WorkerState = LocalState['worker'];

/** Node arguments that run a TypeScript entry of this project (tsx is a runtime dependency). */
function tsEntry(relativePath: string): string[] {
  return ['--import', 'tsx', join(projectRoot, relativePath)];
}

/** Starts a long-lived process that outlives this one (detached, output to a log file). */
function spawnDetached(args: string[], env: NodeJS.ProcessEnv, logFile: string): number {
  const fd = openSync(logFile, 'a', 0o600);
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', fd, fd], detached: true, cwd: projectRoot });
  closeSync(fd);
  child.unref();
  if (!child.pid) throw new Error(`could not start ${args.join(' ')}`);
  return child.pid;
}

async function emulatorAnswers(dnsEndpoint: string): Promise<boolean> {
  try {
    const base = new URL(dnsEndpoint);
    // Any HTTP answer (the admin API wants the bearer token, so 401 is normal) means it is up.
    await fetch(`${base.origin}/emulator/v1/calls`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether a process recorded in .kfed is still usable: alive and answering. A loaded machine
 * can answer slowly, so an alive process gets time; one that never answers is stopped, since
 * starting a second server on the same database or state would corrupt it.
 */
async function reusable(pid: number, answers: () => Promise<boolean>, what: string, log: (line: string) => void): Promise<boolean> {
  if (!pid || !processAlive(pid)) return false;
  try {
    await waitFor(what, answers, { timeoutMs: 30_000, intervalMs: 500 });
    return true;
  } catch {
    log(`${what} (pid ${pid}) runs but does not answer; stopping it`);
    await stopProcess(pid);
    return false;
  }
}

/** SIGTERM, then SIGKILL after 15 s. */
async function stopProcess(pid: number): Promise<void> {
  if (!processAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  try {
    await waitFor(`pid ${pid} to stop`, () => Promise.resolve(!processAlive(pid)), { timeoutMs: 15_000, intervalMs: 100 });
  } catch {
    process.kill(pid, 'SIGKILL');
  }
}

export interface EnsureLocalOptions {
  readonly toolchain: Toolchain;
  readonly log: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)}s`;
}

/**
 * Starts the local environment, reusing whatever is already running from an earlier
 * `npm start` (so a second start attaches instead of starting over). Everything lives under
 * `.kfed/`: the Temporal database, the emulator's state and clusters, logs. Temporal, the
 * emulator and the workflow bundle are prepared in parallel; the worker starts last.
 */
export async function ensureLocalEnvironment(options: EnsureLocalOptions): Promise<LocalEnvironment> {
  const env = options.env ?? process.env;
  const dir = ensureLocalDir(env);
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true, mode: 0o700 });
  const previous = readLocalState(env);

  const ensureTemporal = async (): Promise<[TemporalState, boolean]> => {
    const known = previous?.temporal;
    if (known && (await reusable(known.pid, () => isTemporalServing(known.address, known.namespace), 'the Temporal dev server', options.log))) return [known, true];
    const started = Date.now();
    const dbFile = join(dir, 'temporal.db');
    const server = new TemporalDevServer({ binary: options.toolchain.temporal, dbFile, logFile: join(logs, 'temporal.log'), detached: true });
    await server.start();
    options.log(`Temporal dev server up in ${elapsed(started)} (database .kfed/temporal.db)`);
    return [{ address: server.address, namespace: server.namespace, uiUrl: server.uiUrl, pid: server.pid ?? 0, dbFile }, false];
  };

  const ensureEmulator = async (): Promise<[EmulatorState, boolean]> => {
    const known = previous?.emulator;
    if (known && (await reusable(known.pid, () => emulatorAnswers(known.dnsEndpoint), 'the emulator', options.log))) return [known, true];
    const started = Date.now();
    // Same port as last time when possible, so the kubeconfig and links stay stable.
    const port = known?.port ?? (await freePort());
    const stateDir = join(dir, 'emulator');
    const logFile = join(logs, 'emulator.log');
    const pid = spawnDetached([...tsEntry('src/cli/main.ts'), 'emulator', '--port', String(port), '--state-dir', stateDir, '--pod-logs-dir', logs], env, logFile);
    const state: EmulatorState = {
      port,
      dnsEndpoint: `http://127.0.0.1:${port}/dns/v1`,
      gkeEndpoint: `http://127.0.0.1:${port + 1}`,
      tokenFile: join(stateDir, 'access-token'),
      pid,
      stateDir,
    };
    await waitFor(
      'the emulator',
      async () => {
        if (!processAlive(pid)) throw new Error(`the emulator exited; see ${logFile}`);
        return emulatorAnswers(state.dnsEndpoint);
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    options.log(`emulator up in ${elapsed(started)} (state .kfed/emulator)`);
    return [state, false];
  };

  const [[temporal, temporalReused], [emulator, emulatorReused], bundle] = await Promise.all([ensureTemporal(), ensureEmulator(), cachedWorkflowBundle(dir)]);

  // The worker polls the kfed task queue with the emulator's endpoints; reused only when
  // both servers it was started against are the same ones and it runs today's workflow code.
  const taskQueue = env.KFED_TASK_QUEUE ?? 'kfed';
  const known = previous?.worker;
  const workerReused = temporalReused && emulatorReused && known?.bundle === bundle && processAlive(known.pid);
  let worker: WorkerState = known ?? { pid: 0, logFile: join(logs, 'worker.log') };
  if (!workerReused) {
    if (known) await stopProcess(known.pid);
    const started = Date.now();
    const logFile = join(logs, 'worker.log');
    const workerEnv = { ...env, ...localEnv({ temporal, emulator, worker: { pid: 0, logFile } }), KFED_TASK_QUEUE: taskQueue, KFED_WORKFLOW_BUNDLE: bundle };
    const pid = spawnDetached(tsEntry('src/worker.ts'), workerEnv, logFile);
    worker = { pid, logFile, bundle };
    await waitFor(
      'the kfed worker',
      async () => {
        if (!processAlive(pid)) throw new Error(`the worker exited; see ${logFile}`);
        return (await taskQueuePollers(temporal.address, temporal.namespace, taskQueue)).some((id) => id.startsWith(`${pid}@`));
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    options.log(`kfed worker polling in ${elapsed(started)}`);
  }

  const state: LocalState = { temporal, emulator, worker };
  writeLocalState(state, env);
  return { state, reused: { temporal: temporalReused, emulator: emulatorReused, worker: workerReused } };
}

/** Stops the local environment's processes (worker, emulator, Temporal), newest first. */
export async function stopLocalEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const state = readLocalState(env);
  if (!state) return [];
  const stopped: string[] = [];
  for (const [name, pid] of [['worker', state.worker.pid], ['emulator', state.emulator.pid], ['temporal', state.temporal.pid]] as const) {
    if (!pid || !processAlive(pid)) continue;
    await stopProcess(pid);
    stopped.push(name);
  }
  return stopped;
}
