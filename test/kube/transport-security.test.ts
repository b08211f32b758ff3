import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster } from '../../src/local/local-cluster.js';
import { InvalidSpecError } from '../../src/providers/errors.js';
import { KubeClient } from '../../src/providers/kube/client.js';
import { KubeTargetConnector } from '../../src/providers/kube/connector.js';
import { describeTarget } from '../../src/providers/kube/describe-target.js';
import type { ClusterTarget } from '../../src/providers/types.js';
import { scratchDir } from '../support/substrate.js';
import { createTestCluster } from './support.js';

interface KubeconfigDoc {
  clusters: { cluster: Record<string, unknown> }[];
  'current-context': string;
}

/**
 * The worker's connector on a real API server, reached through kubeconfigs that give up TLS
 * verification or TLS: refused before any request unless the target (from the spec) accepts it.
 */
describe('kubeconfigs without verified TLS', () => {
  const dir = scratchDir('kube-tls');
  const connector = new KubeTargetConnector({ requestTimeoutMs: 5_000 });
  let cluster!: LocalCluster;
  let insecureFile: string;
  let plaintextFile: string;
  let context: string;

  /** A copy of the cluster's kubeconfig, beside it (relative paths still resolve), changed by `edit`. */
  const variant = (name: string, edit: (c: Record<string, unknown>) => void): string => {
    const doc = parse(readFileSync(cluster.info.kubeconfigPath, 'utf8')) as KubeconfigDoc;
    for (const c of doc.clusters) edit(c.cluster);
    const path = join(dirname(cluster.info.kubeconfigPath), name);
    writeFileSync(path, stringify(doc), { mode: 0o600 });
    return path;
  };

  beforeAll(async () => {
    cluster = await createTestCluster('tls', dir.path, { scheduler: false });
    context = (parse(readFileSync(cluster.info.kubeconfigPath, 'utf8')) as KubeconfigDoc)['current-context'];
    insecureFile = variant('insecure.yaml', (c) => {
      delete c['certificate-authority'];
      delete c['certificate-authority-data'];
      c['insecure-skip-tls-verify'] = true;
    });
    // Nothing listens in plain HTTP: the refusal must come before any connection is tried.
    plaintextFile = variant('plaintext.yaml', (c) => {
      c.server = 'http://127.0.0.1:9';
    });
  });

  afterAll(async () => {
    const made: (LocalCluster | undefined)[] = [cluster];
    await made[0]?.delete();
    dir.remove();
  });

  const target = (kubeconfig: string, accept: Partial<Record<'insecureSkipTLSVerify' | 'insecureHTTP', boolean>> = {}): ClusterTarget => ({ kind: 'kubeconfig', name: 'prod-eu', context, kubeconfig, ...accept });

  it('refuses insecure-skip-tls-verify without the opt-in, naming the field, before any request', async () => {
    const error = await connector.connect(target(insecureFile)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect((error as Error).message).toContain(`cluster prod-eu (context ${context} in ${insecureFile}): its kubeconfig turns TLS verification off`);
    expect((error as Error).message).toContain('spec.clusters[].existing.insecureSkipTLSVerify: true for prod-eu');
    // The describe of an existing cluster (the run's adopt step, the plan) says the same.
    await expect(describeTarget(connector, target(insecureFile))).rejects.toThrow('existing.insecureSkipTLSVerify: true');
  });

  it('reaches the cluster with the opt-in, and describes it with the warning', async () => {
    const kc = await connector.connect(target(insecureFile, { insecureSkipTLSVerify: true }));
    expect((await new KubeClient(kc).list({ apiVersion: 'v1', kind: 'Namespace' })).length).toBeGreaterThanOrEqual(4);
    const described = await describeTarget(connector, target(insecureFile, { insecureSkipTLSVerify: true }));
    expect(described).toEqual({ endpoint: cluster.info.endpoint, caCertificate: '', transportWarning: 'TLS verification disabled for this cluster (existing.insecureSkipTLSVerify)' });
  });

  it('describes a kubeconfig with verified TLS without a warning', async () => {
    const described = await describeTarget(connector, target(cluster.info.kubeconfigPath));
    expect(described.transportWarning).toBeUndefined();
    expect(described.endpoint).toBe(cluster.info.endpoint);
  });

  it('refuses an http:// server without insecureHTTP, even with insecureSkipTLSVerify', async () => {
    const error = await connector.connect(target(plaintextFile, { insecureSkipTLSVerify: true })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect((error as Error).message).toContain('its server http://127.0.0.1:9 is plain http://');
    expect((error as Error).message).toContain('spec.clusters[].existing.insecureHTTP: true for prod-eu');
    const accepted = await connector.connect(target(plaintextFile, { insecureHTTP: true }));
    expect(accepted.getCurrentCluster()?.server).toBe('http://127.0.0.1:9');
  });
});
