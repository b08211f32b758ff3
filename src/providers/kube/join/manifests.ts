/**
 * The objects `kubefedctl join` creates, as plain manifests: on the member, a ServiceAccount
 * with full access and a token for it; on the host, a Secret with that token and the
 * KubeFedCluster that points the plane at the member.
 */
import { healthCheckRoleName, hostSecretName, joinLabels, memberTokenSecretName, roleName, serviceAccountName, tokenGenerationKey } from '../names.js';
import type { KubeObject, ObjectRef } from '../resources.js';
import type { JoinNames, PlaneScope } from '../types.js';

const rbac = 'rbac.authorization.k8s.io/v1';

/** KubeFed manages arbitrary resources on members: kubefedctl grants everything. */
const allResources = { apiGroups: ['*'], resources: ['*'], verbs: ['*'] };

/** The member's ServiceAccount. Pods never mount it: only the host's controller uses its token. */
export function memberServiceAccount(names: JoinNames): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: serviceAccountName(names), namespace: names.namespace, labels: joinLabels(names, 'member-access') },
    automountServiceAccountToken: false,
  };
}

function binding(names: JoinNames, kind: 'ClusterRoleBinding' | 'RoleBinding', roleKind: 'ClusterRole' | 'Role', name: string): KubeObject {
  const namespace = kind === 'RoleBinding' ? names.namespace : undefined;
  return {
    apiVersion: rbac,
    kind,
    metadata: { name, namespace, labels: joinLabels(names, 'member-access') },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccountName(names), namespace: names.namespace }],
  };
}

function role(names: JoinNames, kind: 'ClusterRole' | 'Role', name: string, rules: readonly object[]): KubeObject {
  const namespace = kind === 'Role' ? names.namespace : undefined;
  return { apiVersion: rbac, kind, metadata: { name, namespace, labels: joinLabels(names, 'member-access') }, rules };
}

/**
 * RBAC of the member's ServiceAccount, as kubefedctl grants it. `Cluster`: everything, plus GET
 * on every non-resource URL (health checks). `Namespaced`: everything in the plane namespace
 * only, plus a ClusterRole for the health check and the node list KubeFed reads zones from.
 */
export function memberRbac(names: JoinNames, scope: PlaneScope): KubeObject[] {
  const sa = serviceAccountName(names);
  if (scope === 'Cluster') {
    const name = roleName(sa);
    return [role(names, 'ClusterRole', name, [allResources, { nonResourceURLs: ['*'], verbs: ['get'] }]), binding(names, 'ClusterRoleBinding', 'ClusterRole', name)];
  }
  const health = healthCheckRoleName(sa, names.namespace);
  return [
    role(names, 'Role', roleName(sa), [allResources]),
    binding(names, 'RoleBinding', 'Role', roleName(sa)),
    role(names, 'ClusterRole', health, [
      { nonResourceURLs: ['/healthz'], verbs: ['get'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
    ]),
    binding(names, 'ClusterRoleBinding', 'ClusterRole', health),
  ];
}

/** References of the RBAC objects of a scope (to remove them when the scope changes). */
export function memberRbacRefs(names: JoinNames, scope: PlaneScope): ObjectRef[] {
  return memberRbac(names, scope).map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace }));
}

/** The type of the Secrets whose token the token controller fills for a ServiceAccount. */
export const serviceAccountTokenType = 'kubernetes.io/service-account-token';

/**
 * The member ServiceAccount's token, as a legacy `kubernetes.io/service-account-token` Secret
 * that kube-controller-manager's token controller fills in.
 *
 * Why this and not a TokenRequest: the KubeFed v0.10 controller reads the token from the host
 * Secret once per cluster client and has no way to renew it. A TokenRequest token expires
 * (its lifetime is capped by the API server, and a longer one is no less of a bearer secret),
 * after which the plane silently loses the member. The legacy Secret's token lives as long as
 * the ServiceAccount and the Secret, and deleting either (unjoin) revokes it at once. It is what
 * kubefedctl does. Kubernetes >= 1.24 still fills Secrets created this way; only the ones it
 * made automatically are subject to the legacy-token cleaner.
 *
 * `generation`: the join makes generation 0; `kfed rotate` makes the next one beside it, moves
 * the host to it, then deletes the older ones (which revokes them).
 */
export function memberTokenSecret(names: JoinNames, generation: number): KubeObject {
  const sa = serviceAccountName(names);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: serviceAccountTokenType,
    metadata: {
      name: memberTokenSecretName(names, generation),
      namespace: names.namespace,
      labels: { ...joinLabels(names, 'member-access'), ...(generation === 0 ? {} : { [tokenGenerationKey]: String(generation) }) },
      annotations: { 'kubernetes.io/service-account.name': sa },
    },
  };
}

/** The host Secret KubeFed reads the member's token from (key `token`; `ca.crt` as kubefedctl copies it). */
export function hostTokenSecret(names: JoinNames, token: string, caBundle: string | undefined): KubeObject {
  const data: Record<string, string> = { token: Buffer.from(token).toString('base64') };
  if (caBundle) data['ca.crt'] = caBundle;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name: hostSecretName(names), namespace: names.namespace, labels: joinLabels(names, 'host-registration') },
    data,
  };
}

/** What the plane needs to reach a member. */
export interface MemberEndpoint {
  readonly apiEndpoint: string;
  /** Base64 PEM CA. */
  readonly caBundle?: string;
  /** KubeFed then skips TLS verification for this member, as kubefedctl does for an insecure kubeconfig. */
  readonly insecure: boolean;
}

/**
 * The KubeFedCluster registering the member with the plane, for the token of `generation`.
 * From generation 1 on it carries the generation as an annotation: KubeFed builds its clients
 * for a member from the Secret once, and rebuilds them only when the KubeFedCluster's spec,
 * labels or annotations change, so that change is what moves it to a rotated token.
 */
export function kubeFedCluster(names: JoinNames, member: MemberEndpoint, generation: number): KubeObject {
  const spec: Record<string, unknown> = { apiEndpoint: member.apiEndpoint, secretRef: { name: hostSecretName(names) } };
  if (member.caBundle) spec.caBundle = member.caBundle;
  if (member.insecure) spec.disabledTLSValidations = ['*'];
  return {
    apiVersion: 'core.kubefed.io/v1beta1',
    kind: 'KubeFedCluster',
    metadata: {
      name: names.member,
      namespace: names.namespace,
      labels: joinLabels(names, 'host-registration'),
      ...(generation === 0 ? {} : { annotations: { [tokenGenerationKey]: String(generation) } }),
    },
    spec,
  };
}

/** The reference of a member's KubeFedCluster on the host. */
export function kubeFedClusterRef(names: JoinNames): ObjectRef {
  return { apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedCluster', name: names.member, namespace: names.namespace };
}
