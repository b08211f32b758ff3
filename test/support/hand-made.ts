/**
 * What a user makes by hand next to kfed, to prove kfed never destroys it: zones and records
 * (Cloud DNS REST, as gcloud makes them), GKE clusters without kfed's labels, and a KubeFed
 * installed from the release on a cluster before kfed ever saw it. For the end-to-end tests and
 * the fault suite's foreign-resources figure (R9).
 */
import { waitFor } from '../../src/local/wait.js';
import * as release from '../../src/providers/kube/kubefed-release/index.js';
import { cloudOf, dnsRest, kubeOf, objectNames, planeNamespace, project, viewKinds } from './cloud-view.js';
import type { Harness } from './harness.js';

/** The labels of everything made by hand here: a team's, never kfed's. */
export const handLabels: Readonly<Record<string, string>> = { team: 'platform' };

/** A zone made by hand, as a team that points its registrar at it has. */
export async function createZoneByHand(h: Harness, zone: string, dnsName: string): Promise<void> {
  await dnsRest(h, 'POST', '/managedZones', { name: zone, dnsName, description: 'made by hand', labels: handLabels });
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
  await dnsRest(h, 'POST', `/managedZones/${zone}/changes`, { additions: records });
}

/**
 * Deletes a zone made by hand, its records first, as its team would (Cloud DNS refuses a zone
 * with records in it). For suites whose later scenarios share the environment.
 */
export async function deleteZoneByHand(h: Harness, zone: string): Promise<void> {
  const body = (await dnsRest(h, 'GET', `/managedZones/${zone}/rrsets`)) as { rrsets?: RecordSet[] };
  const deletions = (body.rrsets ?? []).filter((r) => r.type !== 'NS' && r.type !== 'SOA');
  if (deletions.length) await dnsRest(h, 'POST', `/managedZones/${zone}/changes`, { deletions });
  await dnsRest(h, 'DELETE', `/managedZones/${zone}`);
}

/** The hand-made records: what a team keeps in a zone it also gave kfed. */
export function handMadeRecords(domain: string): RecordSet[] {
  return [
    { name: `www.${domain}`, type: 'A', ttl: 300, rrdatas: ['203.0.113.10'] },
    { name: `mail.${domain}`, type: 'MX', ttl: 300, rrdatas: ['10 mx.example.net.'] },
    { name: domain, type: 'TXT', ttl: 300, rrdatas: ['"v=spf1 -all"'] },
  ];
}

/** A GKE cluster made by hand (no kfed labels), waited for until RUNNING. */
export async function createClusterByHand(h: Harness, name: string, location: string): Promise<void> {
  const cloud = cloudOf(h);
  try {
    await cloud.gke.ensureCluster(project, { name, location, nodes: 1, machineType: 'e2-standard-2', labels: handLabels });
    await waitFor(`${name} RUNNING`, async () => (await cloud.gke.getCluster(project, location, name))?.status === 'RUNNING', { timeoutMs: 180_000, intervalMs: 500 });
  } finally {
    await cloud.close();
  }
}

/** The team's own KubeFed: an older controller image, and a join and a federated object of its own. */
const usersController = 'registry.example.com/platform/kubefed:v0.9.2';

/**
 * Installs a KubeFed on the cluster as its team would (the release's CRDs, the plane namespace,
 * KubeFedConfig and the ConfigMap type config, none with kfed's labels), plus the team's
 * controller Deployment, a KubeFedCluster joining the cluster to itself, and a FederatedConfigMap
 * the team federates. The controller's image is not one the substrate runs: its objects stay put.
 */
export async function installUsersKubeFed(h: Harness, cluster: string): Promise<void> {
  const kube = kubeOf(h, cluster);
  for (const crd of release.releaseCrds()) await kube.apply(crd);
  await waitFor(
    `KubeFed CRDs served on ${cluster}`,
    async () => {
      try {
        await kube.list(viewKinds.federatedConfigMap, { namespace: 'default' });
        await kube.list(viewKinds.kubeFedCluster, { namespace: 'default' });
        return true;
      } catch {
        return false;
      }
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  for (const name of [planeNamespace, 'team']) await kube.apply({ ...viewKinds.namespace, metadata: { name, labels: handLabels } });
  await kube.apply(release.kubeFedConfig(planeNamespace, 'Cluster'));
  const configMaps = release.federatedTypeConfigs(planeNamespace).find((o) => o.metadata.name === 'configmaps');
  if (!configMaps) throw new Error('the release enables no ConfigMap type config');
  await kube.apply(configMaps);
  const selector = { 'kubefed-control-plane': 'controller-manager' };
  await kube.apply({
    ...viewKinds.deployment,
    metadata: { name: 'kubefed-controller-manager', namespace: planeNamespace, labels: { ...handLabels, ...selector } },
    spec: { replicas: 1, selector: { matchLabels: selector }, template: { metadata: { labels: selector }, spec: { containers: [{ name: 'controller-manager', image: usersController }] } } },
  });
  await kube.apply({
    ...viewKinds.kubeFedCluster,
    metadata: { name: `${cluster}-self`, namespace: planeNamespace, labels: handLabels },
    spec: { apiEndpoint: 'https://kubernetes.default.svc', secretRef: { name: `${cluster}-self-token` } },
  });
  await kube.apply({
    ...viewKinds.federatedConfigMap,
    metadata: { name: 'team-settings', namespace: 'team', labels: handLabels },
    spec: { template: { data: { owner: 'platform' } }, placement: { clusters: [{ name: `${cluster}-self` }] } },
  });
}

/** The team's KubeFed on the cluster as it is now: equal before and after means kfed left it whole. */
export async function usersKubeFed(h: Harness, cluster: string): Promise<{ crds: number; namespaces: string[]; controller: string[]; config: string[]; typeConfigs: string[]; joins: string[]; federated: string[] }> {
  const kube = kubeOf(h, cluster);
  return {
    crds: (await objectNames(kube, viewKinds.crd)).filter((c) => c.endsWith('.kubefed.io')).length,
    namespaces: (await objectNames(kube, viewKinds.namespace)).filter((n) => n === planeNamespace || n === 'team'),
    controller: await objectNames(kube, viewKinds.deployment, planeNamespace),
    config: await objectNames(kube, viewKinds.kubeFedConfig, planeNamespace),
    typeConfigs: await objectNames(kube, viewKinds.federatedTypeConfig, planeNamespace),
    joins: await objectNames(kube, viewKinds.kubeFedCluster, planeNamespace),
    federated: await objectNames(kube, viewKinds.federatedConfigMap, '*'),
  };
}
