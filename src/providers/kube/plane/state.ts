/**
 * What of KubeFed a host already runs, read once (GETs and lists only): the facts init and its
 * plan decide on, so both refuse the same hosts.
 */
import { NotFoundError } from '../../errors.js';
import type { KubeClient } from '../client.js';
import { kinds, type CrdObject } from '../objects.js';
import { isOwned } from '../ownership.js';
import { allNamespaces, type KubeObject } from '../resources.js';
import { controllerDeploymentRef } from './manifests.js';

/** API groups of KubeFed's CRDs (all releases). */
const kubeFedGroups = ['core.kubefed.io', 'types.kubefed.io', 'scheduling.kubefed.io', 'multiclusterdns.kubefed.io'];

/** The KubeFed a host runs, seen from the plane kfed would put in `namespace`. */
export interface HostPlaneState {
  /** KubeFed CRDs on the host that kfed did not install. */
  readonly foreignCrds: readonly string[];
  /** Namespaces other than ours with a KubeFedConfig: another plane runs there. */
  readonly otherPlanes: readonly string[];
  /** The controller Deployment in our namespace, when one exists that kfed did not make. */
  readonly foreignController?: string;
}

/** Reads the host's KubeFed. */
export async function observeHostPlane(host: KubeClient, namespace: string): Promise<HostPlaneState> {
  const crds = await host.list<CrdObject>(kinds.crd);
  const kubeFed = crds.filter((c) => kubeFedGroups.some((g) => c.metadata.name.endsWith(`.${g}`)));
  const foreignCrds = kubeFed.filter((c) => !isOwned(c)).map((c) => c.metadata.name).sort();
  const configs: KubeObject[] = kubeFed.some((c) => c.metadata.name === 'kubefedconfigs.core.kubefed.io') ? await host.list(kinds.kubeFedConfig, { namespace: allNamespaces }) : [];
  const otherPlanes = [...new Set(configs.map((c) => c.metadata.namespace ?? '').filter((ns) => ns !== namespace))].sort();
  const deployment = await host.get(controllerDeploymentRef(namespace));
  return { foreignCrds, otherPlanes, ...(deployment && !isOwned(deployment) ? { foreignController: `${namespace}/${deployment.metadata.name}` } : {}) };
}

/**
 * Why kfed must not install its plane on this host, or undefined. kfed never takes over a
 * KubeFed it did not install (its forced apply would overwrite the owner's objects, and its
 * teardown would later delete them), and never runs a second cluster-scoped plane next to
 * another (both controllers would reconcile every federated object).
 */
export function hostPlaneConflict(state: HostPlaneState, namespace: string): string | undefined {
  if (state.foreignCrds.length > 0) {
    const shown = state.foreignCrds.slice(0, 3).join(', ');
    return `the host already runs a KubeFed that kfed did not install (CRDs ${shown}${state.foreignCrds.length > 3 ? `, and ${state.foreignCrds.length - 3} more` : ''}); kfed will not take it over`;
  }
  if (state.otherPlanes.length > 0) return `another KubeFed plane runs on the host in namespace ${state.otherPlanes.join(', ')}; kfed will not run a second cluster-scoped plane in ${namespace}`;
  if (state.foreignController) return `Deployment ${state.foreignController} exists and kfed did not make it; kfed will not replace it`;
  return undefined;
}

/**
 * True when the KubeFed plane in `namespace` is kfed's: its KubeFedConfig or its controller
 * Deployment carries kfed's label. Teardown acts on a plane's federated objects and type configs
 * only then; a KubeFed someone else runs there (kfed refused to take it over) is left whole.
 */
export async function planeIsKfeds(host: KubeClient, namespace: string): Promise<boolean> {
  let config: KubeObject | undefined;
  try {
    config = await host.get({ ...kinds.kubeFedConfig, plural: 'kubefedconfigs', namespaced: true, namespace, name: 'kubefed' });
  } catch (err) {
    // No KubeFedConfig CRD: no plane at all.
    if (!(err instanceof NotFoundError)) throw err;
  }
  if (config) return isOwned(config);
  return isOwned(await host.get(controllerDeploymentRef(namespace)));
}
