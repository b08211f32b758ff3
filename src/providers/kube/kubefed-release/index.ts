/**
 * The KubeFed release's own manifests, pinned in this directory as JSON files generated from the
 * release's Helm chart (`npm run generate:kubefed`; test/kube/kubefed-release.test.ts proves they
 * still match the chart in the module `sigs.k8s.io/kubefed` at the version in tools/versions.json).
 *
 * Why pinned files rather than hand-written manifests: the controller-manager exits when its
 * KubeFedConfig fails validation, and a CRD schema that lacks a field silently prunes it, so the
 * plane is right only when it is the release's, field for field.
 *
 * Not included: the admission webhook (webhook.yaml, the post-install job and the webhook's RBAC),
 * which needs a serving certificate; its only jobs are validation and defaulting, and the
 * KubeFedConfig here is complete without defaulting.
 */
import { readFileSync } from 'node:fs';
import type { KubeObject } from '../resources.js';
import type { PlaneScope } from '../types.js';

/**
 * Stands for the plane's namespace in the pinned RBAC and KubeFedConfig: the chart's
 * `{{ .Release.Namespace }}`, rendered to a token that is valid plain YAML and no real name.
 */
export const namespacePlaceholder = '__KUBEFED_NAMESPACE__';

/** The ServiceAccount the chart's controller-manager Deployment runs as. */
export const controllerServiceAccountName = 'kubefed-controller';

/** The pinned files, one per part of the chart. */
export type PinnedFileName =
  | 'core-crds.json'
  | 'federated-type-crds.json'
  | 'federated-type-configs.json'
  | 'controller-rbac.json'
  | 'kubefed-config.json'
  | 'controller-rbac-namespaced.json'
  | 'kubefed-config-namespaced.json';

/** Where pinned objects come from: the module, its version and the chart files. */
export interface PinnedSource {
  readonly module: string;
  readonly version: string;
  readonly files: readonly string[];
}

/** The content of one pinned file. */
export interface PinnedFile {
  readonly $comment: string;
  readonly source: PinnedSource;
  /** Set when the objects contain {@link namespacePlaceholder}. */
  readonly namespacePlaceholder?: string;
  /** Chart values set on top of the chart's defaults (`helm install --set`), when any. */
  readonly values?: Readonly<Record<string, string>>;
  /** Objects of the same templates left out on purpose, and why. */
  readonly omitted?: { readonly reason: string; readonly objects: readonly string[] };
  readonly objects: readonly KubeObject[];
}

const cache = new Map<PinnedFileName, PinnedFile>();

/** One pinned file as stored (a fresh copy: callers may not change the cached one). */
export function pinnedFile(name: PinnedFileName): PinnedFile {
  let file = cache.get(name);
  if (!file) {
    file = JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')) as PinnedFile;
    if (!Array.isArray(file.objects) || file.objects.length === 0) throw new Error(`pinned KubeFed file ${name} holds no objects`);
    cache.set(name, file);
  }
  return structuredClone(file);
}

/** Replaces the namespace placeholder in every string of a value. */
function inNamespace<T>(value: T, namespace: string): T {
  if (typeof value === 'string') return value.split(namespacePlaceholder).join(namespace) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => inNamespace(v, namespace)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inNamespace(v as unknown, namespace)])) as T;
  }
  return value;
}

/**
 * A CRD as kfed applies it: without the `status` and `creationTimestamp: null` that
 * controller-gen writes into the chart, which belong to the server, not to the desired state.
 */
function desired(crd: KubeObject): KubeObject {
  const { status: _status, ...rest } = crd;
  const { creationTimestamp: _created, ...metadata } = crd.metadata as KubeObject['metadata'] & { creationTimestamp?: unknown };
  return { ...rest, metadata };
}

/** The module and version the pinned manifests come from, e.g. `sigs.k8s.io/kubefed` `v0.10.0`. */
export function releaseSource(): { readonly module: string; readonly version: string } {
  const { module, version } = pinnedFile('core-crds.json').source;
  return { module, version };
}

/** The controller-manager's CRDs (core.kubefed.io and scheduling.kubefed.io), full schemas. */
export function coreCrds(): KubeObject[] {
  return pinnedFile('core-crds.json').objects.map(desired);
}

/** The `Federated*` CRDs (types.kubefed.io) of the type configs the chart enables. */
export function federatedTypeCrds(): KubeObject[] {
  return pinnedFile('federated-type-crds.json').objects.map(desired);
}

/** Every CRD of the release: {@link coreCrds} then {@link federatedTypeCrds}. */
export function releaseCrds(): KubeObject[] {
  return [...coreCrds(), ...federatedTypeCrds()];
}

/** The FederatedTypeConfigs the chart enables by default, in the plane's namespace. */
export function federatedTypeConfigs(namespace: string): KubeObject[] {
  return pinnedFile('federated-type-configs.json').objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace } }));
}

/**
 * The controller-manager's ServiceAccount and RBAC for a scope, in the plane's namespace, as the
 * chart renders them for its `global.scope`. `Cluster`: a ClusterRole over KubeFed's groups,
 * namespaces and events. `Namespaced`: the same rules (without namespaces) as a Role in the
 * plane namespace. Both: a Role to read Secrets and write ConfigMaps there.
 * NOTE: the chart's cluster-scoped names (ClusterRole `kubefed-role`, ClusterRoleBinding
 * `kubefed-rolebinding`) do not carry the namespace, as in the chart.
 */
export function controllerRbac(namespace: string, scope: PlaneScope): KubeObject[] {
  return inNamespace([...pinnedFile(scope === 'Cluster' ? 'controller-rbac.json' : 'controller-rbac-namespaced.json').objects], namespace);
}

/**
 * The KubeFedConfig `kubefed` with the chart's defaults for a scope (it passes the controller's
 * validation). The controller reads it once, at start.
 */
export function kubeFedConfig(namespace: string, scope: PlaneScope): KubeObject {
  const name = scope === 'Cluster' ? 'kubefed-config.json' : 'kubefed-config-namespaced.json';
  const [config] = pinnedFile(name).objects;
  if (!config) throw new Error(`pinned ${name} holds no KubeFedConfig`);
  return inNamespace(config, namespace);
}
