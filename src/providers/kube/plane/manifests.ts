/**
 * The KubeFed v0.10.0 control plane on the host, as plain manifests: what the release's Helm
 * chart installs for the controller-manager (without the admission webhook, whose serving
 * certificate needs cert-manager or a post-install job; validation is the webhook's only job).
 */
import { kubeManagedLabels } from '../../../ownership.js';
import type { KubeObject } from '../resources.js';

/** The pinned controller image. NOTE: the chart's default tag `canary` floats; never use it. */
export const kubeFedImage = 'quay.io/kubernetes-multicluster/kubefed:v0.10.0';

/** Name of the controller-manager Deployment (as the chart names it). */
export const controllerDeploymentName = 'kubefed-controller-manager';

/** Pod label the chart selects the controller-manager by. */
export const controllerPodLabels: Readonly<Record<string, string>> = { 'kubefed-control-plane': 'controller-manager' };

const controllerServiceAccount = 'kubefed-controller';

/** Cluster-scoped names carry the namespace, so two planes in different namespaces never share one. */
function controllerRoleName(namespace: string): string {
  return `kubefed-role:${namespace}`;
}

const rbac = 'rbac.authorization.k8s.io/v1';

/** ServiceAccount and RBAC of the controller-manager (the chart's, for `scope: Cluster`). */
export function controllerRbac(namespace: string): KubeObject[] {
  const subjects = [{ kind: 'ServiceAccount', name: controllerServiceAccount, namespace }];
  const clusterRole = controllerRoleName(namespace);
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: controllerServiceAccount, namespace, labels: kubeManagedLabels },
    },
    {
      apiVersion: rbac,
      kind: 'ClusterRole',
      metadata: { name: clusterRole, labels: kubeManagedLabels },
      rules: [
        { apiGroups: ['scheduling.kubefed.io'], resources: ['*'], verbs: ['get', 'watch', 'list', 'update', 'patch'] },
        { apiGroups: ['multiclusterdns.kubefed.io'], resources: ['*'], verbs: ['get', 'watch', 'list', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: ['core.kubefed.io'], resources: ['*'], verbs: ['get', 'watch', 'list', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: ['types.kubefed.io'], resources: ['*'], verbs: ['get', 'watch', 'list', 'update', 'patch'] },
        { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'watch', 'list'] },
        { apiGroups: [''], resources: ['events'], verbs: ['get', 'create', 'update', 'patch'] },
      ],
    },
    {
      apiVersion: rbac,
      kind: 'ClusterRoleBinding',
      metadata: { name: clusterRole, labels: kubeManagedLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
      subjects,
    },
    {
      apiVersion: rbac,
      kind: 'Role',
      metadata: { name: 'kubefed-config-role', namespace, labels: kubeManagedLabels },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create', 'update', 'patch'] },
        // Member tokens: the controller reads the Secret each KubeFedCluster names.
        { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
        // Leader election (the KubeFedConfig below picks the `leases` lock).
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
      ],
    },
    {
      apiVersion: rbac,
      kind: 'RoleBinding',
      metadata: { name: 'kubefed-config-rolebinding', namespace, labels: kubeManagedLabels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kubefed-config-role' },
      subjects,
    },
  ];
}

/** The plane's configuration, with the chart's defaults. */
export function kubeFedConfig(namespace: string): KubeObject {
  return {
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'KubeFedConfig',
    metadata: { name: 'kubefed', namespace, labels: kubeManagedLabels },
    spec: {
      scope: 'Cluster',
      controllerDuration: { availableDelay: '20s', unavailableDelay: '60s' },
      leaderElect: { leaseDuration: '15s', renewDeadline: '10s', retryPeriod: '5s', resourceLock: 'leases' },
      clusterHealthCheck: { period: '10s', failureThreshold: 3, successThreshold: 1, timeout: '3s' },
      syncController: { adoptResources: 'Enabled' },
      featureGates: [
        { name: 'PushReconciler', configuration: 'Enabled' },
        { name: 'SchedulerPreferences', configuration: 'Enabled' },
      ],
    },
  };
}

/** The controller-manager, as the chart deploys it (two replicas with leader election). */
export function controllerDeployment(namespace: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: controllerDeploymentName, namespace, labels: { ...kubeManagedLabels, ...controllerPodLabels } },
    spec: {
      replicas: 2,
      selector: { matchLabels: controllerPodLabels },
      template: {
        metadata: { labels: { ...kubeManagedLabels, ...controllerPodLabels } },
        spec: {
          securityContext: { runAsUser: 1001 },
          serviceAccountName: controllerServiceAccount,
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
