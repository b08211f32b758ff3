import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster } from '../../src/local/local-cluster.js';
import { InvalidSpecError, PermissionError, TransientError } from '../../src/providers/errors.js';
import { BoundedKubeConfig } from '../../src/providers/kube/bounded-kube-config.js';
import { KubeClient } from '../../src/providers/kube/client.js';
import { apiAccessOf, expandHome, KubeTargetConnector } from '../../src/providers/kube/connector.js';
import { maxKubeconfigBytes } from '../../src/providers/kube/kubeconfig-files.js';
import { describeTarget } from '../../src/providers/kube/describe-target.js';
import { UnreachableError } from '../../src/providers/kube/errors.js';
import type { ClusterTarget } from '../../src/providers/types.js';
import { scratchDir } from '../support/substrate.js';
import { CountingTokenSource, createTestCluster, gkeTarget, kubeconfigTarget } from './support.js';

/** A kubeconfig file with one context reaching `server` with a bearer token (or as nobody). */
function writeKubeconfig(path: string, context: string, server: string, caPem: string, token?: string): void {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: context, server, caData: Buffer.from(caPem).toString('base64') }],
    users: [{ name: context, token }],
    contexts: [{ name: context, cluster: context, user: context }],
    currentContext: context,
  });
  writeFileSync(path, kc.exportConfig(), { mode: 0o600 });
}

