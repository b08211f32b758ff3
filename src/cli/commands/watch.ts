import { findRun } from '../../client/runs.js';
import { parseCommand, requireName } from '../args.js';
import { connectClient } from '../connect.js';
import { ExitCode, ExitError } from '../errors.js';
import { followRun } from '../../client/runs.js';
import { failureLine } from '../outcome.js';
import { ProgressPrinter } from '../progress-view.js';

export const help = `kfed watch NAME [--teardown]

Shows the live progress of the federation's current (or last) run until it ends. Ctrl-C stops
watching; the run goes on. --teardown follows the teardown run instead.`;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(argv, { teardown: { type: 'boolean' } });
  const name = requireName(positionals);
  const { client, close } = await connectClient();
  try {
    const handle = await findRun(client, name, values.teardown ? 'teardown' : 'federation');
    const workflowId = handle.workflowId;
    if (!(await handle.describe().catch(() => undefined))) throw new ExitError(ExitCode.BadInput, `kfed: no run ${workflowId}; start one with: kfed up -f FILE`);
    const printer = new ProgressPrinter();
    const outcome = await followRun(handle, (p) => { printer.update(p); });
    if (outcome.status !== 'COMPLETED') throw new ExitError(ExitCode.RunFailed, failureLine(workflowId, outcome));
  } finally {
    await close();
  }
}
