/**
 * Reading workflow histories for the figures: activity executions (scheduled, started, closed,
 * attempt, failure), workflow start/close times and the child runs of a federate run. Times are
 * the server's event times (epoch milliseconds).
 */
import type { Client } from '@temporalio/client';
// NOTE: a default import for values: the generated CommonJS module has no named exports Node's
// ESM loader can see (tsx runs these files as ESM); the types come from a type-only import.
import proto from '@temporalio/proto';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const EventType = proto.temporal.api.enums.v1.EventType;

/** Activities that throw on purpose until a condition holds; their retries are polls, not re-executions. */
export const pollingActivities: ReadonlySet<string> = new Set(['awaitOperation', 'awaitClusterRunning', 'awaitClusterGone']);

export interface ActivityExecution {
  readonly workflowId: string;
  readonly runId: string;
  /** The activity id within its run (what a describe's pending activities name). */
  readonly activityId: string;
  readonly type: string;
  /** The decoded first argument. */
  readonly input: unknown;
  /** Type and every argument as text: equal for two executions of the same call. */
  readonly callKey: string;
  /** The timeouts it was scheduled with (ms; undefined when none). */
  readonly heartbeatTimeoutMs?: number;
  readonly startToCloseTimeoutMs?: number;
  readonly scheduledAt: number;
  /** When the last attempt started (Temporal records the started event of the last attempt only). */
  readonly startedAt?: number;
  readonly closedAt?: number;
  /** Attempt number of the last attempt (1 = executed once). */
  readonly attempt: number;
  readonly outcome: 'completed' | 'failed' | 'timedOut' | 'canceled' | 'open';
  /** Failure type of the attempt before the last one (e.g. a heartbeat timeout). */
  readonly lastFailure?: string;
  /** The final failure, when the activity failed. */
  readonly failure?: { readonly type: string; readonly message: string; readonly nonRetryable: boolean };
  /** The decoded result, when it completed. */
  readonly result?: unknown;
}

export interface RunHistory {
  readonly workflowId: string;
  readonly runId: string;
  readonly type: string;
  readonly startedAt: number;
  readonly closedAt?: number;
  readonly status: 'completed' | 'failed' | 'canceled' | 'terminated' | 'timedOut' | 'continued' | 'open';
  readonly activities: readonly ActivityExecution[];
  /** Children started by this run: workflow id, run id, type and when the start was initiated. */
  readonly children: readonly { readonly workflowId: string; readonly runId: string; readonly type: string; readonly initiatedAt: number }[];
  readonly events: readonly HistoryEvent[];
}

interface TimestampLike {
  readonly seconds?: { toString(): string } | number | null;
  readonly nanos?: number | null;
}

export function timeOf(ts: TimestampLike | null | undefined): number {
  if (!ts) return 0;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds?.toString() ?? 0);
  return seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

function durationOf(d: TimestampLike | null | undefined): number | undefined {
  const ms = timeOf(d);
  return ms > 0 ? ms : undefined;
}

function idOf(value: { toString(): string } | number | null | undefined): string {
  return value === null || value === undefined ? '' : value.toString();
}

/** Decodes a JSON payload (`json/plain`); undefined for anything else. */
export function decodePayload(payload: temporal.api.common.v1.IPayload | null | undefined): unknown {
  const data = payload?.data;
  if (!data) return undefined;
  try {
    return JSON.parse(Buffer.from(data).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function failureInfo(f: temporal.api.failure.v1.IFailure | null | undefined): ActivityExecution['failure'] {
  // Activity failures wrap the application failure as their cause.
  let current = f;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current.applicationFailureInfo) {
      return { type: current.applicationFailureInfo.type ?? '', message: current.message ?? '', nonRetryable: current.applicationFailureInfo.nonRetryable ?? false };
    }
    if (current.timeoutFailureInfo) return { type: `Timeout:${String(current.timeoutFailureInfo.timeoutType ?? '')}`, message: current.message ?? '', nonRetryable: false };
    current = current.cause;
  }
  return f ? { type: 'unknown', message: f.message ?? '', nonRetryable: false } : undefined;
}

/** The events that close a run, and the status each leaves. */
const closingStatus: ReadonlyMap<proto.temporal.api.enums.v1.EventType, RunHistory['status']> = new Map([
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, 'completed'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, 'failed'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, 'canceled'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, 'terminated'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, 'timedOut'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, 'continued'],
]);

