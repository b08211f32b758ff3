import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { federationOfRunId } from '../../contract.js';
import type { FederationHealth, FederationSummary } from '../../contract.js';
import { conditions, type FederationProgress } from '../../workflows/progress.js';
import { federationName, outputFlag, parseCommand } from '../args.js';
import { connectClient } from '../connect.js';
import { ExitCode, ExitError } from '../errors.js';
import { queryProgress, queryServiceDns, runOutcome, findRun } from '../../client/runs.js';
import type { FailureInfo } from '../../contract.js';
import { formatHealth, liveHealthTimeoutMs, readLiveHealth, unreadHealth } from '../live-health.js';
import { describeFailure } from '../outcome.js';
import { age, parseOutputFormat, printJson, seconds, table } from '../output.js';
import { specOf } from '../spec-of-run.js';
import { formatServiceDns } from '../service-dns-view.js';
import { runLink } from '../ui.js';

export const help = `kfed status [NAME] [-o json]

Without NAME: every federation's latest run. With NAME: its clusters (NAME STATUS AGE, like
\`kubectl get clusters\`), the state of every step and the conditions; for a run that failed,
its failure with the error type and a hint (also in -o json as "failure"). Beside the recorded
run, the federation's live health read from the host by a worker, like \`kubectl get
kubefedclusters\`: each member's READY, OFFLINE, KUBERNETES-VERSION, LAST-PROBE and KubeFed's
message when it is not Ready (in -o json as "health"). When no worker answers within
${seconds(liveHealthTimeoutMs)}, it says so and shows the recorded run alone. Then its service
DNS sync: the last pass, the records it keeps in the zone and each Service's health per cluster
(in -o json as "serviceDns").`;

/** Statuses of a run that ended without its result. */
const unsuccessful = new Set(['FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT']);

/** The summary table printed after a successful run. */
export function printSummary(summary: FederationSummary): void {
  console.log(`\nfederation ${summary.federation} is ready (${seconds(summary.finishedAt - summary.startedAt)}): zone ${summary.zone.name} for ${summary.zone.dnsName}, ${summary.plane.type} in ${summary.plane.namespace} on ${summary.host}`);
  console.log(
    table(
      ['NAME', 'CONTEXT', 'LOCATION', 'ENDPOINT', 'CA SHA256'],
      summary.clusters.map((c) => [c.name, c.context, c.location, c.endpoint, `${c.caFingerprint.slice(0, 17)}…`]),
    ),
  );
}

function printProgress(progress: FederationProgress, now: number): void {
  const clusterAge = (name: string): string => {
    const started = progress.steps.find((s) => s.id === `cluster:${name}`)?.startedAt;
    return started === undefined ? '' : age(started, now);
  };
  console.log(table(['NAME', 'CONTEXT', 'LOCATION', 'STATUS', 'AGE'], progress.clusters.map((c) => [c.name, c.context, c.location, c.status, clusterAge(c.name)])));
  console.log('');
  console.log(
    table(
      ['STEP', 'STATE', 'TIME', 'NOTE'],
      progress.steps.map((s) => [
        s.title,
        s.state,
        s.startedAt === undefined ? '' : seconds((s.finishedAt ?? now) - s.startedAt),
        (s.message ?? '').slice(0, 100),
      ]),
    ),
  );
  console.log('');
  console.log(conditions(progress).map((c) => `${c.type}=${c.status}${c.status === 'True' ? '' : ` (${c.reason}: ${c.message})`}`).join('\n'));
}

async function latestRuns(client: Client): Promise<WorkflowExecutionInfo[]> {
  const latest = new Map<string, WorkflowExecutionInfo>();
  for await (const info of client.workflow.list({ query: "WorkflowType = 'federate'" })) {
    const seen = latest.get(info.workflowId);
    if (!seen || info.startTime > seen.startTime) latest.set(info.workflowId, info);
  }
  return [...latest.values()].sort((a, b) => a.workflowId.localeCompare(b.workflowId));
}

/** The live health of the federation whose spec its last federate run recorded. */
async function liveHealth(client: Client, taskQueue: string, name: string): Promise<FederationHealth> {
  let spec;
  try {
    spec = await specOf(client, name, undefined);
  } catch (err) {
    const message = err instanceof ExitError ? (err.userMessage ?? err.message) : err instanceof Error ? err.message : String(err);
    return unreadHealth({ name, host: '(unknown host)' }, message.replace(/^kfed: /, ''));
  }
  return readLiveHealth(client, taskQueue, spec);
}

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(argv, { ...outputFlag });
  const format = parseOutputFormat(values.output);
  const name = positionals[0] === undefined ? undefined : federationName(positionals[0]);
  const { client, settings, close } = await connectClient();
  try {
    if (!name) {
      const runs = await latestRuns(client);
      if (format === 'json') {
        printJson(runs.map((r) => ({ federation: federationOfRunId(r.workflowId) ?? r.workflowId, workflowId: r.workflowId, runId: r.runId, status: r.status.name, startTime: r.startTime, closeTime: r.closeTime })));
        return;
      }
      if (runs.length === 0) {
        console.log('no federations yet; start one with: kfed up -f FILE');
        return;
      }
      console.log(table(['NAME', 'STATUS', 'AGE', 'RUN'], runs.map((r) => [federationOfRunId(r.workflowId) ?? r.workflowId, r.status.name, age(r.startTime.getTime()), r.runId])));
      return;
    }
    const handle = await findRun(client, name, 'federation');
    const description = await handle.describe().catch(() => undefined);
    if (!description) throw new ExitError(ExitCode.BadInput, `kfed: no federation named ${name}; start one with: kfed up -f FILE`);
    // The recorded run and the live read are independent: ask for both at once.
    // A query waits for a worker far longer than the live read does; neither may hold status up.
    const deadline = Date.now() + liveHealthTimeoutMs;
    const [progress, health, serviceDns] = await Promise.all([
      client.withDeadline(deadline, () => queryProgress(handle)),
      liveHealth(client, settings.taskQueue, name),
      client.withDeadline(deadline, () => queryServiceDns(client, name)),
    ]);
    // A closed failed run keeps its failure (type and hint included) in its outcome.
    let failure: FailureInfo | undefined;
    if (unsuccessful.has(description.status.name)) {
      const outcome = await runOutcome(handle);
      if (outcome.status !== 'COMPLETED') failure = outcome.failure;
    }
    const link = runLink(settings.namespace, description.workflowId, description.runId);
    if (format === 'json') {
      printJson({
        federation: name,
        workflowId: description.workflowId,
        runId: description.runId,
        status: description.status.name,
        startTime: description.startTime,
        closeTime: description.closeTime,
        failure,
        conditions: progress ? conditions(progress) : undefined,
        progress,
        health,
        serviceDns,
        ui: link,
      });
      return;
    }
    console.log(`federation ${name}: last run ${description.status.name}, started ${age(description.startTime.getTime())} ago${link ? ` — ${link}` : ''}`);
    if (failure) console.log(`${description.status.name.toLowerCase().replace('_', ' ')}: ${describeFailure(failure)}`);
    console.log('');
    if (progress) printProgress(progress, description.closeTime?.getTime() ?? Date.now());
    else console.log('(no worker answered the progress query; start one with `npm run worker` to see steps)');
    console.log('');
    console.log(formatHealth(health));
    if (serviceDns) console.log(`\n${formatServiceDns(serviceDns, Date.now())}`);
  } finally {
    await close();
  }
}
