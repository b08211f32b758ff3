/**
 * Domain rules shared by the workflows, the activities and the clients: how a spec's clusters
 * are addressed, the names a join uses, and which cluster states serve the Kubernetes API.
 * Workflow-safe (pure, no Node modules).
 *
 * NOTE: unjoin must use exactly the names join used; both take them from {@link joinNames}.
 */
import type { GkeClusterStatus } from './providers/gcp/types.js';
import { defaultPlaneScope, type JoinNames, type PlaneScope } from './providers/kube/types.js';
import type { ClusterTarget } from './providers/types.js';
import type { ClusterSpec, FederationSpec } from './spec/types.js';

/** Public facts of a running GKE cluster: endpoint and CA, never a credential. */
export interface ClusterEndpoint {
  readonly endpoint: string;
  /** Base64 PEM, as GKE returns it. */
  readonly caCertificate: string;
}

/** A GKE (or emulated GKE) cluster as the kube activities address it; the worker adds the token. */
export function gkeTarget(name: string, cluster: ClusterEndpoint): Extract<ClusterTarget, { kind: 'gke' }> {
  return { kind: 'gke', name, endpoint: cluster.endpoint, caCertificate: cluster.caCertificate };
}

/**
 * An existing cluster named by a kubeconfig context: the worker reads the context at run time,
 * so only the names travel through workflow history.
 */
export function kubeconfigTarget(
  name: string,
  existing: { readonly context: string; readonly kubeconfig?: string; readonly insecureSkipTLSVerify?: boolean; readonly insecureHTTP?: boolean },
): Extract<ClusterTarget, { kind: 'kubeconfig' }> {
  return {
    kind: 'kubeconfig',
    name,
    context: existing.context,
    ...(existing.kubeconfig ? { kubeconfig: existing.kubeconfig } : {}),
    // What the spec accepts of the kubeconfig's transport; the worker refuses anything less safe unasked.
    ...(existing.insecureSkipTLSVerify ? { insecureSkipTLSVerify: true } : {}),
    ...(existing.insecureHTTP ? { insecureHTTP: true } : {}),
  };
}

/**
 * Names of a join, as kubefedctl picks them: member = its context, host = the federation name,
 * with the plane's scope (what the join grants on the member).
 */
export function joinNames(spec: FederationSpec, cluster: ClusterSpec): JoinNames {
  // NOTE: specs recorded before plane.scope existed have none; the providers read that as Cluster.
  return { member: cluster.context, host: spec.name, namespace: spec.plane.namespace, ...(spec.plane.scope ? { scope: spec.plane.scope } : {}) };
}

/** The plane's scope; a spec recorded before scopes existed has none, and ran as Cluster. */
export function planeScope(spec: FederationSpec): PlaneScope {
  return spec.plane.scope ?? defaultPlaneScope;
}

/**
 * GKE states in which the cluster's Kubernetes API answers. DEGRADED serves it too (GKE keeps
 * the control plane up; something else needs attention), so teardown can still unjoin it.
 */
const apiServingStatuses: ReadonlySet<string> = new Set<GkeClusterStatus>(['RUNNING', 'RECONCILING', 'DEGRADED']);

/** Whether a cluster in this status serves its Kubernetes API. */
export function servesApi(status: string): boolean {
  return apiServingStatuses.has(status);
}

/** GKE states from which a cluster never becomes RUNNING by waiting. */
export function isFailedStatus(status: string): boolean {
  return status === 'ERROR' || status === 'DEGRADED';
}
