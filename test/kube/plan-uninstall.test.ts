import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as release from '../../src/providers/kube/kubefed-release/index.js';
import type { LocalCluster } from '../../src/local/local-cluster.js';
import { waitFor } from '../../src/local/wait.js';
import { ConflictError } from '../../src/providers/errors.js';
import { KubeClient } from '../../src/providers/kube/client.js';
import { apiAccessOf, KubeTargetConnector } from '../../src/providers/kube/connector.js';
import { applyDnsConfig, planDnsConfig } from '../../src/providers/kube/kube-dns/configmap.js';
import { prepareMember } from '../../src/providers/kube/join/join.js';
import { KubeFedPlane } from '../../src/providers/kube/kubefed-plane.js';
import { kubeFedImage } from '../../src/providers/kube/plane/manifests.js';
import type { JoinNames } from '../../src/providers/kube/types.js';
import type { ClusterTarget, PlanItem } from '../../src/providers/types.js';
import { scratchDir } from '../support/substrate.js';
import { auditedRequests, auditLog, writes, type AuditLog } from './audit.js';
import { allObjects, CountingTokenSource, createTestCluster, gkeTarget, managedObjects, names } from './support.js';

const ns = 'kube-federation-system';
const federation = 'kfed';
const domain = 'infra.example.org.';
const joinNames = (member: string): JoinNames => ({ member, host: federation, namespace: ns });
const crdNames = release
  .releaseCrds()
  .map((c) => c.metadata.name)
  .sort();

