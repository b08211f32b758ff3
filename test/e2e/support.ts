/**
 * What the end-to-end tests of ownership and spec edits share: spec files written from a short
 * description, a user's hand-made zones, records and clusters (made through the emulated cloud
 * APIs, as gcloud would), and views of what exists — the emulator's state and the clusters' real
 * objects — to assert on.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { CallLogEntry } from '../../src/emulator/index.js';
import type { EmulatorState } from '../../src/emulator/state.js';
import { gcpFromEnv, type GcpProviders } from '../../src/providers/gcp/index.js';
import { KubeClient } from '../../src/providers/kube/client.js';
import { tokenKubeConfig } from '../../src/providers/kube/connector.js';
import type { KindRef, KubeObject } from '../../src/providers/kube/resources.js';
import type { Harness } from '../support/harness.js';

/** The project of every emulated resource in these tests. */
export const project = 'local';

/** KubeFed's default plane namespace (the spec's default). */
export const planeNamespace = 'kube-federation-system';

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

/** The emulator's persisted state (saved after every change). */
export function emulatorState(h: Harness): EmulatorState {
  return JSON.parse(readFileSync(h.emulator.stateFile, 'utf8')) as EmulatorState;
}

/** `name: STATUS` of every emulated GKE cluster, sorted. */
export function clusterStatuses(h: Harness): string[] {
  return Object.values(emulatorState(h).clusters)
    .map((c) => `${c.name}: ${c.status}`)
    .sort();
}

/** Names of every emulated zone, sorted. */
export function zoneNames(h: Harness): string[] {
  return Object.values(emulatorState(h).zones)
    .map((z) => z.name)
    .sort();
}

/** The labels of an emulated cluster, or undefined when it does not exist. */
export function clusterLabels(h: Harness, name: string): Record<string, string> | undefined {
  return Object.values(emulatorState(h).clusters).find((c) => c.name === name)?.labels;
}

/** Successful calls of `method` (and on `resource`, when given) since call `from`. */
export function okCalls(h: Harness, method: string, resource?: string, from = 0): CallLogEntry[] {
  return h.emulator
    .calls()
    .slice(from)
    .filter((c) => c.method === method && c.result === 'ok' && !c.replayed && (resource === undefined || c.resource.includes(resource)));
}

/** An admin client for an emulated cluster that serves its API (the token kfed's worker uses). */
export function kubeOf(h: Harness, cluster: string): KubeClient {
  const c = Object.values(emulatorState(h).clusters).find((x) => x.name === cluster);
  if (!c?.endpoint || !c.caCertificate) throw new Error(`cluster ${cluster} does not serve its API (${c ? c.status : 'absent'})`);
  return new KubeClient(tokenKubeConfig({ name: cluster, endpoint: `https://${c.endpoint}`, caData: c.caCertificate, token: h.emulator.accessToken, timeoutMs: 15_000 }));
}

