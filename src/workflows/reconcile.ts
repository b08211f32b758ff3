/**
 * Converging a federation on an edited spec: what the spec no longer names is unjoined, a plane
 * left on a former host is removed, and clusters kfed made for the federation that the spec
 * dropped are deleted only when the run was asked to prune. Runs inside federate, after the joins.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
// Only import the activity types: workflow code must not bundle activity code.
import type { Activities } from '../activities/index.js';
import type { FederateOptions } from '../contract.js';
import { gkeTarget, servesApi } from '../domain.js';
import type { JoinedMember } from '../providers/kube/types.js';
import type { ClusterTarget } from '../providers/types.js';
import type { ClusterSpec, FederationSpec } from '../spec/types.js';
import { apiCall, kubeWait, waitDeleted } from './activity-options.js';

export interface ReconcileContext {
  readonly spec: FederationSpec;
  readonly options: FederateOptions;
  readonly host: ClusterTarget;
  /** How the kube activities reach a spec cluster. */
  readonly target: (cluster: ClusterSpec) => ClusterTarget;
  /** The step's title: the prefix of its activities' summaries. */
  readonly title: string;
}

function activity(summary: string, options: ActivityOptions = apiCall) {
  return proxyActivities<Activities>({ ...options, summary });
}

/** Removes what the spec no longer names; returns the step's note. */
export async function reconcileSpec(ctx: ReconcileContext): Promise<string> {
  const { spec, title, host } = ctx;
  const namespace = spec.plane.namespace;
  const notes: string[] = [];
  const ours = await activity(`${title}: clusters of ${spec.name}`).federationClusters({ project: spec.project, federation: spec.name });
  /** The member is reached only when its endpoint is one of this federation's own clusters: the worker's Google token goes nowhere else. */
  const reachable = (m: JoinedMember): ClusterTarget | undefined => {
    const known = ours.find((c) => c.endpoint !== undefined && `https://${c.endpoint}` === m.apiEndpoint);
    return known && m.caBundle ? gkeTarget(known.name, { endpoint: m.apiEndpoint, caCertificate: m.caBundle }) : undefined;
  };
  const names = (member: string) => ({ member, host: spec.name, namespace });

  // Members the host holds that the spec no longer names (removed, or renamed).
  const contexts = new Set(spec.clusters.map((c) => c.context));
  const stale = (await activity(`${title}: joins on ${spec.host}`).joinedMembers({ host, namespace, federation: spec.name })).filter((m) => !contexts.has(m.member));
  for (const m of stale) {
    const member = reachable(m);
    const result = await activity(`${title}: unjoin ${m.member}`, kubeWait).pruneMember({ host, ...(member ? { member } : {}), names: names(m.member), federation: spec.name });
    notes.push(`unjoined ${m.member}${result.member === 'removed' ? '' : ` (host side only: member ${result.member})`}`);
  }

  /**
   * A plane of this federation on another cluster: the host moved. Its copies of the members'
   * tokens leave it (the member-side accounts are the ones the new host's joins use, so only the
   * former host's own member side, when it leaves the federation, goes too), then the plane goes.
   */
  const removeFormerPlane = async (name: string, former: ClusterTarget, leaves: boolean): Promise<void> => {
    const held = await activity(`${title}: joins on ${name}`).joinedMembers({ host: former, namespace, federation: spec.name });
    if (held.length === 0) return;
    for (const m of held) {
      const itself = leaves && former.kind === 'gke' && m.apiEndpoint === former.endpoint;
      await activity(`${title}: unjoin ${m.member} from ${name}`, kubeWait).pruneMember({ host: former, ...(itself ? { member: former } : {}), names: names(m.member), federation: spec.name });
    }
    await activity(`${title}: release federated objects on ${name}`, kubeWait).releaseFederatedObjects({ host: former, namespace });
    await activity(`${title}: remove the plane from ${name}`, kubeWait).uninstallPlane({ host: former, namespace });
    notes.push(`removed the former host's plane from ${name}`);
  };
  for (const c of spec.clusters.filter((x) => x.name !== spec.host)) await removeFormerPlane(c.name, ctx.target(c), false);

  // Clusters kfed made for this federation that the spec dropped.
  const named = new Set(spec.clusters.filter((c) => !c.existing).map((c) => `${c.location}/${c.name}`));
  for (const c of ours.filter((x) => !named.has(`${x.location}/${x.name}`))) {
    const ref = { project: spec.project, location: c.location, name: c.name };
    if (servesApi(c.status)) {
      const access = await activity(`${title}: read endpoint of ${c.name}`).clusterAccess(ref);
      await removeFormerPlane(c.name, gkeTarget(c.name, access), true);
    }
    if (!ctx.options.prune) {
      notes.push(`kept cluster ${c.name} (${c.location}): not in the spec; kfed up --prune deletes it`);
      continue;
    }
    const deletion = await activity(`${title}: delete cluster ${c.name}`).deleteCluster({ ...ref, federation: spec.name });
    const wait = waitDeleted(spec.pollInterval);
    if (deletion.operation) await activity(`${title}: wait for ${c.name}: STOPPING`, wait).awaitOperation({ operation: deletion.operation, what: `delete cluster ${c.name}` });
    await activity(`${title}: wait for ${c.name} to disappear`, wait).awaitClusterGone(ref);
    notes.push(`deleted cluster ${c.name} (${c.location}): not in the spec`);
  }
  return notes.length ? notes.join('; ') : 'nothing to remove';
}
