// The kfed worker entry (`npm run worker`, `kfed worker`, the docker image).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities/index.js';
import { dataConverterFromEnv } from './codec/from-env.js';
import { temporalSettings } from './temporal-config.js';
import { createDepsFromEnv } from './worker-deps.js';
import { pickWorkerEnv, type WorkerEnv } from './worker-env.js';

/** Workflow sources; the bundler compiles them (TypeScript included) at worker start. */
export const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface KfedWorkerOptions {
  /** @default the process environment, through {@link pickWorkerEnv} */
  readonly env?: WorkerEnv;
  /** Providers for the activities; @default built from the environment ({@link createDepsFromEnv}) */
  readonly deps?: ActivityDeps;
  /** Extra Temporal worker options (tests shorten timeouts here). */
  readonly workerOptions?: Partial<WorkerOptions>;
}

/**
 * Creates a worker for the `kfed` task queue. The workflow code comes from a prebuilt bundle
 * when KFED_WORKFLOW_BUNDLE names one (production images, benchmarks: no bundling at start),
 * else from the sources.
 */
export async function createKfedWorker(options: KfedWorkerOptions = {}): Promise<{ worker: Worker; connection: NativeConnection }> {
  const env = options.env ?? pickWorkerEnv();
  const settings = temporalSettings(env);
  const connection = await NativeConnection.connect(settings.connectionOptions);
  const deps = options.deps ?? createDepsFromEnv(env);
  const bundlePath = env.KFED_WORKFLOW_BUNDLE;
  if (bundlePath && !existsSync(bundlePath)) throw new Error(`KFED_WORKFLOW_BUNDLE=${bundlePath} does not exist (build it with npm run build:workflows)`);
  const dataConverter = dataConverterFromEnv(env);
  const worker = await Worker.create({
    connection,
    ...(dataConverter ? { dataConverter } : {}),
    namespace: settings.namespace,
    taskQueue: settings.taskQueue,
    ...(bundlePath ? { workflowBundle: { code: readFileSync(bundlePath, 'utf8') } } : { workflowsPath }),
    activities: createActivities(deps),
    ...options.workerOptions,
  });
  return { worker, connection };
}

/** JSON log lines (one object per line) for log collectors; the level from KFED_LOG_LEVEL. */
export function installJsonLogger(level: LogLevel = 'INFO'): void {
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const line = {
        time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
        level: entry.level,
        message: entry.message,
        ...entry.meta,
      };
      process.stderr.write(`${JSON.stringify(line)}\n`);
    }),
  });
}

/** Runs a worker until SIGINT/SIGTERM: the body of `npm run worker` and `kfed worker`. */
export async function runWorker(): Promise<void> {
  const env = pickWorkerEnv();
  const level = (env.KFED_LOG_LEVEL ?? 'INFO').toUpperCase() as LogLevel;
  installJsonLogger(level);
  const { worker, connection } = await createKfedWorker({ env });
  const settings = temporalSettings(env);
  Runtime.instance().logger.info('kfed worker started', { address: settings.address, namespace: settings.namespace, taskQueue: settings.taskQueue });
  // Worker.run drains in-flight tasks and returns on SIGINT/SIGTERM (graceful shutdown).
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runWorker().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
