import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { defaultTaskQueue } from './contract.js';

/** Where and how to reach Temporal, from Temporal's own environment conventions. */
export interface TemporalSettings {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly connectionOptions: NativeConnectionOptions;
}

/**
 * Reads the Temporal connection the standard way (`@temporalio/envconfig`): TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and the TOML config
 * file (TEMPORAL_CONFIG_FILE). kfed adds KFED_TASK_QUEUE.
 * @default address 127.0.0.1:7233, namespace default, task queue kfed
 */
export function temporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const overrideEnvVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const config = loadClientConnectConfig({ profile: env.TEMPORAL_PROFILE, overrideEnvVars });
  const address = config.connectionOptions.address ?? '127.0.0.1:7233';
  return {
    address,
    namespace: config.namespace ?? 'default',
    taskQueue: env.KFED_TASK_QUEUE ?? defaultTaskQueue,
    connectionOptions: { ...config.connectionOptions, address },
  };
}
