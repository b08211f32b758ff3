/**
 * The reverse of {@link installPlane}, for a host that outlives its federation (an existing
 * cluster kfed adopted): removes the plane's objects that carry kfed's label and nothing else.
 * Objects already gone count as removed, so it is safe to re-run at any point.
 */
import { ConflictError, NotFoundError } from '../../errors.js';
import type { KubeClient } from '../client.js';
import { deleteNamespaceIfUnused, deleteOwned, isOwned } from '../ownership.js';
import { controllerDeploymentRef, controllerRbac, federatedTypeConfigs, kubeFedConfig, otherScopeRbac, planeCrds } from './manifests.js';
import { kinds } from '../objects.js';
import { planeIsKfeds } from './state.js';
import { allNamespaces, refOf, type KindRef, type KubeObject } from '../resources.js';
import { defaultPlaneScope, type UninstallResult } from '../types.js';

const kubeFedClusterKind = kinds.kubeFedCluster;
const kubeFedConfigKind = kinds.kubeFedConfig;

/** Live objects of a KubeFed kind; none when its CRD is not installed. */
async function listLive(host: KubeClient, kind: KindRef, namespace: string | typeof allNamespaces, includeDeleting = false): Promise<KubeObject[]> {
  try {
    return (await host.list(kind, { namespace })).filter((o) => includeDeleting || !o.metadata.deletionTimestamp);
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
}

/** Bindings first, then the roles they name, then the ServiceAccount. */
function deletionRank(obj: KubeObject): number {
  if (obj.kind.endsWith('Binding')) return 0;
  return obj.kind.endsWith('Role') ? 1 : 2;
}

/** The controller's finalizer on each FederatedTypeConfig (it stops that type's controllers first). */
const typeConfigFinalizer = 'core.kubefed.io/federated-type-config';

/**
 * Deletes every FederatedTypeConfig of the plane and waits until the controller released them;
 * after `timeoutMs` (no controller running) kfed removes the finalizer itself: it only tells the
 * controller to stop watching the type, and there is no controller to tell.
 *
 * A type config that someone else added to kfed's plane (`kubefedctl federate --enable-type`, or
 * `kubefedctl enable`) goes too: it configures only this plane's controller, which is going away,
 * and it is an object of kfed's FederatedTypeConfig CRD, which would otherwise wait for it
 * forever, Terminating, once the controller no longer removes its finalizer. The CRD that
 * kubefedctl made for the type (`Federated<Kind>`) is not kfed's and stays.
 */
async function removeTypeConfigs(host: KubeClient, namespace: string, options: { readonly timeoutMs: number; readonly intervalMs: number }): Promise<boolean> {
  let changed = false;
  for (const ftc of federatedTypeConfigs(namespace)) changed = (await deleteOwned(host, refOf(ftc))) || changed;
  // Only in kfed's own plane: a KubeFed someone else runs here keeps its type configs.
  const others = (await planeIsKfeds(host, namespace)) ? await listLive(host, kinds.federatedTypeConfig, namespace) : [];
  for (const ftc of others) {
    if (isOwned(ftc)) continue;
    changed = (await host.delete(refOf(ftc, kinds.federatedTypeConfig))) || changed;
  }
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const left = (await listLive(host, kinds.federatedTypeConfig, namespace, true)).filter((o) => isOwned(o) || others.some((x) => x.metadata.uid === o.metadata.uid));
    if (left.length === 0) return changed;
    if (Date.now() >= deadline) {
      for (const ftc of left) {
        await host.replace({ ...ftc, metadata: { ...ftc.metadata, finalizers: (ftc.metadata.finalizers ?? []).filter((f) => f !== typeConfigFinalizer) } });
      }
      return true;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs));
  }
}

/**
 * Removes the plane in `namespace`: the FederatedTypeConfigs (released by the running controller), then the controller Deployment (so nothing acts on the
 * rest), the KubeFedConfig, the controller's RBAC, then the KubeFed CRDs, then the namespace.
 *
 * Refuses with a {@link ConflictError}, before removing anything, while a KubeFedCluster
 * remains in the namespace: those members are still joined and must be unjoined first
 * (removing the plane under them would strand their credentials on the host).
 *
 * NOTE: CRDs are cluster-wide and shared by every KubeFed plane on the cluster; deleting one
 * deletes all its objects. They go only when no KubeFedCluster and no KubeFedConfig is left in
 * any namespace (else another plane still uses them: `crds: 'kept'`). The namespace goes only
 * when kfed created it (labelled) and no ServiceAccount but `default` is left in it (a join of
 * another federation, or someone else's workload, may live there).
 */
export async function uninstallPlane(host: KubeClient, namespace: string, options: { readonly timeoutMs: number; readonly intervalMs: number }): Promise<UninstallResult> {
  // In a KubeFed someone else runs here (kfed refused to take it over), their members are
  // theirs and stay joined; kfed removes only what carries its label.
  const ours = await planeIsKfeds(host, namespace);
  const joined = (await listLive(host, kubeFedClusterKind, namespace)).filter((c) => ours || isOwned(c));
  if (joined.length > 0) {
    const members = joined.map((c) => c.metadata.name).sort();
    throw new ConflictError(`cannot remove the KubeFed plane in ${namespace} from ${host.endpoint}: clusters still joined: ${members.join(', ')}`, {
      resource: `${host.endpoint} ${namespace}`,
      hint: 'unjoin every member before removing the plane',
    });
  }
  // The FederatedTypeConfigs first, while the controller runs: it holds a finalizer on each.
  let changed = await removeTypeConfigs(host, namespace, options);
  changed = (await deleteOwned(host, controllerDeploymentRef(namespace))) || changed;
  changed = (await deleteOwned(host, refOf(kubeFedConfig(namespace, defaultPlaneScope)))) || changed;
  // Either scope's grants, whichever the plane ran with; bindings before the roles and
  // ServiceAccount they name: never a binding to nothing.
  const grants = [...otherScopeRbac(namespace, defaultPlaneScope), ...controllerRbac(namespace, defaultPlaneScope)];
  for (const obj of grants.sort((a, b) => deletionRank(a) - deletionRank(b))) changed = (await deleteOwned(host, refOf(obj))) || changed;

  const users = [...(await listLive(host, kubeFedClusterKind, allNamespaces)), ...(await listLive(host, kubeFedConfigKind, allNamespaces))];
  const crds = users.length === 0 ? 'removed' : 'kept';
  if (crds === 'removed') {
    for (const crd of planeCrds().reverse()) changed = (await deleteOwned(host, refOf(crd))) || changed;
  }

  changed = (await deleteNamespaceIfUnused(host, namespace)) || changed;
  return { changed, crds };
}
