/**
 * Reads the KubeFed release's Helm chart from the Go module cache and turns it into the files
 * kfed pins under src/providers/kube/kubefed-release/. Used by the generator
 * (`npm run generate:kubefed`) and by the test that proves the pinned files still match it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { execOk } from '../src/local/exec.js';
import { projectRoot, versions } from '../src/local/tools.js';
import type { KubeObject } from '../src/providers/kube/resources.js';
import type { PlaneScope } from '../src/providers/kube/types.js';
import {
  controllerServiceAccountName,
  namespacePlaceholder,
  type PinnedFile,
  type PinnedFileName,
} from '../src/providers/kube/kubefed-release/index.js';
import { renderTemplate } from './helm-template.js';

/** The Go module the chart comes from. */
export const kubefedModule = 'sigs.k8s.io/kubefed';

/** Chart paths inside the module. */
const chart = 'charts/kubefed';
const subchart = `${chart}/charts/controllermanager`;
export const chartFiles = {
  coreCrds: `${subchart}/crds/crds.yaml`,
  federatedTypeCrds: `${chart}/crds/crds.yaml`,
  federatedTypeConfigs: `${chart}/templates/federatedtypeconfig.yaml`,
  values: `${chart}/values.yaml`,
  rbacTemplates: ['clusterrole.yaml', 'clusterrolebindings.yaml', 'roles.yaml', 'rolebindings.yaml', 'serviceaccounts.yaml'].map(
    (f) => `${subchart}/templates/${f}`,
  ),
  kubeFedConfig: `${subchart}/templates/kubefedconfig.yaml`,
  deployment: `${subchart}/templates/deployments.yaml`,
} as const;

/**
 * Where `go mod download` put the pinned module (it is already in the cache after
 * `npm run tools`; otherwise this downloads that exact version, which the proxy serves).
 */
