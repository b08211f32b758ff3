/**
 * What a fault run is judged by: duplicate creates in the emulator's call log, resources that no
 * spec owns, and what a teardown left behind.
 */
import type { CallLogEntry } from '../src/emulator/index.js';
import type { KubeObject } from '../src/providers/kube/resources.js';
import type { FederationSpec } from '../src/spec/types.js';
import type { Lab } from '../suite/lab.js';

/**
 * Creates that made something a second time: successful, not replayed CreateCluster per cluster
 * and managedZones.create per zone, beyond the first.
 */
export function duplicateCreates(calls: readonly CallLogEntry[]): { count: number; what: string[] } {
  const made = new Map<string, number>();
  for (const c of calls) {
    if (c.result !== 'ok' || c.replayed) continue;
    if (c.method !== 'CreateCluster' && c.method !== 'managedZones.create') continue;
    made.set(c.resource, (made.get(c.resource) ?? 0) + 1);
  }
  const what = [...made].filter(([, n]) => n > 1).map(([r, n]) => `${r} ×${n}`);
  return { count: [...made.values()].reduce((s, n) => s + Math.max(0, n - 1), 0), what };
}

/**
 * Resources that exist but that the spec does not own: GKE clusters, zones and kwok clusters
 * not of this spec, and on the host, KubeFedClusters and join credential Secrets for members not
 * in the spec. Call it when only this spec should exist.
 */
export async function orphans(lab: Lab, spec: FederationSpec): Promise<string[]> {
  const names = new Set(spec.clusters.map((c) => c.name));
  const inv = lab.inventory();
  const out: string[] = [];
  for (const c of inv.clusters) if (!names.has(c)) out.push(`GKE cluster ${c}`);
  for (const z of inv.zones) if (z !== spec.dns.zone) out.push(`zone ${z}`);
  for (const b of inv.backing) if (![...names].some((n) => b.startsWith(`gke-${n}-`))) out.push(`kwok cluster ${b}`);
  // Cluster names are prefixes of each other only across specs; one kwok cluster per GKE cluster.
  if (inv.backing.length > inv.clusters.length) out.push(`${inv.backing.length - inv.clusters.length} kwok cluster(s) more than GKE clusters`);
  const host = lab.kube(spec.host);
  if (host) {
    const contexts = new Set(spec.clusters.map((c) => c.context));
    const ns = spec.plane.namespace;
    try {
      const fedClusters = await host.list({ apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedCluster' }, { namespace: ns });
      for (const k of fedClusters) if (!contexts.has(k.metadata.name)) out.push(`KubeFedCluster ${k.metadata.name}`);
      const secrets = await host.list<KubeObject>({ apiVersion: 'v1', kind: 'Secret' }, { namespace: ns, labelSelector: 'app.kubernetes.io/component=host-registration' });
      for (const s of secrets) if (![...contexts].some((c) => s.metadata.name === `${c}-credentials`)) out.push(`host Secret ${s.metadata.name}`);
    } catch (err) {
      out.push(`host not readable: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}
