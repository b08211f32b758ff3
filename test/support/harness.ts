import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';
import { memberRoleLabel } from '../../src/ownership.js';
import { trackChild } from '../../src/local/child-registry.js';
import { TemporalDevServer } from '../../src/local/temporal-dev-server.js';
import { terminate } from '../../src/local/temporal-dev-server.js';
import { taskQueuePollers } from '../../src/local/task-queue.js';
import { projectRoot } from '../../src/local/tools.js';
import { waitFor } from '../../src/local/wait.js';
import { cachedWorkflowBundle } from '../../src/local/workflow-bundle.js';
import { scratchDir, testToolchain } from './substrate.js';

/** The checkout's root, re-exported for the tests (its home is src/local/tools.ts). */
export { projectRoot };

/** A kfed worker running as its own OS process, so tests can SIGKILL it. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Output so far (JSON log lines). */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Everything an end-to-end test needs, all real and on free ports: a Temporal dev server, the
 * emulator (whose clusters are kwok clusters) and kfed workers as child processes.
 */
export interface Harness {
  readonly dir: string;
  readonly temporal: TemporalDevServer;
  readonly emulator: Emulator;
  readonly client: Client;
  readonly taskQueue: string;
  /** The environment a worker or CLI process needs to reach this harness. */
  env(): Record<string, string>;
  startWorker(extraEnv?: Record<string, string>): Promise<WorkerProcess>;
  /** Runs the kfed CLI as a process and returns its exit code and output. */
  cli(args: readonly string[], extraEnv?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

export async function startHarness(options: Partial<EmulatorOptions> = {}): Promise<Harness> {
  const scratch = scratchDir('e2e');
  const dir = scratch.path;
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const toolchain = await testToolchain();
  const temporal = new TemporalDevServer({ binary: toolchain.temporal, dbFile: join(dir, 'temporal.db'), logFile: join(dir, 'logs', 'temporal.log') });
  await temporal.start();
  // The clusters' pods run the real KubeFed controller-manager, as in `npm start`.
  const emulator = await startEmulator({
    stateDir: join(dir, 'emulator'),
    toolchain,
    provisioningDelayMs: 1000,
    deletionDelayMs: 300,
    podLogsDir: join(dir, 'logs', 'pods'),
    unscheduledLabel: memberRoleLabel,
    ...options,
  });
  // Shared by the test processes; workers start faster from a bundle than from the sources.
  const bundle = await cachedWorkflowBundle();
  const taskQueue = 'kfed-e2e';
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: temporal.namespace });
  const workers = new Set<WorkerProcess>();

  const env = (): Record<string, string> => ({
    ...emulator.env,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    KFED_TASK_QUEUE: taskQueue,
    KFED_WORKFLOW_BUNDLE: bundle,
    KFED_LOG_LEVEL: 'WARN',
    KFED_LOCAL_DIR: join(dir, 'no-local-env'),
    // Existing clusters of the tests keep their kubeconfigs in scratch directories.
    KFED_KUBECONFIG_DIRS: tmpdir(),
    METADATA_SERVER_DETECTION: 'none',
  });

  const processEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => {
    // Only what the child needs: PATH/HOME for tools, never this process's TEMPORAL_* settings.
    const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, KFED_TOOLS_DIR: process.env.KFED_TOOLS_DIR };
    return { ...base, ...env(), ...extra };
  };

  return {
    dir,
    temporal,
    emulator,
    client,
    taskQueue,
    env,
    async startWorker(extraEnv = {}) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/worker.ts')], {
        env: processEnv(extraEnv),
        cwd: projectRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      trackChild(child);
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const worker: WorkerProcess = {
        child,
        output: () => output,
        kill: (signal = 'SIGKILL') => terminate(child, signal === 'SIGKILL' ? 0 : 10_000),
      };
      workers.add(worker);
      child.once('exit', () => workers.delete(worker));
      await waitFor(
        'worker to poll',
        async () => {
          if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}:\n${output}`);
          return (await taskQueuePollers(temporal.address, temporal.namespace, taskQueue)).some((id) => id.startsWith(`${child.pid ?? 0}@`));
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      return worker;
    },
    cli(args, extraEnv = {}) {
      return new Promise((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), ...args], {
          env: processEnv(extraEnv),
          cwd: projectRoot,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        trackChild(child);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => { resolve({ code: code ?? 1, stdout, stderr }); });
      });
    },
    async stop() {
      for (const w of [...workers]) await w.kill('SIGTERM');
      await connection.close().catch(() => undefined);
      await emulator.destroy();
      await temporal.stop();
      scratch.remove();
    },
  };
}

/** Stops a harness if `startHarness` got far enough to return one (afterAll after a failed beforeAll). */
export async function stopHarness(h: Harness | undefined): Promise<void> {
  await h?.stop();
}
