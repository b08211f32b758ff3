/** Activities on Google Cloud: the DNS zone and the GKE clusters. One provider call each. */
import { ApplicationFailure } from '@temporalio/common';
import { isFailedStatus, servesApi } from '../domain.js';
import { cloudManagedByKfed, cloudOwnerLabels, type ClusterRole } from '../ownership.js';
import { InvalidSpecError, ResourceFailedError } from '../providers/errors.js';
import type { GkeClusterStatus } from '../providers/gcp/types.js';
import type { ClusterSpec } from '../spec/types.js';
import { withFingerprint, type ClusterAccess } from './cluster-access.js';
import type { ActivityDeps } from './deps.js';
import { callProvider, notYet } from './failures.js';

/** A GKE cluster by project, location and name. */
export interface ClusterRef {
  readonly project: string;
  readonly location: string;
  readonly name: string;
}

export function cloudActivities(deps: Pick<ActivityDeps, 'dns' | 'gke'>) {
  return {
    /**
     * `requestId` (the run id) keys the create, so this run's retries can never make two zones.
     * A zone created for `federation` carries its ownership labels.
     */
    async ensureZone(input: { project: string; zone: string; domain: string; requestId?: string; federation?: string }) {
      // Runs started before zones carried their federation pass none.
      const labels = cloudOwnerLabels(input.federation ?? '');
      return callProvider(() => deps.dns.ensureZone(input.project, input.zone, input.domain, { ...(input.requestId ? { requestId: input.requestId } : {}), labels }));
    },

    /**
     * Deletes the federation's records and the zone; refuses (ZoneNotEmptyError) while records
     * kfed did not write remain, unless `deleteForeignRecords`. Runs started before this pass
     * no federation: then every record but the apex NS/SOA counts as not kfed's.
     */
    async deleteZone(input: { project: string; zone: string; federation?: string; deleteForeignRecords?: boolean }) {
      return callProvider(() =>
        deps.dns.deleteZone(input.project, input.zone, {
          ...(input.federation ? { federation: input.federation } : {}),
          ...(input.deleteForeignRecords ? { deleteForeignRecords: true } : {}),
        }),
      );
    },

    async ensureCluster(input: { project: string; federation: string; role: ClusterRole; cluster: ClusterSpec }) {
      const { cluster } = input;
      return callProvider(() =>
        deps.gke.ensureCluster(input.project, {
          name: cluster.name,
          location: cluster.location,
          nodes: cluster.nodes,
          machineType: cluster.machineType,
          labels: cloudOwnerLabels(input.federation, input.role),
        }),
      );
    },

    /** Throws (BENIGN, retried on the poll interval) until the operation is done. */
    async awaitOperation(input: { operation: string; what: string }) {
      const op = await callProvider(() => deps.gke.operationStatus(input.operation));
      if (op.error) throw ApplicationFailure.nonRetryable(`${input.what} failed: ${op.error}`, ResourceFailedError.type);
      if (!op.done) throw notYet(`${input.what}: operation ${op.status}`, 'OperationPending');
      return { status: op.status };
    },

    /** Throws (BENIGN) until the cluster is RUNNING; ERROR/DEGRADED fail for good. */
    async awaitClusterRunning(input: ClusterRef) {
      const { status, message } = await callProvider(() => deps.gke.clusterStatus(input.project, input.location, input.name));
      if (status !== 'RUNNING') throw notYet(`cluster ${input.name} is ${status}${message ? `: ${message}` : ''}`, 'ClusterNotReady');
      return { status: status satisfies GkeClusterStatus };
    },

    async clusterAccess(input: ClusterRef): Promise<ClusterAccess> {
      return withFingerprint(await callProvider(() => deps.gke.clusterAccess(input.project, input.location, input.name)));
    },

    /** The cluster's status, or `ABSENT`; read-only, for teardown and plans. */
    async describeCluster(input: ClusterRef) {
      const info = await callProvider(() => deps.gke.getCluster(input.project, input.location, input.name));
      return info ? { status: info.status as string, owned: cloudManagedByKfed(info.labels) } : { status: 'ABSENT', owned: false };
    },

    async deleteCluster(input: ClusterRef) {
      return callProvider(() => deps.gke.deleteCluster(input.project, input.location, input.name));
    },

    /** Throws (BENIGN) until the cluster no longer exists. */
    async awaitClusterGone(input: ClusterRef) {
      const info = await callProvider(() => deps.gke.getCluster(input.project, input.location, input.name));
      if (info) throw notYet(`cluster ${input.name} is ${info.status}`, 'ClusterNotGone');
      return { status: 'ABSENT' };
    },

    /**
     * An existing GKE cluster named in the spec: absent is a spec error (fail now, not after
     * retries); not yet serving throws BENIGN and is polled; serving returns its access facts.
     */
    async adoptGkeCluster(input: ClusterRef): Promise<ClusterAccess> {
      const path = `projects/${input.project}/locations/${input.location}/clusters/${input.name}`;
      const info = await callProvider(() => deps.gke.getCluster(input.project, input.location, input.name));
      if (!info) throw ApplicationFailure.nonRetryable(`existing cluster ${path} not found (check spec.clusters[].existing.gke)`, InvalidSpecError.type);
      if (isFailedStatus(info.status)) {
        throw ApplicationFailure.nonRetryable(`existing cluster ${path} is ${info.status}: ${info.statusMessage}`, ResourceFailedError.type);
      }
      if (!servesApi(info.status)) throw notYet(`existing cluster ${path} is ${info.status}`, 'ClusterNotReady');
      return withFingerprint(await callProvider(() => deps.gke.clusterAccess(input.project, input.location, input.name)));
    },
  };
}
