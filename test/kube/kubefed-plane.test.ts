import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as release from '../../src/providers/kube/kubefed-release/index.js';
import type { LocalCluster } from '../../src/local/local-cluster.js';
import { waitFor } from '../../src/local/wait.js';
import { ConflictError, PermissionError, TransientError } from '../../src/providers/errors.js';
import { KubeClient } from '../../src/providers/kube/client.js';
import { apiAccessOf, KubeTargetConnector } from '../../src/providers/kube/connector.js';
import { UnreachableError } from '../../src/providers/kube/errors.js';
import { prepareMember } from '../../src/providers/kube/join/join.js';
import { KubeFedPlane } from '../../src/providers/kube/kubefed-plane.js';
import { kubeFedImage } from '../../src/providers/kube/plane/manifests.js';
import type { JoinNames } from '../../src/providers/kube/types.js';
import type { ClusterTarget } from '../../src/providers/types.js';
import { scratchDir } from '../support/substrate.js';
import { CountingTokenSource, createTestCluster, decode, gkeTarget, kubeconfigTarget, managedObjects, names } from './support.js';

const ns = 'kube-federation-system';
const federation = 'kfed';
const joinNames = (member: string, scope?: 'Cluster' | 'Namespaced'): JoinNames => ({ member, host: federation, namespace: ns, scope });

interface KubeFedClusterObject {
  metadata: k8s.V1ObjectMeta;
  spec: { apiEndpoint: string; caBundle?: string; secretRef: { name: string }; disabledTLSValidations?: string[] };
}

