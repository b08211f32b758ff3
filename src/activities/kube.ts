/** Activities on the clusters' Kubernetes APIs: the plane, joins and kube-dns. */
import type { KubeConfig } from '@kubernetes/client-node';
import type { JoinNames } from '../providers/kube/types.js';
import type { ClusterTarget } from '../providers/types.js';
import { withFingerprint, type ClusterAccess } from './cluster-access.js';
import type { ActivityDeps } from './deps.js';
import { callProvider, heartbeating } from './failures.js';

export function kubeActivities(deps: Pick<ActivityDeps, 'kube' | 'plane' | 'clusterDns' | 'existing'>) {
  const connect = (target: ClusterTarget): Promise<KubeConfig> => callProvider(() => deps.kube.connect(target));

  return {
    /** An existing cluster reached through the worker's kubeconfig: endpoint and CA, checked reachable. */
    async describeExistingCluster(input: { target: ClusterTarget }): Promise<ClusterAccess> {
      return withFingerprint(await callProvider(() => deps.existing.describe(input.target)));
    },

    async initPlane(input: { host: ClusterTarget; namespace: string }) {
      return heartbeating(() => callProvider(() => deps.plane.init(input.host, { namespace: input.namespace })));
    },

    async joinCluster(input: { host: ClusterTarget; member: ClusterTarget; names: JoinNames }) {
      return heartbeating(() => callProvider(() => deps.plane.join(input.host, input.member, input.names)));
    },

    async verifyJoin(input: { host: ClusterTarget; names: JoinNames }) {
      return callProvider(() => deps.plane.verifyJoin(input.host, input.names));
    },

    async unjoinCluster(input: { host: ClusterTarget; member: ClusterTarget; names: JoinNames }) {
      await heartbeating(() => callProvider(() => deps.plane.unjoin(input.host, input.member, input.names)));
      return { unjoined: input.names.member };
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
