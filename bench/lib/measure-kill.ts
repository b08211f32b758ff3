/**
 * A worker SIGKILLed during the join step and a new one started at once, measured from the run's
 * history:
 * - which activities ran again: those in flight at the kill (their attempts after it), and
 *   those that had completed before it and were executed again (durable execution says none);
 * - how soon a retry starts once it is due. An in-flight activity on a dead worker is retried
 *   when the server gives up on it: its heartbeat timeout after its last heartbeat (or its
 *   start-to-close timeout after its start, when earlier or without heartbeats), and it can only
 *   run once a worker polls. So its retry is due at the later of that expiry and the new
 *   worker's start, and the figure is due → the retried attempt's ActivityTaskStarted.
 */
// NOTE: a default import for values: the generated CommonJS module has no named exports Node's
// ESM loader can see (tsx runs these files as ESM).
import proto from '@temporalio/proto';
import type { FederationSpec } from '../../src/spec/types.js';
import { waitFor } from '../../src/local/wait.js';
import { readRunTree, timeOf, type ActivityExecution, type RunHistory } from '../../suite/history.js';
import type { Lab } from '../../suite/lab.js';
import { cleanUp } from '../../suite/leftovers.js';
import { secs, type Log } from '../../suite/log.js';

const PendingStarted = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

/** An activity running on the worker when it was killed, as the server saw it then. */
interface InFlight {
  readonly activityId: string;
  readonly type: string;
  readonly attempt: number;
  /** Its attempt's start and its last heartbeat that reached the server (ms since epoch). */
  readonly startedAt: number;
  readonly lastHeartbeatAt?: number;
}

/** One in-flight activity after the run: how often it ran again, and when its retry was due and started. */
interface Retry {
  readonly type: string;
  readonly reruns: number;
  /** When the server gave up on the dead attempt. */
  readonly expiredAt?: number;
  readonly dueAt?: number;
  readonly restartedAt?: number;
}

export interface KillMeasurement {
  readonly completed: boolean;
  /** Lost to the substrate (see Lab.outcome): replaced, not counted. */
  readonly lost: boolean;
  readonly inFlight: number;
  /** Executions again of the in-flight activities (attempts after the kill). */
  readonly inFlightReruns: number;
  /** Activities that had completed before the kill and were executed again (`type` each). */
  readonly completedReruns: readonly string[];
  /** The slowest retried activity's due → start, seconds. */
  readonly resumeS?: number;
  /** Which moment made the retries due (timeout expiry or worker start) and how soon they started. */
  readonly resumeNote: string;
  /** Some retry was due at its timeout's expiry (the new worker was up before it). */
  readonly dueAtExpiry: boolean;
  readonly note: string;
}

/** When the server gives up on an attempt whose worker is gone. */
function expiresAt(a: InFlight, scheduled: ActivityExecution | undefined): number | undefined {
  const byHeartbeat = scheduled?.heartbeatTimeoutMs !== undefined ? (a.lastHeartbeatAt ?? a.startedAt) + scheduled.heartbeatTimeoutMs : undefined;
  const byStartToClose = scheduled?.startToCloseTimeoutMs !== undefined ? a.startedAt + scheduled.startToCloseTimeoutMs : undefined;
  const candidates = [byHeartbeat, byStartToClose].filter((t): t is number => t !== undefined);
  return candidates.length ? Math.min(...candidates) : undefined;
}

/** The in-flight activities' retries, read from the finished run's own history. */
function retriesOf(root: RunHistory, inFlight: readonly InFlight[], workerUpAt: number): Retry[] {
  return inFlight.map((a) => {
    const execution = root.activities.find((x) => x.activityId === a.activityId);
    const reruns = execution ? Math.max(0, execution.attempt - a.attempt) : 0;
    const expiry = expiresAt(a, execution);
    const dueAt = expiry === undefined ? undefined : Math.max(expiry, workerUpAt);
    return { type: a.type, reruns, ...(expiry !== undefined ? { expiredAt: expiry } : {}), ...(dueAt !== undefined ? { dueAt } : {}), ...(reruns > 0 && execution?.startedAt !== undefined ? { restartedAt: execution.startedAt } : {}) };
  });
}

/** Executions, scheduled after the kill, of a call (type and arguments) that had completed before it. */
function completedRerunsOf(tree: readonly RunHistory[], killedAt: number): string[] {
  const all = tree.flatMap((r) => r.activities);
  const done = new Set(all.filter((a) => a.outcome === 'completed' && a.closedAt !== undefined && a.closedAt <= killedAt).map((a) => a.callKey));
  return all.filter((a) => a.scheduledAt > killedAt && done.has(a.callKey)).map((a) => a.type);
}