/** One run's history, parsed. */
export async function readRun(client: Client, workflowId: string, runId?: string): Promise<RunHistory> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const first = events[0];
  const started = first?.workflowExecutionStartedEventAttributes;
  const resolvedRunId = runId ?? (await handle.describe()).runId;
  interface Scheduled {
    activityId: string;
    type: string;
    input: unknown;
    callKey: string;
    heartbeatTimeoutMs: number | undefined;
    startToCloseTimeoutMs: number | undefined;
    at: number;
    started?: HistoryEvent;
  }
  const scheduled = new Map<string, Scheduled>();
  const activities: ActivityExecution[] = [];
  const children: { workflowId: string; runId: string; type: string; initiatedAt: number }[] = [];
  const initiated = new Map<string, number>();
  let closedAt: number | undefined;
  let status: RunHistory['status'] = 'open';

  /** An activity as it ended (`at` undefined: still open when the history was read). */
  const execution = (s: Scheduled, outcome: ActivityExecution['outcome'], at?: number, failure?: ActivityExecution['failure'], result?: unknown): ActivityExecution => {
    const st = s.started?.activityTaskStartedEventAttributes;
    const lastFailure = failureInfo(st?.lastFailure);
    return {
      workflowId,
      runId: resolvedRunId,
      activityId: s.activityId,
      type: s.type,
      input: s.input,
      callKey: s.callKey,
      ...(s.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: s.heartbeatTimeoutMs } : {}),
      ...(s.startToCloseTimeoutMs !== undefined ? { startToCloseTimeoutMs: s.startToCloseTimeoutMs } : {}),
      scheduledAt: s.at,
      ...(s.started ? { startedAt: timeOf(s.started.eventTime) } : {}),
      ...(at !== undefined ? { closedAt: at } : {}),
      attempt: st?.attempt ?? 1,
      outcome,
      ...(lastFailure ? { lastFailure: lastFailure.type } : {}),
      ...(failure ? { failure } : {}),
      ...(result !== undefined ? { result } : {}),
    };
  };
  const close = (scheduledId: string, at: number, outcome: ActivityExecution['outcome'], failure?: ActivityExecution['failure'], result?: unknown): void => {
    const s = scheduled.get(scheduledId);
    if (!s) return;
    scheduled.delete(scheduledId);
    activities.push(execution(s, outcome, at, failure, result));
  };

  for (const e of events) {
    const at = timeOf(e.eventTime);
    const id = idOf(e.eventId);
    switch (e.eventType) {
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const a = e.activityTaskScheduledEventAttributes;
        const type = a?.activityType?.name ?? '';
        const args = (a?.input?.payloads ?? []).map((p) => decodePayload(p));
        scheduled.set(id, {
          activityId: a?.activityId ?? '',
          type,
          input: args[0],
          callKey: `${type} ${JSON.stringify(args)}`,
          heartbeatTimeoutMs: durationOf(a?.heartbeatTimeout),
          startToCloseTimeoutMs: durationOf(a?.startToCloseTimeout),
          at,
        });
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const s = scheduled.get(idOf(e.activityTaskStartedEventAttributes?.scheduledEventId));
        if (s) s.started = e;
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        close(idOf(e.activityTaskCompletedEventAttributes?.scheduledEventId), at, 'completed', undefined, decodePayload(e.activityTaskCompletedEventAttributes?.result?.payloads?.[0]));
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        close(idOf(e.activityTaskFailedEventAttributes?.scheduledEventId), at, 'failed', failureInfo(e.activityTaskFailedEventAttributes?.failure));
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        close(idOf(e.activityTaskTimedOutEventAttributes?.scheduledEventId), at, 'timedOut', failureInfo(e.activityTaskTimedOutEventAttributes?.failure));
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
        close(idOf(e.activityTaskCanceledEventAttributes?.scheduledEventId), at, 'canceled');
        break;
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
        initiated.set(id, at);
        break;
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
        const c = e.childWorkflowExecutionStartedEventAttributes;
        children.push({
          workflowId: c?.workflowExecution?.workflowId ?? '',
          runId: c?.workflowExecution?.runId ?? '',
          type: c?.workflowType?.name ?? '',
          initiatedAt: initiated.get(idOf(c?.initiatedEventId)) ?? at,
        });
        break;
      }
      default: {
        const closing = closingStatus.get(e.eventType ?? EventType.EVENT_TYPE_UNSPECIFIED);
        if (closing) {
          closedAt = at;
          status = closing;
        }
        break;
      }
    }
  }
  for (const s of scheduled.values()) activities.push(execution(s, 'open'));
  scheduled.clear();
  return {
    workflowId,
    runId: resolvedRunId,
    type: started?.workflowType?.name ?? '',
    startedAt: timeOf(first?.eventTime),
    ...(closedAt !== undefined ? { closedAt } : {}),
    status,
    activities,
    children,
    events,
  };
}

/** A run and, recursively, every child run it started. */
export async function readRunTree(client: Client, workflowId: string, runId?: string): Promise<RunHistory[]> {
  const root = await readRun(client, workflowId, runId);
  const out = [root];
  for (const child of root.children) out.push(...(await readRunTree(client, child.workflowId, child.runId)));
  return out;
}

/** Every activity of a run tree. */
export function allActivities(runs: readonly RunHistory[]): ActivityExecution[] {
  return runs.flatMap((r) => r.activities);
}
