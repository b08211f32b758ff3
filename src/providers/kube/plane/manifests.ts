/**
 * The KubeFed v0.10.0 control plane on the host, as kfed installs it: the release's own objects
 * (pinned from its Helm chart in ../kubefed-release) with kfed's ownership labels, and the
 * controller-manager Deployment the chart deploys, with the image pinned. Without the admission
 * webhook, whose serving certificate needs cert-manager or a post-install job.
 */
import { kubeManagedLabels } from '../../../ownership.js';
import * as release from '../kubefed-release/index.js';
import { describeRef, refOf, type KubeObject, type ObjectRef } from '../resources.js';
import { otherScope, type PlaneScope } from '../types.js';

/** The pinned controller image. NOTE: the chart's default tag `canary` floats; never use it. */
export const kubeFedImage = 'quay.io/kubernetes-multicluster/kubefed:v0.10.0';

/** Name of the controller-manager Deployment (as the chart names it). */
export const controllerDeploymentName = 'kubefed-controller-manager';

/** Pod label the chart selects the controller-manager by. */
export const controllerPodLabels: Readonly<Record<string, string>> = { 'kubefed-control-plane': 'controller-manager' };

/** kfed's ownership labels on a release object (its own labels kept). */
function owned(obj: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, ...kubeManagedLabels } } };
}

/** Every CRD of the release (core, scheduling and the `Federated*` types), full schemas, kfed-labelled. */
export function planeCrds(): KubeObject[] {
  return release.releaseCrds().map(owned);
}

/** ServiceAccount and RBAC of the controller-manager: the chart's, for the plane's scope. */
export function controllerRbac(namespace: string, scope: PlaneScope): KubeObject[] {
  return release.controllerRbac(namespace, scope).map(owned);
}

/**
 * The controller RBAC only the other scope has (its ClusterRole, or its Role, and their
 * bindings): what init removes when a plane changes scope, so narrowing it really narrows it.
 * The ServiceAccount and the config Role both scopes share are not among them.
 */
export function otherScopeRbac(namespace: string, scope: PlaneScope): KubeObject[] {
  const key = (o: KubeObject): string => describeRef(refOf(o));
  const current = new Set(controllerRbac(namespace, scope).map(key));
  return controllerRbac(namespace, otherScope(scope)).filter((o) => !current.has(key(o)));
}

/** The plane's configuration: the chart's KubeFedConfig for the scope, which passes the controller's validation. */
export function kubeFedConfig(namespace: string, scope: PlaneScope): KubeObject {
  return owned(release.kubeFedConfig(namespace, scope));
}

/**
 * Pod-template annotation naming a plane's scope. The controller reads its KubeFedConfig only at
 * start: a changed scope must restart it, and a changed pod template is what rolls the pods.
 * Set only for `Namespaced`, so Cluster planes keep the Deployment they always had.
 */
export const planeScopeAnnotation = 'kfed.dev/plane-scope';

/** The FederatedTypeConfigs the chart enables (ConfigMaps, Deployments, Namespaces, Services, ...). */
export function federatedTypeConfigs(namespace: string): KubeObject[] {
  return release.federatedTypeConfigs(namespace).map(owned);
}

/** Where the controller-manager Deployment is, whatever the scope. */
export function controllerDeploymentRef(namespace: string): ObjectRef {
  return { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: controllerDeploymentName };
}

/** The controller-manager, as the chart deploys it (two replicas with leader election). */
export function controllerDeployment(namespace: string, scope: PlaneScope): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: controllerDeploymentName, namespace, labels: { ...kubeManagedLabels, ...controllerPodLabels } },
    spec: {
      replicas: 2,
      selector: { matchLabels: controllerPodLabels },
      template: {
        metadata: {
          labels: { ...kubeManagedLabels, ...controllerPodLabels },
          ...(scope === 'Cluster' ? {} : { annotations: { [planeScopeAnnotation]: scope } }),
        },
        spec: {
          securityContext: { runAsUser: 1001 },
          serviceAccountName: release.controllerServiceAccountName,
          terminationGracePeriodSeconds: 10,
          containers: [
            {
              name: 'controller-manager',
              image: kubeFedImage,
              imagePullPolicy: 'IfNotPresent',
              command: ['/hyperfed/controller-manager', '--v=2'],
              ports: [{ containerPort: 9090, name: 'metrics' }],
              livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 5, periodSeconds: 3, timeoutSeconds: 3 },
              resources: { limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '100m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  };
}
