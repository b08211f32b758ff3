import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudController, loadBalancerFinalizer } from '../../src/emulator/cloud-controller.js';
import { dualStackApiserverArgs } from '../../src/emulator/dual-stack.js';
import { StateStore } from '../../src/emulator/state.js';
import { LocalCluster } from '../../src/local/local-cluster.js';
import { scratchDir, testToolchain } from '../support/substrate.js';
import { eventually, startTestCloud, tokenKubeConfig, type TestCloud } from './support.js';

const project = 'kfed-cloud-controller';

function service(name: string, extra: Partial<k8s.V1ServiceSpec> = {}): k8s.V1Service {
  return { metadata: { name, namespace: 'default' }, spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80 }], ...extra } };
}

async function ingress(core: k8s.CoreV1Api, name: string): Promise<string[] | undefined> {
  const s = await core.readNamespacedService({ name, namespace: 'default' });
  const ips = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '');
  return ips.length > 0 ? ips : undefined;
}

async function gone(core: k8s.CoreV1Api, name: string): Promise<true | undefined> {
  try {
    await core.readNamespacedService({ name, namespace: 'default' });
    return undefined;
  } catch (err) {
    if (err instanceof k8s.ApiException && err.code === 404) return true;
    throw err;
  }
}

describe('emulated GKE cloud controller: node topology labels and load-balancer addresses', () => {
  let cloud: TestCloud;
  const clients = new Map<string, k8s.CoreV1Api>();
  const core = (cluster: string): k8s.CoreV1Api => {
    const api = clients.get(cluster);
    if (!api) throw new Error(`no client for ${cluster}`);
    return api;
  };

  beforeAll(async () => {
    cloud = await startTestCloud({ toolchain: await testToolchain(), projects: [project], provisioningDelayMs: 500 });
    const clusters = [
      { name: 'zonal', location: 'us-west1-a', nodes: 1 },
      { name: 'regional', location: 'us-east1', nodes: 3 },
    ];
    await Promise.all(
      clusters.map(async (c) => {
        await cloud.gcp.gke.ensureCluster(project, { name: c.name, location: c.location, nodes: c.nodes, machineType: 'e2-small', labels: { 'managed-by': 'kfed', 'kfed-role': 'member' } });
        await eventually(`${c.name} RUNNING`, async () => ((await cloud.gcp.gke.clusterStatus(project, c.location, c.name)).status === 'RUNNING' ? true : undefined), 180_000);
        const access = await cloud.gcp.gke.clusterAccess(project, c.location, c.name);
        clients.set(c.name, tokenKubeConfig(access.endpoint, access.caCertificate, cloud.emulator.accessToken).makeApiClient(k8s.CoreV1Api));
      }),
    );
  });

  afterAll(async () => {
    await cloud.destroy();
  });

  it('labels nodes with their region and zone, old and new label keys, before the cluster is RUNNING', async () => {
    const zonal = (await core('zonal').listNode()).items;
    expect(zonal.map((n) => n.metadata?.labels)).toEqual([
      expect.objectContaining({
        'topology.kubernetes.io/region': 'us-west1',
        'topology.kubernetes.io/zone': 'us-west1-a',
        'failure-domain.beta.kubernetes.io/region': 'us-west1',
        'failure-domain.beta.kubernetes.io/zone': 'us-west1-a',
      }),
    ]);
    // A regional cluster spreads its nodes over three zones, in node-name order.
    const regional = ((await core('regional').listNode()).items).sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
    expect(regional.map((n) => n.metadata?.labels?.['topology.kubernetes.io/zone'])).toEqual(['us-east1-a', 'us-east1-b', 'us-east1-c']);
    expect(new Set(regional.map((n) => n.metadata?.labels?.['failure-domain.beta.kubernetes.io/region']))).toEqual(new Set(['us-east1']));
  });

  it('puts the labels back when someone removes them', async () => {
    const [node] = (await core('zonal').listNode()).items;
    const name = node?.metadata?.name ?? '';
    await core('zonal').patchNode({ name, body: [{ op: 'remove', path: '/metadata/labels/topology.kubernetes.io~1zone' }] });
    await eventually('zone label restored', async () => ((await core('zonal').readNode({ name })).metadata?.labels?.['topology.kubernetes.io/zone'] === 'us-west1-a' ? true : undefined), 15_000);
  });

  it('gives LoadBalancer Services addresses from a pool per cluster, with GKE\'s finalizer', async () => {
    await core('zonal').createNamespacedService({ namespace: 'default', body: service('web') });
    await core('regional').createNamespacedService({ namespace: 'default', body: service('web') });
    const west = await eventually('zonal web address', () => ingress(core('zonal'), 'web'), 20_000);
    const east = await eventually('regional web address', () => ingress(core('regional'), 'web'), 20_000);
    expect(west).toHaveLength(1);
    expect(west[0]).toMatch(/^10\.200\.\d+\.1$/);
    expect(east[0]).toMatch(/^10\.200\.\d+\.1$/);
    expect(west[0]).not.toBe(east[0]);
    const web = await core('zonal').readNamespacedService({ name: 'web', namespace: 'default' });
    expect(web.metadata?.finalizers).toContain(loadBalancerFinalizer);
    expect(web.status?.loadBalancer?.ingress?.[0]?.ipMode).toBe('VIP');

    // A ClusterIP Service gets nothing.
    await core('zonal').createNamespacedService({ namespace: 'default', body: service('internal', { type: 'ClusterIP' }) });
    await core('zonal').createNamespacedService({ namespace: 'default', body: service('api') });
    const api = await eventually('zonal api address', () => ingress(core('zonal'), 'api'), 20_000);
    expect(api[0]).not.toBe(west[0]);
    expect(await ingress(core('zonal'), 'internal')).toBeUndefined();
  });

  it('releases the address on delete (the Service goes once its finalizer is removed) and hands it out again', async () => {
    const before = await ingress(core('zonal'), 'web');
    await core('zonal').deleteNamespacedService({ name: 'web', namespace: 'default' });
    await eventually('web deleted', () => gone(core('zonal'), 'web'), 20_000);
    await core('zonal').createNamespacedService({ namespace: 'default', body: service('web2') });
    expect(await eventually('web2 address', () => ingress(core('zonal'), 'web2'), 20_000)).toEqual(before);
  });

  it('takes the address back when a Service stops being a LoadBalancer', async () => {
    await core('zonal').patchNamespacedService({ name: 'api', namespace: 'default', body: { spec: { type: 'ClusterIP' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await eventually('api without address or finalizer', async () => {
      const s = await core('zonal').readNamespacedService({ name: 'api', namespace: 'default' });
      return (s.status?.loadBalancer?.ingress ?? []).length === 0 && !s.metadata?.finalizers?.includes(loadBalancerFinalizer) ? true : undefined;
    }, 20_000);
  });
});

describe('emulated GKE cloud controller on a dual-stack cluster', () => {
  const scratch = scratchDir('cloud-controller-v6');
  let cluster: LocalCluster | undefined;
  let controller: CloudController | undefined;
  let core: k8s.CoreV1Api;
  const token = 'dual-stack-test-token';

  beforeAll(async () => {
    // GKE dual-stack clusters serve both families; kube-apiserver needs a range of each.
    cluster = await LocalCluster.create('cc-dual', {
      toolchain: await testToolchain(),
      workdir: join(scratch.path, 'kwok'),
      scheduler: false,
      staticTokens: [{ token, user: 'emulator', groups: ['system:masters'] }],
      apiserverArgs: dualStackApiserverArgs,
    });
    const store = new StateStore(join(scratch.path, 'state.json'));
    const endpoint = cluster.info.endpoint.replace(/^https:\/\//, '');
    const caCertificate = Buffer.from(cluster.info.caCertificate).toString('base64');
    store.state.clusters['p/us-central1-f/dual'] = {
      project: 'p', location: 'us-central1-f', name: 'dual', id: '1', createTime: new Date().toISOString(), labels: {}, pools: [{ name: 'default-pool', nodes: 1, machineType: 'e2-small' }],
      scheduler: false, status: 'RUNNING', statusMessage: '', backing: 'cc-dual', endpoint, caCertificate, readyAt: 0,
    };
    controller = new CloudController({ store, accessToken: token, log: () => undefined, intervalMs: 200 });
    controller.start();
    core = tokenKubeConfig(cluster.info.endpoint, caCertificate, token).makeApiClient(k8s.CoreV1Api);
  });

  afterAll(async () => {
    await controller?.stop();
    await cluster?.delete();
    scratch.remove();
  });

  it('gives an IPv6 address to a Service that asks for IPv6, both to a dual-stack one', async () => {
    await core.createNamespacedService({ namespace: 'default', body: service('v6', { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'] }) });
    expect(await eventually('v6 address', () => ingress(core, 'v6'), 20_000)).toEqual(['fdaa:6b66:6564:1::1']);
    await core.createNamespacedService({ namespace: 'default', body: service('both', { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] }) });
    expect(await eventually('dual-stack addresses', () => ingress(core, 'both'), 20_000)).toEqual(['10.200.1.1', 'fdaa:6b66:6564:1::2']);
    await core.createNamespacedService({ namespace: 'default', body: service('v4') });
    expect(await eventually('v4 address', () => ingress(core, 'v4'), 20_000)).toEqual(['10.200.1.2']);
  });
});
