import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { ProviderError, NotFoundError } from '../providers/errors.js';
import type { DnsProvider, GkeProvider, GkeClusterStatus } from '../providers/gcp/types.js';
import type { ControlPlane, JoinNames, KubeConnector } from '../providers/kube/types.js';
import type { ClusterTarget, PlanItem } from '../providers/types.js';
import { planCreatedCluster, planExistingGkeCluster, planZone } from './plan-items.js';
import { kubeconfigTarget } from '../shared.js';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterSpec } from '../spec/types.js';

/** The kube-dns `federations` ConfigMap steps (src/providers/kube/dns-configmap.ts). */
export interface ClusterDnsConfig {
  ensureDefaultNamespace(kc: KubeConfig): Promise<{ readonly changed: boolean }>;
  apply(kc: KubeConfig, federation: string, domain: string): Promise<{ readonly changed: boolean }>;
  remove(kc: KubeConfig, federation: string): Promise<{ readonly changed: boolean }>;
  /** Read-only: what apply would do to this federation's entry. */
  plan(kc: KubeConfig, federation: string, domain: string, clusterName: string): Promise<PlanItem>;
}

/** Reading an existing cluster through the worker's kubeconfig (src/providers/kube). */
export interface ExistingClusters {
  /** Endpoint and base64 CA of a reachable cluster; no credentials. */
  describe(target: ClusterTarget): Promise<{ readonly endpoint: string; readonly caCertificate: string }>;
}

/** Everything the activities touch, injected by the worker (Google or emulator endpoints alike). */
export interface ActivityDeps {
  readonly dns: DnsProvider;
  readonly gke: GkeProvider;
  readonly kube: KubeConnector;
  readonly plane: ControlPlane;
  readonly clusterDns: ClusterDnsConfig;
  readonly existing: ExistingClusters;
}

/** Public facts of a running cluster; safe for workflow history (no credentials). */
export interface ClusterAccess {
  readonly endpoint: string;
  /** Base64 PEM, as GKE returns it. */
  readonly caCertificate: string;
  /** SHA-256 of the CA certificate (DER), hex with colons, for people to compare. */
  readonly caFingerprint: string;
}

/** Labels kfed puts on what it creates; deletes check them (never delete what kfed did not make). */
export function ownershipLabels(federation: string, role: 'host' | 'member'): Record<string, string> {
  return { 'managed-by': 'kfed', 'kfed-federation': federation, 'kfed-role': role };
}

function fingerprint(caBase64: string): string {
  if (!caBase64) return '';
  const pem = Buffer.from(caBase64, 'base64').toString('utf8');
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(body, 'base64');
  return createHash('sha256').update(der).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/**
 * Re-throws provider errors as Temporal failures with the provider's type, message and hint,
 * WITHOUT the SDK error as cause: causes can carry response bodies and headers, and failures
 * are stored in workflow history in clear.
 */
async function surface<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ProviderError) {
      throw ApplicationFailure.create({
        message: err.message,
        type: err.name,
        // NotFound is retryable here: right after a create, a read may not see the resource yet.
        nonRetryable: !err.retryable && !(err instanceof NotFoundError),
        details: [{ resource: err.resource, hint: err.hint ?? null }],
      });
    }
    throw err;
  }
}

/**
 * Heartbeats every few seconds while `fn` runs, for steps that wait inside the activity (plane
 * init, token Secret). A worker that dies mid-step is then noticed within the heartbeat
 * timeout instead of the much longer start-to-close timeout.
 */
async function heartbeating<T>(fn: () => Promise<T>): Promise<T> {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    // Called outside an activity (direct calls in tests): nothing to heartbeat to.
  }
  const timer = context ? setInterval(() => { context.heartbeat(); }, 3000) : undefined;
  try {
    return await fn();
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** An expected polling miss: retried on the poll interval, logged quietly (BENIGN). */
function notYet(message: string, type: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type, category: ApplicationFailureCategory.BENIGN });
}

/**
 * The activities: thin, one side effect each, idempotent ("ensure" verbs). They receive only
 * plain, secret-free data; credentials are resolved through `deps` at run time.
 */
