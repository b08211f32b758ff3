import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { localDir, localEnv, processAlive, readLocalState, writeLocalState, type LocalState } from './state.js';
import { TemporalDevServer, isTemporalServing } from './temporal-dev-server.js';
import { taskQueuePollers } from './task-queue.js';
import { projectRoot, type Toolchain } from './tools.js';
import { waitFor } from './wait.js';

/** The offline environment of `npm start`: Temporal dev server + UI, the emulator and a worker. */
export interface LocalEnvironment {
  readonly state: LocalState;
  /** Which parts were already running and reused (true) or started now (false). */
  readonly reused: { readonly temporal: boolean; readonly emulator: boolean; readonly worker: boolean };
}

/** Node arguments that run a TypeScript entry of this project (tsx is a runtime dependency). */
function tsEntry(relativePath: string): string[] {
  return ['--import', 'tsx', join(projectRoot, relativePath)];
}

/** Starts a long-lived process that outlives this one (detached, output to a log file). */
function spawnDetached(args: string[], env: NodeJS.ProcessEnv, logFile: string): number {
  const fd = openSync(logFile, 'a');
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

export interface EnsureLocalOptions {
  readonly toolchain: Toolchain;
  readonly log: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Starts the local environment, reusing whatever is already running from an earlier
 * `npm start` (so a second start attaches instead of starting over). Everything lives under
 * `.kfed/`: the Temporal database, the emulator's state and clusters, logs.
 */
export async function ensureLocalEnvironment(options: EnsureLocalOptions): Promise<LocalEnvironment> {
  const env = options.env ?? process.env;
  const dir = localDir(env);
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const previous = readLocalState(env);

  // Temporal: reuse when its process is alive and answering; else start it (same ports if free).
  let temporal = previous?.temporal;
  const temporalReused = temporal !== undefined && processAlive(temporal.pid) && (await isTemporalServing(temporal.address, temporal.namespace));
  if (!temporalReused) {
    const server = new TemporalDevServer({
      binary: options.toolchain.temporal,
      dbFile: join(dir, 'temporal.db'),
      logFile: join(logs, 'temporal.log'),
      detached: true,
    });
    options.log('starting Temporal dev server (database .kfed/temporal.db)');
    await server.start();
    temporal = { address: server.address, namespace: server.namespace, uiUrl: server.uiUrl, pid: server.pid ?? 0, dbFile: join(dir, 'temporal.db') };
  }
  if (!temporal) throw new Error('unreachable: Temporal settings missing');

  // Emulator: a separate long-lived process with its clusters' state under .kfed/emulator.
  let emulator = previous?.emulator;
  const emulatorReused = emulator !== undefined && processAlive(emulator.pid) && (await emulatorAnswers(emulator.dnsEndpoint));
  if (!emulatorReused) {
    const port = emulator?.port ?? (await freePort());
    const stateDir = join(dir, 'emulator');
    options.log('starting the Cloud DNS + GKE emulator (state .kfed/emulator)');
    const pid = spawnDetached([...tsEntry('src/client.ts'), 'emulator', '--port', String(port), '--state-dir', stateDir], env, join(logs, 'emulator.log'));
    emulator = {
      port,
      dnsEndpoint: `http://127.0.0.1:${port}/dns/v1`,
      gkeEndpoint: `http://127.0.0.1:${port + 1}`,
      tokenFile: join(stateDir, 'access-token'),
      pid,
      stateDir,
    };
    const dnsEndpoint = emulator.dnsEndpoint;
    await waitFor('the emulator', async () => {
      if (!processAlive(pid)) throw new Error(`the emulator exited; see ${join(logs, 'emulator.log')}`);
      return emulatorAnswers(dnsEndpoint);
    }, { timeoutMs: 60_000, intervalMs: 200 });
  }
  if (!emulator) throw new Error('unreachable: emulator settings missing');

  // Worker: polls the kfed task queue with the emulator's endpoints.
  const partial: LocalState = { temporal, emulator, worker: previous?.worker ?? { pid: 0, logFile: join(logs, 'worker.log') } };
  const taskQueue = env.KFED_TASK_QUEUE ?? 'kfed';
  let worker = previous?.worker;
  const workerReused = temporalReused && emulatorReused && worker !== undefined && processAlive(worker.pid);
  if (!workerReused) {
    if (worker && processAlive(worker.pid)) process.kill(worker.pid, 'SIGTERM');
    options.log('starting a kfed worker');
    const logFile = join(logs, 'worker.log');
    const pid = spawnDetached(tsEntry('src/worker.ts'), { ...env, ...localEnv(partial), KFED_TASK_QUEUE: taskQueue }, logFile);
    worker = { pid, logFile };
    await waitFor('the kfed worker', async () => {
      if (!processAlive(pid)) throw new Error(`the worker exited; see ${logFile}`);
      return (await taskQueuePollers(temporal.address, temporal.namespace, taskQueue)).some((id) => id.startsWith(`${pid}@`));
    }, { timeoutMs: 60_000, intervalMs: 200 });
  }
  if (!worker) throw new Error('unreachable: worker settings missing');

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
    process.kill(pid, 'SIGTERM');
    try {
      await waitFor(`${name} to stop`, () => Promise.resolve(!processAlive(pid)), { timeoutMs: 15_000, intervalMs: 100 });
    } catch {
      process.kill(pid, 'SIGKILL');
    }
    stopped.push(name);
  }
  return stopped;
}
