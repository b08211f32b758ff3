import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster } from '../../src/local/local-cluster.js';
import { waitFor } from '../../src/local/wait.js';
import { tokenKubeConfig } from '../../src/providers/kube/connector.js';
import { namespaceListStatus, scratchDir, testToolchain } from '../support/substrate.js';

/** A client authenticated only by a bearer token and the cluster CA. */
function tokenConfig(cluster: LocalCluster, token: string): k8s.KubeConfig {
  return tokenKubeConfig({ name: 'c', endpoint: cluster.info.endpoint, caData: Buffer.from(cluster.info.caCertificate).toString('base64'), token, timeoutMs: 15_000 });
}

describe('LocalCluster (kwokctl, binary runtime)', () => {
  const dir = scratchDir('cluster');
  let cluster: LocalCluster;
  let kc: k8s.KubeConfig;

  beforeAll(async () => {
    cluster = await LocalCluster.create('substrate', {
      toolchain: await testToolchain(),
      workdir: dir.path,
      nodes: 2,
      staticTokens: [{ token: 'static-test-token', user: 'emulator', groups: ['system:masters'] }],
    });
    kc = cluster.kubeConfig();
  });

  afterAll(async () => {
    await cluster.delete();
    expect(existsSync(join(dir.path, 'clusters', 'substrate'))).toBe(false);
    dir.remove();
  });

  it('reports a loopback HTTPS endpoint and PEM credentials', () => {
    expect(cluster.info.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(cluster.info.caCertificate).toContain('BEGIN CERTIFICATE');
    expect(cluster.info.adminKey).toContain('PRIVATE KEY');
  });

  it('has kwok nodes that are Ready', async () => {
    const nodes = await kc.makeApiClient(k8s.CoreV1Api).listNode();
    expect(nodes.items).toHaveLength(2);
    for (const node of nodes.items) {
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    }
  });

  it('creates a namespace', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'substrate-ns' } } });
    const ns = await core.readNamespace({ name: 'substrate-ns' });
    expect(ns.status?.phase).toBe('Active');
  });

  it('establishes a CustomResourceDefinition and serves its resources', async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: 'widgets.substrate.kfed.dev' },
        spec: {
          group: 'substrate.kfed.dev',
          names: { kind: 'Widget', plural: 'widgets', singular: 'widget' },
          scope: 'Namespaced',
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x_kubernetes_preserve_unknown_fields': true } } }],
        },
      },
    });
    await waitFor(
      'CRD Established',
      async () => {
        const crd = await ext.readCustomResourceDefinition({ name: 'widgets.substrate.kfed.dev' });
        return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    await custom.createNamespacedCustomObject({
      group: 'substrate.kfed.dev', version: 'v1', namespace: 'default', plural: 'widgets',
      body: { apiVersion: 'substrate.kfed.dev/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } },
    });
    const widget = (await custom.getNamespacedCustomObject({ group: 'substrate.kfed.dev', version: 'v1', namespace: 'default', plural: 'widgets', name: 'w1' })) as { spec: { size: number } };
    expect(widget.spec.size).toBe(3);
  });

  it('makes a Deployment Available on kwok-simulated pods', async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
        },
      },
    });
    await waitFor(
      'Deployment Available',
      async () => {
        const d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
        return d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') === true && d.status.availableReplicas === 2;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const pods = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' });
    expect(pods.items.map((p) => p.status?.phase)).toEqual(['Running', 'Running']);
  });

  it('issues TokenRequest tokens that authenticate, and rejects a wrong token with 401', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    await core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'reader' } } });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: 'reader-view' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: 'default' }],
      },
    });
    const tr = await core.createNamespacedServiceAccountToken({
      namespace: 'default', name: 'reader', body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const token = tr.status?.token ?? '';
    expect(token.split('.')).toHaveLength(3);
    expect(await namespaceListStatus(tokenConfig(cluster, token))).toBe(200);
    expect(await namespaceListStatus(tokenConfig(cluster, `${token.slice(0, -4)}AAAA`))).toBe(401);
    expect(await namespaceListStatus(tokenConfig(cluster, 'not-a-token'))).toBe(401);
  });

  it('fills a legacy service-account token Secret through the controller-manager', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'legacy' } } });
    await core.createNamespacedSecret({
      namespace: 'default',
      body: { metadata: { name: 'legacy-token', annotations: { 'kubernetes.io/service-account.name': 'legacy' } }, type: 'kubernetes.io/service-account-token' },
    });
    let token = '';
    await waitFor(
      'token Secret filled',
      async () => {
        const s = await core.readNamespacedSecret({ namespace: 'default', name: 'legacy-token' });
        token = s.data?.token ? Buffer.from(s.data.token, 'base64').toString('utf8') : '';
        return token.length > 0;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    // Authenticated (not 401) but not authorized to list namespaces: 403 proves the identity.
    expect(await namespaceListStatus(tokenConfig(cluster, token))).toBe(403);
  });

  it('accepts the static bearer tokens given at creation', async () => {
    expect(await namespaceListStatus(tokenConfig(cluster, 'static-test-token'))).toBe(200);
  });
});
