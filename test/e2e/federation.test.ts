import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleGkeProvider, StaticTokenSource, parseGkeEndpoint, GoogleDnsProvider } from '../../src/providers/gcp/index.js';
import { startHarness, stopHarness, projectRoot, type Harness } from '../support/harness.js';
import { recordHistories, secretsInHistories } from '../support/histories.js';

const exampleFile = join(projectRoot, 'examples', 'federation.yaml');

interface StatusJson {
  status: string;
  conditions: { type: string; status: string }[];
  progress: { clusters: { name: string; status: string }[]; steps: { id: string; state: string }[] };
}

describe('kfed end to end: up, status, kubeconfig, re-run, down', () => {
  let h: Harness;
  const tokensSeen: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
  });

  afterAll(async () => {
    await stopHarness(h);
  });

  it('federates the example spec\'s two clusters and status reports every cluster Ready', async () => {
    const up = await h.cli(['up', '-f', exampleFile, '--wait']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('federation kfed is ready');
    expect(up.stdout).toMatch(/west-cluster\s+west-coast\s+us-west1-a\s+https:\/\/127\.0\.0\.1:\d+/);

    const status = await h.cli(['status', 'kfed', '-o', 'json']);
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout) as StatusJson;
    expect(json.status).toBe('COMPLETED');
    expect(json.conditions.every((c) => c.status === 'True')).toBe(true);
    expect(json.progress.clusters.map((c) => [c.name, c.status])).toEqual([
      ['west-cluster', 'Ready'],
      ['east-cluster', 'Ready'],
    ]);
    expect(json.progress.steps.every((s) => s.state === 'Succeeded')).toBe(true);

    const table = await h.cli(['status', 'kfed']);
    expect(table.stdout).toMatch(/NAME\s+CONTEXT\s+LOCATION\s+STATUS\s+AGE/);
    expect(table.stdout).toMatch(/east-cluster\s+east-coast\s+us-east1-b\s+Ready\s+\d+s/);
    expect(table.stdout).toContain('Ready=True');
  });

  it('writes kubeconfig contexts that work with a Kubernetes client (mode 0600)', async () => {
    const file = join(h.dir, 'kubeconfig');
    const result = await h.cli(['kubeconfig', 'kfed', '--out', file]);
    expect(result.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(file);
    expect(kc.getContexts().map((c) => c.name).sort()).toEqual(['east-coast', 'kfed', 'west-coast']);
    expect(kc.getCurrentContext()).toBe('kfed');

    for (const context of ['west-coast', 'east-coast', 'kfed']) {
      kc.setCurrentContext(context);
      const namespaces = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
      expect(namespaces.items.map((n) => n.metadata?.name)).toContain('default');
      const dns = await kc.makeApiClient(k8s.CoreV1Api).readNamespacedConfigMap({ namespace: 'kube-system', name: 'kube-dns' });
      expect(dns.data?.federations).toBe('kfed=infra.mycompany.com');
    }

    kc.setCurrentContext('kfed');
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const joined = (await custom.listNamespacedCustomObject({ group: 'core.kubefed.io', version: 'v1beta1', namespace: 'kube-federation-system', plural: 'kubefedclusters' })) as {
      items: { metadata: { name: string }; spec: { apiEndpoint: string; secretRef: { name: string } } }[];
    };
    expect(joined.items.map((i) => i.metadata.name).sort()).toEqual(['east-coast', 'west-coast']);
    const endpoints = Object.fromEntries(kc.getClusters().map((c) => [c.name, c.server]));
    expect(joined.items.find((i) => i.metadata.name === 'east-coast')?.spec.apiEndpoint).toBe(endpoints['kfed-kfed-east-cluster']);

    // The joined credentials the plane holds; collected for the secrets scan below.
    const core = kc.makeApiClient(k8s.CoreV1Api);
    for (const item of joined.items) {
      const secret = await core.readNamespacedSecret({ namespace: 'kube-federation-system', name: item.spec.secretRef.name });
      tokensSeen[`service-account token of ${item.metadata.name}`] = Buffer.from(secret.data?.token ?? '', 'base64').toString('utf8');
    }
    const deployment = await kc.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ namespace: 'kube-federation-system', name: 'kubefed-controller-manager' });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('quay.io/kubernetes-multicluster/kubefed:v0.10.0');
    expect(deployment.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
  });

  it('re-running up on a finished federation changes nothing and creates nothing twice', async () => {
    const again = await h.cli(['up', '-f', exampleFile, '--wait', '-o', 'json']);
    expect(again.code).toBe(0);
    const outcome = JSON.parse(again.stdout) as { status: string; result: { clusters: { created: boolean }[]; zone: { created: boolean } } };
    expect(outcome.status).toBe('COMPLETED');
    expect(outcome.result.zone.created).toBe(false);
    expect(outcome.result.clusters.map((c) => c.created)).toEqual([false, false]);
    const calls = h.emulator.calls();
    expect(calls.filter((c) => c.method === 'CreateCluster' && c.result === 'ok')).toHaveLength(2);
    expect(calls.filter((c) => c.method === 'managedZones.create' && c.result === 'ok')).toHaveLength(1);
  });

  it('tears down with kfed down: no clusters, no zone, no local cluster left', async () => {
    const down = await h.cli(['down', 'kfed', '--wait']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('federation kfed torn down: clusters west-cluster deleted, east-cluster deleted; zone deleted');

    const tokens = new StaticTokenSource(h.emulator.accessToken);
    const gke = new GoogleGkeProvider({ tokens, endpoint: parseGkeEndpoint(h.emulator.gkeEndpoint) });
    const dns = new GoogleDnsProvider({ tokens, baseUrl: h.emulator.dnsEndpoint });
    try {
      expect(await gke.getCluster('local', 'us-west1-a', 'west-cluster')).toBeUndefined();
      expect(await gke.getCluster('local', 'us-east1-b', 'east-cluster')).toBeUndefined();
      expect(await dns.getZone('local', 'kfed')).toBeUndefined();
    } finally {
      await gke.close();
    }
    const kwokClusters = join(h.dir, 'emulator', 'kwok', 'clusters');
    expect(readdirSafe(kwokClusters)).toEqual([]);
  });

  it('keeps every credential out of workflow history', async () => {
    expect(Object.keys(tokensSeen)).toHaveLength(2);
    const found = await secretsInHistories(h.client, { 'the emulator access token': h.emulator.accessToken, ...tokensSeen });
    expect(found).toEqual([]);
    await recordHistories(h.client, 'e2e');
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
