/**
 * Where an emulated cluster's nodes are, as GKE labels its nodes: `topology.kubernetes.io/region`
 * and `/zone` for the cluster's location, plus the older `failure-domain.beta.kubernetes.io`
 * pair that kube-dns reads when it builds a federation CNAME. A zonal cluster's nodes are all
 * in its zone; a regional cluster spreads them over the region's zones `-a`, `-b`, `-c`
 * (GKE's default three), in node-name order. Pure.
 */

/** The node label keys GKE sets, and kube-dns reads. */
export const topologyLabelKeys = {
  region: 'topology.kubernetes.io/region',
  zone: 'topology.kubernetes.io/zone',
  betaRegion: 'failure-domain.beta.kubernetes.io/region',
  betaZone: 'failure-domain.beta.kubernetes.io/zone',
} as const;

const zonal = /^([a-z]+-[a-z]+\d+)-([a-z])$/;

/** Region and zone of the node at `index` (in name order) of a cluster in `location`. */
export function nodeTopology(location: string, index: number): { region: string; zone: string } {
  const m = zonal.exec(location);
  if (m?.[1]) return { region: m[1], zone: location };
  const zones = ['a', 'b', 'c'].map((z) => `${location}-${z}`);
  return { region: location, zone: zones[index % zones.length] ?? `${location}-a` };
}

/** The four labels of a node at `index` of a cluster in `location`. */
export function topologyLabels(location: string, index: number): Record<string, string> {
  const { region, zone } = nodeTopology(location, index);
  return { [topologyLabelKeys.region]: region, [topologyLabelKeys.zone]: zone, [topologyLabelKeys.betaRegion]: region, [topologyLabelKeys.betaZone]: zone };
}