describe('KubeFedPlane on real API servers (host west, members east and south)', () => {
  const dir = scratchDir('kubefed');
  const tokens = new CountingTokenSource();
  const connector = new KubeTargetConnector({ tokens, requestTimeoutMs: 5_000 });
  const plane = new KubeFedPlane({ connector, requestTimeoutMs: 5_000, pollIntervalMs: 200 });
  let west!: LocalCluster;
  let east!: LocalCluster;
  let south!: LocalCluster;
  let host: ClusterTarget;
  let eastTarget: ClusterTarget;
  let southTarget: ClusterTarget;
  let westKc: k8s.KubeConfig;
  let eastKc: k8s.KubeConfig;
  let southKc: k8s.KubeConfig;
  let southDeleted = false;

  const kubeFedCluster = async (member: string): Promise<KubeFedClusterObject> =>
    (await westKc
      .makeApiClient(k8s.CustomObjectsApi)
      .getNamespacedCustomObject({ group: 'core.kubefed.io', version: 'v1beta1', namespace: ns, plural: 'kubefedclusters', name: member })) as KubeFedClusterObject;

  const status = async (call: () => Promise<unknown>): Promise<number> => {
    try {
      await call();
      return 200;
    } catch (err) {
      if (err instanceof k8s.ApiException) return err.code;
      throw err;
    }
  };

  beforeAll(async () => {
    // The host runs the controller-manager Deployment, so it needs a scheduler; members do not.
    // One after another: kwokctl clusters created side by side in one work directory trip over
    // each other's certificates.
    west = await createTestCluster('west', dir.path, { scheduler: true });
    east = await createTestCluster('east', dir.path, { scheduler: false });
    south = await createTestCluster('south', dir.path, { scheduler: false });
    host = gkeTarget(west);
    // east through the worker's kubeconfig (CA from a file), south like a GKE cluster.
    eastTarget = kubeconfigTarget(east);
    southTarget = gkeTarget(south);
    [westKc, eastKc, southKc] = [west.kubeConfig(), east.kubeConfig(), south.kubeConfig()];
  });

  afterAll(async () => {
    // Clusters a failed beforeAll never made are undefined here.
    const clusters: (LocalCluster | undefined)[] = [west, east, southDeleted ? undefined : south];
    for (const cluster of clusters) await cluster?.delete();
    dir.remove();
  });

  it('init installs the CRDs, the controller RBAC, a KubeFedConfig and an Available controller-manager', async () => {
    const before = tokens.calls;
    const status = await plane.init(host, { namespace: ns, timeoutMs: 60_000 });
    expect(tokens.calls).toBeGreaterThan(before);
    expect(status).toEqual({
      namespace: ns,
      scope: 'Cluster',
      crds: release.releaseCrds().map((c) => c.metadata.name),
      deployment: 'kubefed-controller-manager',
      image: 'quay.io/kubernetes-multicluster/kubefed:v0.10.0',
      changed: true,
    });

    const ext = westKc.makeApiClient(k8s.ApiextensionsV1Api);
    const crd = await ext.readCustomResourceDefinition({ name: 'kubefedclusters.core.kubefed.io' });
    expect(crd.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');
    expect(crd.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('kfed');
    const schema = crd.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec;
    expect(schema?.required).toEqual(['apiEndpoint', 'secretRef']);
    expect(schema?.properties?.caBundle?.format).toBe('byte');
    expect(crd.metadata?.managedFields?.map((f) => f.manager)).toContain('kfed');

    const deployment = await westKc.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ namespace: ns, name: 'kubefed-controller-manager' });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe(kubeFedImage);
    expect(deployment.spec?.template.spec?.serviceAccountName).toBe('kubefed-controller');
    expect(deployment.status?.availableReplicas).toBe(2);
    expect(deployment.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('kfed');

    const role = await westKc.makeApiClient(k8s.RbacAuthorizationV1Api).readClusterRole({ name: 'kubefed-role' });
    expect(role.rules?.find((r) => r.apiGroups?.includes('core.kubefed.io'))?.verbs).toEqual(['get', 'watch', 'list', 'create', 'update', 'patch']);
    const binding = await westKc.makeApiClient(k8s.RbacAuthorizationV1Api).readClusterRoleBinding({ name: 'kubefed-rolebinding' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kubefed-controller', namespace: ns }]);

    const config = (await westKc
      .makeApiClient(k8s.CustomObjectsApi)
      .getNamespacedCustomObject({ group: 'core.kubefed.io', version: 'v1beta1', namespace: ns, plural: 'kubefedconfigs', name: 'kubefed' })) as {
      spec: { scope: string; leaderElect: { resourceLock: string } };
    };
    expect(config.spec.scope).toBe('Cluster');
    // v0.10.0's validation accepts only configmaps and endpoints locks.
    expect(config.spec.leaderElect.resourceLock).toBe('configmaps');
  });

  it('init on a cluster without a scheduler fails in time and says what is missing', async () => {
    const started = Date.now();
    const error = await plane.init(southTarget, { namespace: 'kubefed-unscheduled', timeoutMs: 4_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/kubefed-controller-manager: 0\/2 available; 2 pod\(s\) not scheduled \(is a scheduler running\?\)/);
    expect((error as Error).message).toContain(south.info.endpoint);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('join registers a member, and the host itself, as kubefedctl does', async () => {
    const self = await plane.join(host, host, joinNames('west'));
    expect(self).toEqual({
      kubeFedCluster: 'west',
      secret: 'west-credentials',
      serviceAccount: 'west-kfed',
      apiEndpoint: west.info.endpoint,
      changed: true,
    });
    const joined = await plane.join(host, eastTarget, joinNames('east'));
    expect(joined).toEqual({ kubeFedCluster: 'east', secret: 'east-credentials', serviceAccount: 'east-kfed', apiEndpoint: east.info.endpoint, changed: true });

    // Member side: ServiceAccount, cluster-wide RBAC, a filled legacy token Secret.
    const core = eastKc.makeApiClient(k8s.CoreV1Api);
    const sa = await core.readNamespacedServiceAccount({ namespace: ns, name: 'east-kfed' });
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(sa.metadata?.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'kfed',
      'kfed.dev/member': 'east',
      'kfed.dev/host': federation,
      'app.kubernetes.io/component': 'member-access',
    });
    const rbac = eastKc.makeApiClient(k8s.RbacAuthorizationV1Api);
    const role = await rbac.readClusterRole({ name: 'kubefed-controller-manager:east-kfed' });
    expect(role.rules).toEqual([
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['get'] },
    ]);
    const binding = await rbac.readClusterRoleBinding({ name: 'kubefed-controller-manager:east-kfed' });
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubefed-controller-manager:east-kfed' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'east-kfed', namespace: ns }]);
    const tokenSecret = await core.readNamespacedSecret({ namespace: ns, name: 'east-kfed' });
    expect(tokenSecret.type).toBe('kubernetes.io/service-account-token');
    expect(tokenSecret.metadata?.annotations?.['kubernetes.io/service-account.uid']).toBe(sa.metadata?.uid);

    // Host side: the same token, the member's CA, and a KubeFedCluster pointing at both.
    const hostSecret = await westKc.makeApiClient(k8s.CoreV1Api).readNamespacedSecret({ namespace: ns, name: 'east-credentials' });
    expect(hostSecret.type).toBe('Opaque');
    expect(decode(hostSecret.data?.token)).toBe(decode(tokenSecret.data?.token));
    expect(decode(hostSecret.data?.['ca.crt'])).toBe(east.info.caCertificate);
    expect(hostSecret.metadata?.labels?.['app.kubernetes.io/component']).toBe('host-registration');
    const cluster = await kubeFedCluster('east');
    expect(cluster.spec).toEqual({
      apiEndpoint: east.info.endpoint,
      caBundle: Buffer.from(east.info.caCertificate).toString('base64'),
      secretRef: { name: 'east-credentials' },
    });
    expect(cluster.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'kfed', 'kfed.dev/member': 'east' });
    expect(decode((await kubeFedCluster('west')).spec.caBundle)).toBe(west.info.caCertificate);
  });

  it('verifyJoin reaches each member with only the token and CA the plane holds', async () => {
    const eastCheck = await plane.verifyJoin(host, joinNames('east'));
    expect(eastCheck).toEqual({ ready: true, namespaces: expect.any(Number) as number, user: `system:serviceaccount:${ns}:east-kfed` });
    expect(eastCheck.namespaces).toBeGreaterThanOrEqual(4);
    const westCheck = await plane.verifyJoin(host, joinNames('west'));
    expect(westCheck.user).toBe(`system:serviceaccount:${ns}:west-kfed`);
  });

  it('running init and both joins again changes nothing and duplicates nothing', async () => {
    const before = { west: await managedObjects(westKc), east: await managedObjects(eastKc) };
    expect(names(before.east)).toEqual([
      'ClusterRole kubefed-controller-manager:east-kfed',
      'ClusterRoleBinding kubefed-controller-manager:east-kfed',
      `Namespace ${ns}`,
      `Secret ${ns}/east-kfed`,
      `ServiceAccount ${ns}/east-kfed`,
    ]);
    expect((await plane.init(host, { namespace: ns, timeoutMs: 60_000 })).changed).toBe(false);
    expect((await plane.join(host, host, joinNames('west'))).changed).toBe(false);
    expect((await plane.join(host, eastTarget, joinNames('east'))).changed).toBe(false);
    expect(await managedObjects(westKc)).toEqual(before.west);
    expect(await managedObjects(eastKc)).toEqual(before.east);
  });

  it('a tampered token fails verification with a PermissionError, and a re-join repairs it', async () => {
    const core = westKc.makeApiClient(k8s.CoreV1Api);
    const secret = await core.readNamespacedSecret({ namespace: ns, name: 'east-credentials' });
    secret.data = { ...secret.data, token: Buffer.from('not-a-token').toString('base64') };
    await core.replaceNamespacedSecret({ namespace: ns, name: 'east-credentials', body: secret });
    const error = await plane.verifyJoin(host, joinNames('east')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect((error as Error).message).toContain('the credentials KubeFed holds for east do not work');
    expect((error as Error).message).toContain('HTTP 401');
    expect((await plane.join(host, eastTarget, joinNames('east'))).changed).toBe(true);
    expect((await plane.verifyJoin(host, joinNames('east'))).ready).toBe(true);
  });

  it('a join interrupted after its member half finishes on the next run, creating nothing twice', async () => {
    const south1 = new KubeClient(southKc);
    const endpoint = apiAccessOf(southKc);
    const wait = { timeoutMs: 30_000, intervalMs: 200 };
    // The "crashed" run: the member half ran (twice, as a retried activity would), the host half never did.
    await prepareMember(south1, endpoint, joinNames('south'), wait);
    const second = await prepareMember(south1, endpoint, joinNames('south'), wait);
    expect(second.changed).toBe(false);
    expect(await status(() => kubeFedCluster('south'))).toBe(404);
    const memberBefore = await managedObjects(southKc);

    const result = await plane.join(host, southTarget, joinNames('south'));
    expect(result.changed).toBe(true);
    expect((await kubeFedCluster('south')).spec.apiEndpoint).toBe(south.info.endpoint);
    // The member half found everything in place: same objects, same versions.
    expect(await managedObjects(southKc)).toEqual(memberBefore);
    expect(names(memberBefore).filter((r) => r.includes('south-kfed'))).toEqual([
      'ClusterRole kubefed-controller-manager:south-kfed',
      'ClusterRoleBinding kubefed-controller-manager:south-kfed',
      `Secret ${ns}/south-kfed`,
      `ServiceAccount ${ns}/south-kfed`,
    ]);
    expect(names(await managedObjects(westKc)).filter((r) => r.includes('south'))).toEqual([`Secret ${ns}/south-credentials`, `kubefedclusters ${ns}/south`]);
  });

  it('a join whose host objects were lost re-creates them from the same member token', async () => {
    const custom = westKc.makeApiClient(k8s.CustomObjectsApi);
    await custom.deleteNamespacedCustomObject({ group: 'core.kubefed.io', version: 'v1beta1', namespace: ns, plural: 'kubefedclusters', name: 'east' });
    await westKc.makeApiClient(k8s.CoreV1Api).deleteNamespacedSecret({ namespace: ns, name: 'east-credentials' });
    const memberBefore = await managedObjects(eastKc);
    expect((await plane.join(host, eastTarget, joinNames('east'))).changed).toBe(true);
    expect((await kubeFedCluster('east')).spec.secretRef.name).toBe('east-credentials');
    expect(await managedObjects(eastKc)).toEqual(memberBefore);
    expect((await plane.verifyJoin(host, joinNames('east'))).ready).toBe(true);
  });

  it('refuses (non-retryable) to join a cluster under a name that points to another cluster', async () => {
    const error = await plane.join(host, southTarget, joinNames('east')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).retryable).toBe(false);
    expect((error as Error).message).toContain(east.info.endpoint);
    expect((error as Error).message).toContain(south.info.endpoint);
    // Checked before touching the member: nothing was made on south for the name east.
    expect(await status(() => southKc.makeApiClient(k8s.CoreV1Api).readNamespacedServiceAccount({ namespace: ns, name: 'east-kfed' }))).toBe(404);
  });

  it('namespaced scope grants only the plane namespace, and switching back removes those grants', async () => {
    await plane.join(host, southTarget, joinNames('south', 'Namespaced'));
    const rbac = southKc.makeApiClient(k8s.RbacAuthorizationV1Api);
    expect((await rbac.readNamespacedRole({ namespace: ns, name: 'kubefed-controller-manager:south-kfed' })).rules).toEqual([
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
    ]);
    const health = await rbac.readClusterRole({ name: `kubefed-controller-manager:${ns}:healthcheck-south-kfed` });
    expect(health.rules).toEqual([
      { nonResourceURLs: ['/healthz'], verbs: ['get'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
    ]);
    expect(await status(() => rbac.readClusterRole({ name: 'kubefed-controller-manager:south-kfed' }))).toBe(404);
    expect(await plane.verifyJoin(host, joinNames('south', 'Namespaced'))).toEqual({ ready: true, namespaces: 1, user: `system:serviceaccount:${ns}:south-kfed` });
    // With namespaced grants the token can no longer list namespaces: verifying as Cluster fails.
    expect(await plane.verifyJoin(host, joinNames('south')).catch((e: unknown) => e)).toBeInstanceOf(PermissionError);

    await plane.join(host, southTarget, joinNames('south', 'Cluster'));
    expect(await status(() => rbac.readNamespacedRole({ namespace: ns, name: 'kubefed-controller-manager:south-kfed' }))).toBe(404);
    expect(await status(() => rbac.readClusterRole({ name: `kubefed-controller-manager:${ns}:healthcheck-south-kfed` }))).toBe(404);
    expect((await plane.verifyJoin(host, joinNames('south'))).namespaces).toBeGreaterThanOrEqual(4);
  });

  it('unjoin removes exactly what the join made, on both clusters', async () => {
    const westBefore = names(await managedObjects(westKc));
    expect(await plane.unjoin(host, eastTarget, joinNames('east'))).toEqual({ changed: true, member: 'removed' });
    // The member namespace was kfed's and holds nothing else: it goes too.
    await waitFor(
      'east plane namespace deleted',
      async () => (await status(() => eastKc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: ns }))) === 404,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(await managedObjects(eastKc)).toEqual([]);
    expect(names(await managedObjects(westKc))).toEqual(westBefore.filter((r) => !r.endsWith('/east-credentials') && !r.endsWith('/east')));

    // The host unjoins itself: its join objects go, the plane and its namespace stay.
    expect(await plane.unjoin(host, host, joinNames('west'))).toEqual({ changed: true, member: 'removed' });
    const westAfter = names(await managedObjects(westKc));
    expect(westAfter.filter((r) => /west-|\/west$/.test(r))).toEqual([]);
    expect(westAfter).toContain(`Namespace ${ns}`);
    expect(westAfter).toContain(`Deployment ${ns}/kubefed-controller-manager`);
    // Nothing left to remove: a second unjoin changes nothing.
    expect(await plane.unjoin(host, eastTarget, joinNames('east'))).toEqual({ changed: false, member: 'removed' });
  });

  it('unjoin of a deleted member still cleans the host and reports the member unreachable', async () => {
    await south.delete();
    southDeleted = true;
    expect(await plane.unjoin(host, southTarget, joinNames('south'))).toEqual({ changed: true, member: 'unreachable' });
    expect(names(await managedObjects(westKc)).filter((r) => r.includes('south'))).toEqual([]);
  });

  it('fails fast with a TransientError naming the endpoint when the host is unreachable', async () => {
    const started = Date.now();
    const error = await plane.init(southTarget, { namespace: ns }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).name).toBe('TransientError');
    expect((error as Error).message).toContain(`cannot reach the Kubernetes API at ${south.info.endpoint} (ECONNREFUSED)`);
    const joinError = await plane.join(southTarget, eastTarget, joinNames('east')).catch((e: unknown) => e);
    expect(joinError).toBeInstanceOf(TransientError);
    expect((joinError as Error).message).toContain(south.info.endpoint);
  });
});
