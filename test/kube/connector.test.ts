import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster } from '../../src/local/local-cluster.js';
import { InvalidSpecError, PermissionError } from '../../src/providers/errors.js';
import { BoundedKubeConfig } from '../../src/providers/kube/bounded-kube-config.js';
import { KubeClient } from '../../src/providers/kube/client.js';
import { apiAccessOf, KubeTargetConnector } from '../../src/providers/kube/connector.js';
import { UnreachableError } from '../../src/providers/kube/errors.js';
import type { ClusterTarget } from '../../src/providers/types.js';
import { scratchDir } from '../support/substrate.js';
import { CountingTokenSource, createTestCluster, gkeTarget, kubeconfigTarget } from './support.js';

async function namespaceCount(kc: k8s.KubeConfig): Promise<number> {
  return (await new KubeClient(kc).list({ apiVersion: 'v1', kind: 'Namespace' })).length;
}

describe('KubeTargetConnector', () => {
  const dir = scratchDir('kube-connect');
  let cluster!: LocalCluster;
  let blackHole: Server;
  let blackHolePort: number;

  beforeAll(async () => {
    cluster = await createTestCluster('connect', dir.path, { scheduler: false });
    // Accepts TCP connections and never says a word: the server that would hang a client forever.
    blackHole = createServer(() => undefined);
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const address = blackHole.address();
    blackHolePort = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    blackHole.close();
    // Undefined when beforeAll failed before making it.
    const made: (LocalCluster | undefined)[] = [cluster];
    await made[0]?.delete();
    dir.remove();
  });

  it('connects to a gke target with a token fetched at connect time', async () => {
    const tokens = new CountingTokenSource();
    const kc = await new KubeTargetConnector({ tokens }).connect(gkeTarget(cluster));
    expect(tokens.calls).toBe(1);
    expect(kc).toBeInstanceOf(BoundedKubeConfig);
    expect(kc.getCurrentUser()?.token).toBeDefined();
    expect(await namespaceCount(kc)).toBeGreaterThanOrEqual(4);
    // The generated API classes of client-node work with it too.
    expect((await kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: 'kube-system' })).metadata?.name).toBe('kube-system');
    expect(apiAccessOf(kc)).toEqual({
      apiEndpoint: cluster.info.endpoint,
      caBundle: Buffer.from(cluster.info.caCertificate).toString('base64'),
      insecure: false,
    });
  });

  it('accepts a bare GKE endpoint (an IP without scheme)', async () => {
    const target = gkeTarget(cluster);
    const bare = { ...target, endpoint: cluster.info.endpoint.replace('https://', '') } as ClusterTarget;
    const kc = await new KubeTargetConnector({ tokens: new CountingTokenSource() }).connect(bare);
    expect(kc.getCurrentCluster()?.server).toBe(cluster.info.endpoint);
  });

  it('turns a refused token into a PermissionError on use', async () => {
    const kc = await new KubeTargetConnector({ tokens: new CountingTokenSource('wrong-token') }).connect(gkeTarget(cluster));
    const error = await namespaceCount(kc).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toContain(`on ${cluster.info.endpoint} failed: Unauthorized (HTTP 401)`);
  });

  it('refuses a gke target when the worker has no token source', async () => {
    await expect(new KubeTargetConnector().connect(gkeTarget(cluster))).rejects.toThrow(InvalidSpecError);
  });

  it('loads a kubeconfig context, with its CA read from a file', async () => {
    const kc = await new KubeTargetConnector().connect(kubeconfigTarget(cluster));
    expect(await namespaceCount(kc)).toBeGreaterThanOrEqual(4);
    expect(apiAccessOf(kc).caBundle).toBe(Buffer.from(cluster.info.caCertificate).toString('base64'));
  });

  it('finds a context in any file of KUBECONFIG', async () => {
    const second = join(dir.path, 'second.yaml');
    const other = new k8s.KubeConfig();
    other.loadFromOptions({
      clusters: [{ name: 'second', server: cluster.info.endpoint, caData: Buffer.from(cluster.info.caCertificate).toString('base64') }],
      users: [{ name: 'second', token: 'kfed-kube-test-token' }],
      contexts: [{ name: 'second-context', cluster: 'second', user: 'second' }],
      currentContext: 'second-context',
    });
    writeFileSync(second, other.exportConfig());
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = [cluster.info.kubeconfigPath, second].join(':');
    try {
      const kc = await new KubeTargetConnector().connect({ kind: 'kubeconfig', name: 'second', context: 'second-context' });
      expect(await namespaceCount(kc)).toBeGreaterThanOrEqual(4);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  it('names the missing context and the ones that exist', async () => {
    const target: ClusterTarget = { kind: 'kubeconfig', name: 'east', context: 'gke_p_z_east', kubeconfig: cluster.info.kubeconfigPath };
    const error = await new KubeTargetConnector().connect(target).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect((error as Error).message).toContain(`kubeconfig ${cluster.info.kubeconfigPath} has no context "gke_p_z_east" for cluster east`);
    expect((error as Error).message).toContain('contexts there: kwok-connect');
    const missing = await new KubeTargetConnector()
      .connect({ kind: 'kubeconfig', name: 'east', context: 'x', kubeconfig: join(dir.path, 'absent.yaml') })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(InvalidSpecError);
    expect((missing as Error).message).toContain('absent.yaml for cluster east: no such file');
  });

  it('gives up on a server that never answers after the request timeout, naming the endpoint', async () => {
    const endpoint = `https://127.0.0.1:${blackHolePort}`;
    const target: ClusterTarget = { kind: 'gke', name: 'silent', endpoint, caCertificate: Buffer.from(cluster.info.caCertificate).toString('base64') };
    const kc = await new KubeTargetConnector({ tokens: new CountingTokenSource(), requestTimeoutMs: 1_000 }).connect(target);
    const started = Date.now();
    const error = await namespaceCount(kc).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(UnreachableError);
    expect((error as Error).message).toBe(`the Kubernetes API at ${endpoint} did not answer within 1s while trying to list Namespace objects`);
    // The same deadline holds for client-node's own API classes.
    const typedStarted = Date.now();
    const typed = await kc.makeApiClient(k8s.CoreV1Api).listNamespace().catch((e: unknown) => e);
    expect(Date.now() - typedStarted).toBeLessThan(3_000);
    expect((typed as Error).name).toBe('AbortError');
  });
});
