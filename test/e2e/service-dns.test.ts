import { Resolver } from 'node:dns/promises';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowIds, type TeardownSummary } from '../../src/contract.js';
import { KubeClient } from '../../src/providers/kube/client.js';
import type { KubeObject } from '../../src/providers/kube/resources.js';
import type { ServiceDnsStatus, ServiceDnsSummary } from '../../src/service-dns/sync-model.js';
import { eventually, thrown } from '../emulator/support.js';
import { zoneRecords } from '../support/cloud-view.js';
import { federatedDeployment, federatedKinds, federatedNamespace, federatedService, namespaceObject, type Placement } from '../support/federated-service.js';
import { addRecordsByHand } from '../support/hand-made.js';
import { recordHistories } from '../support/histories.js';
import { projectRoot, startHarness, stopHarness, type Harness } from '../support/harness.js';

const exampleSpecFile = join(projectRoot, 'examples', 'federation.yaml');
const domain = 'infra.mycompany.com';
const namespace = 'shop';
const syncId = workflowIds.serviceDns('kfed');
/** The federation v1 names of Service shop/web of federation kfed. */
const names = {
  global: `web.${namespace}.kfed.svc.${domain}`,
  west: `web.${namespace}.kfed.svc.us-west1.${domain}`,
  east: `web.${namespace}.kfed.svc.us-east1.${domain}`,
  westZone: `web.${namespace}.kfed.svc.us-west1-a.us-west1.${domain}`,
  eastZone: `web.${namespace}.kfed.svc.us-east1-b.us-east1.${domain}`,
};
/** Every name kfed keeps for the Service, as record set names. */
const serviceNames = [names.global, names.west, names.east, names.westZone, names.eastZone].map((n) => `${n}.`);
/** A team's own record in the zone kfed made: kfed must never touch it. */
const teamRecord = { name: `www.${domain}.`, type: 'A', ttl: 300, rrdatas: ['192.0.2.80'] };
const members = ['west-coast', 'east-coast'] as const;

interface ServiceJson extends KubeObject {
  readonly status?: { readonly loadBalancer?: { readonly ingress?: readonly { readonly ip?: string }[] } };
}

interface StepJson {
  readonly id: string;
  readonly state: string;
  readonly message?: string;
  readonly startedAt?: number;
  readonly finishedAt?: number;
}

