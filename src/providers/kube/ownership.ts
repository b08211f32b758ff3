/**
 * Kubernetes objects and ownership: kfed creates namespaces without claiming existing ones,
 * deletes only objects carrying its mark, and removes a namespace it made only when nothing of
 * anyone else's is left in it. The marks themselves live in src/ownership.ts.
 */
import { kubeManagedByKfed, kubeManagedLabels } from '../../ownership.js';
import type { KubeClient } from './client.js';
import { kinds, namespaceRef } from './objects.js';
import type { KubeObject, ObjectRef } from './resources.js';

/** Whether kfed made this object. */
export function isOwned(obj: KubeObject | undefined): boolean {
  return kubeManagedByKfed(obj?.metadata.labels);
}

/** Creates the namespace when it is missing; an existing one is left as it is (and never claimed). */
export async function ensureNamespace(client: KubeClient, name: string): Promise<boolean> {
  const created = await client.createIfAbsent({ ...kinds.namespace, metadata: { name, labels: kubeManagedLabels } });
  return created !== undefined;
}

/** Deletes the object when it exists and is kfed's; true when it did. */
export async function deleteOwned(client: KubeClient, ref: ObjectRef): Promise<boolean> {
  if (!isOwned(await client.get(ref))) return false;
  return client.delete(ref);
}

/**
 * Deletes namespace `name` when kfed created it and no ServiceAccount but `default` is left in
 * it (a join of another federation, another plane, or someone's workload may still live there).
 * `keepUid`: a namespace with this UID is kept whatever it holds (the host's own plane namespace,
 * when the host is also the member). True when it was deleted.
 */
export async function deleteNamespaceIfUnused(client: KubeClient, name: string, keepUid?: string): Promise<boolean> {
  const ns = await client.get(namespaceRef(name));
  if (!ns || ns.metadata.deletionTimestamp || !isOwned(ns) || (keepUid !== undefined && ns.metadata.uid === keepUid)) return false;
  const accounts = await client.list(kinds.serviceAccount, { namespace: name });
  if (accounts.some((sa) => sa.metadata.name !== 'default')) return false;
  return client.delete(namespaceRef(name));
}