/** Runs `fn` with HOME (what `~` expands to) set to `home`. */
async function withHome<T>(home: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.HOME;
  process.env.HOME = home;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.HOME;
    else process.env.HOME = saved;
  }
}

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

  describe('kubeconfigs a spec names: only trusted, regular, bounded files', () => {
    const trusted = (): { files: string[]; dirs: string[] } => ({ files: [], dirs: [join(dir.path, 'trusted')] });
    const connect = (kubeconfig: string, context = 'ctx') => new KubeTargetConnector({ trust: trusted() }).connect({ kind: 'kubeconfig', name: 'east', context, kubeconfig });

    beforeAll(() => {
      mkdirSync(join(dir.path, 'trusted'), { recursive: true });
      mkdirSync(join(dir.path, 'elsewhere'), { recursive: true });
    });

    it('refuses a file outside the trusted directories before opening it, and never runs its exec plugin', async () => {
      const marker = join(dir.path, 'exec-ran');
      const file = join(dir.path, 'elsewhere', 'evil.yaml');
      writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${cluster.info.endpoint}"}}]\nusers: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: sh, args: [-c, "touch ${marker}"]}}}]\ncontexts: [{name: ctx, context: {cluster: c, user: u}}]\ncurrent-context: ctx\n`);
      const error = await connect(file).then((kc) => namespaceCount(kc)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermissionError);
      expect((error as Error).message).toContain(`the worker does not read kubeconfig ${file} for cluster east`);
      expect((error as Error).message).toContain('KFED_KUBECONFIG_DIRS');
      expect(existsSync(marker)).toBe(false);
      // A symlink from a trusted directory to an untrusted file is the untrusted file.
      const link = join(dir.path, 'trusted', 'link.yaml');
      execFileSync('ln', ['-sf', file, link]);
      expect(await connect(link).catch((e: unknown) => e)).toBeInstanceOf(PermissionError);
    });

    it('refuses a FIFO, a device and an oversized file without hanging or reading them', async () => {
      const fifo = join(dir.path, 'trusted', 'fifo');
      execFileSync('mkfifo', [fifo]);
      const started = Date.now();
      const fifoError = await connect(fifo).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((fifoError as Error).message).toBe(`cannot read kubeconfig ${fifo} for cluster east: not a regular file`);
      const zero = await new KubeTargetConnector({ trust: { files: ['/dev/zero'], dirs: [] } }).connect({ kind: 'kubeconfig', name: 'east', context: 'ctx', kubeconfig: '/dev/zero' }).catch((e: unknown) => e);
      expect((zero as Error).message).toBe('cannot read kubeconfig /dev/zero for cluster east: not a regular file');
      const huge = join(dir.path, 'trusted', 'huge.yaml');
      writeFileSync(huge, Buffer.alloc(maxKubeconfigBytes + 10, 0x61));
      expect((await connect(huge).catch((e: unknown) => e) as Error).message).toBe(`cannot read kubeconfig ${huge} for cluster east: larger than 1024 KiB`);
    });

    it('refuses a CA file that holds no certificate, without echoing it', async () => {
      const secretLike = join(dir.path, 'trusted', 'not-a-ca');
      writeFileSync(secretLike, 'root:$6$SECRETHASH:19000:0:99999:7:::\n');
      const file = join(dir.path, 'trusted', 'ca-file.yaml');
      writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${cluster.info.endpoint}", certificate-authority: ${secretLike}}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: ctx, context: {cluster: c, user: u}}]\ncurrent-context: ctx\n`);
      const error = await describeTarget(new KubeTargetConnector({ trust: trusted() }), { kind: 'kubeconfig', name: 'east', context: 'ctx', kubeconfig: file }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidSpecError);
      expect((error as Error).message).toContain(`CA certificate file ${secretLike} holds no PEM certificate`);
      expect((error as Error).message).not.toContain('SECRETHASH');
    });
  });

  describe('describeTarget (adopting an existing cluster)', () => {
    const caBase64 = (): string => Buffer.from(cluster.info.caCertificate).toString('base64');

    it('reads endpoint and CA of a kubeconfig context, and of a gke target, without credentials', async () => {
      const described = await describeTarget(new KubeTargetConnector(), kubeconfigTarget(cluster));
      expect(described).toEqual({ endpoint: cluster.info.endpoint, caCertificate: caBase64() });
      // kwokctl's kubeconfig names the context after the cluster; the admin uses a client certificate.
      expect(kubeconfigTarget(cluster)).toMatchObject({ context: 'kwok-connect', kubeconfig: cluster.info.kubeconfigPath });
      const gke = await describeTarget(new KubeTargetConnector({ tokens: new CountingTokenSource() }), gkeTarget(cluster));
      expect(gke).toEqual(described);
      expect(JSON.stringify(described)).not.toContain(cluster.info.adminKey.slice(30, 60));
    });

    it('says which context is missing', async () => {
      const target: ClusterTarget = { kind: 'kubeconfig', name: 'prod', context: 'prod-eu', kubeconfig: cluster.info.kubeconfigPath };
      const error = await describeTarget(new KubeTargetConnector(), target).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidSpecError);
      expect((error as Error).message).toBe(`kubeconfig ${cluster.info.kubeconfigPath} has no context "prod-eu" for cluster prod (contexts there: kwok-connect)`);
    });

    it('fails fast with a TransientError naming context and endpoint when nothing listens', async () => {
      // A port that was just free: connections are refused at once.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const address = closed.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      await new Promise((resolve) => closed.close(resolve));
      const file = join(dir.path, 'stopped.yaml');
      writeKubeconfig(file, 'stopped-ctx', `https://127.0.0.1:${port}`, cluster.info.caCertificate, 'kfed-kube-test-token');
      const started = Date.now();
      const error = await describeTarget(new KubeTargetConnector(), { kind: 'kubeconfig', name: 'stopped', context: 'stopped-ctx', kubeconfig: file }).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(error).toBeInstanceOf(UnreachableError);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as TransientError).retryable).toBe(true);
      expect((error as Error).message).toBe(
        `cluster stopped (context stopped-ctx): cannot reach the Kubernetes API at https://127.0.0.1:${port} (ECONNREFUSED) while trying to read /readyz ` +
          '(is the cluster running, and its endpoint reachable from the worker?)',
      );
    });

    it('gives up on a server that never answers after the request timeout', async () => {
      const file = join(dir.path, 'silent.yaml');
      writeKubeconfig(file, 'silent-ctx', `https://127.0.0.1:${blackHolePort}`, cluster.info.caCertificate, 'kfed-kube-test-token');
      const started = Date.now();
      const error = await describeTarget(new KubeTargetConnector({ requestTimeoutMs: 1_000 }), {
        kind: 'kubeconfig',
        name: 'silent',
        context: 'silent-ctx',
        kubeconfig: file,
      }).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(error).toBeInstanceOf(UnreachableError);
      expect((error as Error).message).toContain(`cluster silent (context silent-ctx): the Kubernetes API at https://127.0.0.1:${blackHolePort} did not answer within 1s`);
    });

    it('turns refused or missing credentials into a PermissionError with a hint, never showing them', async () => {
      const wrong = join(dir.path, 'wrong-token.yaml');
      writeKubeconfig(wrong, 'wrong-ctx', cluster.info.endpoint, cluster.info.caCertificate, 'not-the-right-token');
      const error = await describeTarget(new KubeTargetConnector(), { kind: 'kubeconfig', name: 'wrong', context: 'wrong-ctx', kubeconfig: wrong }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermissionError);
      expect((error as Error).message).toBe(
        `cluster wrong (context wrong-ctx): read /readyz on ${cluster.info.endpoint} failed: Unauthorized (HTTP 401) ` +
          '(the API server refused the credentials of context "wrong-ctx" on the worker; refresh them (e.g. gcloud container clusters get-credentials) or name another context)',
      );
      expect((error as Error).message).not.toContain('not-the-right-token');

      // No credentials at all: /readyz is public, so only the discovery request shows the problem.
      const nobody = join(dir.path, 'anonymous.yaml');
      writeKubeconfig(nobody, 'nobody-ctx', cluster.info.endpoint, cluster.info.caCertificate);
      const anonymous = await describeTarget(new KubeTargetConnector(), { kind: 'kubeconfig', name: 'nobody', context: 'nobody-ctx', kubeconfig: nobody }).catch(
        (e: unknown) => e,
      );
      expect(anonymous).toBeInstanceOf(PermissionError);
      expect((anonymous as Error).message).toMatch(/^cluster nobody \(context nobody-ctx\): read \/api on https:\/\/127\.0\.0\.1:\d+ failed: .*\(HTTP 40[13]\)/);
    });

    it('expands ~ in the kubeconfig path to the worker\'s home directory', async () => {
      const home = join(dir.path, 'home');
      mkdirSync(join(home, '.kube'), { recursive: true });
      writeKubeconfig(join(home, '.kube', 'config'), 'home-ctx', cluster.info.endpoint, cluster.info.caCertificate, 'kfed-kube-test-token');
      await withHome(home, async () => {
        expect(expandHome('~/.kube/config')).toBe(join(home, '.kube', 'config'));
        expect(expandHome('~')).toBe(home);
        expect(expandHome('/etc/kubeconfig')).toBe('/etc/kubeconfig');
        expect(expandHome('~other/config')).toBe('~other/config');
        const target: ClusterTarget = { kind: 'kubeconfig', name: 'home', context: 'home-ctx', kubeconfig: '~/.kube/config' };
        expect(await describeTarget(new KubeTargetConnector(), target)).toEqual({ endpoint: cluster.info.endpoint, caCertificate: caBase64() });
        const absent = await new KubeTargetConnector().connect({ ...target, kubeconfig: '~/.kube/absent' }).catch((e: unknown) => e);
        expect(absent).toBeInstanceOf(InvalidSpecError);
        expect((absent as Error).message).toContain(`cannot read kubeconfig ${join(home, '.kube', 'absent')} for cluster home: no such file`);
      });
    });
  });
});
