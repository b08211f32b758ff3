/** Activities on Google Cloud: the DNS zone and the GKE clusters. One provider call each. */
import { ApplicationFailure } from '@temporalio/common';
import { isFailedStatus, servesApi } from '../domain.js';
import { cloudManagedByKfed, cloudOwnerLabels, cloudOwnership, type ClusterRole } from '../ownership.js';
import { ConflictError, InvalidSpecError, ResourceFailedError } from '../providers/errors.js';
import type { GkeClusterStatus } from '../providers/gcp/types.js';
import type { ClusterSpec } from '../spec/types.js';
import { withFingerprint, type ClusterAccess } from './cluster-access.js';
import { sizeDrift } from './plan-items.js';
import type { ActivityDeps } from './deps.js';
import { asFailure, callProvider, notYet } from './failures.js';

/** A GKE cluster by project, location and name. */
export interface ClusterRef {
  readonly project: string;
  readonly location: string;
  readonly name: string;
}

export function cloudActivities(deps: Pick<ActivityDeps, 'dns' | 'gke'>) {
  return {
    /**
     * `requestId` (the run id) keys the create, so this run's retries can never make two zones;
     * a zone created for `federation` carries its ownership labels and that run id. A zone kfed
     * made for another federation is refused: it is that federation's.
     */
    async ensureZone(input: { project: string; zone: string; domain: string; requestId?: string; federation?: string }) {
      // Runs started before zones carried their federation pass none.
      const labels = cloudOwnerLabels(input.federation ?? '', undefined, input.requestId);
      const zone = await callProvider(() => deps.dns.ensureZone(input.project, input.zone, input.domain, { ...(input.requestId ? { requestId: input.requestId } : {}), labels }));
      const owner = input.federation ? cloudOwnership(zone.labels, input.federation) : undefined;
      if (!zone.created && owner?.owner === 'other') {
        const resource = `projects/${input.project}/managedZones/${input.zone}`;
        throw asFailure(new ConflictError(`Cloud DNS zone ${resource} belongs to kfed federation ${owner.federation}, not ${input.federation ?? ''}`, { resource, hint: 'choose another spec.dns.zone' }));
      }
      return zone;
    },

    /**
     * Deletes the zone when it is this federation's (`federation` given; else any kfed zone, for
     * runs started before zones recorded their federation). `onlyCreatedBy`: only when that run
     * created it (the cleanup of a failed run). Only the federation's own records go with it: while
     * records kfed did not write remain it refuses (ZoneNotEmptyError), unless
     * `deleteForeignRecords`. Without `federation` every record but the apex NS/SOA counts as not
     * kfed's.
     */
    async deleteZone(input: {
      project: string;
      zone: string;
      federation?: string;
      onlyCreatedBy?: string;
      deleteForeignRecords?: boolean;
    }): Promise<{ deleted: boolean; reason?: 'absent' | 'not-owned' | 'kept' }> {
      if (input.federation) {
        const zone = await callProvider(() => deps.dns.getZone(input.project, input.zone));
        if (!zone) return { deleted: false, reason: 'absent' };
        const owner = cloudOwnership(zone.labels, input.federation);
        if (owner.owner !== 'this') return { deleted: false, reason: 'not-owned' };
        if (input.onlyCreatedBy && owner.createdBy !== input.onlyCreatedBy.toLowerCase()) return { deleted: false, reason: 'kept' };
      }
      return callProvider(() =>
        deps.dns.deleteZone(input.project, input.zone, {
          ...(input.federation ? { federation: input.federation } : {}),
          ...(input.deleteForeignRecords ? { deleteForeignRecords: true } : {}),
        }),
      );
    },

    /**
     * Creates the cluster (labelled with its federation, role and creating run) or adopts one of
     * that name; a cluster kfed made for another federation is refused.
     */
    async ensureCluster(input: { project: string; federation: string; role: ClusterRole; cluster: ClusterSpec; createdBy?: string }) {
      const { cluster } = input;
      const existing = await callProvider(() => deps.gke.getCluster(input.project, cluster.location, cluster.name));
      const owner = existing ? cloudOwnership(existing.labels, input.federation) : undefined;
      if (owner?.owner === 'other') {
        const resource = `projects/${input.project}/locations/${cluster.location}/clusters/${cluster.name}`;
        throw asFailure(new ConflictError(`GKE cluster ${resource} belongs to kfed federation ${owner.federation}, not ${input.federation}`, { resource, hint: 'give this cluster another name' }));
      }
      const result = await callProvider(() =>
        deps.gke.ensureCluster(input.project, {
          name: cluster.name,
          location: cluster.location,
          nodes: cluster.nodes,
          machineType: cluster.machineType,
          labels: cloudOwnerLabels(input.federation, input.role, input.createdBy),
        }),
      );
      // An adopted cluster is used as it is: say what kfed does not change in place.
      const drift = existing && !result.created ? sizeDrift(existing, cluster) : undefined;
      return { ...result, ...(drift ? { drift } : {}) };
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

    /**
     * The cluster's status, or `ABSENT`, whether it is `owned` by `federation` (kfed made it for
     * this one; without `federation`, made by kfed at all: runs started before this check), and
     * the run that created it. Read-only, for teardown and plans.
     */
    async describeCluster(input: ClusterRef & { federation?: string }): Promise<{ status: string; owned: boolean; createdBy?: string }> {
      const info = await callProvider(() => deps.gke.getCluster(input.project, input.location, input.name));
      if (!info) return { status: 'ABSENT', owned: false };
      if (!input.federation) return { status: info.status, owned: cloudManagedByKfed(info.labels) };
      const owner = cloudOwnership(info.labels, input.federation);
      return { status: info.status, owned: owner.owner === 'this', ...(owner.owner === 'this' && owner.createdBy ? { createdBy: owner.createdBy } : {}) };
    },

    /** Starts deleting the cluster when it is `federation`'s (any kfed cluster without `federation`). */
    async deleteCluster(input: ClusterRef & { federation?: string }) {
      if (input.federation) {
        const info = await callProvider(() => deps.gke.getCluster(input.project, input.location, input.name));
        if (!info) return { deleted: false, reason: 'absent' as const };
        if (cloudOwnership(info.labels, input.federation).owner !== 'this') return { deleted: false, reason: 'not-owned' as const };
      }
      return callProvider(() => deps.gke.deleteCluster(input.project, input.location, input.name));
    },

    /** Read-only: every cluster of the project kfed made for `federation`, wherever it is. */
    async federationClusters(input: { project: string; federation: string }) {
      const clusters = await callProvider(() => deps.gke.listClusters(input.project));
      return clusters
        .filter((c) => cloudOwnership(c.labels, input.federation).owner === 'this')
        .map((c) => ({ name: c.name, location: c.location, status: c.status, ...(c.endpoint ? { endpoint: c.endpoint } : {}) }));
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
