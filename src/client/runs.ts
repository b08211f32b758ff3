/**
 * Starting kfed's workflows and following them to their end, from the client side: the one home
 * of their start options (ids, id conflict and reuse policies, summaries, memo) and of how a run
 * ended. The CLI, the benchmarks and the fault suite all start and wait for runs through here.
 */
import {
  WorkflowFailedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import {
  failureInfo,
  legacyWorkflowIds,
  progressQuery,
  runMemo,
  serviceDnsStatusQuery,
  workflowIds,
  workflowTypes,
  type FailureInfo,
  type FederateOptions,
  type FederationHealth,
  type FederationPlan,
  type FederationSummary,
  type RotationSummary,
  type TeardownOptions,
  type TeardownSummary,
} from '../contract.js';
import type { ServiceDnsStatus } from '../service-dns/sync-model.js';
import type { FederationSpec } from '../spec/types.js';
import type { FederationProgress } from '../workflows/progress.js';

/** A started run: its handle and first run id. */
export interface StartedRun<T> {
  readonly handle: WorkflowHandleWithFirstExecutionRunId;
  readonly workflowId: string;
  readonly runId: string;
  /** True when an open run of the same id was joined instead of starting a new one. */
  readonly attached: boolean;
  /** Phantom: the result type of the run. */
  readonly resultType?: T;
}

/** How a run ended. `progress` is the last snapshot a worker answered with, when any did. */
export type RunOutcome<T> =
  | { readonly status: 'COMPLETED'; readonly result: T; readonly progress?: FederationProgress }
  | {
      readonly status: 'FAILED' | 'CANCELLED' | 'TERMINATED' | 'TIMED_OUT';
      /** The innermost failure message. */
      readonly error: string;
      /** Its failure type and hint, when the failure carried them. */
      readonly failure: FailureInfo;
      readonly progress?: FederationProgress;
    };

async function isOpen(client: Client, workflowId: string): Promise<boolean> {
  const description = await client.workflow
    .getHandle(workflowId)
    .describe()
    .catch(() => undefined);
  return description?.status.name === 'RUNNING';
}

async function start<T>(client: Client, workflowId: string, type: string, options: Omit<Parameters<Client['workflow']['start']>[1], 'workflowId'>): Promise<StartedRun<T>> {
  const attached = options.workflowIdConflictPolicy === WorkflowIdConflictPolicy.USE_EXISTING && (await isOpen(client, workflowId));
  const handle = await client.workflow.start(type, { ...options, workflowId });
  return { handle, workflowId, runId: handle.firstExecutionRunId, attached };
}

/**
 * The workflow arguments of a federate or plan run: the spec, then the options only when one is
 * set, so a run without options starts exactly as runs did before the workflows took them.
 */
function runArgs(spec: FederationSpec, options: FederateOptions): [FederationSpec] | [FederationSpec, FederateOptions] {
  return options.prune ? [spec, { prune: true }] : [spec];
}

/**
 * Starts `federate` for the spec, or joins its open run: never two runs of one federation, so a
 * second `kfed up` attaches (and the open run keeps the options it was started with).
 */
export function startFederate(client: Client, taskQueue: string, spec: FederationSpec, options: FederateOptions = {}): Promise<StartedRun<FederationSummary>> {
  return start(client, workflowIds.federation(spec.name), workflowTypes.federate, {
    taskQueue,
    args: runArgs(spec, options),
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    staticSummary: `federate ${spec.name}: ${spec.clusters.length} cluster(s) in ${spec.project}${options.prune ? '; deletes clusters the spec dropped (--prune)' : ''}`,
    staticDetails: spec.clusters.map((c) => `- ${c.name} (${c.context}) in ${c.location}${c.name === spec.host ? ' — host' : ''}`).join('\n'),
    memo: runMemo(spec.name, workflowTypes.federate),
  });
}

/**
 * Starts `teardown` for the spec, or joins its open run; `options` say what it may delete beyond
 * kfed's own. Without options it starts with the spec alone, as teardowns did before they took them.
 */
export function startTeardown(client: Client, taskQueue: string, spec: FederationSpec, options: TeardownOptions = {}): Promise<StartedRun<TeardownSummary>> {
  return start(client, workflowIds.teardown(spec.name), workflowTypes.teardown, {
    taskQueue,
    args: Object.keys(options).length > 0 ? [spec, options] : [spec],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    staticSummary: `teardown ${spec.name}`,
    memo: runMemo(spec.name, workflowTypes.teardown),
  });
}

/**
 * Starts `rotateCredentials` for the spec, or joins its open run: never two rotations of one
 * federation at once (each would revoke the other's new tokens).
 */
export function startRotate(client: Client, taskQueue: string, spec: FederationSpec): Promise<StartedRun<RotationSummary>> {
  return start(client, workflowIds.rotate(spec.name), workflowTypes.rotateCredentials, {
    taskQueue,
    args: [spec],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    staticSummary: `rotate the member credentials of ${spec.name} (${spec.clusters.length} member(s))`,
    memo: runMemo(spec.name, workflowTypes.rotateCredentials),
  });
}

/**
 * Starts a read-only `plan`. A newer plan replaces an older one still open (e.g. stuck on a
 * worker of an old version) instead of waiting for it; the execution timeout closes a plan no
 * worker picks up, so none is left open behind a client that gave up.
 */
export function startPlan(client: Client, taskQueue: string, spec: FederationSpec, timeoutMs: number, options: FederateOptions = {}): Promise<StartedRun<FederationPlan>> {
  return start(client, workflowIds.plan(spec.name), workflowTypes.plan, {
    taskQueue,
    args: runArgs(spec, options),
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.TERMINATE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    workflowExecutionTimeout: timeoutMs,
    staticSummary: `plan ${spec.name} (read-only${options.prune ? ', --prune' : ''})`,
    memo: runMemo(spec.name, workflowTypes.plan),
  });
}

/**
 * Reads the federation's live health on a worker (the `health` workflow). Like a plan, a newer
 * read replaces an older one still open, and one no worker picks up closes after `timeoutMs`.
 */
export function startHealth(client: Client, taskQueue: string, spec: FederationSpec, timeoutMs: number): Promise<StartedRun<FederationHealth>> {
  return start(client, workflowIds.health(spec.name), workflowTypes.health, {
    taskQueue,
    args: [spec],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.TERMINATE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    workflowExecutionTimeout: timeoutMs,
    staticSummary: `health of ${spec.name} (read-only)`,
    memo: runMemo(spec.name, workflowTypes.health),
  });
}

/**
 * The handle of a federation's federate or teardown run: under the current id, or — when no run
 * exists there — under the id runs had before (see legacyWorkflowIds), so a federation built by
 * an older kfed is still found. The current id's handle when neither exists.
 */
export async function findRun(client: Client, name: string, kind: 'federation' | 'teardown'): Promise<WorkflowHandle> {
  const current = client.workflow.getHandle(workflowIds[kind](name));
  if (await current.describe().then(() => true, () => false)) return current;
  const legacy = client.workflow.getHandle(legacyWorkflowIds[kind](name));
  return (await legacy.describe().then(() => true, () => false)) ? legacy : current;
}

/** The progress of a run, or undefined when no worker can answer the query right now. */
export async function queryProgress(handle: WorkflowHandle): Promise<FederationProgress | undefined> {
  try {
    return await handle.query(progressQuery);
  } catch {
    return undefined;
  }
}

/** The outcome of a closed run (or of one that closes while waiting): its result or its failure. */
export async function runOutcome<T>(handle: WorkflowHandle, progress?: FederationProgress): Promise<RunOutcome<T>> {
  try {
    const result = (await handle.result()) as T;
    return { status: 'COMPLETED', result, ...(progress ? { progress } : {}) };
  } catch (err) {
    const description = await handle.describe();
    const status = description.status.name;
    const closed = status === 'CANCELLED' || status === 'TERMINATED' || status === 'TIMED_OUT' ? status : 'FAILED';
    const failure = failureInfo(err instanceof WorkflowFailedError ? (err.cause ?? err) : err);
    return { status: closed, error: failure.message, failure, ...(progress ? { progress } : {}) };
  }
}

/**
 * Follows a run until it closes, handing each progress snapshot to `onProgress`, and returns how
 * it ended. Stopping to follow (Ctrl-C) does not stop the run: it goes on on the workers.
 */
export async function followRun<T>(handle: WorkflowHandle, onProgress?: (progress: FederationProgress) => void, pollMs = 500): Promise<RunOutcome<T>> {
  let progress: FederationProgress | undefined;
  for (;;) {
    progress = (await queryProgress(handle)) ?? progress;
    if (progress) onProgress?.(progress);
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  progress = (await queryProgress(handle)) ?? progress;
  if (progress) onProgress?.(progress);
  return runOutcome<T>(handle, progress);
}

/** A federation's service-DNS sync: its workflow, that workflow's state, and what it answered. */
export interface ServiceDnsSync {
  readonly workflowId: string;
  /** The workflow's execution status (RUNNING, COMPLETED, ...). */
  readonly state: string;
  /** Absent when no worker answered the query. */
  readonly status?: ServiceDnsStatus;
}

/**
 * The federation's service-DNS sync as it answers now (phase, passes, its records, the last
 * sync), or undefined when there is none or no worker can answer.
 */
export async function queryServiceDns(client: Client, federation: string): Promise<ServiceDnsSync | undefined> {
  const handle = client.workflow.getHandle(workflowIds.serviceDns(federation));
  const description = await handle.describe().catch(() => undefined);
  if (!description) return undefined;
  const status = await handle.query(serviceDnsStatusQuery).catch(() => undefined);
  return { workflowId: description.workflowId, state: description.status.name, ...(status ? { status } : {}) };
}
