import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RotationSummary } from '../../src/contract.js';
import { LocalCluster } from '../../src/local/local-cluster.js';
import { waitFor } from '../../src/local/wait.js';
import { tokenKubeConfig } from '../../src/providers/kube/connector.js';
import type { PlanItem } from '../../src/providers/types.js';
import type { FederationProgress } from '../../src/workflows/progress.js';
import { startHarness, stopHarness, type Harness } from '../support/harness.js';
import { recordHistories, secretsInHistories } from '../support/histories.js';
import { testToolchain } from '../support/substrate.js';

const ns = 'kube-federation-system';
const federation = 'scoped';
const kubefed = { group: 'core.kubefed.io', version: 'v1beta1', namespace: ns };

interface KubeFedCluster {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { apiEndpoint: string; secretRef: { name: string }; caBundle?: string; disabledTLSValidations?: string[] };
  status?: { conditions?: { type: string; status: string; lastProbeTime?: string }[] };
}

/** HTTP status of a call: 200, or the API's error code (401, 403). */
async function statusOf(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (err) {
    if (err instanceof k8s.ApiException) return err.code;
    throw err;
  }
}

/**
 * A Namespaced federation of a created host and an existing cluster whose kubeconfig skips TLS
 * verification, on the real KubeFed controller: refused until the spec accepts the kubeconfig,
 * then Ready and propagating, with member tokens confined to the plane namespace, rotated twice.
 */
