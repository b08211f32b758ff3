/**
 * What the foreign-resources figure (R9) counts: everything next to a federation that kfed must
 * never destroy, listed one resource per line, so a flow's losses are the lines before it that
 * are gone after it. Foreign means hand-made zones and records, another federation's clusters,
 * zone and joins, and a KubeFed that was installed before kfed saw its cluster.
 */
import { emulatorState, kubeOf, objectNames, planeNamespace, viewKinds, zoneRecords } from '../test/support/cloud-view.js';
import type { FederationDoc } from '../test/support/federation-docs.js';
import { usersKubeFed } from '../test/support/hand-made.js';
import type { Harness } from '../test/support/harness.js';

/** Where the foreign resources are. */
export interface ForeignParts {
  /** Zones made by hand: the zone and each of its record sets. */
  readonly handZones: readonly string[];
  /** Other federations: their clusters, zone and records, joins and join Secrets on their host. */
  readonly federations: readonly FederationDoc[];
  /** Clusters made by hand that run a KubeFed of their team's own. */
  readonly usersKubeFeds: readonly string[];
}

async function zoneLines(h: Harness, zone: string): Promise<string[]> {
  const records = await zoneRecords(h, zone);
  return records === undefined ? [] : [`zone ${zone}`, ...records.map((r) => `record ${zone}: ${r}`)];
}

/** `cluster NAME of FEDERATION`, or nothing when the cluster does not exist. */
function clusterLines(h: Harness, names: readonly string[]): string[] {
  const clusters = Object.values(emulatorState(h).clusters);
  // Its status may move (DEGRADED, RECONCILING); what counts is that it exists and whose it is.
  return names.flatMap((name) => {
    const c = clusters.find((x) => x.name === name);
    return c ? [`cluster ${name} of ${c.labels['kfed-federation'] ?? 'no federation'}`] : [];
  });
}

async function federationLines(h: Harness, doc: FederationDoc): Promise<string[]> {
  const names = doc.clusters.map((c) => c.name);
  const hostName = doc.host ?? names[0] ?? '';
  const clusters = clusterLines(h, names);
  const lines = [...(await zoneLines(h, doc.zone ?? doc.name)), ...clusters];
  if (!clusters.some((l) => l.startsWith(`cluster ${hostName} `))) return lines;
  const host = kubeOf(h, hostName);
  // Names only: KubeFed's Ready may flap on a loaded machine without anything being lost.
  for (const j of await objectNames(host, viewKinds.kubeFedCluster, planeNamespace)) lines.push(`${doc.name} join ${j}`);
  for (const s of await objectNames(host, viewKinds.secret, planeNamespace)) if (s.endsWith('-credentials')) lines.push(`${doc.name} host Secret ${s}`);
  return lines;
}

async function usersKubeFedLines(h: Harness, cluster: string): Promise<string[]> {
  const exists = clusterLines(h, [cluster]);
  if (!exists.length) return [];
  const theirs = await usersKubeFed(h, cluster);
  return [
    ...exists,
    `${cluster} KubeFed CRDs: ${theirs.crds}`,
    ...Object.entries(theirs).flatMap(([what, names]) => (Array.isArray(names) ? names.map((n) => `${cluster} KubeFed ${what}: ${n}`) : [])),
  ];
}

/** Every foreign resource as it is now, one line each. */
export async function foreignResources(h: Harness, parts: ForeignParts): Promise<Set<string>> {
  const lines: string[] = [];
  for (const z of parts.handZones) lines.push(...(await zoneLines(h, z)));
  for (const f of parts.federations) lines.push(...(await federationLines(h, f)));
  for (const c of parts.usersKubeFeds) lines.push(...(await usersKubeFedLines(h, c)));
  return new Set(lines);
}

/** The lines of `before` that `after` lacks: what was lost. */
export function lost(before: ReadonlySet<string>, after: ReadonlySet<string>): string[] {
  return [...before].filter((l) => !after.has(l));
}
