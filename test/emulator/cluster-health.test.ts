import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceFailedError } from '../../src/providers/errors.js';
import { namespaceListStatus, testToolchain } from '../support/substrate.js';
import { eventually, startTestCloud, thrown, tokenKubeConfig, type TestCloud } from './support.js';

const project = 'kfed-health';
const location = 'us-central1-a';
const labels = { 'managed-by': 'kfed', 'kfed-federation': 'health' };

/**
 * DEGRADED, as GKE reports a cluster whose control plane answers but that needs attention: the
 * emulator produces it only on request (admin API), so teardown of such a cluster can be tested.
 */
describe('emulator: a cluster marked DEGRADED through the admin API', () => {
  let cloud: TestCloud;

  const health = (body: unknown, token = cloud.emulator.accessToken) =>
    fetch(`${cloud.emulator.adminEndpoint}/cluster-health`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  beforeAll(async () => {
    cloud = await startTestCloud({ toolchain: await testToolchain(), projects: [project] });
  });

  afterAll(async () => {
    await cloud.destroy();
  });

  it('refuses a cluster that is not serving yet, an unknown one, a bad body and a missing token', async () => {
    await cloud.gcp.gke.ensureCluster(project, { name: 'sick', location, nodes: 1, machineType: 'e2-medium', labels });
    const early = await health({ project, location, name: 'sick', status: 'DEGRADED' });
    expect(early.status).toBe(400);
    expect(await early.text()).toContain('is PROVISIONING; only a RUNNING or DEGRADED cluster can be marked DEGRADED');
    expect((await health({ project, location, name: 'nope', status: 'DEGRADED' })).status).toBe(404);
    const invalid = await health({ project, location, name: 'sick', status: 'ERROR' });
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain('invalid request: status');
    expect((await health({ project, location, name: 'sick', status: 'DEGRADED' }, 'wrong')).status).toBe(401);
  });

  it('reports DEGRADED with its message, and still serves its API (endpoint, CA, kube-apiserver)', async () => {
    await eventually('sick RUNNING', async () => ((await cloud.gcp.gke.clusterStatus(project, location, 'sick')).status === 'RUNNING' ? true : undefined));
    const answer = await health({ project, location, name: 'sick', status: 'DEGRADED', message: 'Node auto-repair keeps failing.' });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ status: 'DEGRADED', statusMessage: 'Node auto-repair keeps failing.', nodePools: [{ status: 'RUNNING_WITH_ERROR' }] });

    const info = await cloud.gcp.gke.getCluster(project, location, 'sick');
    expect(info).toMatchObject({ status: 'DEGRADED', statusMessage: 'Node auto-repair keeps failing.', endpoint: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as unknown });
    const { endpoint, caCertificate } = await cloud.gcp.gke.clusterAccess(project, location, 'sick');
    expect(await namespaceListStatus(tokenKubeConfig(endpoint, caCertificate, cloud.emulator.accessToken))).toBe(200);
    // Waiting will not make it RUNNING: a run that waits for it fails instead of polling forever.
    expect(await thrown(() => cloud.gcp.gke.clusterStatus(project, location, 'sick'))).toBeInstanceOf(ResourceFailedError);
  });

  it('stays DEGRADED across an emulator restart, and can be marked RUNNING again', async () => {
    await cloud.restart();
    await eventually('sick serving after the restart', async () => {
      const info = await cloud.gcp.gke.getCluster(project, location, 'sick');
      return info?.status === 'DEGRADED' && info.endpoint ? info : undefined;
    });
    cloud.emulator.setClusterHealth({ project, location, name: 'sick', status: 'RUNNING' });
    expect(await cloud.gcp.gke.getCluster(project, location, 'sick')).toMatchObject({ status: 'RUNNING', statusMessage: '' });
    cloud.emulator.setClusterHealth({ project, location, name: 'sick', status: 'DEGRADED' });
    expect((await cloud.gcp.gke.getCluster(project, location, 'sick'))?.statusMessage).toContain('degraded');
  });

  it('deletes a DEGRADED cluster like any other', async () => {
    const deletion = await cloud.gcp.gke.deleteCluster(project, location, 'sick');
    expect(deletion.deleted).toBe(true);
    await eventually('sick gone', async () => ((await cloud.gcp.gke.getCluster(project, location, 'sick')) === undefined ? true : undefined));
  });
});
