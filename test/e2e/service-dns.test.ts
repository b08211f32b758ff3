import { Resolver } from 'node:dns/promises';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleDnsProvider, StaticTokenSource } from '../../src/providers/gcp/index.js';
import type { ServiceDnsStatus } from '../../src/service-dns/sync-model.js';
import { eventually, thrown } from '../emulator/support.js';
import { projectRoot, startHarness, stopHarness, type Harness } from '../support/harness.js';

const seedFile = join(projectRoot, 'examples', 'federation.yaml');
const domain = 'infra.mycompany.com';
const names = {
  global: `web.default.kfed.svc.${domain}`,
  west: `web.default.kfed.svc.us-west1.${domain}`,
  east: `web.default.kfed.svc.us-east1.${domain}`,
  westZone: `web.default.kfed.svc.us-west1-a.us-west1.${domain}`,
  eastZone: `web.default.kfed.svc.us-east1-b.us-east1.${domain}`,
};

/**
 * What a FederatedDeployment + FederatedService put on a member: KubeFed's sync controller
 * labels what it propagates `kubefed.io/managed: "true"`. The KubeFed controller-manager does not
 * run on the substrate yet, so the test creates the propagated objects on each member itself.
 * NOTE: member clusters run no kube-scheduler in the emulator, so the pods are bound to a node
 * by name (kwok then runs them and marks them Ready).
 */
function propagated(node: string): { deployment: k8s.V1Deployment; service: k8s.V1Service } {
  const labels = { app: 'web' };
  const managed = { 'kubefed.io/managed': 'true' };
  return {
    deployment: {
      metadata: { name: 'web', namespace: 'default', labels: managed },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { nodeName: node, containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      },
    },
    service: { metadata: { name: 'web', namespace: 'default', labels: managed }, spec: { type: 'LoadBalancer', selector: labels, ports: [{ port: 80 }] } },
  };
}