export function createActivities(deps: ActivityDeps) {
  const connect = (target: ClusterTarget): Promise<KubeConfig> => surface(() => deps.kube.connect(target));

  return {
    /** `requestId` (the run id) keys the create, so this run's retries can never make two zones. */
    async ensureZone(input: { project: string; zone: string; domain: string; requestId?: string }) {
      return surface(() => deps.dns.ensureZone(input.project, input.zone, input.domain, input.requestId ? { requestId: input.requestId } : undefined));
    },

    async deleteZone(input: { project: string; zone: string }) {
      return surface(() => deps.dns.deleteZone(input.project, input.zone));
    },

    async ensureCluster(input: { project: string; federation: string; role: 'host' | 'member'; cluster: ClusterSpec }) {
      const { cluster } = input;
      return surface(() =>
        deps.gke.ensureCluster(input.project, {
          name: cluster.name,
          location: cluster.location,
          nodes: cluster.nodes,
          machineType: cluster.machineType,
          labels: ownershipLabels(input.federation, input.role),
        }),
      );
    },

    /** Throws (BENIGN, retried on the poll interval) until the operation is done. */
    async awaitOperation(input: { operation: string; what: string }) {
      const op = await surface(() => deps.gke.operationStatus(input.operation));
      if (op.error) throw ApplicationFailure.nonRetryable(`${input.what} failed: ${op.error}`, 'ResourceFailedError');
      if (!op.done) throw notYet(`${input.what}: operation ${op.status}`, 'OperationPending');
      return { status: op.status };
    },

    /** Throws (BENIGN) until the cluster is RUNNING; ERROR/DEGRADED fail for good. */
    async awaitClusterRunning(input: { project: string; location: string; name: string }) {
      const { status, message } = await surface(() => deps.gke.clusterStatus(input.project, input.location, input.name));
      if (status !== 'RUNNING') throw notYet(`cluster ${input.name} is ${status}${message ? `: ${message}` : ''}`, 'ClusterNotReady');
      return { status: status satisfies GkeClusterStatus };
    },

    async clusterAccess(input: { project: string; location: string; name: string }): Promise<ClusterAccess> {
      const access = await surface(() => deps.gke.clusterAccess(input.project, input.location, input.name));
      return { ...access, caFingerprint: fingerprint(access.caCertificate) };
    },

    /** The cluster's status, or `ABSENT`; read-only, for teardown and plans. */
    async describeCluster(input: { project: string; location: string; name: string }) {
      const info = await surface(() => deps.gke.getCluster(input.project, input.location, input.name));
      return info ? { status: info.status as string, owned: info.labels['managed-by'] === 'kfed' } : { status: 'ABSENT', owned: false };
    },

    async deleteCluster(input: { project: string; location: string; name: string }) {
      return surface(() => deps.gke.deleteCluster(input.project, input.location, input.name));
    },

    /** Throws (BENIGN) until the cluster no longer exists. */
    async awaitClusterGone(input: { project: string; location: string; name: string }) {
      const info = await surface(() => deps.gke.getCluster(input.project, input.location, input.name));
      if (info) throw notYet(`cluster ${input.name} is ${info.status}`, 'ClusterNotGone');
      return { status: 'ABSENT' };
    },

    /**
     * An existing GKE cluster named in the spec: absent is a spec error (fail now, not after
     * retries); not yet RUNNING throws BENIGN and is polled; RUNNING returns its access facts.
     */
    async adoptGkeCluster(input: { project: string; location: string; name: string }): Promise<ClusterAccess> {
      const path = `projects/${input.project}/locations/${input.location}/clusters/${input.name}`;
      const info = await surface(() => deps.gke.getCluster(input.project, input.location, input.name));
      if (!info) throw ApplicationFailure.nonRetryable(`existing cluster ${path} not found (check spec.clusters[].existing.gke)`, 'InvalidSpecError');
      if (info.status === 'ERROR' || info.status === 'DEGRADED') {
        throw ApplicationFailure.nonRetryable(`existing cluster ${path} is ${info.status}: ${info.statusMessage}`, 'ResourceFailedError');
      }
      if (info.status !== 'RUNNING') throw notYet(`existing cluster ${path} is ${info.status}`, 'ClusterNotReady');
      const access = await surface(() => deps.gke.clusterAccess(input.project, input.location, input.name));
      return { ...access, caFingerprint: fingerprint(access.caCertificate) };
    },

    /** An existing cluster reached through the worker's kubeconfig: endpoint and CA, checked reachable. */
    async describeExistingCluster(input: { target: ClusterTarget }): Promise<ClusterAccess> {
      const access = await surface(() => deps.existing.describe(input.target));
      return { ...access, caFingerprint: fingerprint(access.caCertificate) };
    },

    async initPlane(input: { host: ClusterTarget; namespace: string }) {
      return heartbeating(() => surface(() => deps.plane.init(input.host, { namespace: input.namespace })));
    },

    async joinCluster(input: { host: ClusterTarget; member: ClusterTarget; names: JoinNames }) {
      return heartbeating(() => surface(() => deps.plane.join(input.host, input.member, input.names)));
    },

    async verifyJoin(input: { host: ClusterTarget; names: JoinNames }) {
      return surface(() => deps.plane.verifyJoin(input.host, input.names));
    },

    async unjoinCluster(input: { host: ClusterTarget; member: ClusterTarget; names: JoinNames }) {
      await heartbeating(() => surface(() => deps.plane.unjoin(input.host, input.member, input.names)));
      return { unjoined: input.names.member };
    },

    /** Removes the plane from a host that survives teardown (an existing cluster). */
    async uninstallPlane(input: { host: ClusterTarget; namespace: string }) {
      return heartbeating(() => surface(() => deps.plane.uninstall(input.host, { namespace: input.namespace })));
    },

    async ensureDefaultNamespace(input: { target: ClusterTarget }) {
      const kc = await connect(input.target);
      return surface(() => deps.clusterDns.ensureDefaultNamespace(kc));
    },

    async applyDnsConfig(input: { target: ClusterTarget; federation: string; domain: string }) {
      const kc = await connect(input.target);
      return surface(() => deps.clusterDns.apply(kc, input.federation, input.domain));
    },

    async removeDnsConfig(input: { target: ClusterTarget; federation: string }) {
      const kc = await connect(input.target);
      return surface(() => deps.clusterDns.remove(kc, input.federation));
    },

    // Read-only steps of `kfed plan`: lookups only, never a write.

    async planZone(input: { project: string; zone: string; domain: string }): Promise<PlanItem> {
      return planZone(await surface(() => deps.dns.getZone(input.project, input.zone)), input.zone, input.domain);
    },

    /** The cluster's plan line, and how to reach it now when it already runs. */
    async planCluster(input: { project: string; federation: string; cluster: ClusterSpec }): Promise<{ item: PlanItem; target?: ClusterTarget }> {
      const { cluster } = input;
      const existing = cluster.existing;
      if (existing?.kind === 'kubeconfig') {
        const target = kubeconfigTarget(cluster.name, existing);
        try {
          const access = await deps.existing.describe(target);
          return { item: { resource: `cluster ${cluster.name}`, action: 'adopt', reason: `existing cluster at ${access.endpoint} (context ${existing.context}); it will be joined and never deleted` }, target };
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          return { item: { resource: `cluster ${cluster.name}`, action: 'conflict', reason } };
        }
      }
      const ref = existing?.kind === 'gke' ? existing : { project: input.project, location: cluster.location, name: cluster.name };
      const info = await surface(() => deps.gke.getCluster(ref.project, ref.location, ref.name));
      const item = existing?.kind === 'gke'
        ? planExistingGkeCluster(info, cluster, `projects/${ref.project}/locations/${ref.location}/clusters/${ref.name}`)
        : planCreatedCluster(info, cluster, input.federation);
      if (info?.status !== 'RUNNING') return { item };
      const access = await surface(() => deps.gke.clusterAccess(ref.project, ref.location, ref.name));
      return { item, target: { kind: 'gke', name: cluster.name, endpoint: access.endpoint, caCertificate: access.caCertificate } };
    },

    async planPlane(input: { host: ClusterTarget; namespace: string }): Promise<PlanItem[]> {
      return surface(() => deps.plane.planInit(input.host, { namespace: input.namespace }));
    },

    async planJoin(input: { host: ClusterTarget; member: ClusterTarget; names: JoinNames }): Promise<PlanItem> {
      return surface(() => deps.plane.planJoin(input.host, input.member, input.names));
    },

    async planDnsConfig(input: { target: ClusterTarget; federation: string; domain: string }): Promise<PlanItem> {
      const kc = await connect(input.target);
      return surface(() => deps.clusterDns.plan(kc, input.federation, input.domain, input.target.name));
    },
  };
}

/** The activity interface workflows import (as a type only). */
export type Activities = ReturnType<typeof createActivities>;
