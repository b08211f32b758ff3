import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import { workflowIds } from '../../shared.js';
import type { federate, FederationSummary } from '../../workflows/federate.js';
import { fileFlag, outputFlag, parseCommand, waitFlag } from '../args.js';
import { connectClient } from '../connect.js';
import { followToEnd } from '../follow.js';
import { parseOutputFormat, printJson } from '../output.js';
import { readSpecFile } from '../read-spec.js';
import { runLink } from '../ui.js';
import { printSummary } from './status.js';

export const help = `kfed up -f FILE [--wait] [--plan] [-o json]

Validates the spec, then starts the federate workflow (id kfed-<metadata.name>). If a run of
that federation is already open, attaches to it instead of starting a second one. With --wait,
shows live progress until the run ends and prints the result (exit 1 if it failed).
With --plan, only shows what the run would do (see kfed plan) and changes nothing.`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { ...fileFlag, ...waitFlag, ...outputFlag, plan: { type: 'boolean' } }, 0);
  if (values.plan) {
    const planCommand = await import('./plan.js');
    return planCommand.run(argv.filter((a) => a !== '--plan' && a !== '--wait' && a !== '-w'));
  }
  const format = parseOutputFormat(values.output);
  const spec = readSpecFile(values.file);
  const { client, settings, close } = await connectClient();
  try {
    const workflowId = workflowIds.federation(spec.name);
    const existing = await client.workflow
      .getHandle(workflowId)
      .describe()
      .catch(() => undefined);
    const attaching = existing?.status.name === 'RUNNING';
    const handle = await client.workflow.start<typeof federate>('federate', {
      taskQueue: settings.taskQueue,
      workflowId,
      args: [spec],
      // Never two runs of one federation: a second `up` joins the open run.
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      staticSummary: `federate ${spec.name}: ${spec.clusters.length} cluster(s) in ${spec.project}`,
      staticDetails: spec.clusters.map((c) => `- ${c.name} (${c.context}) in ${c.location}${c.name === spec.host ? ' — host' : ''}`).join('\n'),
    });
    const description = await handle.describe();
    const link = runLink(settings.namespace, workflowId, description.runId);
    if (format !== 'json') {
      console.log(`${attaching ? 'attached to the open run of' : 'started'} ${workflowId} (run ${description.runId})`);
      if (link) console.log(`Temporal UI: ${link}`);
    }
    if (!values.wait) {
      if (format === 'json') printJson({ workflowId, runId: description.runId, attached: attaching, ui: link });
      else console.log(`follow it with: kfed watch ${spec.name}`);
      return;
    }
    const summary = await followToEnd<FederationSummary>(handle, description.runId, format);
    if (format !== 'json') printSummary(summary);
  } finally {
    await close();
  }
}
