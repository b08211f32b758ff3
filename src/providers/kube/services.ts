/**
 * What the service-DNS sync reads from one cluster: the federated Services with their
 * load-balancer addresses and ready endpoints, and where the cluster's nodes are. Read-only.
 *
 * Which Services count: those of type LoadBalancer that KubeFed propagated to the cluster (the
 * sync controller labels every object it propagates `kubefed.io/managed: "true"`, e.g. from a
 * FederatedService); anything else is the cluster's own business and gets no federation
 * records. (A label set by hand does not last on a member: KubeFed removes it from an object no
 * federated one stands behind.)
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterTopology, ServiceObservation } from '../../service-dns/types.js';
import { KubeClient } from './client.js';

/** The label KubeFed puts on what it propagates, as a selector. */
export const federatedServiceSelector = 'kubefed.io/managed=true';

/** Node labels with the region and zone, the GA key first (kube-dns reads the beta one). */
const regionLabels = ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'];
const zoneLabels = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];

/** Objects per list page. */
const pageSize = 500;

interface Labelled {
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>> };
}

interface ServiceJson extends Labelled {
  readonly spec?: { readonly type?: string };
  readonly status?: { readonly loadBalancer?: { readonly ingress?: readonly { readonly ip?: string }[] } };
}

interface EndpointSliceJson extends Labelled {
  readonly endpoints?: readonly { readonly conditions?: { readonly ready?: boolean | null } }[];
}

/** Every item of a list, following `continue` tokens. */
async function listAll<T>(client: KubeClient, path: string, labelSelector?: string): Promise<T[]> {
  const items: T[] = [];
  let token = '';
  do {
    const query = new URLSearchParams({ limit: String(pageSize), ...(labelSelector ? { labelSelector } : {}), ...(token ? { continue: token } : {}) });
    const page = JSON.parse(await client.getRaw(`${path}?${query.toString()}`)) as { items?: T[]; metadata?: { continue?: string } };
    items.push(...(page.items ?? []));
    token = page.metadata?.continue ?? '';
  } while (token);
  return items;
}

function firstLabel(labels: Readonly<Record<string, string>> | undefined, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = labels?.[key];
    if (value) return value;
  }
  return undefined;
}

/** The cluster's region (the most common among its nodes) and every zone of its nodes. */
export function topologyOf(nodes: readonly Labelled[]): ClusterTopology {
  const regions = new Map<string, number>();
  const zones = new Set<string>();
  for (const n of nodes) {
    const region = firstLabel(n.metadata?.labels, regionLabels);
    const zone = firstLabel(n.metadata?.labels, zoneLabels);
    if (region) regions.set(region, (regions.get(region) ?? 0) + 1);
    if (zone) zones.add(zone);
  }
  const region = [...regions].sort(([a, x], [b, y]) => y - x || a.localeCompare(b))[0]?.[0];
  return { ...(region ? { region } : {}), zones: [...zones].sort() };
}

/** Reads one cluster for the sync: three lists (nodes, selected Services, EndpointSlices). */
export async function observeServices(kc: KubeConfig): Promise<{ readonly topology: ClusterTopology; readonly services: readonly ServiceObservation[] }> {
  const client = new KubeClient(kc);
  const [nodes, services, slices] = await Promise.all([
    listAll<Labelled>(client, '/api/v1/nodes'),
    listAll<ServiceJson>(client, '/api/v1/services', federatedServiceSelector),
    listAll<EndpointSliceJson>(client, '/apis/discovery.k8s.io/v1/endpointslices', 'kubernetes.io/service-name'),
  ]);
  const ready = new Map<string, number>();
  for (const slice of slices) {
    const key = `${slice.metadata?.namespace ?? ''}/${slice.metadata?.labels?.['kubernetes.io/service-name'] ?? ''}`;
    // An endpoint whose readiness is unknown (null) counts as ready, as the API documents.
    const count = (slice.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length;
    ready.set(key, (ready.get(key) ?? 0) + count);
  }
  const observed = services
    .filter((s) => s.spec?.type === 'LoadBalancer' && s.metadata?.name && s.metadata.namespace)
    .map((s): ServiceObservation => {
      const namespace = s.metadata?.namespace ?? '';
      const name = s.metadata?.name ?? '';
      return {
        namespace,
        name,
        addresses: (s.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : [])),
        readyEndpoints: ready.get(`${namespace}/${name}`) ?? 0,
      };
    });
  return { topology: topologyOf(nodes), services: observed };
}
