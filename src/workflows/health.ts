import { proxyActivities } from '@temporalio/workflow';
// Only import the activity types: workflow code must not bundle activity code.
import type { Activities } from '../activities/index.js';
import { rootMessage, type FederationHealth } from '../contract.js';
import { gkeTarget, kubeconfigTarget, servesApi } from '../domain.js';
import type { ClusterTarget } from '../providers/types.js';
import type { FederationSpec } from '../spec/types.js';
import { apiCall } from './activity-options.js';

/**
 * Read-only: the federation's live health as KubeFed reports it on the host — each member's
 * Ready and Offline conditions, Kubernetes version and last probe — read on a worker, where the
 * credentials are. What `kfed status NAME` shows next to the recorded run.
 */
export async function health(spec: FederationSpec): Promise<FederationHealth> {
  const activity = (summary: string) => proxyActivities<Activities>({ ...apiCall, scheduleToCloseTimeout: '1m', summary });
  const hostSpec = spec.clusters.find((c) => c.name === spec.host);
  const result = (members: FederationHealth['members'], error?: string): FederationHealth => ({
    federation: spec.name,
    host: spec.host,
    members,
    ...(error ? { error } : {}),
    readAt: Date.now(),
  });
  if (!hostSpec) return result([], `host ${spec.host} is not among the clusters`);

  let host: ClusterTarget;
  const existing = hostSpec.existing;
  if (existing?.kind === 'kubeconfig') host = kubeconfigTarget(hostSpec.name, existing);
  else {
    const ref = existing?.kind === 'gke' ? existing : { project: spec.project, location: hostSpec.location, name: hostSpec.name };
    const { status } = await activity(`describe host ${hostSpec.name}`).describeCluster(ref);
    if (!servesApi(status)) return result([], `host ${hostSpec.name} is ${status}`);
    host = gkeTarget(hostSpec.name, await activity(`read endpoint of ${hostSpec.name}`).clusterAccess(ref));
  }
  try {
    return result(await activity(`read KubeFedClusters on ${hostSpec.name}`).federationHealth({ host, namespace: spec.plane.namespace }));
  } catch (err) {
    return result([], rootMessage(err));
  }
}
