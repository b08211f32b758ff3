/**
 * The contract between kfed's clients (CLI, benchmarks, fault suite) and its workflows: workflow
 * ids, the progress query, memo keys, what each workflow returns, and the failure types a run can
 * end with. Workflow-safe: no Node modules, so workflow code imports it as well.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { permanentErrorTypes } from './providers/errors.js';
import type { MemberHealth } from './providers/kube/types.js';
import type { PlanItem } from './providers/types.js';
import type { ServiceDnsStatus, ServiceDnsUpdate } from './service-dns/sync-model.js';
import type { FederationProgress } from './workflows/progress.js';

/** Default task queue of kfed workers. @default 'kfed' (override: KFED_TASK_QUEUE) */
export const defaultTaskQueue = 'kfed';

/**
 * Business workflow ids: one open run per federation, so a second `kfed up` attaches. The parts
 * are joined with `/`, which no RFC1123 name can hold, so no federation's ids can collide with
 * another's (a federation named `prod-plan` and the plan of `prod`, say).
 */
export const workflowIds = {
  federation: (name: string): string => `kfed/${name}`,
  cluster: (federation: string, cluster: string): string => `kfed/${federation}/cluster/${cluster}`,
  teardown: (name: string): string => `kfed/${name}/teardown`,
  plan: (name: string): string => `kfed/${name}/plan`,
  health: (name: string): string => `kfed/${name}/health`,
  /** Credential rotation (`kfed rotate NAME`): one open rotation per federation. */
  rotate: (name: string): string => `kfed/${name}/rotate`,
  /** Schedule ids and the workflow ids of the runs they start. */
  schedule: (name: string): string => `kfed/${name}/rebuild`,
  /** The federation's long-running service-DNS sync (one per federation). */
  serviceDns: (name: string): string => `kfed/${name}/service-dns`,
} as const;

/**
 * The ids runs had before {@link workflowIds} (`kfed-<name>`, `kfed-<name>-teardown`, ...): the
 * workflows still use them when replaying runs started then, and clients look a federation up
 * under them when it has no run under the new ones.
 * MAINTENANCE: remove once no run of that era can be open or looked up any more.
 */
export const legacyWorkflowIds = {
  federation: (name: string): string => `kfed-${name}`,
  cluster: (federation: string, cluster: string): string => `kfed-${federation}-cluster-${cluster}`,
  teardown: (name: string): string => `kfed-${name}-teardown`,
  plan: (name: string): string => `kfed-${name}-plan`,
  schedule: (name: string): string => `kfed-${name}-rebuild`,
} as const;

/** The federation of a federate run's workflow id (either scheme), for listings. */
export function federationOfRunId(workflowId: string): string | undefined {
  return (/^kfed\/([a-z0-9-]+)$/.exec(workflowId) ?? /^kfed-([a-z0-9-]+)$/.exec(workflowId))?.[1];
}

/** Workflow type names, as clients start them by name (the CLI never loads workflow code). */
export const workflowTypes = {
  federate: 'federate',
  teardown: 'teardown',
  plan: 'plan',
  health: 'health',
  rebuild: 'rebuild',
  provisionCluster: 'provisionCluster',
  rotateCredentials: 'rotateCredentials',
  serviceDns: 'serviceDns',
} as const;

/** Per-step and per-cluster progress of a run (see workflows/progress.ts). */
export const progressQuery = defineQuery<FederationProgress>('progress');

/** Memo keys every kfed run and schedule carries, so `kfed status` and the UI can group them. */
export const memoKeys = { federation: 'kfedFederation', operation: 'kfedOperation' } as const;

// ---- the service-DNS sync ------------------------------------------------------------------

/** The sync's state: phase, passes, the last pass (its records) and the last error. */
export const serviceDnsStatusQuery = defineQuery<ServiceDnsStatus>('serviceDnsStatus');

/** New clusters or interval for a running sync (a re-run of `kfed up` sends it). */
export const serviceDnsUpdateSignal = defineSignal<[ServiceDnsUpdate]>('serviceDnsUpdate');

/**
 * Stop the sync: it removes every record it owns, then ends. `replyTo` names a workflow to tell
 * when it is done (teardown waits for that before deleting the zone).
 */
export const serviceDnsStopSignal = defineSignal<[{ readonly replyTo?: string }]>('serviceDnsStop');

/** Sent by a stopping sync to the workflow that asked it to stop: the record sets it removed. */
export const serviceDnsStoppedSignal = defineSignal<[{ readonly removed: number }]>('serviceDnsStopped');

/** The memo of a run or schedule of `federation`. */
export function runMemo(federation: string, operation: string): Record<string, string> {
  return { [memoKeys.federation]: federation, [memoKeys.operation]: operation };
}

// ---- results ---------------------------------------------------------------------------------

