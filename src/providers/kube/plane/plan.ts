/**
 * What `init` would do to the host, found by reading only: the plane's namespace, CRDs,
 * controller RBAC, KubeFedConfig and controller Deployment compared with the manifests init
 * applies for the scope, and the other scope's controller grants, which init would remove.
 */
import type { PlanItem } from '../../types.js';
import type { KubeClient } from '../client.js';
import { listDifferences, objectDrift } from '../drift.js';
import { hostPlaneConflict, observeHostPlane } from './state.js';
import { controllerDeployment, controllerDeploymentName, controllerRbac, federatedTypeConfigs, kubeFedConfig, kubeFedImage, otherScopeRbac, planeCrds } from './manifests.js';
import { isOwned } from '../ownership.js';
import { describeRef, refOf } from '../resources.js';
import { otherScope, type PlaneScope } from '../types.js';

/**
 * The plan item of `init` on the host (resource `plane on <hostName>`):
 * `create` when neither a KubeFed CRD nor the controller Deployment exists; `unchanged` when
 * every object holds what kfed's manifests set (which includes the pinned image and the
 * managed-by label); `update` otherwise, naming what differs.
 */
export async function planInit(host: KubeClient, hostName: string, namespace: string, scope: PlaneScope): Promise<PlanItem> {
  const resource = `plane on ${hostName}`;
  const conflict = hostPlaneConflict(await observeHostPlane(host, namespace), namespace);
  if (conflict) return { resource, action: 'conflict', reason: conflict };
  const ns = await host.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
  const problems: string[] = [];
  if (!ns) problems.push(`Namespace ${namespace} missing`);
  let installed = false;
  const crds = planeCrds();
  for (const crd of crds) {
    const drift = await objectDrift(host, crd);
    installed ||= drift.exists;
    if (drift.problem) problems.push(drift.problem);
  }
  const deployment = await objectDrift(host, controllerDeployment(namespace, scope));
  installed ||= deployment.exists;
  if (!installed) {
    return {
      resource,
      action: 'create',
      reason: `KubeFed is not installed on ${hostName} (${host.endpoint}): init installs ${crds.length} CRDs and the controller-manager ${kubeFedImage} in ${namespace}, scope ${scope}`,
    };
  }
  // NOTE: the KubeFedConfig is read after the CRDs: without its CRD the read is a 404, which
  // reads as "missing" — true, and the missing CRD is already listed.
  for (const obj of [...controllerRbac(namespace, scope), kubeFedConfig(namespace, scope), ...federatedTypeConfigs(namespace)]) {
    const drift = await objectDrift(host, obj);
    if (drift.problem) problems.push(drift.problem);
  }
  for (const obj of otherScopeRbac(namespace, scope)) {
    const ref = refOf(obj);
    if (isOwned(await host.get(ref))) problems.push(`${describeRef(ref)} grants the ${otherScope(scope)} scope (init removes it)`);
  }
  if (deployment.problem) problems.push(deployment.problem);
  if (problems.length === 0) {
    return {
      resource,
      action: 'unchanged',
      reason: `KubeFed installed in ${namespace} (scope ${scope}): ${crds.length} CRDs, KubeFedConfig, ${federatedTypeConfigs(namespace).length} FederatedTypeConfigs, Deployment ${controllerDeploymentName} with ${kubeFedImage}`,
    };
  }
  return { resource, action: 'update', reason: `KubeFed in ${namespace} differs from kfed's: ${listDifferences(problems)}` };
}
