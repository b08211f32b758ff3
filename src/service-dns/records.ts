/**
 * The records a federation's Services should have, as Kubernetes federation v1 defined them
 * (and kube-dns still expects): for a Service `svc` in namespace `ns` of federation `fed` under
 * the zone's domain,
 *
 *     svc.ns.fed.svc.<zone>.<region>.<domain>   A/AAAA: healthy addresses in that zone
 *     svc.ns.fed.svc.<region>.<domain>          A/AAAA: healthy addresses in that region
 *     svc.ns.fed.svc.<domain>                   A/AAAA: every healthy address
 *
 * A zone or region without a healthy address gets a CNAME to the next level up instead, so a
 * client in any cluster always lands on a healthy one. Pure and deterministic: the same
 * observation gives the same records, in the same order.
 */
import type { ServiceRecordSets } from '../providers/gcp/record-changes.js';
import type { RecordSet } from '../providers/gcp/types.js';
import { addressType, canonicalAddress } from './addresses.js';
import type { ClusterObservation, ServiceHealth, ShardState } from './types.js';

/**
 * TTL of the address and alias records, in seconds. Short because these records are how clients
 * fail over: a client holds a dead address for at most the sync interval plus this. (Federation
 * v1 used 180 s; 30 s keeps failover within a minute and is still cacheable.)
 */
export const serviceRecordTtl = 30;

/** Cloud DNS keeps at most 100 records in one record set: the first 100 addresses (sorted) are used. */
export const maxAddressesPerRecordSet = 100;

const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The federation and domain the names are built from. */
export interface ServiceDnsNaming {
  readonly federation: string;
  /** The zone's domain, fully qualified (`infra.mycompany.com.`). */
  readonly domain: string;
}

/** `svc.ns.fed.svc[.levels].domain`, the name kube-dns asks for (levels: zone then region). */
export function serviceRecordName(naming: ServiceDnsNaming, namespace: string, service: string, ...levels: readonly string[]): string {
  return [service, namespace, naming.federation, 'svc', ...levels, naming.domain].join('.').toLowerCase();
}

/** What the records of every observed Service are, and how healthy each is. */
export interface ComputedRecords {
  /** Per Service with at least one healthy address; the anchor is its federation-level name. */
  readonly services: readonly ServiceRecordSets[];
  readonly health: readonly ServiceHealth[];
}

function shardState(addresses: readonly string[], readyEndpoints: number): ShardState {
  if (addresses.length === 0) return 'no address';
  return readyEndpoints > 0 ? 'healthy' : 'no ready endpoints';
}

function addressRecords(name: string, addresses: ReadonlySet<string>): RecordSet[] {
  const sorted = [...addresses].sort();
  const out: RecordSet[] = [];
  for (const type of ['A', 'AAAA'] as const) {
    const rrdatas = sorted.filter((a) => addressType(a) === type).slice(0, maxAddressesPerRecordSet);
    if (rrdatas.length > 0) out.push({ name, type, ttl: serviceRecordTtl, rrdatas });
  }
  return out;
}

function alias(name: string, target: string): RecordSet {
  return { name, type: 'CNAME', ttl: serviceRecordTtl, rrdatas: [target] };
}

/**
 * The records of every Service seen in a reachable cluster. Zones and regions come from every
 * cluster's topology (also clusters without the Service, and ones that did not answer this
 * pass): kube-dns in any member may send a client to its own zone's name. A Service healthy
 * nowhere gets no records (its names answer NXDOMAIN rather than a CNAME chain to nothing).
 */
export function computeServiceRecords(naming: ServiceDnsNaming, clusters: readonly ClusterObservation[]): ComputedRecords {
  /** Zone → region, over every cluster whose labels are usable DNS labels. */
  const zones = new Map<string, string>();
  const regions = new Set<string>();
  const placement = new Map<string, { region?: string; zones: string[] }>();
  for (const c of clusters) {
    const region = c.topology.region?.toLowerCase();
    const usableRegion = region && dnsLabel.test(region) ? region : undefined;
    const usableZones = usableRegion ? c.topology.zones.map((z) => z.toLowerCase()).filter((z) => dnsLabel.test(z)) : [];
    if (usableRegion) regions.add(usableRegion);
    for (const z of usableZones) if (usableRegion) zones.set(z, usableRegion);
    placement.set(c.cluster, { ...(usableRegion ? { region: usableRegion } : {}), zones: usableZones });
  }

  /** Service key → per cluster: state and canonical addresses. */
  const shards = new Map<string, { namespace: string; name: string; clusters: { cluster: string; state: ShardState; addresses: string[] }[] }>();
  for (const c of clusters) {
    if (!c.reachable) continue;
    for (const s of c.services) {
      const key = `${s.namespace}/${s.name}`;
      const addresses = [...new Set(s.addresses.flatMap((a) => canonicalAddress(a) ?? []))].sort();
      const entry = shards.get(key) ?? { namespace: s.namespace, name: s.name, clusters: [] };
      entry.clusters.push({ cluster: c.cluster, state: shardState(addresses, s.readyEndpoints), addresses });
      shards.set(key, entry);
    }
  }

  const services: ServiceRecordSets[] = [];
  const health: ServiceHealth[] = [];
  for (const key of [...shards.keys()].sort()) {
    const shard = shards.get(key);
    if (!shard) continue;
    const clusterHealth = [...shard.clusters].sort((a, b) => a.cluster.localeCompare(b.cluster));
    const healthy = clusterHealth.filter((c) => c.state === 'healthy');
    const global = serviceRecordName(naming, shard.namespace, shard.name);
    if (healthy.length === 0) {
      health.push({ service: key, clusters: clusterHealth, skipped: 'no healthy endpoint in any cluster' });
      continue;
    }
    const longest = Math.max(global.length, ...[...zones].map(([z, r]) => serviceRecordName(naming, shard.namespace, shard.name, z, r).length));
    if (longest > 253) {
      health.push({ service: key, clusters: clusterHealth, skipped: `its names would be longer than 253 characters (${longest})` });
      continue;
    }
    const addressesWhere = (inScope: (p: { region?: string; zones: string[] }) => boolean): Set<string> =>
      new Set(healthy.filter((c) => inScope(placement.get(c.cluster) ?? { zones: [] })).flatMap((c) => c.addresses));

    const rrsets: RecordSet[] = addressRecords(global, addressesWhere(() => true));
    for (const region of [...regions].sort()) {
      const name = serviceRecordName(naming, shard.namespace, shard.name, region);
      const here = addressesWhere((p) => p.region === region);
      rrsets.push(...(here.size > 0 ? addressRecords(name, here) : [alias(name, global)]));
    }
    for (const [zone, region] of [...zones].sort(([a], [b]) => a.localeCompare(b))) {
      const name = serviceRecordName(naming, shard.namespace, shard.name, zone, region);
      const here = addressesWhere((p) => p.zones.includes(zone));
      rrsets.push(...(here.size > 0 ? addressRecords(name, here) : [alias(name, serviceRecordName(naming, shard.namespace, shard.name, region))]));
    }
    services.push({ anchor: global, rrsets });
    health.push({ service: key, clusters: clusterHealth });
  }
  return { services, health };
}
