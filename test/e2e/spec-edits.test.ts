import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanItem } from '../../src/providers/types.js';
import { startHarness, stopHarness, type Harness } from '../support/harness.js';
import { clusterStatuses, emulatorState, kubeDnsFederations, kubeFedClusters, kubeOf, objectNames, okCalls, planeNamespace, viewKinds } from '../support/cloud-view.js';
import { writeSpec, type FederationDoc } from '../support/federation-docs.js';

const three: FederationDoc = {
  name: 'edit',
  clusters: [
    { name: 'edit-host', location: 'us-west1-a' },
    { name: 'edit-east', location: 'us-east1-b' },
    { name: 'edit-gone', location: 'europe-west1-b' },
  ],
};

/** The spec without edit-gone: the member the user removed. */
const two: FederationDoc = { ...three, clusters: three.clusters.slice(0, 2) };

interface UpJson {
  status: string;
  progress: { steps: { id: string; state: string; message?: string }[] };
}

interface PlanJson {
  items: PlanItem[];
  conflicts: number;
}

/** Runs `kfed up --wait -o json` (and extra flags) and returns the outcome with every step's note. */
async function up(h: Harness, file: string, ...flags: string[]): Promise<{ status: string; notes: Record<string, string> }> {
  const result = await h.cli(['up', '-f', file, '--wait', '-o', 'json', ...flags]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const outcome = JSON.parse(result.stdout) as UpJson;
  return { status: outcome.status, notes: Object.fromEntries(outcome.progress.steps.map((s) => [s.id, s.message ?? ''])) };
}

/** `kfed plan` (and extra flags) as JSON: every item by its resource. */
async function plan(h: Harness, file: string, ...flags: string[]): Promise<Record<string, PlanItem>> {
  const json = await h.cli(['plan', '-f', file, '-o', 'json', ...flags]);
  expect(json.code).toBe(0);
  return Object.fromEntries((JSON.parse(json.stdout) as PlanJson).items.map((i) => [i.resource, i]));
}

/**
 * Spec edits converge: a member the spec no longer names is unjoined on both sides, a cluster
 * kfed made that the spec dropped is kept unless `--prune` says to delete it, and what GKE
 * cannot change in place is said, in the plan and in the run.
 */
describe('spec edits: removed members are unjoined, dropped clusters pruned only when asked, sizes reported', () => {
  let h: Harness;
  let twoFile: string;

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    twoFile = writeSpec(h, two, 'two.yaml');
  });

  afterAll(async () => {
    await stopHarness(h);
  });

  it('federates three clusters', { timeout: 300_000 }, async () => {
    expect((await up(h, writeSpec(h, three, 'three.yaml'))).status).toBe('COMPLETED');
    expect(await kubeFedClusters(kubeOf(h, 'edit-host'))).toEqual(['edit-east: True', 'edit-gone: True', 'edit-host: True']);
  });

  it('plans the removed member as unjoin, and its cluster as kept (kfed up --prune deletes it)', { timeout: 120_000 }, async () => {
    const items = await plan(h, twoFile);
    expect(items['join edit-gone']).toMatchObject({ action: 'unjoin', reason: expect.stringContaining('the spec no longer names edit-gone') as unknown });
    expect(items['cluster edit-gone']).toMatchObject({ action: 'unchanged', reason: expect.stringContaining('kept (kfed up --prune deletes it), its joins are removed') as unknown });
    expect(items['join edit-east']?.action).toBe('unchanged');
    // As people read it: the mark, the action, the resource; the totals count it.
    const text = await h.cli(['plan', '-f', twoFile]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^-\s+unjoin\s+join edit-gone\s+the spec no longer names edit-gone/m);
    expect(text.stdout).toContain('1 to unjoin, 0 to delete, 0 in conflict');
  });

  it('kfed up unjoins the removed member: no KubeFedCluster, token Secret or member account left; the cluster stays', { timeout: 180_000 }, async () => {
    const { notes } = await up(h, twoFile);
    expect(notes.reconcile).toBe('unjoined edit-gone; kept cluster edit-gone (europe-west1-b): not in the spec; kfed up --prune deletes it');
    const host = kubeOf(h, 'edit-host');
    expect(await kubeFedClusters(host)).toEqual(['edit-east: True', 'edit-host: True']);
    expect((await objectNames(host, viewKinds.secret, planeNamespace)).filter((s) => s.endsWith('-credentials'))).toEqual(['edit-east-credentials', 'edit-host-credentials']);
    const gone = kubeOf(h, 'edit-gone');
    expect((await objectNames(gone, viewKinds.serviceAccount, planeNamespace)).filter((s) => s !== 'default')).toEqual([]);
    expect((await objectNames(gone, viewKinds.secret, planeNamespace)).filter((s) => s.startsWith('edit-gone-'))).toEqual([]);
    expect(await kubeDnsFederations(gone)).not.toContain('edit=');
    // Kept without --prune.
    expect(clusterStatuses(h)).toEqual(['edit-east: RUNNING', 'edit-gone: RUNNING', 'edit-host: RUNNING']);
    expect(okCalls(h, 'DeleteCluster')).toEqual([]);
  });

  it('kfed plan --prune shows the dropped cluster as delete; kfed up --prune deletes it', { timeout: 180_000 }, async () => {
    const planned = await plan(h, twoFile, '--prune');
    expect(planned['cluster edit-gone']).toMatchObject({ action: 'delete', reason: expect.stringContaining('the spec no longer names it (--prune)') as unknown });
    const { notes } = await up(h, twoFile, '--prune');
    expect(notes.reconcile).toBe('deleted cluster edit-gone (europe-west1-b): not in the spec');
    expect(clusterStatuses(h)).toEqual(['edit-east: RUNNING', 'edit-host: RUNNING']);
    expect(okCalls(h, 'DeleteCluster').map((c) => c.resource)).toEqual(['projects/local/locations/europe-west1-b/clusters/edit-gone']);
  });

  it('a changed machine type and node count show as update in the plan, and the run says it did not change them', { timeout: 180_000 }, async () => {
    const resized = writeSpec(h, { ...two, clusters: [two.clusters[0] ?? { name: '', location: '' }, { name: 'edit-east', location: 'us-east1-b', nodes: 3, machineType: 'e2-standard-8' }] }, 'resized.yaml');
    const item = (await plan(h, resized))['cluster edit-east'];
    expect(item?.action).toBe('update');
    expect(item?.reason).toContain("machine type e2-standard-2, the spec asks e2-standard-8: GKE cannot change an existing node pool's machine type, so kfed leaves it");
    expect(item?.reason).toContain('1 node(s), the spec asks 3: kfed does not resize clusters in place');

    const { notes } = await up(h, resized);
    expect(notes['cluster:edit-east']).toMatch(/^adopted, RUNNING at https:\/\/127\.0\.0\.1:\d+; not changed in place: machine type e2-standard-2, the spec asks e2-standard-8: GKE cannot change/);
    expect(notes['cluster:edit-east']).toContain('1 node(s), the spec asks 3');
    // Nothing was recreated or resized behind the user's back.
    const east = Object.values(emulatorState(h).clusters).find((c) => c.name === 'edit-east');
    expect(east?.pools).toEqual([{ name: 'default-pool', nodes: 1, machineType: 'e2-standard-2' }]);
    expect(okCalls(h, 'CreateCluster', 'edit-east')).toHaveLength(1);
  });
});
