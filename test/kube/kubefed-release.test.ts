import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { projectRoot, versions } from '../../src/local/tools.js';
import {
  controllerRbac,
  coreCrds,
  federatedTypeConfigs,
  federatedTypeCrds,
  kubeFedConfig,
  namespacePlaceholder,
  pinnedFile,
  releaseCrds,
  releaseSource,
  type PinnedFileName,
} from '../../src/providers/kube/kubefed-release/index.js';
import type { KubeObject } from '../../src/providers/kube/resources.js';
import { renderTemplate, TemplateError } from '../../scripts/helm-template.js';
import { chartFiles, kubefedModuleDir, releaseFiles, yamlObjects } from '../../scripts/kubefed-chart.js';
import { testToolchain } from '../support/substrate.js';

const namespace = 'kube-federation-system';

/** Runs validate-kubefedconfig on one object, as the controller would see it. */
async function validate(config: unknown): Promise<{ code: number; stderr: string }> {
  const tools = await testToolchain();
  const result = spawnSync(tools.validateKubeFedConfig, [], { input: stringify(config), encoding: 'utf8', timeout: 30_000 });
  return { code: result.status ?? -1, stderr: result.stderr };
}

function names(objects: readonly KubeObject[]): string[] {
  return objects.map((o) => o.metadata.name).sort();
}

describe('the pinned KubeFed release manifests', () => {
  let moduleDir = '';
  beforeAll(async () => {
    moduleDir = await kubefedModuleDir();
  });

  it('come from the module version pinned in tools/versions.json, which tools/kubefed/go.mod requires', () => {
    expect(releaseSource()).toEqual({ module: 'sigs.k8s.io/kubefed', version: `v${versions.kubefed.version}` });
    const goMod = readFileSync(join(projectRoot, versions.kubefed.goModuleDir, 'go.mod'), 'utf8');
    expect(goMod).toMatch(new RegExp(`^\\s*(require\\s+)?sigs\\.k8s\\.io/kubefed v${versions.kubefed.version.replaceAll('.', '\\.')}$`, 'm'));
  });

  it('are exactly what `npm run generate:kubefed` makes of the chart in the module cache', () => {
    const generated = releaseFiles(moduleDir);
    for (const [name, file] of Object.entries(generated) as [PinnedFileName, (typeof generated)[PinnedFileName]][]) {
      const pinned = pinnedFile(name);
      if (JSON.stringify(pinned) !== JSON.stringify(file)) {
        expect.fail(
          `src/providers/kube/kubefed-release/${name} differs from ${file.source.files.join(', ')} in ${moduleDir}; ` +
            'run `npm run generate:kubefed` and review the diff',
        );
      }
      expect(pinned).toEqual(file);
    }
  });

  it('hold every CRD of the controller-manager chart with its full schema, compared object by object with crds.yaml', () => {
    const chart = yamlObjects(readFileSync(join(moduleDir, chartFiles.coreCrds), 'utf8'), chartFiles.coreCrds);
    expect(chart).toHaveLength(7);
    expect(pinnedFile('core-crds.json').objects).toEqual(chart);
    expect(names(coreCrds())).toEqual([
      'clusterpropagatedversions.core.kubefed.io',
      'federatedservicestatuses.core.kubefed.io',
      'federatedtypeconfigs.core.kubefed.io',
      'kubefedclusters.core.kubefed.io',
      'kubefedconfigs.core.kubefed.io',
      'propagatedversions.core.kubefed.io',
      'replicaschedulingpreferences.scheduling.kubefed.io',
    ]);
    // The field the hand-made schemas pruned, which the controller cannot run without.
    const kubefedconfigs = coreCrds().find((c) => c.metadata.name === 'kubefedconfigs.core.kubefed.io');
    expect(JSON.stringify(kubefedconfigs)).toContain('"statusController"');
  });

  it('hold the Federated* CRDs of the chart, one for every default FederatedTypeConfig', () => {
    const chart = yamlObjects(readFileSync(join(moduleDir, chartFiles.federatedTypeCrds), 'utf8'), chartFiles.federatedTypeCrds);
    expect(pinnedFile('federated-type-crds.json').objects).toEqual(chart);
    const configs = federatedTypeConfigs(namespace);
    expect(configs).toHaveLength(10);
    const federatedPlurals = configs.map((c) => {
      const spec = c.spec as { federatedType: { pluralName: string; group: string }; propagation: string };
      expect(spec.propagation).toBe('Enabled');
      return `${spec.federatedType.pluralName}.${spec.federatedType.group}`;
    });
    expect(names(federatedTypeCrds())).toEqual(federatedPlurals.sort());
    expect(configs.every((c) => c.metadata.namespace === namespace)).toBe(true);
  });

  it('give CRDs as desired state: no server-owned status or null creationTimestamp', () => {
    for (const crd of releaseCrds()) {
      expect(crd.status).toBeUndefined();
      expect(Object.keys(crd.metadata)).toEqual(['name']);
    }
    expect(releaseCrds()).toHaveLength(17);
  });

  it('render the controller RBAC for a namespace, without the admission webhook', () => {
    const rbac = controllerRbac('plane-a', 'Cluster');
    expect(JSON.stringify(rbac)).not.toContain(namespacePlaceholder);
    expect(rbac.map((o) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`)).toEqual([
      'ClusterRole -/kubefed-role',
      'ClusterRoleBinding -/kubefed-rolebinding',
      'Role plane-a/kubefed-config-role',
      'RoleBinding plane-a/kubefed-config-rolebinding',
      'ServiceAccount plane-a/kubefed-controller',
    ]);
    const binding = rbac.find((o) => o.kind === 'ClusterRoleBinding');
    expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kubefed-controller', namespace: 'plane-a' }]);
    expect(pinnedFile('controller-rbac.json').omitted?.objects).toContain('ServiceAccount kubefed-admission-webhook');
  });

  it('render the chart\'s namespaced RBAC: the same controller rules as Roles in the plane namespace, no ClusterRole', () => {
    const rbac = controllerRbac('plane-a', 'Namespaced');
    expect(JSON.stringify(rbac)).not.toContain(namespacePlaceholder);
    expect(rbac.map((o) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`)).toEqual([
      'Role plane-a/kubefed-config-role',
      'Role plane-a/kubefed-role',
      'RoleBinding plane-a/kubefed-config-rolebinding',
      'RoleBinding plane-a/kubefed-rolebinding',
      'ServiceAccount plane-a/kubefed-controller',
    ]);
    const rules = (o: KubeObject | undefined): { apiGroups: string[]; resources: string[] }[] => (o?.rules ?? []) as { apiGroups: string[]; resources: string[] }[];
    const clusterRole = controllerRbac('plane-a', 'Cluster').find((o) => o.kind === 'ClusterRole');
    const role = rbac.find((o) => o.kind === 'Role' && o.metadata.name === 'kubefed-role');
    // What the namespaced Role lacks is what only a cluster-wide controller needs: namespaces.
    expect(rules(clusterRole).filter((r) => !r.resources.includes('namespaces')).map((r) => r.apiGroups)).toEqual(rules(role).map((r) => r.apiGroups));
    expect(rbac.find((o) => o.kind === 'RoleBinding' && o.metadata.name === 'kubefed-rolebinding')?.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'kubefed-controller', namespace: 'plane-a' },
    ]);
    expect(pinnedFile('controller-rbac-namespaced.json').values).toEqual({ 'global.scope': 'Namespaced' });
  });

  it.each(['Cluster', 'Namespaced'] as const)('give a %s KubeFedConfig that passes the controller-manager\'s own validation', async (scope) => {
    const config = kubeFedConfig(namespace, scope);
    expect(config.metadata).toEqual({ name: 'kubefed', namespace });
    expect((config.spec as { scope: string }).scope).toBe(scope);
    const result = await validate(config);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('differ between the scopes only in the KubeFedConfig\'s scope', () => {
    const strip = (o: KubeObject): unknown => ({ ...o, spec: { ...(o.spec as object), scope: undefined } });
    expect(strip(kubeFedConfig(namespace, 'Namespaced'))).toEqual(strip(kubeFedConfig(namespace, 'Cluster')));
  });

  it('are checked by a validator that fails the way the controller does on a bad KubeFedConfig', async () => {
    const good = kubeFedConfig(namespace, 'Cluster') as KubeObject & { spec: Record<string, Record<string, unknown>> };
    const { statusController: _dropped, ...spec } = good.spec;
    const bad = {
      ...good,
      spec: {
        ...spec,
        controllerDuration: { availableDelay: '20s', unavailableDelay: '60s' },
        leaderElect: { ...good.spec.leaderElect, resourceLock: 'leases' },
        syncController: { adoptResources: 'Enabled' },
      },
    };
    const result = await validate(bad);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `invalid KubeFedConfig "${namespace}/kubefed":`,
      'spec.controllerDuration.cacheSyncTimeout: Required value',
      'spec.leaderElect.resourceLock: Unsupported value: "leases": supported values: "configmaps", "endpoints"',
      'spec.syncController.maxConcurrentReconciles: Required value',
      'spec.statusController: Required value',
    ]);
  });
});

