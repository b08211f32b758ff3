/**
 * Releasing the federated objects on a host that outlives its federation, while KubeFed's
 * controller still runs: each one carries the sync controller's finalizer, which only that
 * controller removes. Deleting the plane first would leave them (and their namespaces) stuck
 * Terminating forever.
 */
import { NotFoundError } from '../../errors.js';
import type { KubeClient } from '../client.js';
import { kinds, type FederatedTypeConfigObject } from '../objects.js';
import { isOwned } from '../ownership.js';
import { allNamespaces, refOf, type KindRef, type KubeObject } from '../resources.js';
import type { ReleaseResult } from '../types.js';
import { planeIsKfeds } from './state.js';

/** KubeFed's sync-controller finalizer, and the annotation that makes it keep member copies. */
export const syncFinalizer = 'kubefed.io/sync-controller';
export const orphanAnnotation = 'kubefed.io/orphan';

/** The federated kinds the plane's FederatedTypeConfigs name. */
async function federatedKinds(host: KubeClient, namespace: string): Promise<KindRef[]> {
  let configs: FederatedTypeConfigObject[];
  try {
    configs = await host.list<FederatedTypeConfigObject>(kinds.federatedTypeConfig, { namespace });
  } catch (err) {
    // No KubeFed CRDs (the plane was never installed, or is gone): nothing to release.
    if (err instanceof NotFoundError) return [];
    throw err;
  }
  const found = new Map<string, KindRef>();
  for (const c of configs) {
    const t = c.spec?.federatedType;
    if (!t?.kind || !t.pluralName || !t.version) continue;
    const apiVersion = t.group ? `${t.group}/${t.version}` : t.version;
    found.set(`${apiVersion}/${t.kind}`, { apiVersion, kind: t.kind, plural: t.pluralName, namespaced: t.scope !== 'Cluster' });
  }
  return [...found.values()];
}

async function liveObjects(host: KubeClient, kindsToList: readonly KindRef[]): Promise<{ kind: KindRef; obj: KubeObject }[]> {
  const out: { kind: KindRef; obj: KubeObject }[] = [];
  for (const kind of kindsToList) {
    const objects = await host.list(kind, kind.namespaced === false ? {} : { namespace: allNamespaces });
    for (const obj of objects) out.push({ kind, obj });
  }
  return out;
}

/**
 * Deletes every federated object of the plane's types on the host: users' objects with
 * KubeFed's orphan annotation first (their member copies stay, as do the users' workloads),
 * kfed's own (labelled) with their copies. Waits until KubeFed has released them all. After
 * `timeoutMs` (no controller running), kfed removes the sync finalizer itself from what is left —
 * harmless for orphaned objects, whose members are not to be touched anyway — and reports how
 * many it had to force (their member copies, if any, stay).
 */
export async function releaseFederatedObjects(host: KubeClient, namespace: string, options: { readonly timeoutMs: number; readonly intervalMs: number }): Promise<ReleaseResult> {
  // A KubeFed that someone else runs in this namespace (kfed refused to install over it) and
  // its federated objects are theirs: touch none of it.
  if (!(await planeIsKfeds(host, namespace))) return { orphaned: 0, removed: 0, forced: 0, notKfedsPlane: true };
  const types = await federatedKinds(host, namespace);
  const objects = await liveObjects(host, types);
  let orphaned = 0;
  let removed = 0;
  for (const { kind, obj } of objects) {
    const ref = refOf(obj, kind);
    if (isOwned(obj)) removed++;
    else {
      orphaned++;
      if (obj.metadata.annotations?.[orphanAnnotation] !== 'true') {
        await host.apply({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, annotations: { [orphanAnnotation]: 'true' } } }, kind);
      }
    }
    if (!obj.metadata.deletionTimestamp) await host.delete(ref);
  }
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const left = await liveObjects(host, types);
    if (left.length === 0) return { orphaned, removed, forced: 0 };
    if (Date.now() >= deadline) {
      for (const { kind, obj } of left) {
        const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== syncFinalizer);
        await host.replace({ ...obj, metadata: { ...obj.metadata, finalizers } }, kind);
      }
      return { orphaned, removed, forced: left.length };
    }
    await new Promise((r) => setTimeout(r, options.intervalMs));
  }
}
