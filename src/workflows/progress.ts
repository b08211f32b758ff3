/**
 * The progress model of a run: a list of steps, per-cluster state and CAPI-style conditions
 * with a `Ready` summary. Pure and deterministic (it takes times as arguments), so it runs in
 * workflow code, is returned by the progress query, and is unit tested on its own.
 */
import { describeLocation, type FederationSpec } from '../spec/types.js';

export const StepState = {
  Pending: 'Pending',
  Running: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Skipped: 'Skipped',
} as const;
export type StepState = (typeof StepState)[keyof typeof StepState];

export type Operation = 'federate' | 'teardown' | 'rotate';

export interface StepProgress {
  /** Stable id, e.g. `zone`, `cluster:west`, `join:west`. */
  readonly id: string;
  /** What the step does, for people ("create cluster west in us-west1-a"). */
  readonly title: string;
  /** Which condition this step feeds. */
  readonly group: StepGroup;
  readonly cluster?: string;
  state: StepState;
  /** Epoch milliseconds (workflow time). */
  startedAt?: number;
  finishedAt?: number;
  message?: string;
}

export interface ClusterProgress {
  readonly name: string;
  readonly context: string;
  readonly location: string;
  /** GKE status while provisioning (PROVISIONING, RUNNING, ...), then kfed's phase (Joined, Ready, Deleted). */
  status: string;
  message?: string;
  endpoint?: string;
}

export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

export interface FederationProgress {
  readonly federation: string;
  readonly operation: Operation;
  phase: 'Running' | 'Succeeded' | 'Failed' | 'Cancelled';
  readonly startedAt: number;
  finishedAt?: number;
  readonly steps: StepProgress[];
  readonly clusters: ClusterProgress[];
}

/** Condition types, in the order they are reported; `Ready` summarizes them. */
export const stepGroups = {
  federate: ['ZoneReady', 'ClustersProvisioned', 'PlaneReady', 'MembersJoined', 'DnsConfigured', 'Verified', 'ServiceDnsSyncing'],
  teardown: ['ServiceDnsStopped', 'MembersUnjoined', 'PlaneRemoved', 'ClustersDeleted', 'ZoneDeleted'],
  rotate: ['HostReached', 'TokensRotated', 'OldTokensRevoked'],
} as const;
export type StepGroup = (typeof stepGroups)[Operation][number];

interface StepTemplate {
  readonly id: string;
  readonly title: string;
  readonly group: StepGroup;
  readonly cluster?: string;
}

/** The steps of a federate run, in the order they happen (parallel ones adjacent). */
export function federateSteps(spec: FederationSpec): StepTemplate[] {
  const host = spec.clusters.find((c) => c.name === spec.host);
  return [
    { id: 'zone', title: `ensure DNS zone ${spec.dns.zone} (${spec.dns.domain})`, group: 'ZoneReady' },
    ...spec.clusters.map((c) => ({
      id: `cluster:${c.name}`,
      title: c.existing ? `adopt existing cluster ${c.name} (${describeLocation(c)})` : `create cluster ${c.name} in ${c.location}`,
      group: 'ClustersProvisioned' as const,
      cluster: c.name,
    })),
    { id: 'plane', title: `init ${spec.plane.type} plane on ${host?.name ?? spec.host}`, group: 'PlaneReady', cluster: spec.host },
    ...spec.clusters.map((c) => ({ id: `join:${c.name}`, title: `join ${c.context} to ${spec.name}`, group: 'MembersJoined' as const, cluster: c.name })),
    { id: 'reconcile', title: 'remove what the spec no longer names', group: 'MembersJoined' },
    ...spec.clusters.map((c) => ({ id: `dns:${c.name}`, title: `configure kube-dns on ${c.name}`, group: 'DnsConfigured' as const, cluster: c.name })),
    ...spec.clusters.map((c) => ({ id: `verify:${c.name}`, title: `verify ${c.context} with its joined credentials`, group: 'Verified' as const, cluster: c.name })),
    { id: 'canary', title: 'propagate a canary to every member and remove it', group: 'Verified' },
    { id: 'service-dns', title: `start the service DNS sync of ${spec.name}`, group: 'ServiceDnsSyncing' },
  ];
}