/** What the server holds as running on the (dead) worker right after the kill. */
async function inFlightNow(lab: Lab, workflowId: string): Promise<InFlight[]> {
  const d = await lab.client.workflow.getHandle(workflowId).describe();
  return (d.raw.pendingActivities ?? [])
    .filter((a) => a.state === PendingStarted)
    .map((a) => {
      const beat = timeOf(a.lastHeartbeatTime);
      return { activityId: a.activityId ?? '', type: a.activityType?.name ?? '', attempt: a.attempt ?? 1, startedAt: timeOf(a.lastStartedTime), ...(beat > 0 ? { lastHeartbeatAt: beat } : {}) };
    });
}

function counted(names: readonly string[]): string {
  const n = new Map<string, number>();
  for (const x of names) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n].map(([k, c]) => `${k}×${c}`).join(' ') || 'none';
}

/** SIGKILLs the worker as soon as a join activity has started, starts a new one at once, and measures the run. */
export async function measureKill(lab: Lab, spec: FederationSpec, log: Log): Promise<KillMeasurement> {
  const startedAt = Date.now();
  const run = await lab.startFederate(spec);
  await waitFor(
    'a started join activity',
    async () => {
      const d = await run.handle.describe();
      return (d.raw.pendingActivities ?? []).some((a) => a.activityType?.name === 'joinCluster' && a.state === PendingStarted);
    },
    { timeoutMs: 900_000, intervalMs: 25 },
  );
  const killedAt = Date.now();
  await lab.killWorker();
  const inFlight = await inFlightNow(lab, run.workflowId);
  const worker = await lab.startWorker();
  const out = await lab.outcome(run, startedAt, 900_000);
  const sick = out.status === 'completed' ? [] : lab.unhealthyBacking();
  const tree = await readRunTree(lab.client, out.workflowId, out.runId);
  const root = tree[0];
  const workerUpAt = worker.startedAt ?? worker.pollingSeenAt;
  const retries = root ? retriesOf(root, inFlight, workerUpAt) : [];
  const completedReruns = completedRerunsOf(tree, killedAt);
  const waits = retries.flatMap((r) => (r.dueAt !== undefined && r.restartedAt !== undefined ? [(r.restartedAt - r.dueAt) / 1000] : []));
  const resumeS = waits.length ? Math.max(...waits) : undefined;
  const firstDue = Math.min(...retries.map((r) => r.dueAt ?? Infinity));
  const expiries = retries.flatMap((r) => (r.expiredAt === undefined ? [] : [r.expiredAt]));
  const dueBy = expiries.map((t) => (t > workerUpAt ? 'timeout expiry' : 'worker start'));
  const resumeNote = `timeouts expired ${expiries.map((t) => secs(t - killedAt)).join(', ') || 'never'} after the kill, new worker up ${secs(workerUpAt - killedAt)} after it, so due at ${counted(dueBy)}; started ${waits.map((w) => `${w.toFixed(2)} s`).join(', ') || 'never'} after due`;
  const line = [
    `${inFlight.length} in flight at the kill (${counted(inFlight.map((a) => a.type))})`,
    `executed again: ${retries.map((r) => `${r.type} +${r.reruns}`).join(' ') || 'none'}`,
    `completed and executed again: ${counted(completedReruns)}`,
    `new worker up ${secs(workerUpAt - worker.spawnedAt)} after spawn (${secs(workerUpAt - killedAt)} after the kill)`,
    `first retry due ${Number.isFinite(firstDue) ? secs(firstDue - killedAt) : 'never'} after the kill, started ${waits.map((w) => `${w.toFixed(2)} s`).join(', ') || 'never'} after due`,
  ].join('; ');
  log(`  ${spec.name}: ${out.status}; ${line}`);
  if (out.status === 'completed') await lab.collectJoinTokens(spec);
  await cleanUp(lab, spec, log);
  return {
    completed: out.status === 'completed',
    lost: out.status === 'lost',
    inFlight: inFlight.length,
    inFlightReruns: retries.reduce((n, r) => n + r.reruns, 0),
    completedReruns,
    ...(resumeS !== undefined ? { resumeS } : {}),
    resumeNote,
    dueAtExpiry: dueBy.includes('timeout expiry'),
    note: out.status === 'completed' ? line : `run ${out.status}: ${out.error ?? ''}${sick.length ? `; substrate: ${sick.join('; ')}` : ''}`,
  };
}
