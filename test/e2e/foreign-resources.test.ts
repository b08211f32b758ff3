import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/local/wait.js';
import type { GcpProviders } from '../../src/providers/gcp/index.js';
import * as release from '../../src/providers/kube/kubefed-release/index.js';
import type { PlanItem } from '../../src/providers/types.js';
import { startHarness, stopHarness, type Harness } from '../support/harness.js';
import { cloudOf, clusterStatuses, okCalls, project, zoneNames, zoneRecords } from '../support/cloud-view.js';
import { addRecordsByHand, createZoneByHand, handMadeRecords, installUsersKubeFed, usersKubeFed } from '../support/hand-made.js';
import { writeSpec, type FederationDoc } from '../support/federation-docs.js';

/** A federation in a zone the team made by hand (and keeps its own records in). */
const delta: FederationDoc = {
  name: 'delta',
  zone: 'shared',
  domain: 'shared.example.com.',
  clusters: [
    { name: 'delta-host', location: 'us-west1-a' },
    { name: 'delta-member', location: 'us-east1-b' },
  ],
};

/** A federation whose host is a cluster the team made by hand, running its own KubeFed. */
const legacy: FederationDoc = { name: 'legacy', clusters: [{ name: 'platform', location: 'us-central1-a' }] };

interface DownJson {
  result: unknown;
  progress: { steps: { id: string; state: string; message?: string }[] };
}

/**
 * What kfed did not make survives it: a zone made by hand keeps its records through `kfed
 * down` (a zone that is not this federation's is kept whole, and no reason to stop the teardown),
 * a DEGRADED cluster is still unjoined and deleted, and a host that
 * already runs its own KubeFed is refused, and its KubeFed left whole by `kfed down`.
 */
describe('foreign resources: hand-made zones and records, DEGRADED clusters, a KubeFed that was there before', () => {
  let h: Harness;
  let cloud: GcpProviders;
  let handRecords: string[];
  /** Calls before this index are the team's own, made by hand in beforeAll. */
  let firstKfedCall: number;

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    cloud = cloudOf(h);
    await createZoneByHand(h, 'shared', 'shared.example.com.');
    await addRecordsByHand(h, 'shared', handMadeRecords('shared.example.com.'));
    handRecords = (await zoneRecords(h, 'shared')) ?? [];
    firstKfedCall = h.emulator.calls().length;
  });

  afterAll(async () => {
    await cloud.close();
    await stopHarness(h);
  });

  it('federates delta into the hand-made zone (adopted, never relabelled)', { timeout: 240_000 }, async () => {
    const up = await h.cli(['up', '-f', writeSpec(h, delta), '--wait']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(okCalls(h, 'managedZones.create', undefined, firstKfedCall)).toEqual([]);
    expect((await cloud.dns.getZone(project, 'shared'))?.labels).toEqual({ team: 'platform' });
  });

  it('kfed down tears down a DEGRADED member (unjoined, deleted) and keeps the hand-made zone with every record', { timeout: 180_000 }, async () => {
    h.emulator.setClusterHealth({ project, location: 'us-east1-b', name: 'delta-member', status: 'DEGRADED', message: 'Node auto-repair keeps failing.' });
    expect(clusterStatuses(h)).toEqual(['delta-host: RUNNING', 'delta-member: DEGRADED']);
    const down = await h.cli(['down', 'delta', '--wait', '-o', 'json']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    const outcome = JSON.parse(down.stdout) as DownJson;
    expect(outcome.result).toEqual({ federation: 'delta', clusters: { 'delta-host': 'deleted', 'delta-member': 'deleted' }, zone: 'kept' });
    const steps = outcome.progress.steps;
    // Unjoined through its API (DEGRADED serves it), not skipped as unreachable.
    expect(steps.find((s) => s.id === 'unjoin:delta-member')).toMatchObject({ state: 'Succeeded' });
    expect(okCalls(h, 'DeleteCluster', undefined, firstKfedCall).map((c) => c.resource.split('/').pop()).sort()).toEqual(['delta-host', 'delta-member']);
    expect(clusterStatuses(h)).toEqual([]);
    // A hand-made record in a zone kfed created itself survives too: test/e2e/service-dns.test.ts.
    expect(await zoneRecords(h, 'shared')).toEqual(handRecords);
    expect(okCalls(h, 'managedZones.delete', undefined, firstKfedCall)).toEqual([]);
    expect(okCalls(h, 'changes.create', undefined, firstKfedCall)).toEqual([]);
  });

  it('refuses a host that runs its own KubeFed (plan: conflict, up: ConflictError), and kfed down leaves that KubeFed whole', { timeout: 240_000 }, async () => {
    await cloud.gke.ensureCluster(project, { name: 'platform', location: 'us-central1-a', nodes: 1, machineType: 'e2-standard-2', labels: { team: 'platform' } });
    await waitFor('platform RUNNING', async () => (await cloud.gke.getCluster(project, 'us-central1-a', 'platform'))?.status === 'RUNNING', { timeoutMs: 120_000, intervalMs: 500 });
    await installUsersKubeFed(h, 'platform');
    const theirs = await usersKubeFed(h, 'platform');
    expect(theirs).toMatchObject({ crds: release.releaseCrds().length, federated: ['team/team-settings'], joins: ['platform-self'] });

    const file = writeSpec(h, legacy);
    const plan = await h.cli(['plan', '-f', file, '-o', 'json']);
    expect(plan.code).toBe(2);
    const items = (JSON.parse(plan.stdout) as { items: PlanItem[] }).items;
    expect(items.find((i) => i.resource === 'plane on platform')).toMatchObject({ action: 'conflict', reason: expect.stringContaining('the host already runs a KubeFed that kfed did not install') as unknown });
    const up = await h.cli(['up', '-f', file, '--wait']);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/the host already runs a KubeFed that kfed did not install .*kfed will not take it over.*\(ConflictError/);
    expect(await usersKubeFed(h, 'platform')).toEqual(theirs);

    const down = await h.cli(['down', 'legacy', '--wait']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('federation legacy torn down: clusters platform kept; zone deleted');
    expect(await usersKubeFed(h, 'platform')).toEqual(theirs);
    expect(clusterStatuses(h)).toEqual(['platform: RUNNING']);
    expect(zoneNames(h)).toEqual(['shared']);
  });
});
