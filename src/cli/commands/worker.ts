import { parseCommand } from '../args.js';

export const help = `kfed worker

Runs a kfed worker in the foreground (like \`npm run worker\`): polls the task queue
(KFED_TASK_QUEUE, default kfed) on the Temporal server from TEMPORAL_ADDRESS/TEMPORAL_PROFILE.
Google Cloud access: Application Default Credentials, or the emulator's endpoints through
KFED_DNS_ENDPOINT, KFED_GKE_ENDPOINT and KFED_GCP_ACCESS_TOKEN_FILE. Logs are JSON lines on
stderr (KFED_LOG_LEVEL: DEBUG, INFO, WARN, ERROR). SIGINT/SIGTERM drain and stop it.`;

export async function run(argv: string[]): Promise<void> {
  parseCommand(argv, {}, 0);
  const { runWorker } = await import('../../worker.js');
  await runWorker();
}