/** Sorted A records, or the resolver's error code. */
async function a(resolver: Resolver, name: string): Promise<string[] | string> {
  try {
    return (await resolver.resolve4(name)).sort();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

describe('cross-cluster service discovery: the federation\'s zone answers for its Services', () => {
  let h: Harness;
  let resolver: Resolver;
  const kube = new Map<string, { core: k8s.CoreV1Api; apps: k8s.AppsV1Api }>();
  const addresses = new Map<string, string>();
  const api = (context: string): { core: k8s.CoreV1Api; apps: k8s.AppsV1Api } => {
    const found = kube.get(context);
    if (!found) throw new Error(`no client for ${context}`);
    return found;
  };
  const dns = (): GoogleDnsProvider => new GoogleDnsProvider({ tokens: new StaticTokenSource(h.emulator.accessToken), baseUrl: h.emulator.dnsEndpoint });

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([h.emulator.dnsServer.address]);
  });

  afterAll(async () => {
    await stopHarness(h);
  });

  it('kfed up starts the sync, and the nodes carry their region and zone', async () => {
    const up = await h.cli(['up', '-f', seedFile, '--wait']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('start the service DNS sync of kfed: Succeeded (started kfed-kfed-service-dns (a pass every 2s))');
    const file = join(h.dir, 'kubeconfig');
    expect((await h.cli(['kubeconfig', 'kfed', '--out', file])).code).toBe(0);
    for (const context of ['west-coast', 'east-coast']) {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(file);
      kc.setCurrentContext(context);
      kube.set(context, { core: kc.makeApiClient(k8s.CoreV1Api), apps: kc.makeApiClient(k8s.AppsV1Api) });
    }
    const [eastNode] = (await api('east-coast').core.listNode()).items;
    expect(eastNode?.metadata?.labels).toMatchObject({ 'topology.kubernetes.io/zone': 'us-east1-b', 'failure-domain.beta.kubernetes.io/region': 'us-east1' });
    const sync = await h.client.workflow.getHandle('kfed-kfed-service-dns').describe();
    expect(sync.status.name).toBe('RUNNING');
  });

  it('resolves the zone-, region- and federation-level names through the emulator\'s name servers', async () => {
    for (const context of ['west-coast', 'east-coast']) {
      const { core, apps } = api(context);
      const node = (await core.listNode()).items[0]?.metadata?.name ?? '';
      const objects = propagated(node);
      await apps.createNamespacedDeployment({ namespace: 'default', body: objects.deployment });
      await core.createNamespacedService({ namespace: 'default', body: objects.service });
      const ingress = await eventually(`${context} load-balancer address`, async () => {
        const s = await core.readNamespacedService({ name: 'web', namespace: 'default' });
        return s.status?.loadBalancer?.ingress?.[0]?.ip;
      }, 30_000);
      addresses.set(context, ingress);
    }
    const west = addresses.get('west-coast') ?? '';
    const east = addresses.get('east-coast') ?? '';
    expect(west).not.toBe(east);

    await eventually('federation-level A records of both clusters', async () => ((await a(resolver, names.global)).length === 2 ? true : undefined), 60_000);
    expect(await a(resolver, names.global)).toEqual([west, east].sort());
    expect(await a(resolver, names.west)).toEqual([west]);
    expect(await a(resolver, names.east)).toEqual([east]);
    expect(await a(resolver, names.westZone)).toEqual([west]);
    expect(await a(resolver, names.eastZone)).toEqual([east]);
    // kfed's ownership registry is in the zone too.
    expect(await resolver.resolveTxt(`_kfed-owner.${names.global}`)).toHaveLength(5);
  });

  it('kfed status shows the records and the last sync (table and -o json)', async () => {
    const json = await h.cli(['status', 'kfed', '-o', 'json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { serviceDns: { workflowId: string; state: string; status: ServiceDnsStatus } };
    expect(parsed.serviceDns).toMatchObject({ workflowId: 'kfed-kfed-service-dns', state: 'RUNNING', status: { phase: 'Syncing', intervalSeconds: 2 } });
    expect(parsed.serviceDns.status.lastPass?.records.map((r) => `${r.name} ${r.type}`).sort()).toEqual(
      [names.global, names.east, names.west, names.eastZone, names.westZone].map((n) => `${n}. A`).sort(),
    );
    expect(parsed.serviceDns.status.lastPass?.services).toEqual([
      {
        service: 'default/web',
        clusters: [
          { cluster: 'east-cluster', state: 'healthy', addresses: [addresses.get('east-coast')] },
          { cluster: 'west-cluster', state: 'healthy', addresses: [addresses.get('west-coast')] },
        ],
      },
    ]);
    const text = await h.cli(['status', 'kfed']);
    expect(text.stdout).toMatch(/service DNS \(kfed-kfed-service-dns, RUNNING\): Syncing every 2s, \d+ passes, last \d+s ago \(no change; 5 record sets\)/);
    expect(text.stdout).toContain(`${names.eastZone}.`);
    expect(text.stdout).toMatch(/default\/web\s+east-cluster=healthy/);
  });

  it('falls back to a CNAME one level up when the Service is scaled away in one cluster', async () => {
    const west = addresses.get('west-coast') ?? '';
    await api('east-coast').apps.patchNamespacedDeploymentScale(
      { name: 'web', namespace: 'default', body: { spec: { replicas: 0 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const cname = await eventually('east zone CNAME', async () => {
      try {
        return (await resolver.resolveCname(names.eastZone))[0];
      } catch {
        return undefined;
      }
    }, 60_000);
    expect(cname).toBe(names.east);
    expect(await resolver.resolveCname(names.east)).toEqual([names.global]);
    // A client in the east still resolves the Service, to the healthy cluster, through the chain.
    expect(await a(resolver, names.eastZone)).toEqual([west]);
    expect(await a(resolver, names.global)).toEqual([west]);
    expect(await a(resolver, names.westZone)).toEqual([west]);
  });

  it('takes the records away when the Service is deleted everywhere', async () => {
    for (const context of ['west-coast', 'east-coast']) await api(context).core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    await eventually('records gone', async () => ((await a(resolver, names.global)) === 'ENOTFOUND' ? true : undefined), 60_000);
    expect(await a(resolver, names.eastZone)).toBe('ENOTFOUND');
    const left = await dns().listRecordSets('local', 'kfed');
    expect(left?.map((r) => r.type).sort()).toEqual(['NS', 'SOA']);
  });

  it('kfed down refuses a zone holding a team\'s records, before deleting anything', async () => {
    // The Service is back (so the sync has records again), and a team adds its own record.
    await api('west-coast').core.createNamespacedService({ namespace: 'default', body: propagated('unused').service });
    await eventually('records back', async () => (Array.isArray(await a(resolver, names.global)) ? true : undefined), 60_000);
    await dns().changeRecordSets('local', 'kfed', { additions: [{ name: `www.${domain}.`, type: 'A', ttl: 300, rrdatas: ['192.0.2.80'] }], deletions: [] });

    const down = await h.cli(['down', 'kfed', '--wait']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`holds 1 record set(s) kfed did not write: www.${domain}. A; kept the zone; nothing was deleted`);
    expect(down.stderr).toContain('kfed down kfed --delete-foreign-records');
    // Nothing half-deleted: the clusters, the join, the sync and its records are all still there.
    expect((await api('east-coast').core.listNode()).items).toHaveLength(1);
    expect((await h.client.workflow.getHandle('kfed-kfed-service-dns').describe()).status.name).toBe('RUNNING');
    expect(Array.isArray(await a(resolver, names.global))).toBe(true);
    expect(await a(resolver, `www.${domain}`)).toEqual(['192.0.2.80']);
  });

  it('kfed down --delete-foreign-records stops the sync (its records removed first) and deletes the zone', async () => {
    const down = await h.cli(['down', 'kfed', '--wait', '--delete-foreign-records']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/stop the service DNS sync of kfed \(it removes its records\): Succeeded \(sync stopped after removing [1-9]\d* record set\(s\)\)/);
    expect(down.stdout).toContain('zone deleted');
    const sync = await h.client.workflow.getHandle('kfed-kfed-service-dns').describe();
    expect(sync.status.name).toBe('COMPLETED');
    expect(await dns().getZone('local', 'kfed')).toBeUndefined();
    expect(((await thrown(() => resolver.resolve4(names.global))) as NodeJS.ErrnoException).code).toBe('EREFUSED');
  });
});
