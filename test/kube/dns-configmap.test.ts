import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster } from '../../src/local/local-cluster.js';
import { ConflictError, InvalidSpecError } from '../../src/providers/errors.js';
import { applyDnsConfig, ensureDefaultNamespace, removeDnsConfig } from '../../src/providers/kube/kube-dns/configmap.js';
import { KubeTargetConnector } from '../../src/providers/kube/connector.js';
import { scratchDir } from '../support/substrate.js';
import { CountingTokenSource, createTestCluster, gkeTarget } from './support.js';

describe('kube-dns federations ConfigMap on a real API server', () => {
  const dir = scratchDir('kube-dns');
  let cluster!: LocalCluster;
  let kc: k8s.KubeConfig;
  let admin: k8s.CoreV1Api;

  const read = async (): Promise<k8s.V1ConfigMap> => admin.readNamespacedConfigMap({ namespace: 'kube-system', name: 'kube-dns' });
  const reset = async (data?: Record<string, string>): Promise<void> => {
    await admin.deleteNamespacedConfigMap({ namespace: 'kube-system', name: 'kube-dns' }).catch((err: unknown) => {
      if (!(err instanceof k8s.ApiException && err.code === 404)) throw err;
    });
    if (data) await admin.createNamespacedConfigMap({ namespace: 'kube-system', body: { metadata: { name: 'kube-dns', labels: { owner: 'gke' } }, data } });
  };

  beforeAll(async () => {
    cluster = await createTestCluster('dns', dir.path, { scheduler: false });
    // The same path as the activities: a `gke` target through the connector.
    kc = await new KubeTargetConnector({ tokens: new CountingTokenSource() }).connect(gkeTarget(cluster));
    admin = cluster.kubeConfig().makeApiClient(k8s.CoreV1Api);
  });

  afterAll(async () => {
    // Undefined when beforeAll failed before making it.
    const made: (LocalCluster | undefined)[] = [cluster];
    await made[0]?.delete();
    dir.remove();
  });

  it('creates the ConfigMap when the cluster has none, with the domain without its trailing dot', async () => {
    await reset();
    expect(await applyDnsConfig(kc, 'kfed', 'infra.mycompany.com.')).toEqual({ changed: true, federations: 'kfed=infra.mycompany.com' });
    const cm = await read();
    expect(cm.data).toEqual({ federations: 'kfed=infra.mycompany.com' });
    expect(cm.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('kfed');
  });

  it('merges into existing data: other keys and other federations stay, in their order', async () => {
    await reset({ stubDomains: '{"acme.local": ["1.2.3.4"]}', federations: 'other=example.org' });
    expect(await applyDnsConfig(kc, 'kfed', 'infra.mycompany.com.')).toEqual({ changed: true, federations: 'other=example.org,kfed=infra.mycompany.com' });
    const cm = await read();
    expect(cm.data).toEqual({ stubDomains: '{"acme.local": ["1.2.3.4"]}', federations: 'other=example.org,kfed=infra.mycompany.com' });
    // kfed did not create it, so it does not claim it.
    expect(cm.metadata?.labels).toEqual({ owner: 'gke' });

    // Again: nothing to write, and nothing written.
    expect(await applyDnsConfig(kc, 'kfed', 'infra.mycompany.com')).toEqual({ changed: false, federations: 'other=example.org,kfed=infra.mycompany.com' });
    expect((await read()).metadata?.resourceVersion).toBe(cm.metadata?.resourceVersion);

    // A new domain replaces this federation's entry where it stands.
    await admin.replaceNamespacedConfigMap({
      namespace: 'kube-system',
      name: 'kube-dns',
      body: { metadata: { name: 'kube-dns', labels: { owner: 'gke' } }, data: { ...cm.data, federations: 'kfed=old.example,other=example.org' } },
    });
    expect((await applyDnsConfig(kc, 'kfed', 'infra.mycompany.com')).federations).toBe('kfed=infra.mycompany.com,other=example.org');
  });

  it('removes only this federation, then the key when it was the last entry', async () => {
    await reset({ stubDomains: 'x', federations: 'a=a.org,kfed=infra.mycompany.com,b=b.org' });
    expect(await removeDnsConfig(kc, 'kfed')).toEqual({ changed: true, federations: 'a=a.org,b=b.org' });
    expect((await read()).data).toEqual({ stubDomains: 'x', federations: 'a=a.org,b=b.org' });
    expect(await removeDnsConfig(kc, 'kfed')).toEqual({ changed: false, federations: 'a=a.org,b=b.org' });

    await reset({ stubDomains: 'x', federations: 'kfed=infra.mycompany.com' });
    expect(await removeDnsConfig(kc, 'kfed')).toEqual({ changed: true, federations: '' });
    expect((await read()).data).toEqual({ stubDomains: 'x' });
  });

  it('deletes the ConfigMap kfed created once its last entry goes, and keeps one with a key someone added', async () => {
    await reset();
    await applyDnsConfig(kc, 'kfed', 'infra.mycompany.com.');
    await applyDnsConfig(kc, 'other', 'other.example.org');
    expect(await removeDnsConfig(kc, 'kfed')).toEqual({ changed: true, federations: 'other=other.example.org' });
    expect(await removeDnsConfig(kc, 'other')).toEqual({ changed: true, federations: '' });
    const gone = await admin.readNamespacedConfigMap({ namespace: 'kube-system', name: 'kube-dns' }).then(
      () => false,
      (err: unknown) => err instanceof k8s.ApiException && err.code === 404,
    );
    expect(gone).toBe(true);

    await applyDnsConfig(kc, 'kfed', 'infra.mycompany.com.');
    const cm = await read();
    await admin.replaceNamespacedConfigMap({ namespace: 'kube-system', name: 'kube-dns', body: { metadata: { name: 'kube-dns', labels: cm.metadata?.labels, resourceVersion: cm.metadata?.resourceVersion }, data: { ...cm.data, stubDomains: 'x' } } });
    expect(await removeDnsConfig(kc, 'kfed')).toEqual({ changed: true, federations: '' });
    expect((await read()).data).toEqual({ stubDomains: 'x' });
  });

  it('keeps every entry when several federations write at the same time', async () => {
    await reset({ federations: 'base=base.org' });
    const results = await Promise.all(['f1', 'f2', 'f3', 'f4'].map((f) => applyDnsConfig(kc, f, `${f}.example.org`)));
    expect(results.every((r) => r.changed)).toBe(true);
    const value = (await read()).data?.federations ?? '';
    expect(value.split(',').sort()).toEqual(['base=base.org', 'f1=f1.example.org', 'f2=f2.example.org', 'f3=f3.example.org', 'f4=f4.example.org']);
    expect(value.startsWith('base=base.org,')).toBe(true);
  });

  it('refuses to rewrite a value it cannot read, and rejects an invalid federation', async () => {
    await reset({ federations: 'not-a-pair,other=example.org' });
    const error = await applyDnsConfig(kc, 'kfed', 'infra.mycompany.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toContain('federations entry "not-a-pair" is not name=domain');
    expect((await read()).data).toEqual({ federations: 'not-a-pair,other=example.org' });

    const invalid = await applyDnsConfig(kc, 'Not Valid', 'infra.mycompany.com').catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(InvalidSpecError);
    expect((invalid as Error).message).toContain('federation name "Not Valid" is not a DNS label');
  });

  it('ensureDefaultNamespace leaves the existing default namespace alone', async () => {
    const before = await admin.readNamespace({ name: 'default' });
    expect(await ensureDefaultNamespace(kc)).toEqual({ changed: false });
    const after = await admin.readNamespace({ name: 'default' });
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(after.metadata?.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
  });
});
