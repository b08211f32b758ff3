import { Client, Connection } from '@temporalio/client';
import { temporalSettings, type TemporalSettings } from '../temporal-config.js';
import { ExitCode, ExitError } from './errors.js';

export interface ConnectedClient {
  readonly client: Client;
  readonly settings: TemporalSettings;
  readonly close: () => Promise<void>;
}

/**
 * Connects to Temporal or exits with code 3 and a message that names the address and how to
 * get a server. Commands call this only after validating their input (no server contact for
 * bad input).
 */
export async function connectClient(env: NodeJS.ProcessEnv = process.env): Promise<ConnectedClient> {
  const settings = temporalSettings(env);
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
    client: new Client({ connection, namespace: settings.namespace }),
    settings,
    close: () => connection.close(),
  };
}
