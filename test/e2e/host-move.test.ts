import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanItem } from '../../src/providers/types.js';
import { startHarness, stopHarness, type Harness } from '../support/harness.js';
import { kubeDnsFederations, kubeFedClusters, kubeOf, objectNames, okCalls, planeNamespace, viewKinds } from '../support/cloud-view.js';
import { writeSpec, type FederationDoc } from '../support/federation-docs.js';

const before: FederationDoc = {
  name: 'move',
  clusters: [
    { name: 'move-west', location: 'us-west1-a' },
    { name: 'move-east', location: 'us-east1-b' },
  ],
};

/** The same clusters, the host moved to the other one. */
const after: FederationDoc = { ...before, host: 'move-east' };

/**
 * A changed host: the new host gets the plane and every join; the former host's plane — its
 * Deployment, KubeFedConfig, KubeFedClusters and the members' tokens it held — is removed, while
 * the former host stays a member.
 */
describe('moving the host: the former host keeps no plane and no member tokens, the new host\'s joins are Ready', () => {
  let h: Harness;

  /** What of a plane a cluster holds. */
  async function planeOn(cluster: string): Promise<Record<string, unknown>> {
    const kube = kubeOf(h, cluster);
    return {
      controller: await objectNames(kube, viewKinds.deployment, planeNamespace),
      config: await objectNames(kube, viewKinds.kubeFedConfig, planeNamespace),
      joins: await kubeFedClusters(kube),
      tokens: (await objectNames(kube, viewKinds.secret, planeNamespace)).filter((s) => s.endsWith('-credentials')),
    };
  }

  beforeAll(async () => {
    // Every cluster gets a kube-scheduler: the substrate leaves it out of clusters created as
    // members (their role label), and the plane moves onto one here. On GKE every cluster
    // schedules pods; without this, the new host's controller pods would stay Pending.
    h = await startHarness({ unscheduledLabel: undefined });
    await h.startWorker();
  });

  afterAll(async () => {
    await stopHarness(h);
  });

  it('federates two clusters with the plane on move-west', { timeout: 240_000 }, async () => {
    const up = await h.cli(['up', '-f', writeSpec(h, before), '--wait']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    expect(await planeOn('move-west')).toEqual({
      controller: ['kubefed-controller-manager'],
      config: ['kubefed'],
      joins: ['move-east: True', 'move-west: True'],
      tokens: ['move-east-credentials', 'move-west-credentials'],
    });
  });

  it('plans the move: the plane on move-east to create, the former host\'s plane to delete', { timeout: 120_000 }, async () => {
    const plan = await h.cli(['plan', '-f', writeSpec(h, after, 'moved.yaml'), '-o', 'json']);
    expect(plan.code).toBe(0);
    const items = Object.fromEntries((JSON.parse(plan.stdout) as { items: PlanItem[] }).items.map((i) => [i.resource, i]));
    expect(items['plane on move-east']?.action).toBe('create');
    expect(items['plane on move-west']).toEqual({ resource: 'plane on move-west', action: 'delete', reason: 'former host of move: its 2 join(s) and its plane are removed (the host is now move-east)' });
  });

  it('kfed up moves it: move-west holds no plane and no tokens, move-east\'s joins are Ready, both stay members', { timeout: 240_000 }, async () => {
    const up = await h.cli(['up', '-f', writeSpec(h, after, 'moved.yaml'), '--wait', '-o', 'json']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const outcome = JSON.parse(up.stdout) as { status: string; progress: { steps: { id: string; message?: string }[] } };
    expect(outcome.status).toBe('COMPLETED');
    expect(outcome.progress.steps.find((s) => s.id === 'reconcile')?.message).toBe('removed the former host\'s plane from move-west');

    expect(await planeOn('move-west')).toEqual({ controller: [], config: [], joins: [], tokens: [] });
    // The plane's CRDs went with it (no other plane used them).
    expect((await objectNames(kubeOf(h, 'move-west'), viewKinds.crd)).filter((c) => c.endsWith('.kubefed.io'))).toEqual([]);
    // KubeFed on the new host reports both members Ready (verify waited for it, and the canary propagated).
    expect(await planeOn('move-east')).toEqual({
      controller: ['kubefed-controller-manager'],
      config: ['kubefed'],
      joins: ['move-east: True', 'move-west: True'],
      tokens: ['move-east-credentials', 'move-west-credentials'],
    });
    for (const step of ['verify:move-west', 'verify:move-east']) {
      expect(outcome.progress.steps.find((s) => s.id === step)?.message).toMatch(/KubeFed Ready after/);
    }
    // move-west is still a member: its account for the plane and its kube-dns entry stay.
    const west = kubeOf(h, 'move-west');
    expect((await objectNames(west, viewKinds.serviceAccount, planeNamespace)).filter((s) => s !== 'default')).toEqual(['move-west-move']);
    expect(await kubeDnsFederations(west)).toBe('move=move.example.com');
    expect(okCalls(h, 'CreateCluster')).toHaveLength(2);
    expect(okCalls(h, 'DeleteCluster')).toEqual([]);
  });
});
