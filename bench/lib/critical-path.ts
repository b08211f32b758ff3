/**
 * The critical path of a federate run, from what the substrate itself took — and how much longer
 * the workflow took than that (P1), and how many GetOperation polls each created cluster cost
 * beyond the unavoidable ones (P7).
 *
 * Definition (P1). A federation is a DAG: zone ‖ clusters, then plane, then joins ‖, then the
 * kube-dns steps ‖, then the verifications ‖. Each node is weighted by the time the substrate
 * needed for it, never by orchestration time:
 * - zone = Σ durations of the Cloud DNS calls on the zone (emulator call log: fixed latency +
 *   handler time);
 * - cluster c = Σ durations of the GKE calls on cluster c (GetCluster, CreateCluster,
 *   GetCluster for RUNNING, GetCluster for the endpoint) + the create operation's duration in
 *   the emulator (operation startTime → endTime: the provisioning delay, or longer when the
 *   machine-wide serialized kwok cluster creation takes longer) + one GetOperation (the poll that
 *   sees DONE);
 * - plane, join c, kube-dns c (namespace + ConfigMap), verify c = the activity execution time in
 *   history (ActivityTaskStarted → ActivityTaskCompleted of the final attempt): these steps talk
 *   to the clusters' own kube-apiservers, whose latency is the substrate's;
 * - KubeFed Ready c = the wait for KubeFed's own health check to call member c Ready
 *   (awaitMemberReady scheduled → completed): KubeFed's time, up to one health-check period;
 * - canary = the canary's execution time (KubeFed propagating it and removing it again).
 * critical path = max(zone, max_c cluster c) + plane + max_c join c + max_c dns c + max_c (verify c
 * + KubeFed Ready c) + canary,
 * and P1 = (WorkflowExecutionCompleted − WorkflowExecutionStarted of the federate run) ÷ critical
 * path. What P1 measures beyond 1 is kfed + Temporal: task dispatch, child workflow starts,
 * workflow tasks between steps and poll granularity (a cluster is noticed up to one poll interval
 * after its operation is DONE).
 */
import type { CallLogEntry } from '../../src/emulator/index.js';
import type { EmulatorState, OperationState } from '../../src/emulator/state.js';
import type { FederationSpec } from '../../src/spec/types.js';
import type { ActivityExecution, RunHistory } from '../../suite/history.js';
import { durationMs } from '../../suite/specs.js';

export interface CriticalPath {
  readonly wallMs: number;
  readonly criticalMs: number;
  readonly ratio: number;
  readonly parts: {
    readonly zoneMs: number;
    /** The slowest cluster's path, and its provisioning (operation) part. */
    readonly clusterMs: number;
    readonly provisioningMs: number;
    readonly planeMs: number;
    readonly joinMs: number;
    readonly dnsMs: number;
    readonly verifyMs: number;
    /** The slowest member's wait for KubeFed to call it Ready. */
    readonly kubeFedReadyMs: number;
    readonly canaryMs: number;
  };
  /**
   * From the run's start to the canary seen on every member (the federation is usable), and the
   * critical path up to the KubeFed wait (the infrastructure: zone, clusters, plane, joins,
   * kube-dns, joined credentials). Undefined for runs without a canary.
   */
  readonly usable?: { readonly usableMs: number; readonly infrastructureMs: number };
}

interface ClusterInput {
  readonly member?: { readonly name?: string };
  readonly target?: { readonly name?: string };
  readonly names?: { readonly member?: string };
}

function execMs(a: ActivityExecution): number {
  return a.startedAt !== undefined && a.closedAt !== undefined ? a.closedAt - a.startedAt : 0;
}

function inWindow(c: CallLogEntry, from: number, to: number): boolean {
  const t = Date.parse(c.time);
  return t >= from && t <= to;
}

/** The create operation of a cluster started within [from, to]. */
export function createOperation(state: EmulatorState, cluster: string, from: number, to: number): OperationState | undefined {
  return Object.values(state.operations).find((o) => o.type === 'CREATE_CLUSTER' && o.cluster === cluster && Date.parse(o.startTime) >= from - 1000 && Date.parse(o.startTime) <= to);
}

function maxOf(values: readonly number[]): number {
  return values.length ? Math.max(...values) : 0;
}

