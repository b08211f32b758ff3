/**
 * Member health as KubeFed reports it: the Ready and Offline conditions its cluster health check
 * writes into each KubeFedCluster's status (every `clusterHealthCheck.period`, 10 s by default).
 * Read-only.
 */
import { NotFoundError } from '../../errors.js';
import type { KubeClient } from '../client.js';
import { kinds, type Condition, type KubeFedClusterObject } from '../objects.js';
import { describeRef } from '../resources.js';
import type { JoinNames, MemberHealth } from '../types.js';
import { kubeFedClusterRef } from '../join/manifests.js';

interface KubeFedClusterStatus {
  readonly kubernetesVersion?: string;
}

function find(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** The health of one KubeFedCluster, from its status. */
export function healthOf(cluster: KubeFedClusterObject): MemberHealth {
  const conditions = cluster.status?.conditions;
  const ready = find(conditions, 'Ready');
  const offline = find(conditions, 'Offline');
  const isOffline = offline?.status === 'True';
  const explaining = isOffline ? offline : ready;
  const status = ready?.status === 'True' || ready?.status === 'False' ? ready.status : 'Unknown';
  const version = (cluster.status as KubeFedClusterStatus | undefined)?.kubernetesVersion;
  const probe = ready?.lastProbeTime ?? offline?.lastProbeTime;
  return {
    member: cluster.metadata.name,
    ready: status,
    offline: isOffline,
    ...(explaining?.reason ? { reason: explaining.reason } : {}),
    ...(explaining?.message ? { message: explaining.message } : {}),
    ...(version ? { kubernetesVersion: version } : {}),
    ...(probe ? { lastProbe: probe } : {}),
    ...(cluster.status?.region ? { region: cluster.status.region } : {}),
    ...(cluster.status?.zones?.length ? { zones: cluster.status.zones } : {}),
  };
}

/** Every member of the plane in `namespace`, by name. */
export async function planeHealth(host: KubeClient, namespace: string): Promise<MemberHealth[]> {
  const clusters = await host.list<KubeFedClusterObject>(kinds.kubeFedCluster, { namespace });
  return clusters.map(healthOf).sort((a, b) => a.member.localeCompare(b.member));
}

/** One member's health; NotFoundError when it has no KubeFedCluster. */
export async function memberHealth(host: KubeClient, names: JoinNames): Promise<MemberHealth> {
  const ref = kubeFedClusterRef(names);
  const cluster = await host.get<KubeFedClusterObject>(ref);
  if (!cluster) throw new NotFoundError(`${names.member} is not joined: no ${describeRef(ref)} on ${host.endpoint}`, { resource: `${host.endpoint} ${describeRef(ref)}` });
  return healthOf(cluster);
}

/** KubeFed's verdict in words: why a member is not Ready (undefined when it is). */
export function notReadyReason(health: MemberHealth): string | undefined {
  if (health.ready === 'True' && !health.offline) return undefined;
  if (health.ready === 'Unknown' && !health.offline) return `KubeFed has not reported a health check of ${health.member} yet`;
  const state = health.offline ? 'Offline' : 'not Ready';
  return `KubeFed reports ${health.member} ${state}${health.reason ? ` (${health.reason})` : ''}${health.message ? `: ${health.message}` : ''}`;
}

/**
 * Why a Ready report does not count yet: KubeFed's last health check of the member is older
 * than `probedAfter` (epoch ms), e.g. it predates a change of the member's credentials.
 * Undefined when a check at or after that time is reported. NOTE: KubeFed writes probe times
 * in whole seconds, truncated, so a report at or after `probedAfter` is never an earlier check.
 */
export function staleProbeReason(health: MemberHealth, probedAfter: number): string | undefined {
  const probed = health.lastProbe === undefined ? Number.NaN : Date.parse(health.lastProbe);
  if (probed >= probedAfter) return undefined;
  const last = Number.isNaN(probed) ? 'never' : `last at ${new Date(probed).toISOString()}`;
  return `KubeFed has not checked ${health.member} since ${new Date(probedAfter).toISOString()} (${last})`;
}
