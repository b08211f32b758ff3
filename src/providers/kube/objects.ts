/**
 * The shapes of the Kubernetes objects kfed reads, declared once: only the fields kfed looks at,
 * all optional as the API may omit them. Plus references to the well-known objects and kinds.
 */
import type { KindRef, KubeObject, ObjectRef } from './resources.js';

/** A status condition (Kubernetes and KubeFed share this shape). */
export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastProbeTime?: string;
  readonly lastTransitionTime?: string;
}

export interface SecretObject extends KubeObject {
  readonly type?: string;
  readonly data?: Readonly<Record<string, string>>;
}

export interface ConfigMapObject extends KubeObject {
  readonly data?: Readonly<Record<string, string>>;
}

/** core.kubefed.io/v1beta1 KubeFedCluster. */
export interface KubeFedClusterObject extends KubeObject {
  readonly spec?: {
    readonly apiEndpoint?: string;
    readonly caBundle?: string;
    readonly disabledTLSValidations?: readonly string[];
    readonly secretRef?: { readonly name?: string };
  };
  readonly status?: { readonly conditions?: readonly Condition[]; readonly region?: string; readonly zones?: readonly string[] };
}

/** A type description inside a FederatedTypeConfig. */
export interface ApiResourceSpec {
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly pluralName?: string;
  readonly scope?: string;
}

/** core.kubefed.io/v1beta1 FederatedTypeConfig: which federated type propagates which target type. */
export interface FederatedTypeConfigObject extends KubeObject {
  readonly spec?: { readonly federatedType?: ApiResourceSpec; readonly targetType?: ApiResourceSpec; readonly propagation?: string };
}

export interface CrdObject extends KubeObject {
  readonly status?: { readonly conditions?: readonly Condition[] };
}

export interface DeploymentObject extends KubeObject {
  readonly spec?: { readonly replicas?: number };
  readonly status?: {
    readonly observedGeneration?: number;
    readonly updatedReplicas?: number;
    readonly availableReplicas?: number;
    readonly conditions?: readonly Condition[];
  };
}

export interface PodObject extends KubeObject {
  readonly spec?: { readonly nodeName?: string };
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: readonly Condition[];
    readonly containerStatuses?: readonly { readonly state?: { readonly waiting?: { readonly reason?: string } } }[];
  };
}

export const kinds = {
  namespace: { apiVersion: 'v1', kind: 'Namespace' },
  serviceAccount: { apiVersion: 'v1', kind: 'ServiceAccount' },
  secret: { apiVersion: 'v1', kind: 'Secret' },
  crd: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
  kubeFedCluster: { apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedCluster' },
  kubeFedConfig: { apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedConfig' },
  federatedTypeConfig: { apiVersion: 'core.kubefed.io/v1beta1', kind: 'FederatedTypeConfig' },
} as const satisfies Record<string, KindRef>;

export function namespaceRef(name: string): ObjectRef {
  return { ...kinds.namespace, name };
}

export function crdRef(name: string): ObjectRef {
  return { ...kinds.crd, name };
}

export function secretRef(namespace: string, name: string): ObjectRef {
  return { ...kinds.secret, namespace, name };
}

/** The CRD whose presence means "KubeFed is installed on this cluster". */
export const kubeFedClusterCrd = crdRef('kubefedclusters.core.kubefed.io');

/** Whether the condition of `type` is True. */
export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}
