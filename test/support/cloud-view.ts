/**
 * Views of what exists in a harness's emulated cloud, to assert on (tests) or count (the fault
 * suite): the emulator's state and call log, Cloud DNS records as gcloud reads them, and the
 * clusters' real Kubernetes objects through an admin client.
 */
import { readFileSync } from 'node:fs';
import type { CallLogEntry } from '../../src/emulator/index.js';
import type { EmulatorState } from '../../src/emulator/state.js';
import { gcpFromEnv, type GcpProviders } from '../../src/providers/gcp/index.js';
import { KubeClient } from '../../src/providers/kube/client.js';
import { tokenKubeConfig } from '../../src/providers/kube/connector.js';
import { allNamespaces, type KindRef, type KubeObject } from '../../src/providers/kube/resources.js';
import type { Harness } from './harness.js';

/** The project of every emulated resource of the tests and suites. */
export const project = 'local';

/** KubeFed's default plane namespace (the spec's default). */
export const planeNamespace = 'kube-federation-system';

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

/** The emulated cloud through kfed's own providers (the emulator's environment). Close it after use. */
export function cloudOf(h: Harness): GcpProviders {
  return gcpFromEnv({ ...process.env, ...h.emulator.env });
}

/** An admin client for an emulated cluster that serves its API (the token kfed's worker uses). */
export function kubeOf(h: Harness, cluster: string): KubeClient {
  const c = Object.values(emulatorState(h).clusters).find((x) => x.name === cluster);
  if (!c?.endpoint || !c.caCertificate) throw new Error(`cluster ${cluster} does not serve its API (${c ? c.status : 'absent'})`);
  return new KubeClient(tokenKubeConfig({ name: cluster, endpoint: `https://${c.endpoint}`, caData: c.caCertificate, token: h.emulator.accessToken, timeoutMs: 15_000 }));
}

/** Kinds the views read. */
export const viewKinds = {
  kubeFedCluster: { apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedCluster' },
  kubeFedConfig: { apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedConfig' },
  federatedTypeConfig: { apiVersion: 'core.kubefed.io/v1beta1', kind: 'FederatedTypeConfig' },
  federatedConfigMap: { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedConfigMap' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  serviceAccount: { apiVersion: 'v1', kind: 'ServiceAccount' },
  namespace: { apiVersion: 'v1', kind: 'Namespace' },
  configMap: { apiVersion: 'v1', kind: 'ConfigMap' },
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  crd: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
} as const satisfies Record<string, KindRef>;

function kindNotServed(err: unknown): boolean {
  return /404|not found/i.test(err instanceof Error ? err.message : String(err));
}

/**
 * Names of the objects of `kind` (in `namespace`; `namespace/name` across all namespaces with
 * `'*'`), sorted; none when the kind is not served (its CRD is gone).
 */
export async function objectNames(kube: KubeClient, kind: KindRef, namespace?: string): Promise<string[]> {
  try {
    if (namespace === '*') {
      return (await kube.list(kind, { namespace: allNamespaces })).map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
    }
    return (await kube.list(kind, namespace ? { namespace } : {})).map((o) => o.metadata.name).sort();
  } catch (err) {
    if (kindNotServed(err)) return [];
    throw err;
  }
}

/** The KubeFedClusters on a host with KubeFed's Ready condition: `name: True|False|Unknown`. */
export async function kubeFedClusters(kube: KubeClient, namespace = planeNamespace): Promise<string[]> {
  let items: (KubeObject & { status?: { conditions?: { type: string; status: string }[] } })[];
  try {
    items = await kube.list(viewKinds.kubeFedCluster, { namespace });
  } catch (err) {
    if (kindNotServed(err)) return [];
    throw err;
  }
  return items.map((k) => `${k.metadata.name}: ${k.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? 'Unknown'}`).sort();
}

/** The `federations` entry of a cluster's kube-dns ConfigMap. */
export async function kubeDnsFederations(kube: KubeClient): Promise<string> {
  const cm = await kube.get<KubeObject & { data?: Record<string, string> }>({ ...viewKinds.configMap, namespace: 'kube-system', name: 'kube-dns' });
  return cm?.data?.federations ?? '';
}

/** Cloud DNS REST, as a user's gcloud calls it (the emulator's token). */
export async function dnsRest(h: Harness, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${h.emulator.dnsEndpoint}/projects/${project}${path}`, {
    method,
    headers: { authorization: `Bearer ${h.emulator.accessToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Cloud DNS ${method} ${path}: ${response.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** `name TYPE` of every record set of a zone, sorted; undefined when the zone does not exist. */
export async function zoneRecords(h: Harness, zone: string): Promise<string[] | undefined> {
  if (!zoneNames(h).includes(zone)) return undefined;
  const body = (await dnsRest(h, 'GET', `/managedZones/${zone}/rrsets`)) as { rrsets?: { name: string; type: string }[] };
  return (body.rrsets ?? []).map((r) => `${r.name} ${r.type}`).sort();
}
