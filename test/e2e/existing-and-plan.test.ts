import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster } from '../../src/local/local-cluster.js';
import type { PlanItem } from '../../src/providers/types.js';
import { startHarness, stopHarness, projectRoot, type Harness } from '../support/harness.js';
import { recordHistories, secretsInHistories } from '../support/histories.js';
import { testToolchain } from '../support/substrate.js';

interface SpecDoc {
  spec: { dns: { domain: string }; clusters: Record<string, unknown>[] };
}

function actions(items: readonly PlanItem[]): Record<string, string> {
  return Object.fromEntries(items.map((i) => [i.resource, i.action]));
}

describe('bring-your-own clusters and kfed plan', () => {
  let h: Harness;
  let byo: LocalCluster;
  let mixedFile: string;
  let exampleFile: string;

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    // A cluster the platform team already has, reached through its own kubeconfig.
    byo = await LocalCluster.create('byo', { toolchain: await testToolchain(), workdir: join(h.dir, 'byo'), scheduler: false });
    const context = byo.kubeConfig().getCurrentContext();
    const doc = parse(readFileSync(join(projectRoot, 'examples', 'federation.yaml'), 'utf8')) as SpecDoc;
    doc.spec.clusters[1] = { name: 'prod-eu', context: 'prod-eu', existing: { context, kubeconfig: byo.info.kubeconfigPath } };
    mixedFile = join(h.dir, 'mixed.yaml');
    writeFileSync(mixedFile, stringify(doc));
    exampleFile = join(projectRoot, 'examples', 'federation.yaml');
  });

  afterAll(async () => {
    await byo.delete();
    await stopHarness(h);
  });

  it('plans a fresh spec: everything to create, the existing cluster to adopt', async () => {
    const result = await h.cli(['plan', '-f', mixedFile, '-o', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as { items: PlanItem[]; conflicts: number };
    expect(actions(plan.items)).toEqual({
      'zone kfed': 'create',
      'cluster west-cluster': 'create',
      'cluster prod-eu': 'adopt',
      'plane on west-cluster': 'create',
      'join west-coast': 'create',
      'join prod-eu': 'create',
      'kube-dns federations on west-cluster': 'create',
      'kube-dns federations on prod-eu': 'create',
    });
    expect(plan.conflicts).toBe(0);
    // Read-only: nothing was created anywhere.
    expect(h.emulator.calls().filter((c) => /create|Create|changes/.test(c.method))).toEqual([]);
    const dns = await byo.kubeConfig().makeApiClient(k8s.CoreV1Api).readNamespacedConfigMap({ namespace: 'kube-system', name: 'kube-dns' }).catch(() => undefined);
    expect(dns?.data?.federations).toBeUndefined();
  });

  it('federates a kfed-created cluster with an existing one', async () => {
    const up = await h.cli(['up', '-f', mixedFile, '--wait']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('adopt existing cluster prod-eu');
    const core = byo.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const dns = await core.readNamespacedConfigMap({ namespace: 'kube-system', name: 'kube-dns' });
    expect(dns.data?.federations).toBe('kfed=infra.mycompany.com');
    const accounts = await core.listNamespacedServiceAccount({ namespace: 'kube-federation-system' });
    expect(accounts.items.map((a) => a.metadata?.name)).toContain('prod-eu-kfed');
    // Only one cluster was created at the (emulated) cloud.
    expect(h.emulator.calls().filter((c) => c.method === 'CreateCluster' && c.result === 'ok').map((c) => c.resource)).toEqual([
      'projects/local/locations/us-west1-a/clusters/west-cluster',
    ]);
  });

  it('plans an applied spec as unchanged (the existing cluster stays adopted)', async () => {
    const plan = JSON.parse((await h.cli(['plan', '-f', mixedFile, '-o', 'json'])).stdout) as { items: PlanItem[]; conflicts: number };
    expect(actions(plan.items)).toEqual({
      'zone kfed': 'unchanged',
      'cluster west-cluster': 'unchanged',
      'cluster prod-eu': 'adopt',
      'plane on west-cluster': 'unchanged',
      'join west-coast': 'unchanged',
      'join prod-eu': 'unchanged',
      'kube-dns federations on west-cluster': 'unchanged',
      'kube-dns federations on prod-eu': 'unchanged',
    });
  });

  it('reports a conflicting zone and exits 2 (kfed up --plan too)', async () => {
    const doc = parse(readFileSync(exampleFile, 'utf8')) as SpecDoc;
    doc.spec.dns.domain = 'other.example.com.';
    const conflicting = join(h.dir, 'conflict.yaml');
    writeFileSync(conflicting, stringify(doc));
    const plan = await h.cli(['up', '-f', conflicting, '--plan']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/!\s+conflict\s+zone kfed\s+zone kfed exists for infra\.mycompany\.com\., the spec asks for other\.example\.com\./);
    expect(plan.stderr).toContain('1 conflict(s) would fail the run');
  });

  it('tears down: deletes what kfed created, keeps the existing cluster without kfed objects', async () => {
    const down = await h.cli(['down', 'kfed', '--wait']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('clusters west-cluster deleted, prod-eu kept; zone deleted');

    const kc = byo.kubeConfig();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    expect((await core.listNamespace()).items.length).toBeGreaterThan(0);
    const dns = await core.readNamespacedConfigMap({ namespace: 'kube-system', name: 'kube-dns' }).catch(() => undefined);
    expect(dns?.data?.federations ?? '').not.toContain('kfed=');
    const labelled = 'app.kubernetes.io/managed-by=kfed';
    expect((await core.listServiceAccountForAllNamespaces({ labelSelector: labelled })).items).toEqual([]);
    expect((await core.listSecretForAllNamespaces({ labelSelector: labelled })).items).toEqual([]);
    const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    expect((await rbac.listClusterRole({ labelSelector: labelled })).items).toEqual([]);
    expect((await rbac.listClusterRoleBinding({ labelSelector: labelled })).items).toEqual([]);

    const found = await secretsInHistories(h.client, { 'the emulator access token': h.emulator.accessToken, 'the existing cluster admin key': byo.info.adminKey.split('\n')[1] ?? 'none' });
    expect(found).toEqual([]);
    await recordHistories(h.client, 'existing');
  });
});
