/**
 * The Kubernetes object kinds kfed reads and writes, and their REST paths. A fixed table instead
 * of discovery: kfed touches a known handful of kinds, and a table needs no extra round trip per
 * API group (and cannot go stale right after a CRD is installed).
 */

/** Plain Kubernetes JSON, as the API server reads and returns it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

/** The metadata fields kfed reads or sets. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly resourceVersion?: string;
  readonly uid?: string;
  readonly generation?: number;
  readonly deletionTimestamp?: string;
  readonly creationTimestamp?: string;
  readonly finalizers?: readonly string[];
}

/**
 * A kind, e.g. `{ apiVersion: 'v1', kind: 'Secret' }`. Kinds outside the table below (the
 * federated types a FederatedTypeConfig names) carry their REST facts themselves.
 */
export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
  /** REST plural, for a kind not in the table. */
  readonly plural?: string;
  readonly namespaced?: boolean;
}

/** One object by kind, namespace and name. */
export interface ObjectRef extends KindRef {
  readonly name: string;
  readonly namespace?: string;
}

interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

const resources: Readonly<Record<string, ResourceInfo>> = {
  'v1/Namespace': { plural: 'namespaces', namespaced: false },
  'v1/ServiceAccount': { plural: 'serviceaccounts', namespaced: true },
  'v1/Secret': { plural: 'secrets', namespaced: true },
  'v1/ConfigMap': { plural: 'configmaps', namespaced: true },
  'v1/Pod': { plural: 'pods', namespaced: true },
  'apps/v1/Deployment': { plural: 'deployments', namespaced: true },
  'rbac.authorization.k8s.io/v1/ClusterRole': { plural: 'clusterroles', namespaced: false },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { plural: 'clusterrolebindings', namespaced: false },
  'rbac.authorization.k8s.io/v1/Role': { plural: 'roles', namespaced: true },
  'rbac.authorization.k8s.io/v1/RoleBinding': { plural: 'rolebindings', namespaced: true },
  'apiextensions.k8s.io/v1/CustomResourceDefinition': { plural: 'customresourcedefinitions', namespaced: false },
  'core.kubefed.io/v1beta1/KubeFedCluster': { plural: 'kubefedclusters', namespaced: true },
  'core.kubefed.io/v1beta1/KubeFedConfig': { plural: 'kubefedconfigs', namespaced: true },
  'core.kubefed.io/v1beta1/FederatedTypeConfig': { plural: 'federatedtypeconfigs', namespaced: true },
  'types.kubefed.io/v1beta1/FederatedNamespace': { plural: 'federatednamespaces', namespaced: true },
  'types.kubefed.io/v1beta1/FederatedConfigMap': { plural: 'federatedconfigmaps', namespaced: true },
  'coordination.k8s.io/v1/Lease': { plural: 'leases', namespaced: true },
};

function info(kind: KindRef): ResourceInfo {
  if (kind.plural !== undefined) return { plural: kind.plural, namespaced: kind.namespaced ?? true };
  const found = resources[`${kind.apiVersion}/${kind.kind}`];
  // MAINTENANCE: a new kind must be added to the table above.
  if (!found) throw new Error(`kfed does not know the REST path of ${kind.apiVersion} ${kind.kind}`);
  return found;
}

/** `/api/v1` or `/apis/<group>/<version>`. */
function groupPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/**
 * Lists a namespaced kind in every namespace (`collectionPath(kind, allNamespaces)`), e.g. to
 * find every KubeFedCluster on a host before removing the CRDs all planes share.
 */
export const allNamespaces = Symbol('all namespaces');

/** The collection path of a kind, in a namespace (or {@link allNamespaces}) when the kind is namespaced. */
export function collectionPath(kind: KindRef, namespace?: string | typeof allNamespaces): string {
  const { plural, namespaced } = info(kind);
  if (namespaced && !namespace) throw new Error(`${kind.kind} is namespaced: a namespace is required`);
  const ns = namespaced && typeof namespace === 'string' ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupPath(kind.apiVersion)}${ns}/${plural}`;
}

/** The path of one object. */
export function objectPath(ref: ObjectRef): string {
  return `${collectionPath(ref, ref.namespace)}/${encodeURIComponent(ref.name)}`;
}

/** `Kind namespace/name` or `Kind name`, for messages. */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** The reference of an object. */
export function refOf(obj: KubeObject, kind?: KindRef): ObjectRef {
  return { ...kind, apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace };
}
