import { patched, proxyActivities } from '@temporalio/workflow';
// Only import the activity types: workflow code must not bundle activity code.
import type { Activities } from '../activities/index.js';
import type { FederateOptions, FederationPlan } from '../contract.js';
import { joinNames } from '../domain.js';
import type { ClusterTarget, PlanItem } from '../providers/types.js';
import type { FederationSpec } from '../spec/types.js';
import { apiCall } from './activity-options.js';

/** Patch id: plans show what a run removes because the spec no longer names it. */
export const planSpecEditsPatch = 'plan-spec-edits';

/** What a run would remove: stale joins, a former host's plane, clusters the spec dropped (see reconcile.ts). */
async function specEdits(spec: FederationSpec, options: FederateOptions, host: ClusterTarget | undefined, targets: ReadonlyMap<string, ClusterTarget>): Promise<PlanItem[]> {
  const activity = (summary: string) => proxyActivities<Activities>({ ...apiCall, summary });
  const namespace = spec.plane.namespace;
  const items: PlanItem[] = [];
  const contexts = new Set(spec.clusters.map((c) => c.context));
  if (host) {
    for (const m of await activity(`plan joins on ${spec.host}`).joinedMembers({ host, namespace, federation: spec.name })) {
      if (!contexts.has(m.member)) items.push({ resource: `join ${m.member}`, action: 'unjoin', reason: `the spec no longer names ${m.member} (${m.apiEndpoint}): its token leaves the host, its account on the member goes when kfed can reach it` });
    }
  }
  for (const c of spec.clusters.filter((x) => x.name !== spec.host)) {
    const target = targets.get(c.name);
    if (!target) continue;
    const held = await activity(`plan joins on ${c.name}`).joinedMembers({ host: target, namespace, federation: spec.name });
    if (held.length > 0) items.push({ resource: `plane on ${c.name}`, action: 'delete', reason: `former host of ${spec.name}: its ${held.length} join(s) and its plane are removed (the host is now ${spec.host})` });
  }
  const named = new Set(spec.clusters.filter((c) => !c.existing).map((c) => `${c.location}/${c.name}`));
  for (const c of await activity(`plan clusters of ${spec.name}`).federationClusters({ project: spec.project, federation: spec.name })) {
    if (named.has(`${c.location}/${c.name}`)) continue;
    items.push(
      options.prune
        ? { resource: `cluster ${c.name}`, action: 'delete', reason: `made by kfed for ${spec.name} in ${c.location}; the spec no longer names it (--prune)` }
        : { resource: `cluster ${c.name}`, action: 'unchanged', reason: `made by kfed for ${spec.name} in ${c.location}; the spec no longer names it: kept (kfed up --prune deletes it), its joins are removed` },
    );
  }
  return items;
}

/**
 * Read-only: asks every provider what a federate run would do — zone, each cluster, the plane,
 * each join, each kube-dns entry — using the same providers as the run, on the worker (where
 * the credentials are). Nothing is created or changed. Resources behind a cluster that does
 * not exist yet are reported as `create`.
 */
export async function plan(spec: FederationSpec, options: FederateOptions = {}): Promise<FederationPlan> {
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
    ? await activity(`plan plane on ${spec.host}`).planPlane({ host, namespace: spec.plane.namespace, ...(spec.plane.scope ? { scope: spec.plane.scope } : {}) })
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

  const removals = patched(planSpecEditsPatch) ? await specEdits(spec, options, host, targets) : [];
  const items = [zone, ...clusters.map((c) => c.item), ...plane, ...perCluster.flat(), ...removals];
  return { federation: spec.name, items, conflicts: items.filter((i) => i.action === 'conflict').length };
}