/** What a finished federation looks like; returned by `federate` and printed by the CLI. */
export interface FederationSummary {
  readonly federation: string;
  readonly project: string;
  readonly zone: { readonly name: string; readonly dnsName: string; readonly nameServers: readonly string[]; readonly created: boolean };
  readonly host: string;
  readonly plane: { readonly type: string; readonly namespace: string; readonly image: string };
  readonly clusters: readonly {
    readonly name: string;
    readonly context: string;
    readonly location: string;
    readonly endpoint: string;
    /** Base64 PEM of the cluster CA (public; `kfed kubeconfig` writes it). */
    readonly caCertificate: string;
    readonly caFingerprint: string;
    readonly created: boolean;
    /** How an adopted existing cluster is reached (`kubeconfig`: through the worker's own context). */
    readonly existing?: 'kubeconfig' | 'gke';
  }[];
  /** Milliseconds per step id. */
  readonly timings: Record<string, number>;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** What `teardown` did to each resource. */
export interface TeardownSummary {
  readonly federation: string;
  /** Per cluster: deleted, absent (never created or already gone) or kept (not created by kfed). */
  readonly clusters: Readonly<Record<string, 'deleted' | 'absent' | 'kept'>>;
  /** `kept`: the zone is not this federation's, or (cleanup of a failed run) not made by that run. */
  readonly zone: 'deleted' | 'absent' | 'kept';
}

/** What `rotateCredentials` did to each member's token: references and counts, never a token. */
export interface RotationSummary {
  readonly federation: string;
  readonly host: string;
  readonly members: readonly {
    /** The spec's cluster name. */
    readonly cluster: string;
    /** Its KubeFedCluster name (the context). */
    readonly member: string;
    /** The generation of the token KubeFed now holds (0 was the join's). */
    readonly generation: number;
    /** The member's token Secrets deleted, which revoked their tokens. */
    readonly revoked: readonly string[];
    /** From moving the host to the new token until KubeFed reported a health check with it Ready. */
    readonly readyAfterMs: number;
  }[];
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** How a federate run was asked to run. */
export interface FederateOptions {
  /** Delete clusters kfed made for this federation that the spec no longer names. @default false (they are kept and reported) */
  readonly prune?: boolean;
}

/** How a teardown was asked to run. */
export interface TeardownOptions {
  /**
   * Clean up only what the federate run with this run id created (its zone and clusters, and
   * the joins of those clusters): how a failed or cancelled run cleans up after itself without
   * touching what earlier runs built.
   */
  readonly onlyCreatedBy?: string;
  /** Delete records in the zone kfed did not write (`kfed down --delete-foreign-records`). @default false */
  readonly deleteForeignRecords?: boolean;
}

/** What a scheduled `rebuild` returns: both halves. */
export interface RebuildSummary {
  readonly teardown: TeardownSummary;
  readonly federate: FederationSummary;
}

/** Live health of a federation, read from its host (`kfed status NAME`). */
export interface FederationHealth {
  readonly federation: string;
  readonly host: string;
  /** Each member as KubeFed reports it; empty when the host could not be read (see `error`). */
  readonly members: readonly MemberHealth[];
  /** Why the host could not be read (e.g. it is not running). */
  readonly error?: string;
  /** When the worker read it (epoch ms). */
  readonly readAt: number;
}

/** The answer of `kfed plan`: one line per resource, and whether a run would hit a conflict. */
export interface FederationPlan {
  readonly federation: string;
  readonly items: readonly PlanItem[];
  readonly conflicts: number;
}

// ---- failures --------------------------------------------------------------------------------

/** Failure types raised by workflow code itself (the providers' types are their class names). */
export const workflowFailureTypes = {
  /** The spec contradicts itself in a way validation cannot see (e.g. the host is missing). */
  spec: 'SpecError',
  /** A bug in kfed: a state the workflow should never reach. */
  internal: 'InternalError',
  /** KubeFed still reports a member Offline or not Ready at the verify step's deadline. */
  memberNotReady: 'MemberNotReadyError',
  /** A cluster a step must reach does not serve its API (absent, provisioning, stopping). */
  notServing: 'ClusterNotServingError',
} as const;

/**
 * Failure types a retry cannot fix: the providers' permanent errors and the workflows' own.
 * Everything else (TransientError, plain errors, lost workers) is retried.
 */
export const nonRetryableErrorTypes: readonly string[] = [...permanentErrorTypes, ...Object.values(workflowFailureTypes)];

/** How a failed run explains itself: the innermost message, its failure type and the provider's hint. */
export interface FailureInfo {
  readonly message: string;
  /** e.g. `PermissionError`; undefined when the failure carries no type. */
  readonly type?: string;
  /** A likely fix the user can act on, from the provider error. */
  readonly hint?: string;
}

interface FailureLike {
  readonly message?: unknown;
  readonly type?: unknown;
  readonly details?: unknown;
  readonly cause?: unknown;
}

function hintOf(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined;
  const first: unknown = details[0];
  if (typeof first !== 'object' || first === null) return undefined;
  const hint = (first as { hint?: unknown }).hint;
  return typeof hint === 'string' && hint ? hint : undefined;
}

/**
 * The innermost message of a failure chain, with its type and hint: an ActivityFailure or
 * ChildWorkflowFailure says only "Activity task failed"; the provider's message is in its cause.
 */
export function failureInfo(err: unknown): FailureInfo {
  let current: unknown = err;
  let info: FailureInfo = { message: err instanceof Error ? err.message : String(err) };
  for (let depth = 0; depth < 10 && current instanceof Error; depth++) {
    const f = current as FailureLike;
    const message = typeof f.message === 'string' && f.message ? f.message : info.message;
    const type = typeof f.type === 'string' && f.type ? f.type : info.type;
    const hint = hintOf(f.details) ?? info.hint;
    info = { message, ...(type ? { type } : {}), ...(hint ? { hint } : {}) };
    current = f.cause;
  }
  return info;
}

/** The innermost message of a failure chain (see {@link failureInfo}). */
export function rootMessage(err: unknown): string {
  return failureInfo(err).message;
}