describe('read-only plans and plane uninstall on real API servers (host west, member east)', () => {
  const dir = scratchDir('kube-plan');
  const connector = new KubeTargetConnector({ tokens: new CountingTokenSource(), requestTimeoutMs: 5_000 });
  const plane = new KubeFedPlane({ connector, requestTimeoutMs: 5_000, pollIntervalMs: 200 });
  const audits = { west: auditLog(dir.path, 'west'), east: auditLog(dir.path, 'east') };
  let west!: LocalCluster;
  let east!: LocalCluster;
  let host: ClusterTarget;
  let eastTarget: ClusterTarget;
  // Admin views, for setting up and checking; the code under test goes through `connector`.
  let westKc: k8s.KubeConfig;
  let eastKc: k8s.KubeConfig;

  /**
   * Every object, after the clusters stopped changing on their own. A fresh controller-manager
   * needs a few seconds (leader election) before it fills in each namespace's `default`
   * ServiceAccount and `kube-root-ca.crt`, and aggregates the admin/edit/view roles; on a loaded
   * machine that lands well after the API server is up, so wait for those first, then for a
   * quiet second.
   */
  const settled = async (kc: k8s.KubeConfig): Promise<string[]> => {
    const bootstrapped = (rows: readonly string[]): boolean => {
      const present = new Set(names(rows));
      const namespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
      return namespaces.every((n) => present.has(`ServiceAccount ${n}/default`) && present.has(`ConfigMap ${n}/kube-root-ca.crt`));
    };
    let previous = await allObjects(kc);
    let quiet = 0;
    for (let i = 0; i < 240; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const current = await allObjects(kc);
      quiet = current.join('\n') === previous.join('\n') ? quiet + 1 : 0;
      if (quiet >= 4 && bootstrapped(current)) return current;
      previous = current;
    }
    throw new Error('the cluster kept changing (or its controllers never bootstrapped) for 60s');
  };

  /**
   * Runs `fn` and proves it wrote nothing: no object of any kind kfed touches changed on either
   * cluster, and the API servers' audit logs show only get/list requests from kfed's user.
   */
  const readOnly = async <T>(fn: () => Promise<T>): Promise<T> => {
    const before = { west: await settled(westKc), east: await settled(eastKc) };
    const seen = (log: AuditLog): number => auditedRequests(log).length;
    const from = { west: seen(audits.west), east: seen(audits.east) };
    const result = await fn();
    const sent = [...auditedRequests(audits.west).slice(from.west), ...auditedRequests(audits.east).slice(from.east)];
    expect(sent.length).toBeGreaterThan(0);
    expect(writes(sent)).toEqual([]);
    expect(await allObjects(westKc)).toEqual(before.west);
    expect(await allObjects(eastKc)).toEqual(before.east);
    return result;
  };

  const planAll = async (): Promise<PlanItem[]> => {
    const eastKube = await connector.connect(eastTarget);
    return [
      ...(await plane.planInit(host, { namespace: ns })),
      await plane.planJoin(host, host, joinNames('west')),
      await plane.planJoin(host, eastTarget, joinNames('east')),
      await planDnsConfig(eastKube, federation, domain, 'east'),
    ];
  };

  beforeAll(async () => {
    // The host runs the controller Deployment, so it needs a scheduler; the member does not.
    west = await createTestCluster('west', dir.path, { scheduler: true, apiserverArgs: audits.west.apiserverArgs });
    east = await createTestCluster('east', dir.path, { scheduler: false, apiserverArgs: audits.east.apiserverArgs });
    // Both as `gke` targets: kfed's own requests are then the audited test user's.
    host = gkeTarget(west);
    eastTarget = gkeTarget(east);
    [westKc, eastKc] = [west.kubeConfig(), east.kubeConfig()];
  });

  afterAll(async () => {
    // Clusters a failed beforeAll never made are undefined here.
    const clusters: (LocalCluster | undefined)[] = [west, east];
    for (const cluster of clusters) await cluster?.delete();
    dir.remove();
  });

  it('plans create for everything on fresh clusters, and sends only reads', async () => {
    expect(await readOnly(planAll)).toEqual([
      {
        resource: 'plane on west',
        action: 'create',
        reason: `KubeFed is not installed on west (${west.info.endpoint}): init installs ${release.releaseCrds().length} CRDs and the controller-manager ${kubeFedImage} in ${ns}, scope Cluster`,
      },
      { resource: 'join west', action: 'create', reason: `KubeFed is not installed on the host (${west.info.endpoint}) yet: join registers west after init` },
      { resource: 'join east', action: 'create', reason: `KubeFed is not installed on the host (${west.info.endpoint}) yet: join registers east after init` },
      { resource: 'kube-dns federations on east', action: 'create', reason: 'no ConfigMap kube-system/kube-dns: kfed creates it with federations kfed=infra.example.org' },
    ]);
  });

  it('plans create for a join when the plane is installed but the member is not joined', async () => {
    const from = auditedRequests(audits.west).length;
    await plane.init(host, { namespace: ns, timeoutMs: 90_000 });
    // The audit log does record kfed's writes: the check in readOnly is not vacuous.
    const applied = writes(auditedRequests(audits.west).slice(from));
    expect(applied.some((r) => r.startsWith(`patch /apis/apps/v1/namespaces/${ns}/deployments/kubefed-controller-manager?`))).toBe(true);
    expect(await readOnly(() => plane.planJoin(host, eastTarget, joinNames('east')))).toEqual({
      resource: 'join east',
      action: 'create',
      reason: `no KubeFedCluster ${ns}/east on the host: join creates ServiceAccount ${ns}/east-kfed with Cluster RBAC on the member and registers ${east.info.endpoint}`,
    });
  });

  it('plans unchanged for everything after init, both joins and the DNS entry', async () => {
    await plane.join(host, host, joinNames('west'));
    await plane.join(host, eastTarget, joinNames('east'));
    await applyDnsConfig(await connector.connect(eastTarget), federation, domain);
    expect(await readOnly(planAll)).toEqual([
      {
        resource: 'plane on west',
        action: 'unchanged',
        reason: `KubeFed installed in ${ns} (scope Cluster): ${release.releaseCrds().length} CRDs, KubeFedConfig, ${release.federatedTypeConfigs(ns).length} FederatedTypeConfigs, Deployment kubefed-controller-manager with ${kubeFedImage}`,
      },
      {
        resource: 'join west',
        action: 'unchanged',
        reason: `joined: KubeFedCluster ${ns}/west points to ${west.info.endpoint}, with the token of ServiceAccount ${ns}/west-kfed (Cluster scope)`,
      },
      {
        resource: 'join east',
        action: 'unchanged',
        reason: `joined: KubeFedCluster ${ns}/east points to ${east.info.endpoint}, with the token of ServiceAccount ${ns}/east-kfed (Cluster scope)`,
      },
      { resource: 'kube-dns federations on east', action: 'unchanged', reason: 'data.federations has kfed=infra.example.org' },
    ]);
  });

  it('plans update for a plane that drifted (other image, missing CRD, label removed), and init repairs it', async () => {
    const apps = westKc.makeApiClient(k8s.AppsV1Api);
    const deployment = await apps.readNamespacedDeployment({ namespace: ns, name: 'kubefed-controller-manager' });
    const container = deployment.spec?.template.spec?.containers[0];
    if (!container) throw new Error('the controller Deployment has no container');
    container.image = 'quay.io/kubernetes-multicluster/kubefed:v0.9.0';
    await apps.replaceNamespacedDeployment({ namespace: ns, name: 'kubefed-controller-manager', body: deployment });
    const ext = westKc.makeApiClient(k8s.ApiextensionsV1Api);
    await ext.deleteCustomResourceDefinition({ name: 'clusterpropagatedversions.core.kubefed.io' });
    const rbac = westKc.makeApiClient(k8s.RbacAuthorizationV1Api);
    const role = await rbac.readClusterRole({ name: 'kubefed-role' });
    delete role.metadata?.labels?.['app.kubernetes.io/managed-by'];
    await rbac.replaceClusterRole({ name: 'kubefed-role', body: role });
    await waitFor(
      'the deleted CRD to be gone',
      async () => !(await ext.listCustomResourceDefinition()).items.some((c) => c.metadata?.name === 'clusterpropagatedversions.core.kubefed.io'),
      { timeoutMs: 30_000, intervalMs: 250 },
    );

    const [item] = await readOnly(() => plane.planInit(host, { namespace: ns }));
    expect(item).toEqual({
      resource: 'plane on west',
      action: 'update',
      reason:
        `KubeFed in ${ns} differs from kfed's: CustomResourceDefinition clusterpropagatedversions.core.kubefed.io missing; ` +
        `ClusterRole kubefed-role: metadata.labels["app.kubernetes.io/managed-by"] missing (want "kfed"); ` +
        `Deployment ${ns}/kubefed-controller-manager: spec.template.spec.containers[0].image is "quay.io/kubernetes-multicluster/kubefed:v0.9.0", want "${kubeFedImage}"`,
    });

    expect((await plane.init(host, { namespace: ns, timeoutMs: 90_000 })).changed).toBe(true);
    expect(await readOnly(() => plane.planInit(host, { namespace: ns }))).toMatchObject([{ action: 'unchanged' }]);
  });

  it('plans update for a join interrupted after its member half, and for a host token that differs', async () => {
    // The "crashed" join: the member half ran, the host half never did.
    const eastKube = await connector.connect(eastTarget);
    await prepareMember(new KubeClient(eastKube), apiAccessOf(eastKube), joinNames('spare'), { timeoutMs: 30_000, intervalMs: 200 });
    expect(await readOnly(() => plane.planJoin(host, eastTarget, joinNames('spare')))).toEqual({
      resource: 'join spare',
      action: 'update',
      reason: `partly joined: Secret ${ns}/spare-credentials missing on the host; KubeFedCluster ${ns}/spare missing on the host`,
    });
    await plane.join(host, eastTarget, joinNames('spare'));
    expect((await plane.planJoin(host, eastTarget, joinNames('spare'))).action).toBe('unchanged');

    // The host holds a token that is not the member's: a join would rewrite it. Never shown.
    const core = westKc.makeApiClient(k8s.CoreV1Api);
    const secret = await core.readNamespacedSecret({ namespace: ns, name: 'east-credentials' });
    secret.data = { ...secret.data, token: Buffer.from('tampered-token-value').toString('base64') };
    await core.replaceNamespacedSecret({ namespace: ns, name: 'east-credentials', body: secret });
    const item = await readOnly(() => plane.planJoin(host, eastTarget, joinNames('east')));
    expect(item).toEqual({ resource: 'join east', action: 'update', reason: `partly joined: Secret ${ns}/east-credentials: data.token differs` });
    const realToken = (await eastKc.makeApiClient(k8s.CoreV1Api).readNamespacedSecret({ namespace: ns, name: 'east-kfed' })).data?.token ?? '';
    expect(realToken).not.toBe('');
    for (const value of [realToken, Buffer.from(realToken, 'base64').toString('utf8'), 'tampered-token-value']) expect(item.reason).not.toContain(value);
    await plane.join(host, eastTarget, joinNames('east'));
    expect((await plane.planJoin(host, eastTarget, joinNames('east'))).action).toBe('unchanged');
  });

  it('plans conflict for a name already joined at another endpoint, as join refuses it', async () => {
    const item = await readOnly(() => plane.planJoin(host, host, joinNames('east')));
    expect(item).toEqual({
      resource: 'join east',
      action: 'conflict',
      reason: `KubeFedCluster ${ns}/east on ${west.info.endpoint} points to ${east.info.endpoint}, not to ${west.info.endpoint}: another cluster is joined under the name east`,
    });
    await expect(plane.join(host, host, joinNames('east'))).rejects.toBeInstanceOf(ConflictError);
  });

  it('plans update for a DNS entry with another domain, and conflict for a value apply refuses', async () => {
    const eastKube = await connector.connect(eastTarget);
    await applyDnsConfig(eastKube, federation, 'old.example.org');
    expect(await readOnly(() => planDnsConfig(eastKube, federation, domain, 'east'))).toEqual({
      resource: 'kube-dns federations on east',
      action: 'update',
      reason: 'federation kfed points to old.example.org; kfed sets it to infra.example.org',
    });

    const core = eastKc.makeApiClient(k8s.CoreV1Api);
    const cm = await core.readNamespacedConfigMap({ namespace: 'kube-system', name: 'kube-dns' });
    cm.data = { federations: 'not-a-pair,other=example.org' };
    await core.replaceNamespacedConfigMap({ namespace: 'kube-system', name: 'kube-dns', body: cm });
    const item = await readOnly(() => planDnsConfig(eastKube, federation, domain, 'east'));
    expect(item.action).toBe('conflict');
    expect(item.reason).toContain(`the kube-dns ConfigMap on ${east.info.endpoint} has a federations value kfed cannot read: federations entry "not-a-pair" is not name=domain`);

    const unreadable = await core.readNamespacedConfigMap({ namespace: 'kube-system', name: 'kube-dns' });
    unreadable.data = { federations: 'other=example.org' };
    await core.replaceNamespacedConfigMap({ namespace: 'kube-system', name: 'kube-dns', body: unreadable });
    expect(await planDnsConfig(eastKube, federation, domain, 'east')).toEqual({
      resource: 'kube-dns federations on east',
      action: 'create',
      reason: 'adds kfed=infra.example.org to data.federations (the other entries stay)',
    });
  });

  it('uninstall refuses while members are joined, and touches nothing', async () => {
    const error = await readOnly(() => plane.uninstall(host, { namespace: ns }).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe(
      `cannot remove the KubeFed plane in ${ns} from ${west.info.endpoint}: clusters still joined: east, spare, west (unjoin every member before removing the plane)`,
    );
  });

  it('refuses to install a second plane next to kfed\'s, or on a host whose KubeFed kfed did not install', async () => {
    const core = westKc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'kubefed-second' } } });
    const second = await plane.init(host, { namespace: 'kubefed-second', timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(ConflictError);
    expect((second as Error).message).toContain(`another KubeFed plane runs on the host in namespace ${ns}; kfed will not run a second cluster-scoped plane in kubefed-second`);
    expect((await readOnly(() => plane.planInit(host, { namespace: 'kubefed-second' })))[0]).toMatchObject({ action: 'conflict' });
    // Nothing was made in the refused namespace.
    expect(names(await managedObjects(westKc)).filter((r) => r.includes('kubefed-second'))).toEqual([]);
    const eastKubeConfig = await connector.connect(eastTarget);
    const eastClient = new KubeClient(eastKubeConfig);
    // A KubeFed CRD someone else installed on east: kfed never takes that KubeFed over.
    await eastClient.apply({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'kubefedclusters.core.kubefed.io' },
      spec: { group: 'core.kubefed.io', names: { kind: 'KubeFedCluster', plural: 'kubefedclusters' }, scope: 'Namespaced', versions: [{ name: 'v1beta1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    });
    const foreign = await plane.init(eastTarget, { namespace: ns, timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(ConflictError);
    expect((foreign as Error).message).toContain('the host already runs a KubeFed that kfed did not install (CRDs kubefedclusters.core.kubefed.io); kfed will not take it over');
    const crd = await eastClient.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'kubefedclusters.core.kubefed.io' });
    expect(crd?.metadata.labels?.['app.kubernetes.io/managed-by']).toBeUndefined();
    await eastClient.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'kubefedclusters.core.kubefed.io' });
  });

  it('uninstall after unjoin removes every kfed object from the host, keeping CRDs while another plane uses them', async () => {
    // A second plane's configuration, in a namespace kfed did not create: it shares the cluster-wide CRDs.
    const core = westKc.makeApiClient(k8s.CoreV1Api);
    const westClient = new KubeClient(westKc);
    await westClient.apply({ apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedConfig', metadata: { name: 'kubefed', namespace: 'kubefed-second' }, spec: { scope: 'Cluster' } });
    for (const member of ['east', 'spare']) expect((await plane.unjoin(host, eastTarget, joinNames(member))).member).toBe('removed');
    expect((await plane.unjoin(host, host, joinNames('west'))).member).toBe('removed');

    expect(await plane.uninstall(host, { namespace: ns })).toEqual({ changed: true, crds: 'kept' });
    const gone = async (call: () => Promise<unknown>): Promise<boolean> =>
      call().then(
        () => false,
        (err: unknown) => {
          if (err instanceof k8s.ApiException && err.code === 404) return true;
          throw err;
        },
      );
    // kfed created the plane namespace and nothing else lives in it: it goes too.
    await waitFor('the plane namespace to be deleted', () => gone(() => core.readNamespace({ name: ns })), { timeoutMs: 60_000, intervalMs: 250 });
    const ext = westKc.makeApiClient(k8s.ApiextensionsV1Api);
    const kubefedCrds = async (): Promise<string[]> =>
      (await ext.listCustomResourceDefinition()).items
        .map((c) => c.metadata?.name ?? '')
        .filter((n) => n.endsWith('.kubefed.io'))
        .sort();
    expect(await kubefedCrds()).toEqual(crdNames);
    // What is left of kfed's on the host is the CRDs the other plane uses.
    expect(names(await managedObjects(westKc))).toEqual(crdNames.map((c) => `CustomResourceDefinition ${c}`));

    // Once that plane is gone, uninstall removes the CRDs.
    await westClient.delete({ apiVersion: 'core.kubefed.io/v1beta1', kind: 'KubeFedConfig', namespace: 'kubefed-second', name: 'kubefed' });
    expect(await plane.uninstall(host, { namespace: 'kubefed-second' })).toEqual({ changed: true, crds: 'removed' });
    await waitFor('the KubeFed CRDs to be deleted', async () => (await kubefedCrds()).length === 0, { timeoutMs: 60_000, intervalMs: 250 });
    await waitFor('the controller pods to be deleted', async () => (await core.listPodForAllNamespaces({ labelSelector: 'kubefed-control-plane=controller-manager' })).items.length === 0, {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    expect(await managedObjects(westKc)).toEqual([]);
    const rbac = westKc.makeApiClient(k8s.RbacAuthorizationV1Api);
    expect((await rbac.listClusterRole()).items.map((r) => r.metadata?.name).filter((n) => n?.includes('kubefed'))).toEqual([]);
    expect((await rbac.listClusterRoleBinding()).items.map((r) => r.metadata?.name).filter((n) => n?.includes('kubefed'))).toEqual([]);
    expect((await westKc.makeApiClient(k8s.AppsV1Api).listDeploymentForAllNamespaces()).items.map((d) => d.metadata?.name)).not.toContain('kubefed-controller-manager');
    // The namespace kfed did not create survives, emptied of kfed's objects.
    const second = await core.readNamespace({ name: 'kubefed-second' });
    expect(second.status?.phase).toBe('Active');
    expect((await core.listNamespacedServiceAccount({ namespace: 'kubefed-second' })).items.map((s) => s.metadata?.name)).toEqual(['default']);

    // Nothing left: uninstall again changes nothing, and the plan is back to create.
    expect(await plane.uninstall(host, { namespace: ns })).toEqual({ changed: false, crds: 'removed' });
    expect(await plane.uninstall(host, { namespace: 'kubefed-second' })).toEqual({ changed: false, crds: 'removed' });
    expect((await plane.planInit(host, { namespace: ns }))[0]?.action).toBe('create');
  });
});