/** The steps of a teardown run. */
export function teardownSteps(spec: FederationSpec): StepTemplate[] {
  return [
    { id: 'zone-records', title: `check DNS zone ${spec.dns.zone} for records kfed did not write`, group: 'ZoneDeleted' },
    { id: 'service-dns', title: `stop the service DNS sync of ${spec.name} (it removes its records)`, group: 'ServiceDnsStopped' },
    { id: 'release', title: `release federated objects on ${spec.host} (if it is kept)`, group: 'MembersUnjoined', cluster: spec.host },
    ...spec.clusters.map((c) => ({ id: `unjoin:${c.name}`, title: `unjoin ${c.context}`, group: 'MembersUnjoined' as const, cluster: c.name })),
    { id: 'plane', title: `remove ${spec.plane.type} plane from ${spec.host} (if it is kept)`, group: 'PlaneRemoved', cluster: spec.host },
    ...spec.clusters.map((c) => ({ id: `delete:${c.name}`, title: `delete cluster ${c.name} in ${describeLocation(c)}`, group: 'ClustersDeleted' as const, cluster: c.name })),
    { id: 'delete-zone', title: `delete DNS zone ${spec.dns.zone}`, group: 'ZoneDeleted' },
  ];
}

/**
 * The steps of a credential rotation: every member gets a new token and KubeFed is seen working
 * with it before any older token is revoked.
 */
export function rotateSteps(spec: FederationSpec): StepTemplate[] {
  return [
    { id: 'host', title: `reach the host ${spec.host}`, group: 'HostReached', cluster: spec.host },
    ...spec.clusters.map((c) => ({ id: `rotate:${c.name}`, title: `mint a new token for ${c.context} and move KubeFed to it`, group: 'TokensRotated' as const, cluster: c.name })),
    ...spec.clusters.map((c) => ({ id: `revoke:${c.name}`, title: `revoke the older tokens of ${c.context}`, group: 'OldTokensRevoked' as const, cluster: c.name })),
  ];
}

const stepsOf: Record<Operation, (spec: FederationSpec) => StepTemplate[]> = { federate: federateSteps, teardown: teardownSteps, rotate: rotateSteps };

export function newProgress(spec: FederationSpec, operation: Operation, now: number): FederationProgress {
  const templates = stepsOf[operation](spec);
  return {
    federation: spec.name,
    operation,
    phase: 'Running',
    startedAt: now,
    steps: templates.map((t) => ({ ...t, state: StepState.Pending })),
    clusters: spec.clusters.map((c) => ({ name: c.name, context: c.context, location: describeLocation(c), status: 'Pending' })),
  };
}

function step(progress: FederationProgress, id: string): StepProgress {
  const found = progress.steps.find((s) => s.id === id);
  if (!found) throw new Error(`unknown step ${id}`);
  return found;
}

/** The title of step `id` (what the UI, `kfed status` and activity summaries show). */
export function stepTitle(progress: FederationProgress, id: string): string {
  return step(progress, id).title;
}

export function startStep(progress: FederationProgress, id: string, now: number, message?: string): void {
  const s = step(progress, id);
  s.state = StepState.Running;
  s.startedAt ??= now;
  s.message = message;
}

export function finishStep(progress: FederationProgress, id: string, now: number, message?: string): void {
  const s = step(progress, id);
  s.state = StepState.Succeeded;
  s.startedAt ??= now;
  s.finishedAt = now;
  if (message !== undefined) s.message = message;
}

export function failStep(progress: FederationProgress, id: string, now: number, message: string): void {
  const s = step(progress, id);
  s.state = StepState.Failed;
  s.startedAt ??= now;
  s.finishedAt = now;
  s.message = message;
}

export function skipStep(progress: FederationProgress, id: string, now: number, message: string): void {
  const s = step(progress, id);
  s.state = StepState.Skipped;
  s.finishedAt = now;
  s.message = message;
}

export function updateCluster(progress: FederationProgress, name: string, patch: Partial<Pick<ClusterProgress, 'status' | 'message' | 'endpoint'>>): void {
  const cluster = progress.clusters.find((c) => c.name === name);
  if (!cluster) throw new Error(`unknown cluster ${name}`);
  Object.assign(cluster, patch);
}

