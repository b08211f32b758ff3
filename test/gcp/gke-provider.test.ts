import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalCluster } from '../../src/local/local-cluster.js';
import { InvalidSpecError, NotFoundError, PermissionError, ResourceFailedError, TransientError } from '../../src/providers/errors.js';
import { gcpFromEnv, type ClusterRequest } from '../../src/providers/gcp/index.js';
import { memberRoleLabel } from '../../src/ownership.js';
import { eventually, startTestCloud, successful, thrown, tokenKubeConfig, type TestCloud } from '../emulator/support.js';
import { namespaceListStatus, testToolchain } from '../support/substrate.js';

const project = 'kfed-gke-test';
const location = 'us-west1-a';
const owned = { 'managed-by': 'kfed', 'kfed-federation': 'test' };

function request(name: string, labels: Record<string, string>, nodes = 1): ClusterRequest {
  return { name, location, nodes, machineType: 'e2-standard-2', labels };
}

describe('GoogleGkeProvider (@google-cloud/container gRPC against the emulator, real backing clusters)', () => {
  let cloud: TestCloud;
  let alphaOperation = '';
  let golfOperation = '';

  const gke = () => cloud.gcp.gke;
  const running = (name: string) =>
    eventually(`${name} RUNNING`, async () => ((await gke().clusterStatus(project, location, name)).status === 'RUNNING' ? true : undefined));
  const access = async (name: string) => {
    const { endpoint, caCertificate } = await gke().clusterAccess(project, location, name);
    return tokenKubeConfig(endpoint, caCertificate, await cloud.gcp.tokens.getAccessToken());
  };

  beforeAll(async () => {
    cloud = await startTestCloud({ toolchain: await testToolchain(), projects: [project], provisioningDelayMs: 1500, unscheduledLabel: memberRoleLabel });
  });

  afterAll(async () => {
    await cloud.destroy();
    expect(existsSync(cloud.dir)).toBe(false);
  });

  beforeEach(() => {
    cloud.emulator.faults.clear();
  });

  it('creates a cluster once even when ensureCluster runs twice at once', async () => {
    const member = request('alpha', { ...owned, 'kfed-role': 'member' }, 2);
    const results = await Promise.all([gke().ensureCluster(project, member), gke().ensureCluster(project, member)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const created = results.find((r) => r.created);
    expect(created?.status).toBe('PROVISIONING');
    expect(created?.operation).toMatch(/^projects\/kfed-gke-test\/locations\/us-west1-a\/operations\/operation-/);
    alphaOperation = created?.operation ?? '';
    expect(successful(cloud.emulator.calls(), 'CreateCluster', 'us-west1-a')).toHaveLength(1);
  });

  it('while provisioning: reports PROVISIONING, serves no API yet, and refuses a second operation', async () => {
    expect((await gke().clusterStatus(project, location, 'alpha')).status).toBe('PROVISIONING');
    expect(await thrown(() => gke().clusterAccess(project, location, 'alpha'))).toBeInstanceOf(TransientError);
    const busy = await thrown(() => gke().deleteCluster(project, location, 'alpha'));
    expect(busy).toBeInstanceOf(TransientError);
    expect(busy.message).toContain('incompatible operation');
    expect(await gke().operationStatus(alphaOperation)).toEqual({ done: false, status: 'RUNNING' });
  });

  it('adopts a provisioning cluster and hands back its running create operation', async () => {
    const adopted = await gke().ensureCluster(project, request('alpha', { ...owned, 'kfed-role': 'member' }, 2));
    expect(adopted).toEqual({ created: false, status: 'PROVISIONING', operation: alphaOperation });
  });

  it('becomes RUNNING once the backing cluster serves, with the operation DONE', async () => {
    await running('alpha');
    expect(await gke().operationStatus(alphaOperation)).toEqual({ done: true, status: 'DONE' });
    const info = await gke().getCluster(project, location, 'alpha');
    expect(info).toMatchObject({ name: 'alpha', location, status: 'RUNNING', labels: { ...owned, 'kfed-role': 'member' } });
    expect(info?.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('serves the Kubernetes API to a client holding only endpoint, CA and the Google token', async () => {
    const { endpoint, caCertificate } = await gke().clusterAccess(project, location, 'alpha');
    expect(endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(Buffer.from(caCertificate, 'base64').toString('utf8')).toContain('BEGIN CERTIFICATE');
    const kc = await access('alpha');
    const namespaces = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toContain('kube-system');
    const nodes = await kc.makeApiClient(k8s.CoreV1Api).listNode();
    expect(nodes.items).toHaveLength(2);
    expect(await namespaceListStatus(tokenKubeConfig(endpoint, caCertificate, 'not-the-token'))).toBe(401);
  });

  it('adopts a running cluster without another CreateCluster', async () => {
    const adopted = await gke().ensureCluster(project, request('alpha', { ...owned, 'kfed-role': 'member' }, 2));
    expect(adopted).toEqual({ created: false, status: 'RUNNING' });
    expect(successful(cloud.emulator.calls(), 'CreateCluster', 'us-west1-a')).toHaveLength(1);
  });

  it.each([['UNAVAILABLE'], ['DEADLINE_EXCEEDED'], ['RESOURCE_EXHAUSTED']] as const)(
    'surfaces %s on GetCluster as TransientError, and a retry succeeds',
    async (code) => {
      cloud.emulator.faults.add({ api: 'gke', method: 'GetCluster', failNext: 1, code });
      const err = await thrown(() => gke().clusterStatus(project, location, 'alpha'));
      expect(err).toBeInstanceOf(TransientError);
      expect(err.message).toContain('projects/kfed-gke-test/locations/us-west1-a/clusters/alpha');
      expect((await gke().clusterStatus(project, location, 'alpha')).status).toBe('RUNNING');
    },
  );

  it('ends a create in ERROR with GKE\'s message after a quota failure and a retry', async () => {
    const message = 'Insufficient regional quota to satisfy request: resource "CPUS": request requires \'6.0\' and is short \'2.0\'.';
    cloud.emulator.faults.set({
      rules: [
        { api: 'gke', method: 'CreateCluster', failNext: 1, code: 'RESOURCE_EXHAUSTED' },
        { api: 'gke', method: 'CreateCluster', resource: 'charlie', operationError: message },
      ],
    });
    const quota = await thrown(() => gke().ensureCluster(project, request('charlie', owned)));
    expect(quota).toBeInstanceOf(TransientError);
    expect(await gke().getCluster(project, location, 'charlie')).toBeUndefined();

    const started = await gke().ensureCluster(project, request('charlie', owned));
    expect(started.created).toBe(true);
    const finished = await eventually('charlie operation done', async () => {
      const op = await gke().operationStatus(started.operation ?? '');
      return op.done ? op : undefined;
    });
    expect(finished).toEqual({ done: true, status: 'DONE', error: message });
    const failed = await thrown(() => gke().clusterStatus(project, location, 'charlie'));
    expect(failed).toBeInstanceOf(ResourceFailedError);
    expect(failed.message).toContain(message);
    expect(failed.message).toContain('is ERROR');
    expect(await thrown(() => gke().clusterAccess(project, location, 'charlie'))).toBeInstanceOf(ResourceFailedError);

    const deletion = await gke().deleteCluster(project, location, 'charlie');
    expect(deletion.deleted).toBe(true);
    await eventually('charlie gone', async () => ((await gke().getCluster(project, location, 'charlie')) ? undefined : true));
  });

  it('surfaces PERMISSION_DENIED with the server message and the role to grant', async () => {
    cloud.emulator.faults.add({ method: 'CreateCluster', failNext: 1, code: 'PERMISSION_DENIED', message: 'Required "container.clusters.create" permission(s) for "projects/kfed-gke-test".' });
    const err = await thrown(() => gke().ensureCluster(project, request('denied', owned)));
    expect(err).toBeInstanceOf(PermissionError);
    expect(err.message).toContain('Required "container.clusters.create" permission(s)');
    expect(err.message).toContain('grant roles/container.admin on project kfed-gke-test');
  });

  it('rejects an invalid cluster name (INVALID_ARGUMENT) as InvalidSpecError with the API message', async () => {
    const err = await thrown(() => gke().ensureCluster(project, request('Bad_Name', owned)));
    expect(err).toBeInstanceOf(InvalidSpecError);
    expect(err.message).toContain('Invalid value for field "cluster.name": "Bad_Name"');
  });

  it('reports an unknown project as InvalidSpecError pointing at spec.project', async () => {
    const err = await thrown(() => gke().ensureCluster('no-such-project', request('alpha', owned)));
    expect(err).toBeInstanceOf(InvalidSpecError);
    expect(err.message).toContain('check spec.project');
  });

  it('rejects a wrong token (UNAUTHENTICATED) as PermissionError', async () => {
    const tokenFile = join(cloud.dir, 'wrong-token');
    writeFileSync(tokenFile, 'not-the-token\n');
    const wrong = gcpFromEnv({ ...process.env, ...cloud.emulator.env, KFED_GCP_ACCESS_TOKEN_FILE: tokenFile });
    const err = await thrown(() => wrong.gke.getCluster(project, location, 'alpha'));
    await wrong.close();
    expect(err).toBeInstanceOf(PermissionError);
    expect(cloud.emulator.calls().at(-1)).toMatchObject({ method: 'GetCluster', result: 'UNAUTHENTICATED' });
  });

  it('never deletes a cluster without the managed-by label', async () => {
    cloud.emulator.faults.add({ method: 'CreateCluster', resource: 'users-cluster', operationError: 'made by hand' });
    await gke().ensureCluster(project, request('users-cluster', { team: 'web' }));
    expect(await gke().deleteCluster(project, location, 'users-cluster')).toEqual({ deleted: false, reason: 'not-owned' });
    expect(await gke().getCluster(project, location, 'users-cluster')).toBeDefined();
    expect(successful(cloud.emulator.calls(), 'DeleteCluster', 'users-cluster')).toHaveLength(0);
  });

  it('treats missing clusters and operations as absent or NotFoundError', async () => {
    expect(await gke().deleteCluster(project, location, 'never-made')).toEqual({ deleted: false, reason: 'absent' });
    expect(await gke().getCluster(project, location, 'never-made')).toBeUndefined();
    expect(await thrown(() => gke().clusterStatus(project, location, 'never-made'))).toBeInstanceOf(NotFoundError);
    expect(await thrown(() => gke().operationStatus(`projects/${project}/locations/${location}/operations/operation-0-none`))).toBeInstanceOf(NotFoundError);
  });

  it('keeps zones and clusters across an emulator restart and resumes provisioning in flight', async () => {
    await cloud.gcp.dns.ensureZone(project, 'restart-zone', 'restart.example.com');
    const golf = await gke().ensureCluster(project, request('golf', owned));
    golfOperation = golf.operation ?? '';
    expect(golf.status).toBe('PROVISIONING');

    await cloud.restart();

    expect(await cloud.gcp.dns.getZone(project, 'restart-zone')).toMatchObject({ dnsName: 'restart.example.com.' });
    await running('alpha');
    expect(await namespaceListStatus(await access('alpha'))).toBe(200);
    await running('golf');
    expect(await gke().operationStatus(golfOperation)).toEqual({ done: true, status: 'DONE' });
    expect(successful(cloud.emulator.calls(), 'CreateCluster')).toHaveLength(0);
  });

  it('runs kube-scheduler on full clusters only: a pod is scheduled on golf, not on member alpha', async () => {
    const pod = (name: string): k8s.V1Pod => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } });
    const golf = (await access('golf')).makeApiClient(k8s.CoreV1Api);
    const alpha = (await access('alpha')).makeApiClient(k8s.CoreV1Api);
    await golf.createNamespacedPod({ namespace: 'default', body: pod('p') });
    await alpha.createNamespacedPod({ namespace: 'default', body: pod('p') });
    await eventually('pod Running on golf', async () => ((await golf.readNamespacedPod({ namespace: 'default', name: 'p' })).status?.phase === 'Running' ? true : undefined), 60_000);
    const unscheduled = await alpha.readNamespacedPod({ namespace: 'default', name: 'p' });
    expect(unscheduled.spec?.nodeName).toBeUndefined();
    expect(unscheduled.status?.phase).toBe('Pending');
  });

  it('restarts a backing component that died: a SIGKILLed kube-controller-manager comes back and works', async () => {
    const workdir = join(cloud.dir, 'kwok');
    const name = readdirSync(join(workdir, 'clusters')).find((n) => n.includes('golf')) ?? '';
    const pidFile = join(workdir, 'clusters', name, 'pids', 'kube-controller-manager.pid');
    const killed = Number(readFileSync(pidFile, 'utf8').trim());
    process.kill(killed, 'SIGKILL');
    await eventually('kube-controller-manager restarted', () => {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      return Promise.resolve(pid !== killed && LocalCluster.stoppedComponents(name, workdir).length === 0 ? true : undefined);
    }, 60_000);
    // Its serviceaccount controller gives a new namespace its `default` ServiceAccount.
    const golf = (await access('golf')).makeApiClient(k8s.CoreV1Api);
    await golf.createNamespace({ body: { metadata: { name: 'after-restart' } } });
    await eventually('default ServiceAccount in after-restart', async () => {
      const sas = await golf.listNamespacedServiceAccount({ namespace: 'after-restart' });
      return sas.items.some((sa) => sa.metadata?.name === 'default') ? true : undefined;
    }, 60_000);
  });

  it('deletes clusters: the operation finishes, the backing cluster is gone, the name is free', async () => {
    const kc = await access('alpha');
    const first = await gke().deleteCluster(project, location, 'alpha');
    expect(first.deleted).toBe(true);
    // A second call finds the deletion already running instead of failing.
    expect(await gke().deleteCluster(project, location, 'alpha')).toEqual(first);
    expect((await gke().deleteCluster(project, location, 'golf')).deleted).toBe(true);
    for (const op of [first.operation ?? '']) {
      await eventually('delete operation DONE', async () => ((await gke().operationStatus(op)).done ? true : undefined));
    }
    await eventually('golf gone', async () => ((await gke().getCluster(project, location, 'golf')) ? undefined : true));
    expect(await gke().getCluster(project, location, 'alpha')).toBeUndefined();
    const backing = join(cloud.dir, 'kwok', 'clusters');
    expect(existsSync(backing) ? readdirSync(backing) : []).toEqual([]);
    await expect(kc.makeApiClient(k8s.CoreV1Api).listNamespace()).rejects.toThrow();
  });
});