export const kubeFedClusterKind: KindRef = { apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedCluster' };
export const secretKind: KindRef = { apiVersion: 'v1', kind: 'Secret' };
export const serviceAccountKind: KindRef = { apiVersion: 'v1', kind: 'ServiceAccount' };
export const deploymentKind: KindRef = { apiVersion: 'apps/v1', kind: 'Deployment' };
export const kubeFedConfigKind: KindRef = { apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedConfig' };
export const crdKind: KindRef = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };
export const configMapKind: KindRef = { apiVersion: 'v1', kind: 'ConfigMap' };

/** Names of the objects of `kind` (in `namespace`), sorted; none when the kind is not served. */
export async function objectNames(kube: KubeClient, kind: KindRef, namespace?: string): Promise<string[]> {
  try {
    return (await kube.list(kind, namespace ? { namespace } : {})).map((o) => o.metadata.name).sort();
  } catch (err) {
    // A kind whose CRD is gone (the plane removed) has no objects.
    if (/404|not found/i.test(err instanceof Error ? err.message : String(err))) return [];
    throw err;
  }
}

/** The KubeFedClusters on a host with their Ready condition: `name: True|False|Unknown`. */
export async function kubeFedClusters(kube: KubeClient, namespace = planeNamespace): Promise<string[]> {
  let items: (KubeObject & { status?: { conditions?: { type: string; status: string }[] } })[];
  try {
    items = await kube.list(kubeFedClusterKind, { namespace });
  } catch (err) {
    if (/404|not found/i.test(err instanceof Error ? err.message : String(err))) return [];
    throw err;
  }
  return items.map((k) => `${k.metadata.name}: ${k.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown'}`).sort();
}

/** The `federations` entry of a cluster's kube-dns ConfigMap. */
export async function kubeDnsFederations(kube: KubeClient): Promise<string> {
  const cm = await kube.get<KubeObject & { data?: Record<string, string> }>({ ...configMapKind, namespace: 'kube-system', name: 'kube-dns' });
  return cm?.data?.federations ?? '';
}

/**
 * Everything of a federation that a careless run of another (or a failed re-run) could
 * destroy, as it is now: its zone, its clusters (status and owner), the joins on its host
 * (KubeFed's Ready), the members' tokens on the host, the member-side accounts and each
 * cluster's kube-dns entry. Two views compare equal when nothing of it changed.
 */
export async function federationView(h: Harness, doc: FederationDoc): Promise<Record<string, unknown>> {
  const names = doc.clusters.map((c) => c.name);
  const hostName = doc.host ?? names[0] ?? '';
  const host = kubeOf(h, hostName);
  const members: Record<string, unknown> = {};
  for (const c of doc.clusters) {
    const kube = kubeOf(h, c.name);
    members[c.name] = {
      accounts: (await objectNames(kube, serviceAccountKind, planeNamespace)).filter((s) => s.endsWith(`-${doc.name}`)),
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
    hostSecrets: (await objectNames(host, secretKind, planeNamespace)).filter((s) => s.endsWith('-credentials')),
    members,
  };
}

/** Cloud DNS REST, as a user's gcloud would call it (the emulator's token). */
async function dnsCall(h: Harness, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${h.emulator.dnsEndpoint}/projects/${project}${path}`, {
    method,
    headers: { authorization: `Bearer ${h.emulator.accessToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Cloud DNS ${method} ${path}: ${response.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** A zone made by hand (no kfed labels), as a team that points its registrar at it has. */
export async function createZoneByHand(h: Harness, zone: string, dnsName: string): Promise<void> {
  await dnsCall(h, 'POST', '/managedZones', { name: zone, dnsName, description: 'made by hand', labels: { team: 'platform' } });
}

/** A record set, as Cloud DNS takes it. */
export interface RecordSet {
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  readonly rrdatas: readonly string[];
}

/** Adds records by hand (one Cloud DNS change). */
export async function addRecordsByHand(h: Harness, zone: string, records: readonly RecordSet[]): Promise<void> {
  await dnsCall(h, 'POST', `/managedZones/${zone}/changes`, { additions: records });
}

/** `name TYPE` of every record set of a zone, sorted; undefined when the zone does not exist. */
export async function zoneRecords(h: Harness, zone: string): Promise<string[] | undefined> {
  if (!zoneNames(h).includes(zone)) return undefined;
  const body = (await dnsCall(h, 'GET', `/managedZones/${zone}/rrsets`)) as { rrsets?: RecordSet[] };
  return (body.rrsets ?? []).map((r) => `${r.name} ${r.type}`).sort();
}

/** The hand-made records of the tests: what a team keeps in a zone it also gave kfed. */
export function handMadeRecords(domain: string): RecordSet[] {
  return [
    { name: `www.${domain}`, type: 'A', ttl: 300, rrdatas: ['203.0.113.10'] },
    { name: `mail.${domain}`, type: 'MX', ttl: 300, rrdatas: ['10 mx.example.net.'] },
    { name: domain, type: 'TXT', ttl: 300, rrdatas: ['"v=spf1 -all"'] },
  ];
}

/** The emulated cloud through kfed's own providers (the emulator's environment), for reads and hand-made clusters. */
export function cloudOf(h: Harness): GcpProviders {
  return gcpFromEnv({ ...process.env, ...h.emulator.env });
}
