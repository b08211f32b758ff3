/**
 * What a run would do to the zone and to each cluster, decided from read-only lookups. Pure
 * functions, so the rules are unit tested without any server.
 */
import { isFailedStatus } from '../domain.js';
import { cloudManagedByKfed, cloudOwnership } from '../ownership.js';
import type { ClusterInfo, ZoneInfo } from '../providers/gcp/types.js';
import type { PlanItem } from '../providers/types.js';
import type { ClusterSpec } from '../spec/types.js';

export function planZone(zone: ZoneInfo | undefined, name: string, domain: string, federation?: string): PlanItem {
  const resource = `zone ${name}`;
  if (!zone) return { resource, action: 'create', reason: `no zone ${name}; a zone for ${domain} will be created` };
  if (zone.dnsName !== domain.toLowerCase()) {
    return { resource, action: 'conflict', reason: `zone ${name} exists for ${zone.dnsName}, the spec asks for ${domain}; pick another spec.dns.zone or delete that zone` };
  }
  const owner = federation ? cloudOwnership(zone.labels, federation) : undefined;
  if (owner?.owner === 'other') return { resource, action: 'conflict', reason: `zone ${name} belongs to kfed federation ${owner.federation}; choose another spec.dns.zone` };
  if (!cloudManagedByKfed(zone.labels) || owner?.owner === 'foreign') return { resource, action: 'adopt', reason: `zone ${name} for ${domain} exists without this federation's labels; it will be used and never deleted` };
  return { resource, action: 'unchanged', reason: `zone ${name} for ${domain} exists (created by kfed)` };
}

/** A created cluster: does one of that name exist, who made it, and is it healthy? */
export function planCreatedCluster(info: ClusterInfo | undefined, cluster: ClusterSpec, federation: string): PlanItem {
  const resource = `cluster ${cluster.name}`;
  if (!info) return { resource, action: 'create', reason: `will create ${cluster.nodes} × ${cluster.machineType} in ${cluster.location}` };
  if (isFailedStatus(info.status)) {
    return { resource, action: 'conflict', reason: `exists in status ${info.status}${info.statusMessage ? `: ${info.statusMessage}` : ''}; delete it or fix it first` };
  }
  if (info.status === 'STOPPING') return { resource, action: 'conflict', reason: 'is being deleted; wait until the deletion finishes' };
  if (!cloudManagedByKfed(info.labels)) {
    return { resource, action: 'adopt', reason: `exists (${info.status}) without kfed's labels; it will be joined and never deleted` };
  }
  const owner = cloudOwnership(info.labels, federation);
  if (owner.owner === 'other') return { resource, action: 'conflict', reason: `exists (${info.status}), created by kfed for federation ${owner.federation}; give this cluster another name` };
  const drift = sizeDrift(info, cluster);
  if (drift) return { resource, action: 'update', reason: `exists (${info.status}), created by kfed for this federation; ${drift}` };
  return { resource, action: 'unchanged', reason: `exists (${info.status}), created by kfed for this federation` };
}

/**
 * How a created cluster differs from its spec in what kfed does not change in place, in words;
 * undefined when it does not. GKE cannot change an existing node pool's machine type, and kfed
 * does not resize clusters: the run leaves both as they are and says so.
 */
export function sizeDrift(info: ClusterInfo, cluster: ClusterSpec): string | undefined {
  const parts: string[] = [];
  if (info.machineTypes.length > 0 && !info.machineTypes.includes(cluster.machineType)) {
    parts.push(`machine type ${info.machineTypes.join(', ')}, the spec asks ${cluster.machineType}: GKE cannot change an existing node pool's machine type, so kfed leaves it (recreate the cluster to change it)`);
  }
  if (info.nodes > 0 && info.nodes !== cluster.nodes) parts.push(`${info.nodes} node(s), the spec asks ${cluster.nodes}: kfed does not resize clusters in place (gcloud container clusters resize)`);
  return parts.length ? parts.join('; ') : undefined;
}

/** An existing GKE cluster named in the spec: it must be there and healthy. */
export function planExistingGkeCluster(info: ClusterInfo | undefined, cluster: ClusterSpec, path: string): PlanItem {
  const resource = `cluster ${cluster.name}`;
  if (!info) return { resource, action: 'conflict', reason: `existing cluster ${path} not found; check spec.clusters[].existing.gke` };
  if (isFailedStatus(info.status) || info.status === 'STOPPING') {
    return { resource, action: 'conflict', reason: `existing cluster ${path} is ${info.status}${info.statusMessage ? `: ${info.statusMessage}` : ''}` };
  }
  return { resource, action: 'adopt', reason: `existing GKE cluster ${path} (${info.status}); it will be joined and never deleted` };
}
