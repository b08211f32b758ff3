/** The read-only activities of `kfed plan`: lookups only, never a write. */
import { gkeTarget, kubeconfigTarget, servesApi } from '../domain.js';
import type { JoinNames, PlaneScope } from '../providers/kube/types.js';
import type { ClusterTarget, PlanItem } from '../providers/types.js';
import type { ClusterSpec } from '../spec/types.js';
import type { ActivityDeps } from './deps.js';
import { callProvider } from './failures.js';
import { planCreatedCluster, planExistingGkeCluster, planZone } from './plan-items.js';

export function planActivities(deps: ActivityDeps) {
  const connect = (target: ClusterTarget) => callProvider(() => deps.kube.connect(target));

  return {
    async planZone(input: { project: string; zone: string; domain: string; federation?: string }): Promise<PlanItem> {
      return planZone(await callProvider(() => deps.dns.getZone(input.project, input.zone)), input.zone, input.domain, input.federation);
    },

    /** The cluster's plan line, and how to reach it now when it already serves its API. */
    async planCluster(input: { project: string; federation: string; cluster: ClusterSpec }): Promise<{ item: PlanItem; target?: ClusterTarget }> {
      const { cluster } = input;
      const existing = cluster.existing;
      if (existing?.kind === 'kubeconfig') {
        const target = kubeconfigTarget(cluster.name, existing);
        try {
          const access = await deps.existing.describe(target);
          const warning = access.transportWarning ? `; WARNING: ${access.transportWarning}` : '';
          return { item: { resource: `cluster ${cluster.name}`, action: 'adopt', reason: `existing cluster at ${access.endpoint} (context ${existing.context}); it will be joined and never deleted${warning}` }, target };
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          return { item: { resource: `cluster ${cluster.name}`, action: 'conflict', reason } };
        }
      }
      const ref = existing?.kind === 'gke' ? existing : { project: input.project, location: cluster.location, name: cluster.name };
      const info = await callProvider(() => deps.gke.getCluster(ref.project, ref.location, ref.name));
      const item = existing?.kind === 'gke'
        ? planExistingGkeCluster(info, cluster, `projects/${ref.project}/locations/${ref.location}/clusters/${ref.name}`)
        : planCreatedCluster(info, cluster, input.federation);
      if (!info || !servesApi(info.status)) return { item };
      const access = await callProvider(() => deps.gke.clusterAccess(ref.project, ref.location, ref.name));
      return { item, target: gkeTarget(cluster.name, access) };
    },

    async planPlane(input: { host: ClusterTarget; namespace: string; scope?: PlaneScope }): Promise<PlanItem[]> {
      return callProvider(() => deps.plane.planInit(input.host, { namespace: input.namespace, ...(input.scope ? { scope: input.scope } : {}) }));
    },

    async planJoin(input: { host: ClusterTarget; member: ClusterTarget; names: JoinNames }): Promise<PlanItem> {
      return callProvider(() => deps.plane.planJoin(input.host, input.member, input.names));
    },

    async planDnsConfig(input: { target: ClusterTarget; federation: string; domain: string }): Promise<PlanItem> {
      const kc = await connect(input.target);
      return callProvider(() => deps.clusterDns.plan(kc, input.federation, input.domain, input.target.name));
    },
  };
}
