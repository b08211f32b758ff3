/**
 * Shared pieces of the kube provider tests: local clusters that accept one static bearer token
 * (so tests take the same `gke` code path as real GKE clusters), targets, and a listing of
 * everything kfed labelled on a cluster, read through client-node's generated API classes.
 */
import * as k8s from '@kubernetes/client-node';
import { LocalCluster } from '../../src/local/local-cluster.js';
import type { AccessTokenSource } from '../../src/providers/gcp/types.js';
import type { ClusterTarget } from '../../src/providers/types.js';
import { testToolchain } from '../support/substrate.js';

/** The bearer token every test cluster accepts, as the emulator's GKE clusters accept Google's. */
export const testToken = 'kfed-kube-test-token';

/** Counts calls, to prove the token is fetched at connect time. */
export class CountingTokenSource implements AccessTokenSource {
  calls = 0;
  constructor(private readonly token = testToken) {}

  getAccessToken(): Promise<string> {
    this.calls++;
    return Promise.resolve(this.token);
  }
}

/** The user {@link testToken} authenticates as (what audit logs name). */
export const testUser = 'kfed-test';

/** A local cluster whose API server accepts {@link testToken} as a cluster admin. */
export async function createTestCluster(
  name: string,
  workdir: string,
  options: { readonly scheduler: boolean; readonly apiserverArgs?: Readonly<Record<string, string>> },
): Promise<LocalCluster> {
  return LocalCluster.create(name, {
    toolchain: await testToolchain(),
    workdir,
    scheduler: options.scheduler,
    nodes: options.scheduler ? 1 : 0,
    staticTokens: [{ token: testToken, user: testUser, groups: ['system:masters'] }],
    apiserverArgs: options.apiserverArgs,
  });
}

/** The cluster as a `gke` target: endpoint and base64 PEM CA, the token comes from the source. */
export function gkeTarget(cluster: LocalCluster): ClusterTarget {
  return { kind: 'gke', name: cluster.name, endpoint: cluster.info.endpoint, caCertificate: Buffer.from(cluster.info.caCertificate).toString('base64') };
}

/** The cluster as a `kubeconfig` target, through the file kwokctl wrote. */
export function kubeconfigTarget(cluster: LocalCluster): ClusterTarget {
  return { kind: 'kubeconfig', name: cluster.name, context: `kwok-${cluster.name}`, kubeconfig: cluster.info.kubeconfigPath };
}

const managed = { labelSelector: 'app.kubernetes.io/managed-by=kfed' };
const everything = {};

function rows(kind: string, items: readonly { metadata?: k8s.V1ObjectMeta }[]): string[] {
  return items.map((i) => `${kind} ${i.metadata?.namespace ? `${i.metadata.namespace}/` : ''}${i.metadata?.name ?? '?'}@${i.metadata?.resourceVersion ?? '?'}`);
}

async function customObjects(kc: k8s.KubeConfig, plural: string, selector: { readonly labelSelector?: string }): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const list = (await kc.makeApiClient(k8s.CustomObjectsApi).listClusterCustomObject({ group: 'core.kubefed.io', version: 'v1beta1', plural, ...selector })) as {
        items: { metadata?: k8s.V1ObjectMeta }[];
      };
      return rows(plural, list.items);
    } catch (err) {
      // The CRD is not installed on this cluster: nothing of that kind exists.
      if (err instanceof k8s.ApiException && err.code === 404) return [];
      // A CRD installed a moment ago answers 429 "storage is (re)initializing" for a second.
      if (err instanceof k8s.ApiException && err.code === 429 && attempt < 20) {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      throw err;
    }
  }
}

async function objectRows(kc: k8s.KubeConfig, selector: { readonly labelSelector?: string }): Promise<string[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
  const all = [
    rows('Namespace', (await core.listNamespace(selector)).items),
    rows('ServiceAccount', (await core.listServiceAccountForAllNamespaces(selector)).items),
    rows('Secret', (await core.listSecretForAllNamespaces(selector)).items),
    rows('ConfigMap', (await core.listConfigMapForAllNamespaces(selector)).items),
    rows('ClusterRole', (await rbac.listClusterRole(selector)).items),
    rows('ClusterRoleBinding', (await rbac.listClusterRoleBinding(selector)).items),
    rows('Role', (await rbac.listRoleForAllNamespaces(selector)).items),
    rows('RoleBinding', (await rbac.listRoleBindingForAllNamespaces(selector)).items),
    rows('Deployment', (await kc.makeApiClient(k8s.AppsV1Api).listDeploymentForAllNamespaces(selector)).items),
    rows('CustomResourceDefinition', (await kc.makeApiClient(k8s.ApiextensionsV1Api).listCustomResourceDefinition(selector)).items),
    await customObjects(kc, 'kubefedclusters', selector),
    await customObjects(kc, 'kubefedconfigs', selector),
  ];
  return all.flat().sort();
}

/**
 * Every object labelled `app.kubernetes.io/managed-by=kfed`, as sorted
 * `Kind namespace/name@resourceVersion` rows: equal snapshots mean nothing was created,
 * deleted or written.
 */
export async function managedObjects(kc: k8s.KubeConfig): Promise<string[]> {
  return objectRows(kc, managed);
}

/**
 * Every object of the kinds kfed reads or writes (labelled or not), as {@link managedObjects}
 * rows: the snapshot that proves a read-only call wrote nothing anywhere.
 */
export async function allObjects(kc: k8s.KubeConfig): Promise<string[]> {
  return objectRows(kc, everything);
}

/** Rows without resourceVersions, for "which objects exist" assertions. */
export function names(rowsWithVersions: readonly string[]): string[] {
  return rowsWithVersions.map((r) => r.replace(/@.*$/, ''));
}

/** Decodes a base64 Secret value. */
export function decode(value: string | undefined): string {
  return Buffer.from(value ?? '', 'base64').toString('utf8');
}
