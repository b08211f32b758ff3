/**
 * `kubefedctl unjoin`: removes exactly what a join made, by its labels, on both clusters.
 * Objects already gone count as removed, so unjoin is safe to re-run at any point.
 */
import type { KubeClient } from '../client.js';
import { namespaceRef, type KubeFedClusterObject } from '../objects.js';
import { deleteNamespaceIfUnused, deleteOwned } from '../ownership.js';
import { joinSelector } from '../names.js';
import type { KindRef } from '../resources.js';
import type { JoinNames } from '../types.js';
import { hostObjectRefs } from './state.js';

/** Member-side kinds a join creates, cluster-wide ones first (they grant the most). */
const memberKinds: readonly (KindRef & { readonly namespaced: boolean })[] = [
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespaced: false },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', namespaced: true },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', namespaced: true },
  { apiVersion: 'v1', kind: 'Secret', namespaced: true },
  { apiVersion: 'v1', kind: 'ServiceAccount', namespaced: true },
];

/**
 * The host half: the KubeFedCluster (only when kfed made it) and the token Secret it names.
 * Done first, so the plane stops using the member before its token is revoked.
 * Returns whether anything was deleted.
 */
export async function removeFromHost(host: KubeClient, names: JoinNames): Promise<boolean> {
  const { cluster: clusterRef, secret: secretRef } = hostObjectRefs(names);
  const cluster = await host.get<KubeFedClusterObject>(clusterRef);
  let changed = false;
  // A Secret named by an older join (kubefedctl's generated name) goes too, if kfed labelled it.
  const named = cluster?.spec?.secretRef?.name;
  if (named && named !== secretRef.name) changed = (await deleteOwned(host, { ...secretRef, name: named })) || changed;
  changed = (await deleteOwned(host, clusterRef)) || changed;
  changed = (await deleteOwned(host, secretRef)) || changed;
  return changed;
}

/**
 * The member half: RBAC, token Secret and ServiceAccount of this join (selected by its labels),
 * then the plane namespace — but only when kfed created it, it is not the host's own plane
 * namespace (same UID: the host joined itself, as kubefedctl checks), and nothing but the
 * `default` ServiceAccount is left in it (another join or plane may still live there).
 * Returns whether anything was deleted.
 */
export async function removeFromMember(member: KubeClient, names: JoinNames, hostNamespaceUid: string | undefined): Promise<boolean> {
  let changed = false;
  for (const kind of memberKinds) {
    const namespace = kind.namespaced ? names.namespace : undefined;
    changed = (await member.deleteCollection(kind, { namespace, labelSelector: joinSelector(names, 'member-access') })) > 0 || changed;
  }
  return (await deleteNamespaceIfUnused(member, names.namespace, hostNamespaceUid)) || changed;
}

/** The UID of the plane namespace on the host, to recognise the host when it is also the member. */
export async function planeNamespaceUid(host: KubeClient, namespace: string): Promise<string | undefined> {
  return (await host.get(namespaceRef(namespace)))?.metadata.uid;
}