describe('the chart template renderer', () => {
  const context = { Values: { a: '', b: 'set', n: 0, gates: { x: null }, global: { scope: '' } }, Release: { Namespace: 'ns' } };

  it.each([
    ['{{ .Values.a | default "x" | quote }}', '"x"'],
    ['{{ .Values.b | default "x" | quote }}', '"set"'],
    ['{{ .Values.n | default 3 }}', '3'],
    ['a\n{{- if .Values.gates }}\nyes{{ end }}', 'a\nyes'],
    ['{{- if or (not .Values.global.scope) (eq .Values.global.scope "Cluster") }}C{{ else }}N{{ end }}', 'C'],
    ['{{- if and .Values.global.scope (eq .Values.global.scope "Namespaced") }}N{{ else }}C{{ end }}', 'C'],
    ['x: {{ .Release.Namespace }}\n{{/* a comment */}}', 'x: ns\n'],
  ])('renders %j as %j', (template, expected) => {
    expect(renderTemplate(template, context)).toBe(expected);
  });

  it.each([
    ['{{ range .Values.gates }}x{{ end }}', 'unsupported template construct {{range .Values.gates}}'],
    ['{{ toYaml .Values.gates }}', 'unsupported template function "toYaml"'],
    ['{{ include "x" . }}', 'unsupported template construct {{include "x" .}}'],
    ['{{ .Values.missing }}', 'renders no value'],
    ['{{ if .Values.b }}x', '{{if}} without {{end}}'],
  ])('refuses %j (%s), so a chart change cannot render wrongly', (template, message) => {
    expect(() => renderTemplate(template, context)).toThrow(TemplateError);
    expect(() => renderTemplate(template, context)).toThrow(message);
  });
});
