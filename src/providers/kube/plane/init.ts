/**
 * Installs the KubeFed control plane on the host and waits until it is ready: CRDs Established,
 * then the controller-manager Deployment Available. Re-running it changes nothing.
 */
import { ConflictError, TransientError } from '../../errors.js';
import type { KubeClient } from '../client.js';
import { deleteOwned, ensureNamespace } from '../ownership.js';
import { refOf } from '../resources.js';
import { controllerDeployment, controllerDeploymentName, controllerPodLabels, controllerRbac, federatedTypeConfigs, kubeFedConfig, kubeFedImage, otherScopeRbac, planeCrds } from './manifests.js';
import { crdWaitingFor, deploymentWaitingFor, pollUntilReady } from '../readiness.js';
import type { PlaneScope, PlaneStatus } from '../types.js';
import { hostPlaneConflict, observeHostPlane } from './state.js';

/** Where to install the plane and how long to wait for it. */
export interface InstallOptions {
  readonly namespace: string;
  /** What the plane federates (its KubeFedConfig scope and the controller's RBAC). */
  readonly scope: PlaneScope;
  /** Total time for install and readiness. */
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
}

async function firstWaiting(checks: readonly (() => Promise<string | undefined>)[]): Promise<string | undefined> {
  for (const check of checks) {
    const reason = await check();
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/**
 * Applies the plane's objects (server-side, field manager `kfed`) for its scope, removes the
 * controller grants of the other scope (a plane whose scope changed), and waits for readiness.
 * A changed scope rolls the controller pods (see `planeScopeAnnotation` in manifests.ts).
 */
export async function initPlane(host: KubeClient, options: InstallOptions): Promise<PlaneStatus> {
  const { namespace, scope } = options;
  const deadline = Date.now() + options.timeoutMs;
  const wait = async (check: () => Promise<string | undefined>): Promise<void> => {
    const reason = await pollUntilReady(check, { timeoutMs: Math.max(0, deadline - Date.now()), intervalMs: options.pollIntervalMs });
    if (reason !== undefined) {
      throw new TransientError(`KubeFed plane in ${namespace} on ${host.endpoint} is not ready after ${options.timeoutMs / 1000}s: ${reason}`, {
        resource: `${host.endpoint} ${namespace}`,
      });
    }
  };

  const conflict = hostPlaneConflict(await observeHostPlane(host, namespace), namespace);
  if (conflict) {
    throw new ConflictError(`cannot install kfed's KubeFed plane on ${host.endpoint}: ${conflict}`, {
      resource: `${host.endpoint} ${namespace}`,
      hint: 'use another host, or remove that KubeFed first',
    });
  }
  let changed = await ensureNamespace(host, namespace);
  for (const crd of planeCrds()) changed = (await host.ensure(crd)).changed || changed;
  const crds = planeCrds().map((c) => c.metadata.name);
  // The KubeFedConfig and FederatedTypeConfigs below are custom resources: their CRDs must be served first.
  await wait(() => firstWaiting(crds.map((name) => () => crdWaitingFor(host, name))));
  for (const obj of [...controllerRbac(namespace, scope), kubeFedConfig(namespace, scope), ...federatedTypeConfigs(namespace), controllerDeployment(namespace, scope)]) {
    changed = (await host.ensure(obj)).changed || changed;
  }
  // After the new scope's grants and the Deployment that rolls onto them: the old pods keep
  // working until they are replaced. Bindings go before the roles they name.
  for (const obj of otherScopeRbac(namespace, scope).reverse()) changed = (await deleteOwned(host, refOf(obj))) || changed;
  await wait(() => deploymentWaitingFor(host, namespace, controllerDeploymentName, controllerPodLabels));
  return { namespace, scope, crds, deployment: controllerDeploymentName, image: kubeFedImage, changed };
}
