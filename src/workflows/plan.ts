import { proxyActivities } from '@temporalio/workflow';
// Only import the activity types: workflow code must not bundle activity code.
import type { Activities } from '../activities/index.js';
import type { FederationPlan } from '../contract.js';
import { joinNames } from '../domain.js';
import type { ClusterTarget, PlanItem } from '../providers/types.js';
import type { FederationSpec } from '../spec/types.js';
import { apiCall } from './activity-options.js';

/**
 * Read-only: asks every provider what a federate run would do — zone, each cluster, the plane,
 * each join, each kube-dns entry — using the same providers as the run, on the worker (where
 * the credentials are). Nothing is created or changed. Resources behind a cluster that does
 * not exist yet are reported as `create`.
 */
export async function plan(spec: FederationSpec): Promise<FederationPlan> {
  const activity = (summary: string) => proxyActivities<Activities>({ ...apiCall, summary });

  const [zone, ...clusters] = await Promise.all([
    activity(`plan zone ${spec.dns.zone}`).planZone({ project: spec.project, zone: spec.dns.zone, domain: spec.dns.domain, federation: spec.name }),
    ...spec.clusters.map((cluster) => activity(`plan cluster ${cluster.name}`).planCluster({ project: spec.project, federation: spec.name, cluster })),
  ]);
  const targets = new Map<string, ClusterTarget>();
  spec.clusters.forEach((c, i) => {
    const target = clusters[i]?.target;
    if (target) targets.set(c.name, target);
  });
  const host = targets.get(spec.host);

  const plane: PlanItem[] = host
    ? await activity(`plan plane on ${spec.host}`).planPlane({ host, namespace: spec.plane.namespace })
    : [{ resource: `plane on ${spec.host}`, action: 'create', reason: 'the host cluster does not run yet' }];

  const perCluster = await Promise.all(
    spec.clusters.map(async (c): Promise<PlanItem[]> => {
      const member = targets.get(c.name);
      const join: PlanItem =
        host && member
          ? await activity(`plan join ${c.context}`).planJoin({ host, member, names: joinNames(spec, c) })
          : { resource: `join ${c.context}`, action: 'create', reason: 'the cluster or the host does not run yet' };
      const dns: PlanItem = member
        ? await activity(`plan kube-dns on ${c.name}`).planDnsConfig({ target: member, federation: spec.name, domain: spec.dns.domain })
        : { resource: `kube-dns federations on ${c.name}`, action: 'create', reason: 'the cluster does not run yet' };
      return [join, dns];
    }),
  );

  const items = [zone, ...clusters.map((c) => c.item), ...plane, ...perCluster.flat()];
  return { federation: spec.name, items, conflicts: items.filter((i) => i.action === 'conflict').length };
}
