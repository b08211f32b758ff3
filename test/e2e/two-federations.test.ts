import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanItem } from '../../src/providers/types.js';
import { startHarness, stopHarness, type Harness } from '../support/harness.js';
import { clusterLabels, clusterStatuses, kubeDnsFederations, kubeOf, objectNames, okCalls, planeNamespace, viewKinds, zoneNames } from '../support/cloud-view.js';
import { federationView, writeSpec, type FederationDoc } from '../support/federation-docs.js';

const alpha: FederationDoc = {
  name: 'alpha',
  clusters: [
    { name: 'alpha-host', location: 'us-west1-a' },
    { name: 'alpha-member', location: 'us-east1-b' },
  ],
};

/** Federation beta, naming alpha's zone (same name and domain): a copy-paste of alpha's spec. */
const betaOnAlphasZone: FederationDoc = { name: 'beta', zone: 'alpha', domain: 'alpha.example.com.', clusters: [{ name: 'beta-host', location: 'us-central1-a' }] };

/** Federation beta, naming alpha's member cluster (same name and location) as one of its own. */
const betaOnAlphasCluster: FederationDoc = {
  name: 'beta',
  clusters: [
    { name: 'beta-host', location: 'us-central1-a' },
    { name: 'alpha-member', context: 'borrowed', location: 'us-east1-b' },
  ],
};

interface PlanJson {
  items: PlanItem[];
  conflicts: number;
}

/**
 * Two federations side by side, the second naming the first's zone or cluster: owned means
 * owned by this federation, so kfed refuses (plan and up) instead of adopting, and tearing the
 * second down leaves every resource of the first as it was.
 */
describe('two federations side by side: the second never adopts, nor tears down, the first\'s resources', () => {
  let h: Harness;
  let alphaFile: string;

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    alphaFile = writeSpec(h, alpha);
  });

  afterAll(async () => {
    await stopHarness(h);
  });

  it('builds federation alpha', { timeout: 240_000 }, async () => {
    const up = await h.cli(['up', '-f', alphaFile, '--wait']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(await federationView(h, alpha)).toMatchObject({
      zone: ['alpha'],
      clusters: [expect.stringMatching(/^alpha-host: RUNNING, alpha, run /), expect.stringMatching(/^alpha-member: RUNNING, alpha, run /)],
      joins: ['alpha-host: True', 'alpha-member: True'],
      hostSecrets: ['alpha-host-credentials', 'alpha-member-credentials'],
      members: {
        'alpha-host': { accounts: ['alpha-host-alpha'], dns: 'alpha=alpha.example.com' },
        'alpha-member': { accounts: ['alpha-member-alpha'], dns: 'alpha=alpha.example.com' },
      },
    });
  });

  it('refuses beta naming alpha\'s zone: a conflict in the plan (exit 2) and a ConflictError at up (exit 1)', { timeout: 180_000 }, async () => {
    const file = writeSpec(h, betaOnAlphasZone, 'beta-zone.yaml');
    const plan = await h.cli(['plan', '-f', file, '-o', 'json']);
    expect(plan.code).toBe(2);
    const items = (JSON.parse(plan.stdout) as PlanJson).items;
    expect(items.find((i) => i.resource === 'zone alpha')).toEqual({ resource: 'zone alpha', action: 'conflict', reason: 'zone alpha belongs to kfed federation alpha; choose another spec.dns.zone' });

    const up = await h.cli(['up', '-f', file, '--wait']);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/^kfed: kfed\/beta failed: Cloud DNS zone projects\/local\/managedZones\/alpha belongs to kfed federation alpha, not beta \(ConflictError; hint: choose another spec\.dns\.zone\)$/m);
    expect(up.stderr).not.toMatch(/^ {4}at /m);
    // The zone keeps alpha's labels: nothing relabelled it.
    expect(okCalls(h, 'managedZones.create', 'alpha')).toHaveLength(1);
  });

  it('refuses beta naming alpha\'s cluster: a conflict in the plan (exit 2) and a ConflictError at up (exit 1)', { timeout: 180_000 }, async () => {
    const file = writeSpec(h, betaOnAlphasCluster, 'beta-cluster.yaml');
    const plan = await h.cli(['plan', '-f', file, '-o', 'json']);
    expect(plan.code).toBe(2);
    const items = (JSON.parse(plan.stdout) as PlanJson).items;
    expect(items.find((i) => i.resource === 'cluster alpha-member')).toMatchObject({ action: 'conflict', reason: expect.stringContaining('created by kfed for federation alpha; give this cluster another name') as unknown });

    const up = await h.cli(['up', '-f', file, '--wait']);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/GKE cluster projects\/local\/locations\/us-east1-b\/clusters\/alpha-member belongs to kfed federation alpha, not beta \(ConflictError; hint: give this cluster another name\)/);
    expect(up.stderr).not.toMatch(/^ {4}at /m);
    // Never created a second time, never relabelled.
    expect(okCalls(h, 'CreateCluster', 'alpha-member')).toHaveLength(1);
    expect(clusterLabels(h, 'alpha-member')?.['kfed-federation']).toBe('alpha');
  });

  it('kfed down beta (either spec) deletes beta\'s own resources and leaves every one of alpha\'s in place', { timeout: 240_000 }, async () => {
    const before = await federationView(h, alpha);
    // The spec of beta's last run: it names alpha's member cluster.
    const down = await h.cli(['down', 'beta', '--wait']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/federation beta torn down: clusters beta-host (deleted|absent), alpha-member kept; zone (deleted|absent)/);
    // And with the spec that named alpha's zone.
    const again = await h.cli(['down', 'beta', '-f', writeSpec(h, betaOnAlphasZone, 'beta-zone.yaml'), '--wait']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('federation beta torn down: clusters beta-host absent; zone kept');

    expect(await federationView(h, alpha)).toEqual(before);
    expect(clusterStatuses(h)).toEqual(['alpha-host: RUNNING', 'alpha-member: RUNNING']);
    expect(zoneNames(h)).toEqual(['alpha']);
    // Not one delete reached alpha's resources.
    expect(okCalls(h, 'DeleteCluster', 'alpha-')).toEqual([]);
    expect(okCalls(h, 'managedZones.delete', 'managedZones/alpha')).toEqual([]);
    // The member that beta borrowed keeps no trace of beta.
    const member = kubeOf(h, 'alpha-member');
    expect((await objectNames(member, viewKinds.serviceAccount, planeNamespace)).filter((s) => s.endsWith('-beta'))).toEqual([]);
    expect(await kubeDnsFederations(member)).toBe('alpha=alpha.example.com');
  });

  it('kfed down alpha still tears alpha down completely afterwards', { timeout: 180_000 }, async () => {
    const down = await h.cli(['down', 'alpha', '--wait']);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('federation alpha torn down: clusters alpha-host deleted, alpha-member deleted; zone deleted');
    expect(clusterStatuses(h)).toEqual([]);
    expect(zoneNames(h)).toEqual([]);
  });
});
