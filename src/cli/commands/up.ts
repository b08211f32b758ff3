import { startFederate } from '../../client/runs.js';
import { fileFlag, outputFlag, parseCommand, waitFlag } from '../args.js';
import { connectClient } from '../connect.js';
import { followToEnd } from '../follow.js';
import { parseOutputFormat, printJson } from '../output.js';
import { readSpecFile } from '../read-spec.js';
import { runLink } from '../ui.js';
import { printSummary } from './status.js';
import type { FederationSummary } from '../../contract.js';

export const help = `kfed up -f FILE [--wait] [--plan] [--prune] [-o json]

Validates the spec, then starts the federate workflow (id kfed/<metadata.name>). If a run of
that federation is already open, attaches to it instead of starting a second one. With --wait,
shows live progress until the run ends and prints the result (exit 1 if it failed).
With --plan, only shows what the run would do (see kfed plan) and changes nothing.

A run converges on the spec: members the spec no longer names are unjoined, and a former
host's plane is removed. Clusters kfed created for this federation that the spec no longer
names are kept (and reported) unless --prune is given: then they are deleted.`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { ...fileFlag, ...waitFlag, ...outputFlag, plan: { type: 'boolean' }, prune: { type: 'boolean' } }, 0);
  if (values.plan) {
    const planCommand = await import('./plan.js');
    return planCommand.run(argv.filter((a) => a !== '--plan' && a !== '--wait' && a !== '-w'));
  }
  const format = parseOutputFormat(values.output);
  const spec = readSpecFile(values.file);
  const { client, settings, close } = await connectClient();
  try {
    const { handle, workflowId, runId, attached } = await startFederate(client, settings.taskQueue, spec, values.prune ? { prune: true } : {});
    const link = runLink(settings.namespace, workflowId, runId);
    if (format !== 'json') {
      console.log(`${attached ? 'attached to the open run of' : 'started'} ${workflowId} (run ${runId})`);
      // The open run was started with its own options; --prune reaches only a new run.
      if (attached && values.prune) console.log('--prune applies to a new run only: the open run prunes only if it was started with --prune');
      if (link) console.log(`Temporal UI: ${link}`);
    }
    if (!values.wait) {
      if (format === 'json') printJson({ workflowId, runId, attached, ui: link });
      else console.log(`follow it with: kfed watch ${spec.name}`);
      return;
    }
    const summary = await followToEnd<FederationSummary>(handle, runId, format);
    if (format !== 'json') printSummary(summary);
  } finally {
    await close();
  }
}
