import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { dataConverterFromEnv } from '../codec/from-env.js';
import { temporalSettings, type TemporalSettings } from '../temporal-config.js';
import { ExitCode, ExitError } from './errors.js';

export interface ConnectedClient {
  readonly client: Client;
  readonly settings: TemporalSettings;
  readonly close: () => Promise<void>;
}

/**
 * The payload codec the workers use (KFED_PAYLOAD_KEY_FILE), or exit 2 naming the file: a CLI
 * without it would send specs in clear and could not read what encrypting workers recorded.
 */
function dataConverter(env: NodeJS.ProcessEnv): DataConverter | undefined {
  try {
    return dataConverterFromEnv(env);
  } catch (err) {
    throw new ExitError(ExitCode.BadInput, `kfed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Connects to Temporal or exits with code 3 and a message that names the address and how to
 * get a server. Commands call this only after validating their input (no server contact for
 * bad input). The client encodes and decodes payloads as the workers do.
 */
export async function connectClient(env: NodeJS.ProcessEnv = process.env): Promise<ConnectedClient> {
  const settings = temporalSettings(env);
  const converter = dataConverter(env);
  let connection: Connection;
  try {
    const { address, tls, apiKey, metadata } = settings.connectionOptions;
    connection = await Connection.connect({ address, tls, apiKey, metadata, connectTimeout: 5000 });
    await connection.workflowService.getSystemInfo({});
  } catch (err) {
    throw new ExitError(
      ExitCode.TemporalUnreachable,
      `kfed: cannot reach Temporal at ${settings.address} (namespace ${settings.namespace}): ${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)}\n` +
        `  Start the local environment with \`npm start\` (or \`kfed local up\`), or point TEMPORAL_ADDRESS / TEMPORAL_PROFILE at your server.`,
    );
  }
  return {
    client: new Client({ connection, namespace: settings.namespace, ...(converter ? { dataConverter: converter } : {}) }),
    settings,
    close: () => connection.close(),
  };
}