/** P1's critical path of one completed federate run (the parent history + its children). */
export function criticalPath(spec: FederationSpec, parent: RunHistory, calls: readonly CallLogEntry[], state: EmulatorState): CriticalPath {
  if (parent.closedAt === undefined) throw new Error(`${parent.workflowId} is still open`);
  const from = parent.startedAt;
  const to = parent.closedAt;
  const window = calls.filter((c) => inWindow(c, from, to));

  const zoneMs = window.filter((c) => c.api === 'dns' && c.resource.endsWith(`/managedZones/${spec.dns.zone}`)).reduce((s, c) => s + c.durationMs, 0);

  let clusterMs = 0;
  let provisioningMs = 0;
  for (const c of spec.clusters) {
    const own = window.filter((x) => x.api === 'gke' && x.resource.endsWith(`/clusters/${c.name}`));
    const op = createOperation(state, c.name, from, to);
    const opMs = op?.endTime ? Date.parse(op.endTime) - Date.parse(op.startTime) : 0;
    const polls = op ? window.filter((x) => x.method === 'GetOperation' && x.resource.endsWith(`/operations/${op.id}`)) : [];
    const path = own.reduce((s, x) => s + x.durationMs, 0) + opMs + (polls.at(-1)?.durationMs ?? 0);
    if (path > clusterMs) {
      clusterMs = path;
      provisioningMs = opMs;
    }
  }

  const acts = parent.activities.filter((a) => a.outcome === 'completed');
  const byCluster = (types: readonly string[], key: (input: ClusterInput) => string | undefined): number => {
    const sums = new Map<string, number>();
    for (const a of acts) {
      if (!types.includes(a.type)) continue;
      const input: ClusterInput = typeof a.input === 'object' && a.input !== null ? a.input : {};
      const k = key(input) ?? '?';
      sums.set(k, (sums.get(k) ?? 0) + execMs(a));
    }
    return maxOf([...sums.values()]);
  };
  const planeMs = maxOf(acts.filter((a) => a.type === 'initPlane').map(execMs));
  const joinMs = byCluster(['joinCluster'], (i) => i.member?.name);
  const dnsMs = byCluster(['ensureDefaultNamespace', 'applyDnsConfig'], (i) => i.target?.name);
  const verifyMs = byCluster(['verifyJoin'], (i) => i.names?.member);
  const waits = new Map<string, number>();
  for (const a of acts.filter((x) => x.type === 'awaitMemberReady' && x.closedAt !== undefined)) {
    const input: ClusterInput = typeof a.input === 'object' && a.input !== null ? a.input : {};
    waits.set(input.names?.member ?? '?', (a.closedAt ?? 0) - a.scheduledAt);
  }
  const kubeFedReadyMs = maxOf([...waits.values()]);
  const canary = acts.find((a) => a.type === 'federateCanary');
  const canaryMs = canary ? execMs(canary) : 0;

  const infrastructureMs = Math.max(zoneMs, clusterMs) + planeMs + joinMs + dnsMs + verifyMs;
  const criticalMs = infrastructureMs + kubeFedReadyMs + canaryMs;
  const wallMs = to - from;
  const propagatedMs = (canary?.result as { propagatedMs?: number } | undefined)?.propagatedMs;
  const usable = canary?.startedAt !== undefined && propagatedMs !== undefined ? { usableMs: canary.startedAt + propagatedMs - from, infrastructureMs } : undefined;
  return {
    wallMs,
    criticalMs,
    ratio: wallMs / criticalMs,
    parts: { zoneMs, clusterMs, provisioningMs, planeMs, joinMs, dnsMs, verifyMs, kubeFedReadyMs, canaryMs },
    ...(usable ? { usable } : {}),
  };
}

/**
 * P7 per created cluster: GetOperation calls on its create operation − (operation duration ÷
 * poll interval). Polling every interval from the create on needs ⌈duration ÷ interval⌉ + 1 calls
 * at best, so about 1 is ideal; more means polls beyond the interval's pace (retries, fast
 * first polls).
 */
export function extraPolls(spec: FederationSpec, calls: readonly CallLogEntry[], state: EmulatorState, from: number, to: number): { cluster: string; polls: number; provisioningMs: number; extra: number }[] {
  const pollMs = durationMs(spec.pollInterval);
  const out: { cluster: string; polls: number; provisioningMs: number; extra: number }[] = [];
  for (const c of spec.clusters) {
    const created = calls.some((x) => x.method === 'CreateCluster' && x.result === 'ok' && !x.replayed && x.resource.endsWith(`/clusters/${c.name}`) && inWindow(x, from - 1000, to));
    const op = createOperation(state, c.name, from, to);
    if (!created || !op?.endTime) continue;
    const provisioningMs = Date.parse(op.endTime) - Date.parse(op.startTime);
    const polls = calls.filter((x) => x.method === 'GetOperation' && x.resource.endsWith(`/operations/${op.id}`)).length;
    out.push({ cluster: c.name, polls, provisioningMs, extra: polls - provisioningMs / pollMs });
  }
  return out;
}
