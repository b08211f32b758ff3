import type { Client } from '@temporalio/client';
import { runOutcome, startPlan } from '../../client/runs.js';
import type { FederateOptions, FederationPlan } from '../../contract.js';
import type { PlanAction } from '../../providers/types.js';
import type { FederationSpec } from '../../spec/types.js';
import { fileFlag, outputFlag, parseCommand } from '../args.js';
import { connectClient } from '../connect.js';
import { ExitCode, ExitError } from '../errors.js';
import { resultOf } from '../outcome.js';
import { parseOutputFormat, printJson, table } from '../output.js';
import { readSpecFile } from '../read-spec.js';

export const help = `kfed plan -f FILE [--prune] [-o json]     (also: kfed up -f FILE --plan)

Read-only: shows what \`kfed up\` would do to each resource — the DNS zone, each cluster, the
plane, each join and each kube-dns entry — as create, adopt, unchanged, update, conflict,
unjoin or delete, with the reason. It runs on a worker, with the same providers and
credentials as a real run, and changes nothing. With --prune it plans \`kfed up --prune\`:
clusters kfed made for the federation that the spec no longer names show as delete.
Exit 0 when nothing is in conflict, 2 when a conflict would fail the run.`;

const marks: Record<PlanAction, string> = { create: '+', adopt: '~', unchanged: '=', update: '*', conflict: '!', unjoin: '-', delete: '-' };

/** How long a plan may take before kfed says no worker seems to run it. */
const planTimeoutMs = 180_000;

/** Runs the plan workflow and returns its answer. */
export async function runPlan(client: Client, taskQueue: string, spec: FederationSpec, options: FederateOptions = {}): Promise<FederationPlan> {
  const { handle } = await startPlan(client, taskQueue, spec, planTimeoutMs, options);
  const outcome = await runOutcome<FederationPlan>(handle);
  if (outcome.status === 'TIMED_OUT') {
    throw new ExitError(
      ExitCode.RunFailed,
      `kfed: the plan got no answer within ${planTimeoutMs / 1000}s: is a kfed worker of this version polling task queue ${taskQueue}? (npm run worker; with npm start, run it again to restart the local worker)`,
    );
  }
  return resultOf(handle.workflowId, outcome);
}

/** Prints a plan like `terraform plan`: a mark per action, then totals. */
export function printPlan(result: FederationPlan, spec: FederationSpec): void {
  console.log(`plan for federation ${spec.name} (project ${spec.project}):\n`);
  console.log(table(['', 'ACTION', 'RESOURCE', 'REASON'], result.items.map((i) => [marks[i.action], i.action, i.resource, i.reason])));
  const count = (action: PlanAction): number => result.items.filter((i) => i.action === action).length;
  console.log(`\n${count('create')} to create, ${count('adopt')} to adopt, ${count('update')} to update, ${count('unchanged')} unchanged, ${count('unjoin')} to unjoin, ${count('delete')} to delete, ${count('conflict')} in conflict`);
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { ...fileFlag, ...outputFlag, prune: { type: 'boolean' } }, 0);
  const format = parseOutputFormat(values.output);
  const spec = readSpecFile(values.file);
  const { client, settings, close } = await connectClient();
  try {
    const result = await runPlan(client, settings.taskQueue, spec, values.prune ? { prune: true } : {});
    if (format === 'json') printJson(result);
    else printPlan(result, spec);
    if (result.conflicts > 0) throw new ExitError(ExitCode.BadInput, `kfed: ${result.conflicts} conflict(s) would fail the run; fix them before kfed up`);
  } finally {
    await close();
  }
}
