import { startTeardown, findRun } from '../../client/runs.js';
import type { TeardownSummary } from '../../contract.js';
import { fileFlag, outputFlag, parseCommand, requireName, waitFlag } from '../args.js';
import { connectClient } from '../connect.js';
import { followToEnd } from '../follow.js';
import { parseOutputFormat, printJson } from '../output.js';
import { specFromFile, specOf } from '../spec-of-run.js';
import { runLink } from '../ui.js';

export const help = `kfed down NAME [-f FILE] [--wait] [-o json] [--delete-foreign-records]

Tears the federation down: unjoins every member, deletes the clusters kfed created and the DNS
zone. Works on partial state (a run that failed or never finished). The spec comes from -f FILE
or from the federation's last run. An open federate run is cancelled first.

The zone is deleted with kfed's own records only: when it holds records kfed did not write, the
teardown stops before it deletes anything and names them. --delete-foreign-records deletes
them too.`;

/** `--delete-foreign-records`: also delete the zone's records kfed did not write. */
const foreignRecordsFlag = { 'delete-foreign-records': { type: 'boolean' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(argv, { ...fileFlag, ...waitFlag, ...outputFlag, ...foreignRecordsFlag });
  const name = requireName(positionals);
  const format = parseOutputFormat(values.output);
  const fromFile = values.file === undefined ? undefined : specFromFile(name, values.file);
  const { client, settings, close } = await connectClient();
  try {
    const spec = await specOf(client, name, fromFile);
    const upHandle = await findRun(client, name, 'federation');
    const up = await upHandle.describe().catch(() => undefined);
    if (up?.status.name === 'RUNNING') {
      if (format !== 'json') console.log(`cancelling the open federate run ${up.runId} first…`);
      await upHandle.cancel();
      await upHandle.result().catch(() => undefined);
    }
    const deleteForeignRecords = values['delete-foreign-records'] ?? false;
    const { handle, workflowId, runId } = await startTeardown(client, settings.taskQueue, spec, deleteForeignRecords ? { deleteForeignRecords } : {});
    const link = runLink(settings.namespace, workflowId, runId);
    if (format !== 'json') {
      console.log(`started ${workflowId} (run ${runId})`);
      if (link) console.log(`Temporal UI: ${link}`);
    }
    if (!values.wait) {
      if (format === 'json') printJson({ workflowId, runId, ui: link });
      else console.log(`follow it with: kfed watch ${name} --teardown`);
      return;
    }
    const result = await followToEnd<TeardownSummary>(handle, runId, format);
    if (format !== 'json') {
      const clusters = Object.entries(result.clusters).map(([c, r]) => `${c} ${r}`).join(', ');
      console.log(`\nfederation ${name} torn down: clusters ${clusters || 'none'}; zone ${result.zone}`);
    }
  } finally {
    await close();
  }
}