/** Marks the run finished; steps still pending or running are skipped with the reason. */
export function finishRun(progress: FederationProgress, phase: 'Succeeded' | 'Failed' | 'Cancelled', now: number): void {
  progress.phase = phase;
  progress.finishedAt = now;
  for (const s of progress.steps) {
    if (s.state === StepState.Pending || s.state === StepState.Running) {
      s.state = phase === 'Succeeded' ? StepState.Succeeded : StepState.Skipped;
      s.finishedAt = now;
      if (phase !== 'Succeeded') s.message = s.message ?? `not reached: run ${phase.toLowerCase()}`;
    }
  }
}

/** One condition per step group plus `Ready`, like a CAPI infrastructure cluster. */
export function conditions(progress: FederationProgress): Condition[] {
  const result: Condition[] = [];
  const ended = progress.phase === 'Failed' || progress.phase === 'Cancelled';
  for (const type of stepGroups[progress.operation]) {
    const steps = progress.steps.filter((s) => s.group === type);
    const failed = steps.find((s) => s.state === StepState.Failed);
    const succeeded = steps.filter((s) => s.state === StepState.Succeeded).length;
    // Skipped counts as done only in a run that went on (teardown skips what does not exist).
    const done = steps.filter((s) => s.state === StepState.Succeeded || (s.state === StepState.Skipped && !ended)).length;
    if (failed) result.push({ type, status: 'False', reason: 'Failed', message: `${failed.title}: ${failed.message ?? 'failed'}` });
    else if (steps.length > 0 && done === steps.length) result.push({ type, status: 'True', reason: 'Succeeded', message: `${done}/${steps.length} done` });
    else if (ended) result.push({ type, status: 'False', reason: progress.phase === 'Cancelled' ? 'Cancelled' : 'NotReached', message: `${succeeded}/${steps.length} done; run ${progress.phase.toLowerCase()}` });
    else if (steps.some((s) => s.state === StepState.Running)) result.push({ type, status: 'Unknown', reason: 'InProgress', message: `${done}/${steps.length} done` });
    else result.push({ type, status: 'Unknown', reason: 'Pending', message: `${done}/${steps.length} done` });
  }
  const notTrue = result.filter((c) => c.status !== 'True');
  const ready: Condition =
    notTrue.length === 0
      ? { type: 'Ready', status: 'True', reason: 'Succeeded', message: `${progress.operation} complete` }
      : {
          type: 'Ready',
          status: notTrue.some((c) => c.status === 'False') ? 'False' : 'Unknown',
          reason: progress.phase === 'Cancelled' ? 'Cancelled' : notTrue.some((c) => c.status === 'False') ? 'Failed' : 'InProgress',
          message: `waiting for ${notTrue.map((c) => c.type).join(', ')}`,
        };
  return [ready, ...result];
}

/** Milliseconds each finished step took, keyed by step id. */
export function stepTimings(progress: FederationProgress): Record<string, number> {
  const timings: Record<string, number> = {};
  for (const s of progress.steps) {
    if (s.startedAt !== undefined && s.finishedAt !== undefined && s.state === StepState.Succeeded) timings[s.id] = s.finishedAt - s.startedAt;
  }
  return timings;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

/**
 * A Markdown table of the steps, shown by the Temporal UI as the workflow's current details.
 * `now` gives running steps their elapsed time.
 */
export function renderDetails(progress: FederationProgress, now: number): string {
  const ready = conditions(progress)[0];
  const lines = [
    `**${progress.operation} ${progress.federation}**: ${progress.phase}${ready ? ` (${ready.message})` : ''}`,
    '',
    '| step | state | time | note |',
    '| --- | --- | --- | --- |',
  ];
  for (const s of progress.steps) {
    const end = s.finishedAt ?? (s.state === StepState.Running ? now : undefined);
    const time = s.startedAt !== undefined && end !== undefined ? seconds(end - s.startedAt) : '';
    lines.push(`| ${s.title} | ${s.state} | ${time} | ${(s.message ?? '').replace(/\|/g, '/').replace(/\n/g, ' ')} |`);
  }
  lines.push('', '| cluster | context | location | status |', '| --- | --- | --- | --- |');
  for (const c of progress.clusters) lines.push(`| ${c.name} | ${c.context} | ${c.location} | ${c.status} |`);
  // The Temporal UI sizes its details frame a little short; a closing line keeps the last
  // table row fully visible.
  lines.push('', `_updated ${new Date(now).toISOString()}_`);
  return lines.join('\n');
}