export async function kubefedModuleDir(): Promise<string> {
  const result = await execOk('go', ['mod', 'download', '-json', `${kubefedModule}@v${versions.kubefed.version}`], {
    cwd: join(projectRoot, versions.kubefed.goModuleDir),
    timeoutMs: 300_000,
  });
  const info = JSON.parse(result.stdout) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download did not report a directory for ${kubefedModule}: ${info.Error ?? result.stdout}`);
  return info.Dir;
}

function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}

/** Every non-empty document of a multi-document YAML text, as plain objects. */
export function yamlObjects(text: string, what: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${what}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const obj = value as Partial<KubeObject>;
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string' || typeof obj.metadata?.name !== 'string') {
      throw new Error(`${what}: a document is not a Kubernetes object: ${JSON.stringify(value).slice(0, 200)}`);
    }
    objects.push(value as KubeObject);
  }
  return objects;
}

/**
 * The subchart's `.Values` as Helm computes them for the defaults: the parent's `controllermanager`
 * section plus `global` (the subchart has no values.yaml of its own).
 */
function subchartValues(dir: string): unknown {
  const parent = parseYaml(read(dir, chartFiles.values)) as { controllermanager?: Record<string, unknown>; global?: unknown };
  return { ...parent.controllermanager, global: parent.global };
}

/** The same values with `global.scope` set, as `helm install --set global.scope=Namespaced` gives them. */
function withScope(values: unknown, scope: PlaneScope): unknown {
  const base = values as { global?: Record<string, unknown> };
  return { ...base, global: { ...base.global, scope } };
}

function renderObjects(dir: string, path: string, values: unknown): KubeObject[] {
  const text = renderTemplate(read(dir, path), { Values: values, Release: { Namespace: namespacePlaceholder } });
  return yamlObjects(text, path);
}

interface Subject {
  readonly kind?: string;
  readonly name?: string;
}

/**
 * The objects of the RBAC templates that serve the controller-manager: its ServiceAccount, the
 * bindings naming it, and the roles they grant. The rest of those templates belongs to the
 * admission webhook, which kfed does not install (it needs a serving certificate).
 */
function controllerObjects(objects: readonly KubeObject[]): { kept: KubeObject[]; omitted: string[] } {
  const isController = (s: Subject): boolean => s.kind === 'ServiceAccount' && s.name === controllerServiceAccountName;
  const bindings = objects.filter((o) => o.kind.endsWith('Binding') && ((o.subjects ?? []) as Subject[]).some(isController));
  const roles = new Set(bindings.map((b) => `${(b.roleRef as { kind: string }).kind}/${(b.roleRef as { name: string }).name}`));
  const kept = objects.filter(
    (o) => (o.kind === 'ServiceAccount' && o.metadata.name === controllerServiceAccountName) || bindings.includes(o) || roles.has(`${o.kind}/${o.metadata.name}`),
  );
  const omitted = objects.filter((o) => !kept.includes(o)).map((o) => `${o.kind} ${o.metadata.name}`);
  return { kept, omitted };
}

/** The chart's templates keep their own order; sorting by kind then name makes diffs stable. */
function byKindAndName(a: KubeObject, b: KubeObject): number {
  return a.kind.localeCompare(b.kind) || a.metadata.name.localeCompare(b.metadata.name);
}

/** Every pinned file, as generated from the chart in `dir`. */
export function releaseFiles(dir: string): Record<PinnedFileName, PinnedFile> {
  const module = { module: kubefedModule, version: `v${versions.kubefed.version}` };
  const pinned = (files: readonly string[], objects: KubeObject[], extra: Partial<PinnedFile> = {}): PinnedFile => ({
    $comment: `Generated by \`npm run generate:kubefed\` from ${module.module}@${module.version}; do not edit.`,
    source: { ...module, files: [...files] },
    ...extra,
    objects,
  });

  const values = subchartValues(dir);
  const deployment = read(dir, chartFiles.deployment);
  // MAINTENANCE: the RBAC filter keys on this name; a chart that renames the ServiceAccount must fail here.
  if (!new RegExp(`serviceAccountName: ${controllerServiceAccountName}\\b`).test(deployment)) {
    throw new Error(`${chartFiles.deployment} no longer runs the controller as ServiceAccount ${controllerServiceAccountName}`);
  }
  /** The chart's controller RBAC and KubeFedConfig for a scope (the chart's `global.scope`). */
  const scoped = (scope: PlaneScope): { rbac: ReturnType<typeof controllerObjects>; kubeFedConfig: KubeObject[] } => {
    const scopeValues = withScope(values, scope);
    const rbac = controllerObjects(chartFiles.rbacTemplates.flatMap((f) => renderObjects(dir, f, scopeValues)));
    const kubeFedConfig = renderObjects(dir, chartFiles.kubeFedConfig, scopeValues);
    const rendered = (kubeFedConfig[0]?.spec as { scope?: string } | undefined)?.scope;
    if (kubeFedConfig.length !== 1 || rendered !== scope) {
      throw new Error(`${chartFiles.kubeFedConfig} rendered ${kubeFedConfig.length} objects with scope ${String(rendered)}, expected one with scope ${scope}`);
    }
    return { rbac, kubeFedConfig };
  };
  const cluster = scoped('Cluster');
  const namespaced = scoped('Namespaced');
  const webhook = 'the admission webhook is not installed: it needs a serving certificate (cert-manager or the chart\'s post-install job)';

  return {
    'core-crds.json': pinned([chartFiles.coreCrds], yamlObjects(read(dir, chartFiles.coreCrds), chartFiles.coreCrds)),
    'federated-type-crds.json': pinned([chartFiles.federatedTypeCrds], yamlObjects(read(dir, chartFiles.federatedTypeCrds), chartFiles.federatedTypeCrds)),
    'federated-type-configs.json': pinned([chartFiles.federatedTypeConfigs], renderObjects(dir, chartFiles.federatedTypeConfigs, values)),
    'controller-rbac.json': pinned(chartFiles.rbacTemplates, cluster.rbac.kept.sort(byKindAndName), { namespacePlaceholder, omitted: { reason: webhook, objects: cluster.rbac.omitted } }),
    'kubefed-config.json': pinned([chartFiles.kubeFedConfig, chartFiles.values], cluster.kubeFedConfig, { namespacePlaceholder }),
    // The chart rendered with global.scope=Namespaced: Roles in the plane namespace instead of ClusterRoles.
    'controller-rbac-namespaced.json': pinned(chartFiles.rbacTemplates, namespaced.rbac.kept.sort(byKindAndName), {
      namespacePlaceholder,
      values: { 'global.scope': 'Namespaced' },
      omitted: { reason: webhook, objects: namespaced.rbac.omitted },
    }),
    'kubefed-config-namespaced.json': pinned([chartFiles.kubeFedConfig, chartFiles.values], namespaced.kubeFedConfig, { namespacePlaceholder, values: { 'global.scope': 'Namespaced' } }),
  };
}