describe('Namespaced scope, TLS opt-in and credential rotation, end to end', () => {
  let h: Harness;
  let byo: LocalCluster;
  let refusedFile: string;
  let specFile: string;
  let hostKc: k8s.KubeConfig;
  /** Every member token seen, for the secrets scan. */
  const tokensSeen: Record<string, string> = {};

  const kubeFedClusters = async (): Promise<KubeFedCluster[]> =>
    ((await hostKc.makeApiClient(k8s.CustomObjectsApi).listNamespacedCustomObject({ ...kubefed, plural: 'kubefedclusters' })) as { items: KubeFedCluster[] }).items;

  /** The token the host holds for a member, read from the Secret its KubeFedCluster names. */
  const heldToken = async (member: string): Promise<string> => {
    const cluster = (await kubeFedClusters()).find((c) => c.metadata.name === member);
    const secret = await hostKc.makeApiClient(k8s.CoreV1Api).readNamespacedSecret({ namespace: ns, name: cluster?.spec.secretRef.name ?? '' });
    const token = Buffer.from(secret.data?.token ?? '', 'base64').toString('utf8');
    tokensSeen[`${member} token ${Object.keys(tokensSeen).length}`] = token;
    return token;
  };

  /** A client for the member that authenticates with `token` only, as KubeFed does. */
  const asToken = async (member: string, token: string): Promise<k8s.KubeConfig> => {
    const cluster = (await kubeFedClusters()).find((c) => c.metadata.name === member);
    if (!cluster) throw new Error(`no KubeFedCluster ${member}`);
    return tokenKubeConfig({
      name: member,
      endpoint: cluster.spec.apiEndpoint,
      ...(cluster.spec.caBundle ? { caData: cluster.spec.caBundle } : {}),
      insecure: cluster.spec.disabledTLSValidations?.includes('*') ?? false,
      token,
      timeoutMs: 10_000,
    });
  };

  /** Status of an authenticated discovery call with `token` (401 once the token is revoked). */
  const tokenStatus = async (member: string, token: string): Promise<number> => statusOf(async () => (await asToken(member, token)).makeApiClient(k8s.CoreV1Api).getAPIResources());

  const byoTokenSecrets = async (): Promise<string[]> =>
    (await byo.kubeConfig().makeApiClient(k8s.CoreV1Api).listNamespacedSecret({ namespace: ns, labelSelector: 'kfed.dev/member=prod-eu' })).items
      .filter((s) => s.type === 'kubernetes.io/service-account-token')
      .map((s) => s.metadata?.name ?? '')
      .sort();

  const allReady = async (): Promise<boolean> => {
    const clusters = await kubeFedClusters();
    return clusters.length === 2 && clusters.every((c) => c.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
  };

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    // A cluster a team already runs, whose kubeconfig skips TLS verification (no CA in it).
    byo = await LocalCluster.create('byo', { toolchain: await testToolchain(), workdir: join(h.dir, 'byo'), scheduler: false });
    const kubeconfig = parse(readFileSync(byo.info.kubeconfigPath, 'utf8')) as { clusters: { cluster: Record<string, unknown> }[]; 'current-context': string };
    for (const c of kubeconfig.clusters) {
      delete c.cluster['certificate-authority'];
      delete c.cluster['certificate-authority-data'];
      c.cluster['insecure-skip-tls-verify'] = true;
    }
    // Beside the original: its relative certificate paths still resolve.
    const insecureKubeconfig = join(dirname(byo.info.kubeconfigPath), 'insecure-kubeconfig.yaml');
    writeFileSync(insecureKubeconfig, stringify(kubeconfig), { mode: 0o600 });

    const existing = { context: kubeconfig['current-context'], kubeconfig: insecureKubeconfig };
    const doc = (optIn: boolean) => ({
      apiVersion: 'kfed.dev/v1alpha1',
      kind: 'Federation',
      metadata: { name: federation },
      spec: {
        project: 'local',
        dns: { zone: federation, domain: 'scoped.example.com.' },
        host: 'west-cluster',
        clusters: [
          { name: 'west-cluster', context: 'west-coast', location: 'us-west1-a' },
          { name: 'prod-eu', context: 'prod-eu', existing: optIn ? { ...existing, insecureSkipTLSVerify: true } : existing },
        ],
        plane: { scope: 'Namespaced' },
      },
    });
    refusedFile = join(h.dir, 'refused.yaml');
    writeFileSync(refusedFile, stringify(doc(false)));
    specFile = join(h.dir, 'scoped.yaml');
    writeFileSync(specFile, stringify(doc(true)));
  });

  afterAll(async () => {
    // Undefined when beforeAll failed before making it.
    const made: (LocalCluster | undefined)[] = [byo];
    await made[0]?.delete();
    await stopHarness(h);
  });

  it('refuses a kubeconfig that skips TLS verification, naming the field, in plan and in up', async () => {
    const plan = await h.cli(['plan', '-f', refusedFile, '-o', 'json']);
    expect(plan.code).toBe(2);
    const items = (JSON.parse(plan.stdout) as { items: PlanItem[] }).items;
    const cluster = items.find((i) => i.resource === 'cluster prod-eu');
    expect(cluster?.action).toBe('conflict');
    expect(cluster?.reason).toContain('its kubeconfig turns TLS verification off (insecure-skip-tls-verify: true)');
    expect(cluster?.reason).toContain('spec.clusters[].existing.insecureSkipTLSVerify: true for prod-eu');

    const up = await h.cli(['up', '-f', refusedFile, '--wait']);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain('spec.clusters[].existing.insecureSkipTLSVerify: true for prod-eu');
    expect(up.stderr).toContain('InvalidSpecError');
    expect(up.stderr).not.toMatch(/\n\s+at /);
    // Nothing of the federation reached the existing cluster.
    const accounts = await byo.kubeConfig().makeApiClient(k8s.CoreV1Api).listServiceAccountForAllNamespaces({ labelSelector: 'app.kubernetes.io/managed-by=kfed' });
    expect(accounts.items).toEqual([]);
  }, 300_000);

  it('accepts it with existing.insecureSkipTLSVerify, and warns in the plan', async () => {
    const plan = await h.cli(['plan', '-f', specFile, '-o', 'json']);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    const cluster = (JSON.parse(plan.stdout) as { items: PlanItem[] }).items.find((i) => i.resource === 'cluster prod-eu');
    expect(cluster?.action).toBe('adopt');
    expect(cluster?.reason).toContain('WARNING: TLS verification disabled for this cluster (existing.insecureSkipTLSVerify)');
    const table = await h.cli(['plan', '-f', specFile]);
    expect(table.stdout).toContain('WARNING: TLS verification disabled for this cluster');
  }, 120_000);

  it('federates in Namespaced scope: Ready, the canary propagated, the warning in the cluster\'s step', async () => {
    const up = await h.cli(['up', '-f', specFile, '--wait']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const status = JSON.parse((await h.cli(['status', federation, '-o', 'json'])).stdout) as { status: string; progress: FederationProgress };
    expect(status.status).toBe('COMPLETED');
    const step = (id: string) => status.progress.steps.find((s) => s.id === id);
    expect(step('cluster:prod-eu')?.message).toContain('WARNING: TLS verification disabled for this cluster (existing.insecureSkipTLSVerify)');
    expect(step('plane')?.message).toContain('Namespaced scope');
    expect(step('canary')).toMatchObject({ state: 'Succeeded' });
    expect(step('canary')?.message).toMatch(/^on 2 member\(s\) after/);

    const file = join(h.dir, 'kubeconfig');
    expect((await h.cli(['kubeconfig', federation, '--out', file])).code).toBe(0);
    hostKc = new k8s.KubeConfig();
    hostKc.loadFromFile(file);
    hostKc.setCurrentContext(federation);
    const config = (await hostKc.makeApiClient(k8s.CustomObjectsApi).getNamespacedCustomObject({ ...kubefed, plural: 'kubefedconfigs', name: 'kubefed' })) as { spec: { scope: string } };
    expect(config.spec.scope).toBe('Namespaced');
    // The controller runs on the chart's namespaced RBAC: a Role, no ClusterRole.
    const rbac = hostKc.makeApiClient(k8s.RbacAuthorizationV1Api);
    expect((await rbac.readNamespacedRole({ namespace: ns, name: 'kubefed-role' })).metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('kfed');
    expect(await statusOf(() => rbac.readClusterRole({ name: 'kubefed-role' }))).toBe(404);
    expect(await allReady()).toBe(true);
    const byoCluster = (await kubeFedClusters()).find((c) => c.metadata.name === 'prod-eu');
    expect(byoCluster?.spec.disabledTLSValidations).toEqual(['*']);
  }, 600_000);

  it('propagates a FederatedConfigMap of the plane namespace to every member, and removes it again', async () => {
    const custom = hostKc.makeApiClient(k8s.CustomObjectsApi);
    const members = (await kubeFedClusters()).map((c) => ({ name: c.metadata.name }));
    await custom.createNamespacedCustomObject({
      group: 'types.kubefed.io',
      version: 'v1beta1',
      namespace: ns,
      plural: 'federatedconfigmaps',
      body: { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedConfigMap', metadata: { name: 'demo', namespace: ns }, spec: { template: { data: { hello: 'members' } }, placement: { clusters: members } } },
    });
    const byoCore = byo.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const hostCore = hostKc.makeApiClient(k8s.CoreV1Api);
    const data = async (core: k8s.CoreV1Api): Promise<string | undefined> => (await core.readNamespacedConfigMap({ namespace: ns, name: 'demo' }).catch(() => undefined))?.data?.hello;
    await waitFor('demo ConfigMap on both members', async () => (await data(byoCore)) === 'members' && (await data(hostCore)) === 'members', { timeoutMs: 90_000, intervalMs: 500 });
    await custom.deleteNamespacedCustomObject({ group: 'types.kubefed.io', version: 'v1beta1', namespace: ns, plural: 'federatedconfigmaps', name: 'demo' });
    await waitFor('demo ConfigMap gone from both members', async () => (await data(byoCore)) === undefined && (await data(hostCore)) === undefined, { timeoutMs: 90_000, intervalMs: 500 });
    expect(await data(byoCore)).toBeUndefined();
  }, 240_000);

  it('gives a member\'s token the plane namespace and nothing outside it', async () => {
    const kc = await asToken('prod-eu', await heldToken('prod-eu'));
    const core = kc.makeApiClient(k8s.CoreV1Api);
    expect(await statusOf(() => core.listNamespacedConfigMap({ namespace: ns }))).toBe(200);
    expect(await statusOf(() => core.listNamespacedSecret({ namespace: ns }))).toBe(200);
    expect(await statusOf(() => core.listNamespace())).toBe(403);
    expect(await statusOf(() => core.listNamespacedSecret({ namespace: 'kube-system' }))).toBe(403);
    expect(await statusOf(() => core.listNamespacedConfigMap({ namespace: 'default' }))).toBe(403);
    expect(await statusOf(() => core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'escape' } } }))).toBe(403);
    expect(await statusOf(() => kc.makeApiClient(k8s.RbacAuthorizationV1Api).listClusterRole())).toBe(403);
    // What the health check needs, cluster-wide: /healthz and the node list.
    expect(await statusOf(() => core.listNode())).toBe(200);
  });

  it('rotates every member\'s token: the old one gets 401, KubeFed stays Ready with the new one', async () => {
    const before = { west: await heldToken('west-coast'), eu: await heldToken('prod-eu') };
    expect(await byoTokenSecrets()).toEqual(['prod-eu-scoped']);

    const rotate = await h.cli(['rotate', federation, '--wait', '-o', 'json']);
    expect(rotate.stderr).toBe('');
    expect(rotate.code).toBe(0);
    const outcome = JSON.parse(rotate.stdout) as { status: string; result: RotationSummary; progress: FederationProgress };
    expect(outcome.status).toBe('COMPLETED');
    expect(outcome.result.members.map((m) => [m.member, m.generation, m.revoked])).toEqual([
      ['west-coast', 1, ['west-coast-scoped']],
      ['prod-eu', 1, ['prod-eu-scoped']],
    ]);
    expect(outcome.progress.steps.every((s) => s.state === 'Succeeded')).toBe(true);
    expect(outcome.progress.steps.find((s) => s.id === 'revoke:prod-eu')?.message).toMatch(/^revoked prod-eu-scoped \(refused by the member after \d+\.\ds\); KubeFed still Ready$/);

    const after = { west: await heldToken('west-coast'), eu: await heldToken('prod-eu') };
    expect(after.eu).not.toBe(before.eu);
    expect(after.west).not.toBe(before.west);
    expect(await tokenStatus('prod-eu', before.eu)).toBe(401);
    expect(await tokenStatus('west-coast', before.west)).toBe(401);
    expect(await tokenStatus('prod-eu', after.eu)).toBe(200);
    expect(await byoTokenSecrets()).toEqual(['prod-eu-scoped.token-1']);
    expect((await kubeFedClusters()).map((c) => c.metadata.annotations?.['kfed.dev/token-generation'])).toEqual(['1', '1']);
    expect(await allReady()).toBe(true);
  }, 400_000);

  it('rotates again: generation 2, the first rotated token revoked too', async () => {
    const first = await heldToken('prod-eu');
    const rotate = await h.cli(['rotate', federation, '--wait']);
    expect(rotate.stderr).toBe('');
    expect(rotate.code).toBe(0);
    expect(rotate.stdout).toMatch(/prod-eu\s+prod-eu\s+2\s+\d+\.\ds\s+prod-eu-scoped\.token-1/);
    expect(await tokenStatus('prod-eu', first)).toBe(401);
    expect(await tokenStatus('prod-eu', await heldToken('prod-eu'))).toBe(200);
    expect(await byoTokenSecrets()).toEqual(['prod-eu-scoped.token-2']);
    expect(await allReady()).toBe(true);
  }, 400_000);

  it('keeps joins whole after rotation: plan says unchanged, up changes nothing, down removes every generation', async () => {
    const plan = JSON.parse((await h.cli(['plan', '-f', specFile, '-o', 'json'])).stdout) as { items: PlanItem[] };
    const joins = plan.items.filter((i) => i.resource.startsWith('join '));
    expect(joins.map((i) => [i.resource, i.action])).toEqual([
      ['join west-coast', 'unchanged'],
      ['join prod-eu', 'unchanged'],
    ]);
    expect(joins[1]?.reason).toContain('(generation 2)');
    expect(joins[1]?.reason).toContain('(Namespaced scope)');

    const held = await heldToken('prod-eu');
    const heldKc = await asToken('prod-eu', held);
    const up = await h.cli(['up', '-f', specFile, '--wait']);
    expect(up.code).toBe(0);
    expect(await heldToken('prod-eu')).toBe(held);
    expect(await byoTokenSecrets()).toEqual(['prod-eu-scoped.token-2']);

    const down = await h.cli(['down', federation, '--wait']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    const core = byo.kubeConfig().makeApiClient(k8s.CoreV1Api);
    const labelled = { labelSelector: 'app.kubernetes.io/managed-by=kfed' };
    expect((await core.listSecretForAllNamespaces(labelled)).items).toEqual([]);
    expect((await core.listServiceAccountForAllNamespaces(labelled)).items).toEqual([]);
    expect((await byo.kubeConfig().makeApiClient(k8s.RbacAuthorizationV1Api).listClusterRole(labelled)).items).toEqual([]);
    // Unjoin deleted the token Secret: the token the host held is revoked with it, once the API
    // server's authentication cache (10 s for a success) lets go of it.
    const heldStatus = (): Promise<number> => statusOf(() => heldKc.makeApiClient(k8s.CoreV1Api).getAPIResources());
    await waitFor('the unjoined token to be refused', async () => (await heldStatus()) === 401, { timeoutMs: 30_000, intervalMs: 500 });
    expect(await heldStatus()).toBe(401);
  }, 600_000);

  it('keeps every token out of workflow history', async () => {
    expect(Object.keys(tokensSeen).length).toBeGreaterThanOrEqual(6);
    const found = await secretsInHistories(h.client, { 'the emulator access token': h.emulator.accessToken, ...tokensSeen });
    expect(found).toEqual([]);
    await recordHistories(h.client, 'scope');
  });
});
