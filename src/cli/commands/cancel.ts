import { findRun } from '../../client/runs.js';
import { parseCommand, requireName } from '../args.js';
import { connectClient } from '../connect.js';
import { ExitCode, ExitError } from '../errors.js';

export const help = `kfed cancel NAME

Requests cancellation of the federation's open run. Steps stop at their next safe point; with
spec.onFailure: teardown the run then cleans up what it made.`;

export async function run(argv: string[]): Promise<void> {
  const { positionals } = parseCommand(argv, {});
  const name = requireName(positionals);
  const { client, close } = await connectClient();
  try {
    const handle = await findRun(client, name, 'federation');
    const description = await handle.describe().catch(() => undefined);
    if (description?.status.name !== 'RUNNING') {
      throw new ExitError(ExitCode.BadInput, `kfed: federation ${name} has no open run${description ? ` (last run ${description.status.name})` : ''}`);
    }
    await handle.cancel();
    console.log(`cancellation requested for ${handle.workflowId} (run ${description.runId}); follow it with: kfed watch ${name}`);
  } finally {
    await close();
  }
}
