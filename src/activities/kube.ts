/** Activities on the clusters' Kubernetes APIs: the plane, joins and kube-dns. */
import type { KubeConfig } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { workflowFailureTypes } from '../contract.js';
import { notReadyReason, staleProbeReason } from '../providers/kube/plane/health.js';
import type { CanaryMember, JoinNames, PlaneScope } from '../providers/kube/types.js';
import type { ClusterTarget } from '../providers/types.js';
import { withFingerprint, type ClusterAccess } from './cluster-access.js';
import type { ActivityDeps } from './deps.js';
import { callProvider, heartbeating, notYet } from './failures.js';

export function kubeActivities(deps: Pick<ActivityDeps, 'kube' | 'plane' | 'clusterDns' | 'existing'>) {
  const connect = (target: ClusterTarget): Promise<KubeConfig> => callProvider(() => deps.kube.connect(target));

  return {
    /** An existing cluster reached through the worker's kubeconfig: endpoint and CA, checked reachable. */
    async describeExistingCluster(input: { target: ClusterTarget }): Promise<ClusterAccess> {
      // transportWarning rides along: the run's step message repeats it.
      return withFingerprint(await callProvider(() => deps.existing.describe(input.target)));
    },

    /** `scope` absent (runs started before scopes existed): Cluster. */
    async initPlane(input: { host: ClusterTarget; namespace: string; scope?: PlaneScope }) {
      return heartbeating(() => callProvider(() => deps.plane.init(input.host, { namespace: input.namespace, ...(input.scope ? { scope: input.scope } : {}) })));
    },

    async joinCluster(input: { host: ClusterTarget; member: ClusterTarget; names: JoinNames }) {
      return heartbeating(() => callProvider(() => deps.plane.join(input.host, input.member, input.names)));
    },

    async verifyJoin(input: { host: ClusterTarget; names: JoinNames }) {
      return callProvider(() => deps.plane.verifyJoin(input.host, input.names));
    },

    /**
     * Throws (BENIGN, retried on the poll interval) until KubeFed reports the member Ready; at
     * `deadline` (epoch ms, from the workflow) a member still Offline or not Ready fails for good
     * with KubeFed's own condition message. With `probedAfter` (epoch ms), only a health check
     * KubeFed made at or after that time counts: how a rotation knows KubeFed's verdict is about
     * its new credentials, not a report from before they changed.
     */
    async awaitMemberReady(input: { host: ClusterTarget; names: JoinNames; deadline: number; probedAfter?: number }) {
      const health = await callProvider(() => deps.plane.memberHealth(input.host, input.names));
      const reason = notReadyReason(health) ?? (input.probedAfter === undefined ? undefined : staleProbeReason(health, input.probedAfter));
      if (reason === undefined) return health;
      if (Date.now() < input.deadline) throw notYet(reason, 'MemberNotReady');
      throw ApplicationFailure.create({
        message: reason,
        type: workflowFailureTypes.memberNotReady,
        nonRetryable: true,
        details: [{ resource: input.names.member, hint: 'check that the member is reachable from the host and that the kubefed-controller-manager runs (kfed status NAME shows what KubeFed reports)' }],
      });
    },

    /**
     * Propagates the canary to every member and removes it again (see ControlPlane.canary), in
     * the way the plane's scope federates. `scope` absent (runs started before scopes existed): Cluster.
     */
    async federateCanary(input: { host: ClusterTarget; members: CanaryMember[]; namespace?: string; scope?: PlaneScope }) {
      const plane = { ...(input.namespace ? { namespace: input.namespace } : {}), ...(input.scope ? { scope: input.scope } : {}) };
      return heartbeating(() => callProvider(() => deps.plane.canary(input.host, input.members, plane)));
    },

    /** Read-only: the generations of a member's tokens (never a token). */
    async memberTokens(input: { member: ClusterTarget; names: JoinNames }) {
      return callProvider(() => deps.plane.memberTokens(input.member, input.names));
    },

    /** Mints the member's token of `generation` and moves the host to it; the old token stays valid. */
    async rotateMemberToken(input: { host: ClusterTarget; member: ClusterTarget; names: JoinNames; generation: number }) {
      return heartbeating(() => callProvider(() => deps.plane.rotateToken(input.host, input.member, input.names, input.generation)));
    },

    /**
     * Revokes every token of the member but generation `keep` and waits until the member refuses
     * them (refused unless the host holds `keep`).
     */
    async revokeMemberTokens(input: { host: ClusterTarget; member: ClusterTarget; names: JoinNames; keep: number }) {
      return heartbeating(() => callProvider(() => deps.plane.revokeTokens(input.host, input.member, input.names, input.keep)));
    },

    /** Read-only: every member's health as KubeFed reports it. */
    async federationHealth(input: { host: ClusterTarget; namespace: string }) {
      return callProvider(() => deps.plane.health(input.host, { namespace: input.namespace }));
    },

    /** Before a kept host loses its plane: releases every federated object while the controller runs. */
    async releaseFederatedObjects(input: { host: ClusterTarget; namespace: string }) {
      return heartbeating(() => callProvider(() => deps.plane.releaseFederatedObjects(input.host, { namespace: input.namespace })));
    },

    async unjoinCluster(input: { host: ClusterTarget; member: ClusterTarget; names: JoinNames }) {
      await heartbeating(() => callProvider(() => deps.plane.unjoin(input.host, input.member, input.names)));
      return { unjoined: input.names.member };
    },

    /** Read-only: the members `host` holds joins of for `federation`. */
    async joinedMembers(input: { host: ClusterTarget; namespace: string; federation: string }) {
      return callProvider(() => deps.plane.joined(input.host, { namespace: input.namespace, federation: input.federation }));
    },

    /**
     * Unjoins a member the spec no longer names: always on the host (its token leaves the host);
     * on the member too, with its kube-dns entry, when `member` says how to reach it.
     */
    async pruneMember(input: { host: ClusterTarget; member?: ClusterTarget; names: JoinNames; federation: string }) {
      const result = await heartbeating(() => callProvider(() => deps.plane.unjoin(input.host, input.member, input.names)));
      if (input.member && result.member === 'removed') {
        const kc = await connect(input.member);
        await callProvider(() => deps.clusterDns.remove(kc, input.federation));
      }
      return result;
    },

    /** Removes the plane from a host that survives teardown (an existing cluster). */
    async uninstallPlane(input: { host: ClusterTarget; namespace: string }) {
      return heartbeating(() => callProvider(() => deps.plane.uninstall(input.host, { namespace: input.namespace })));
    },

    async ensureDefaultNamespace(input: { target: ClusterTarget }) {
      const kc = await connect(input.target);
      return callProvider(() => deps.clusterDns.ensureDefaultNamespace(kc));
    },

    async applyDnsConfig(input: { target: ClusterTarget; federation: string; domain: string }) {
      const kc = await connect(input.target);
      return callProvider(() => deps.clusterDns.apply(kc, input.federation, input.domain));
    },

    async removeDnsConfig(input: { target: ClusterTarget; federation: string }) {
      const kc = await connect(input.target);
      return callProvider(() => deps.clusterDns.remove(kc, input.federation));
    },
  };
}
