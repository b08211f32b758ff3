/**
 * The reverse of {@link installPlane}, for a host that outlives its federation (an existing
 * cluster kfed adopted): removes the plane's objects that carry kfed's label and nothing else.
 * Objects already gone count as removed, so it is safe to re-run at any point.
 */
import { ConflictError, NotFoundError } from '../../errors.js';
import type { KubeClient } from '../client.js';
import { deleteNamespaceIfUnused, deleteOwned } from '../ownership.js';
import { kubeFedCrds } from './crds.js';
import { controllerDeployment, controllerRbac, kubeFedConfig } from './manifests.js';
import { kinds } from '../objects.js';
import { allNamespaces, refOf, type KindRef, type KubeObject } from '../resources.js';
import type { UninstallResult } from '../types.js';

const kubeFedClusterKind = kinds.kubeFedCluster;
const kubeFedConfigKind = kinds.kubeFedConfig;

/** Live objects of a KubeFed kind; none when its CRD is not installed. */
async function listLive(host: KubeClient, kind: KindRef, namespace: string | typeof allNamespaces): Promise<KubeObject[]> {
  try {
    return (await host.list(kind, { namespace })).filter((o) => !o.metadata.deletionTimestamp);
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
}

/**
 * Removes the plane in `namespace`: the controller Deployment first (so nothing acts on the
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
export async function uninstallPlane(host: KubeClient, namespace: string): Promise<UninstallResult> {
  const joined = await listLive(host, kubeFedClusterKind, namespace);
  if (joined.length > 0) {
    const members = joined.map((c) => c.metadata.name).sort();
    throw new ConflictError(`cannot remove the KubeFed plane in ${namespace} from ${host.endpoint}: clusters still joined: ${members.join(', ')}`, {
      resource: `${host.endpoint} ${namespace}`,
      hint: 'unjoin every member before removing the plane',
    });
  }
  let changed = await deleteOwned(host, refOf(controllerDeployment(namespace)));
  changed = (await deleteOwned(host, refOf(kubeFedConfig(namespace)))) || changed;
  // Bindings before the roles and ServiceAccount they name: never a binding to nothing.
  for (const obj of controllerRbac(namespace).reverse()) changed = (await deleteOwned(host, refOf(obj))) || changed;

  const users = [...(await listLive(host, kubeFedClusterKind, allNamespaces)), ...(await listLive(host, kubeFedConfigKind, allNamespaces))];
  const crds = users.length === 0 ? 'removed' : 'kept';
  if (crds === 'removed') {
    for (const crd of [...kubeFedCrds].reverse()) changed = (await deleteOwned(host, refOf(crd))) || changed;
  }

  changed = (await deleteNamespaceIfUnused(host, namespace)) || changed;
  return { changed, crds };
}
