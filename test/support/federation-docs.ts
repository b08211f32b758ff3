/**
 * What the end-to-end tests of ownership and spec edits, and the fault suite's foreign-resources
 * scenario, share: spec files written from a short description, and one view of everything a
 * federation has, to compare before and after. Views of the cloud and the clusters are in
 * cloud-view.ts, what users make by hand in hand-made.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { emulatorState, kubeDnsFederations, kubeFedClusters, kubeOf, objectNames, planeNamespace, project, viewKinds, zoneNames } from './cloud-view.js';
import type { Harness } from './harness.js';

export interface ClusterDoc {
  readonly name: string;
  /** @default the name */
  readonly context?: string;
  readonly location: string;
  readonly nodes?: number;
  readonly machineType?: string;
}

/** A federation in a few words; {@link writeSpec} makes the spec file. */
export interface FederationDoc {
  readonly name: string;
  /** @default the name */
  readonly zone?: string;
  /** @default `<name>.example.com.` */
  readonly domain?: string;
  /** @default the first cluster */
  readonly host?: string;
  readonly clusters: readonly ClusterDoc[];
  readonly onFailure?: 'keep' | 'teardown';
}

/** Writes the spec of `doc` into the harness directory (as `file`) and returns its path. */
export function writeSpec(h: Harness, doc: FederationDoc, file = `${doc.name}.yaml`): string {
  const path = join(h.dir, file);
  const spec = {
    apiVersion: 'kfed.dev/v1alpha1',
    kind: 'Federation',
    metadata: { name: doc.name },
    spec: {
      project,
      dns: { zone: doc.zone ?? doc.name, domain: doc.domain ?? `${doc.name}.example.com.` },
      host: doc.host ?? doc.clusters[0]?.name ?? '',
      clusters: doc.clusters.map((c) => ({
        name: c.name,
        context: c.context ?? c.name,
        location: c.location,
        ...(c.nodes !== undefined ? { nodes: c.nodes } : {}),
        ...(c.machineType !== undefined ? { machineType: c.machineType } : {}),
      })),
      ...(doc.onFailure ? { onFailure: doc.onFailure } : {}),
    },
  };
  writeFileSync(path, stringify(spec));
  return path;
}

/**
 * Everything of a federation that a careless run of another (or a failed re-run) could
 * destroy, as it is now: its zone, its clusters (status and owner), the joins on its host
 * (KubeFed's Ready), the members' tokens on the host, the member-side accounts and each
 * cluster's kube-dns entry. Two views compare equal when nothing of it changed.
 */
export async function federationView(h: Harness, doc: FederationDoc): Promise<Record<string, unknown>> {
  const names = doc.clusters.map((c) => c.name);
  const host = kubeOf(h, doc.host ?? names[0] ?? '');
  const members: Record<string, unknown> = {};
  for (const c of doc.clusters) {
    const kube = kubeOf(h, c.name);
    members[c.name] = {
      accounts: (await objectNames(kube, viewKinds.serviceAccount, planeNamespace)).filter((s) => s.endsWith(`-${doc.name}`)),
      dns: await kubeDnsFederations(kube),
    };
  }
  return {
    zone: zoneNames(h).filter((z) => z === (doc.zone ?? doc.name)),
    clusters: Object.values(emulatorState(h).clusters)
      .filter((c) => names.includes(c.name))
      .map((c) => `${c.name}: ${c.status}, ${c.labels['kfed-federation'] ?? 'no federation'}, run ${c.labels['kfed-run'] ?? 'none'}`)
      .sort(),
    joins: await kubeFedClusters(host),
    hostSecrets: (await objectNames(host, viewKinds.secret, planeNamespace)).filter((s) => s.endsWith('-credentials')),
    members,
  };
}