/** Sorted A records, or the resolver's error code. */
async function a(resolver: Resolver, name: string): Promise<string[] | string> {
  try {
    return (await resolver.resolve4(name)).sort();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

/** TXT strings (each record's chunks joined), sorted, or the resolver's error code. */
async function txt(resolver: Resolver, name: string): Promise<string[] | string> {
  try {
    return (await resolver.resolveTxt(name)).map((chunks) => chunks.join('')).sort();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

/**
 * Proof by resolution, on the substrate's real KubeFed controller: a Deployment and a
 * LoadBalancer Service federated to both members (FederatedDeployment + FederatedService)
 * become federation v1 records that a real resolver finds through the emulator's name servers,
 * fall back one level up when one member loses the Service, and go when it goes; kfed down
 * refuses a zone holding a team's record before it deletes anything, and stops the sync only
 * after the sync removed its records.
 */
describe('cross-cluster service discovery: the federation\'s zone answers for its federated Services', () => {
  let h: Harness;
  let resolver: Resolver;
  const addresses = new Map<string, string>();
  let kubeconfig: string;

  /** A client for one context of the kubeconfig `kfed kubeconfig` wrote (`kfed` is the host). */
  const client = (context: string): KubeClient => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    kc.setCurrentContext(context);
    return new KubeClient(kc);
  };
  const host = (): KubeClient => client('kfed');
  const memberService = (member: string): Promise<ServiceJson | undefined> =>
    client(member).get<ServiceJson>({ apiVersion: 'v1', kind: 'Service', plural: 'services', namespaced: true, namespace, name: 'web' });
  const placed = (on: readonly string[]): Placement[] => on.map((member) => ({ member }));

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    // A second try keeps one lost UDP answer on a loaded machine from reading as a wrong answer.
    resolver = new Resolver({ timeout: 2000, tries: 2 });
    resolver.setServers([h.emulator.dnsServer.address]);
    kubeconfig = join(h.dir, 'kubeconfig');
  });

  afterAll(async () => {
    await stopHarness(h);
  });

  it('kfed up starts the sync (kfed/<name>/service-dns), and the nodes carry their region and zone', async () => {
    const up = await h.cli(['up', '-f', exampleSpecFile, '--wait']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`start the service DNS sync of kfed: Succeeded (started ${syncId} (a pass every 2s))`);
    expect((await h.cli(['kubeconfig', 'kfed', '--out', kubeconfig])).code).toBe(0);
    const [eastNode] = await client('east-coast').list({ apiVersion: 'v1', kind: 'Node', plural: 'nodes', namespaced: false });
    expect(eastNode?.metadata.labels).toMatchObject({ 'topology.kubernetes.io/region': 'us-east1', 'topology.kubernetes.io/zone': 'us-east1-b', 'failure-domain.beta.kubernetes.io/zone': 'us-east1-b' });
    expect((await h.client.workflow.getHandle(syncId).describe()).status.name).toBe('RUNNING');
  });

  it('KubeFed propagates a FederatedDeployment + FederatedService to both members, and every level resolves', async () => {
    // Members run no scheduler: each member's pods are bound to one of its nodes by an override.
    const placements: Placement[] = await Promise.all(
      members.map(async (member) => ({ member, node: (await client(member).list({ apiVersion: 'v1', kind: 'Node', plural: 'nodes', namespaced: false }))[0]?.metadata.name ?? '' })),
    );
    await host().apply(namespaceObject(namespace));
    await host().apply(federatedNamespace(namespace, placements), federatedKinds.namespace);
    await host().apply(federatedDeployment(namespace, 'web', placements), federatedKinds.deployment);
    await host().apply(federatedService(namespace, 'web', placements), federatedKinds.service);
    for (const member of members) {
      const service = await eventually(`${member}'s copy of shop/web with its load-balancer address`, async () => {
        // A member's API may be slow to answer on a loaded machine: ask again rather than fail.
        const s = await memberService(member).catch(() => undefined);
        return s?.status?.loadBalancer?.ingress?.[0]?.ip ? s : undefined;
      }, 90_000);
      expect(service.metadata.labels?.['kubefed.io/managed']).toBe('true');
      addresses.set(member, service.status?.loadBalancer?.ingress?.[0]?.ip ?? '');
    }
    const west = addresses.get('west-coast') ?? '';
    const east = addresses.get('east-coast') ?? '';
    expect(west).not.toBe(east);

    await eventually('federation-level A records of both members', async () => ((await a(resolver, names.global)).length === 2 ? true : undefined), 60_000);
    expect(await a(resolver, names.global)).toEqual([west, east].sort());
    expect(await a(resolver, names.west)).toEqual([west]);
    expect(await a(resolver, names.east)).toEqual([east]);
    expect(await a(resolver, names.westZone)).toEqual([west]);
    expect(await a(resolver, names.eastZone)).toEqual([east]);
    // The ownership registry: one TXT string per name kfed wrote, saying it is kfed's.
    expect(await txt(resolver, `_kfed-owner.${names.global}`)).toEqual(serviceNames.map((n) => `heritage=kfed,kfed/federation=kfed,kfed/record=${n}`).sort());
  });

  it('kfed status shows the records and the last sync (table and -o json)', async () => {
    const json = await h.cli(['status', 'kfed', '-o', 'json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { serviceDns: { workflowId: string; state: string; status: ServiceDnsStatus } };
    expect(parsed.serviceDns).toMatchObject({ workflowId: syncId, state: 'RUNNING', status: { phase: 'Syncing', intervalSeconds: 2 } });
    expect(parsed.serviceDns.status.lastPass?.records.map((r) => `${r.name} ${r.type}`).sort()).toEqual(serviceNames.map((n) => `${n} A`).sort());
    expect(parsed.serviceDns.status.lastPass?.services).toEqual([
      {
        service: `${namespace}/web`,
        clusters: [
          { cluster: 'east-cluster', state: 'healthy', addresses: [addresses.get('east-coast')] },
          { cluster: 'west-cluster', state: 'healthy', addresses: [addresses.get('west-coast')] },
        ],
      },
    ]);
    // The pass that wrote the records may still be the last one: the next pass (2 s on) changes nothing.
    const idle = new RegExp(`service DNS \\(${syncId}, RUNNING\\): Syncing every 2s, \\d+ passes, last \\d+s ago \\(no change; 5 record sets\\)`);
    const text = await eventually('a sync pass that changes nothing, in kfed status', async () => {
      const out = await h.cli(['status', 'kfed']);
      return idle.test(out.stdout) ? out : undefined;
    }, 30_000, 1000);
    expect(text.stdout).toMatch(idle);
    expect(text.stdout).toContain(`${names.eastZone}.`);
    expect(text.stdout).toMatch(/shop\/web\s+east-cluster=healthy/);
  });

  it('falls back to a CNAME one level up when the FederatedService leaves one member', async () => {
    const west = addresses.get('west-coast') ?? '';
    await host().apply(federatedService(namespace, 'web', placed(['west-coast'])), federatedKinds.service);
    // An error (null) is no proof the copy is gone: look again.
    await eventually('KubeFed to remove the east member\'s copy', async () => ((await memberService('east-coast').catch(() => null)) === undefined ? true : undefined), 60_000);
    const cname = await eventually('the east zone\'s CNAME', async () => {
      try {
        return (await resolver.resolveCname(names.eastZone))[0];
      } catch {
        return undefined;
      }
    }, 60_000);
    expect(cname).toBe(names.east);
    expect(await resolver.resolveCname(names.east)).toEqual([names.global]);
    // A client in the east still finds the Service, in the west, through the chain.
    expect(await a(resolver, names.eastZone)).toEqual([west]);
    expect(await a(resolver, names.east)).toEqual([west]);
    expect(await a(resolver, names.global)).toEqual([west]);
    expect(await a(resolver, names.westZone)).toEqual([west]);
  });

  it('takes its records away when the FederatedService is deleted, and leaves a team\'s record alone', async () => {
    await addRecordsByHand(h, 'kfed', [teamRecord]);
    await host().delete({ ...federatedKinds.service, namespace, name: 'web' });
    await eventually('the records to go', async () => ((await a(resolver, names.global)) === 'ENOTFOUND' ? true : undefined), 60_000);
    // KubeFed lets the FederatedService go once the members' copies are gone, which waits for
    // the cloud controller to release their addresses (its finalizer), as on GKE.
    await eventually('the FederatedService and the members\' copies to go', async () => {
      const left = await Promise.all([host().get({ ...federatedKinds.service, namespace, name: 'web' }), ...members.map(memberService)].map((p) => p.catch(() => null)));
      return left.every((o) => o === undefined) ? true : undefined;
    }, 60_000);
    for (const name of [names.eastZone, names.east, names.westZone, names.west]) expect(await a(resolver, name)).toBe('ENOTFOUND');
    expect(await txt(resolver, `_kfed-owner.${names.global}`)).toBe('ENOTFOUND');
    expect(await zoneRecords(h, 'kfed')).toEqual([`${domain}. NS`, `${domain}. SOA`, `www.${domain}. A`]);
    expect(await a(resolver, `www.${domain}`)).toEqual(['192.0.2.80']);
  });

  it('kfed down refuses a zone holding a team\'s record, before it deletes anything', async () => {
    // The Service is back, so the sync has records again.
    await host().apply(federatedService(namespace, 'web', placed(members)), federatedKinds.service);
    await eventually('records of both members again', async () => ((await a(resolver, names.global)).length === 2 ? true : undefined), 90_000);

    const down = await h.cli(['down', 'kfed', '--wait']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`holds 1 record set(s) kfed did not write: www.${domain}. A; kept the zone; nothing was deleted`);
    expect(down.stderr).toContain('kfed down kfed --delete-foreign-records');
    // Nothing half-deleted: members joined, the sync and its records in place, the team's record too.
    const joined = await host().list({ apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedCluster' }, { namespace: 'kube-federation-system' });
    expect(joined.map((c) => c.metadata.name).sort()).toEqual(['east-coast', 'west-coast']);
    expect((await h.client.workflow.getHandle(syncId).describe()).status.name).toBe('RUNNING');
    expect((await a(resolver, names.global)).length).toBe(2);
    expect(await a(resolver, `www.${domain}`)).toEqual(['192.0.2.80']);
  });

  it('kfed down --delete-foreign-records stops the sync after it removed its records, then deletes the rest', async () => {
    const down = await h.cli(['down', 'kfed', '--wait', '--delete-foreign-records', '-o', 'json']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    const outcome = JSON.parse(down.stdout) as { result: TeardownSummary; progress: { steps: StepJson[] } };
    expect(outcome.result).toEqual({ federation: 'kfed', clusters: { 'west-cluster': 'deleted', 'east-cluster': 'deleted' }, zone: 'deleted' });
    const step = (id: string): StepJson | undefined => outcome.progress.steps.find((s) => s.id === id);
    expect(step('zone-records')).toMatchObject({ state: 'Succeeded', message: expect.stringContaining("1 not kfed's (deleted as asked)") as unknown });
    expect(step('service-dns')).toMatchObject({ state: 'Succeeded', message: expect.stringMatching(/^sync stopped after removing [1-9]\d* record set\(s\)$/) as unknown });
    // The sync was done (its records removed) before any member was unjoined or the zone deleted.
    const stopped = step('service-dns')?.finishedAt ?? Infinity;
    for (const id of ['unjoin:west-cluster', 'unjoin:east-cluster', 'delete-zone']) expect(step(id)?.startedAt ?? 0).toBeGreaterThanOrEqual(stopped);
    const sync = h.client.workflow.getHandle(syncId);
    expect((await sync.describe()).status.name).toBe('COMPLETED');
    const summary = (await sync.result()) as ServiceDnsSummary;
    // Five address records and their registry, all removed by the sync itself.
    expect(summary).toMatchObject({ federation: 'kfed', removed: 6 });
    expect(await zoneRecords(h, 'kfed')).toBeUndefined();
    expect(((await thrown(() => resolver.resolve4(names.global))) as NodeJS.ErrnoException).code).toBe('EREFUSED');
    await recordHistories(h.client, 'dns');
  });
});
