import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOutcome } from '../../src/client/runs.js';
import { workflowIds, type TeardownSummary } from '../../src/contract.js';
import { waitFor } from '../../src/local/wait.js';
import { startHarness, stopHarness, type Harness } from '../support/harness.js';
import { clusterStatuses, okCalls, zoneNames } from '../support/cloud-view.js';
import { federationView, writeSpec, type FederationDoc } from '../support/federation-docs.js';

const steady: FederationDoc = {
  name: 'steady',
  onFailure: 'teardown',
  clusters: [
    { name: 'steady-host', location: 'us-west1-a' },
    { name: 'steady-member', location: 'us-east1-b' },
  ],
};

/** A location with a typo: GKE refuses it (a permanent fault the emulator injects for it). */
const typoLocation = 'us-wset1-a';

/**
 * `onFailure: teardown` on a re-run of a healthy federation: a failed or cancelled run may only
 * clean up what that run created (the clusters labelled with its run id), never what earlier
 * runs built.
 */
describe('onFailure: teardown on a re-run cleans up only what that re-run created', () => {
  let h: Harness;
  let healthy: Record<string, unknown>;

  /** The result of the cleanup the failed run started as its child. */
  const cleanup = () => h.client.workflow.getHandle(workflowIds.teardown(steady.name)).result() as Promise<TeardownSummary>;

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
  });

  afterAll(async () => {
    await stopHarness(h);
  });

  it('builds the healthy federation', { timeout: 240_000 }, async () => {
    const up = await h.cli(['up', '-f', writeSpec(h, steady), '--wait']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    healthy = await federationView(h, steady);
    expect(healthy).toMatchObject({ zone: ['steady'], joins: ['steady-host: True', 'steady-member: True'] });
  });

  it('a re-run with a typo in dns.domain fails and deletes nothing', { timeout: 180_000 }, async () => {
    const from = h.emulator.calls().length;
    const up = await h.cli(['up', '-f', writeSpec(h, { ...steady, domain: 'steady.exmaple.com.' }, 'typo-domain.yaml'), '--wait']);
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/already exists with DNS name steady\.example\.com\., but the spec asks for steady\.exmaple\.com\. \(ConflictError/);
    expect(await cleanup()).toEqual({ federation: 'steady', clusters: { 'steady-host': 'kept', 'steady-member': 'kept' }, zone: 'kept' });
    expect(okCalls(h, 'DeleteCluster', undefined, from)).toEqual([]);
    expect(okCalls(h, 'managedZones.delete', undefined, from)).toEqual([]);
    expect(await federationView(h, steady)).toEqual(healthy);
  });

  it('a re-run adding a cluster, and one GKE refuses, fails and deletes just those two', { timeout: 240_000 }, async () => {
    h.emulator.faults.set({ rules: [{ api: 'gke', method: 'CreateCluster', resource: `locations/${typoLocation}/`, operationError: `Location "${typoLocation}" does not exist or is not available to the project.` }] });
    const grown: FederationDoc = {
      ...steady,
      clusters: [...steady.clusters, { name: 'steady-extra', location: 'europe-west1-b' }, { name: 'steady-typo', location: typoLocation }],
    };
    const up = await h.cli(['up', '-f', writeSpec(h, grown, 'grown.yaml'), '--wait']);
    h.emulator.faults.clear();
    expect(up.code).toBe(1);
    expect(up.stderr).toContain(`Location "${typoLocation}" does not exist`);
    expect(await cleanup()).toEqual({
      federation: 'steady',
      clusters: { 'steady-host': 'kept', 'steady-member': 'kept', 'steady-extra': 'deleted', 'steady-typo': 'deleted' },
      zone: 'kept',
    });
    expect(okCalls(h, 'DeleteCluster').map((c) => c.resource.split('/').pop()).sort()).toEqual(['steady-extra', 'steady-typo']);
    expect(clusterStatuses(h)).toEqual(['steady-host: RUNNING', 'steady-member: RUNNING']);
    expect(await federationView(h, steady)).toEqual(healthy);
  });

  it('kfed cancel during a re-run deletes only the cluster that re-run was creating', { timeout: 240_000 }, async () => {
    const from = h.emulator.calls().length;
    const grown: FederationDoc = { ...steady, clusters: [...steady.clusters, { name: 'steady-late', location: 'asia-east1-a' }] };
    const started = await h.cli(['up', '-f', writeSpec(h, grown, 'late.yaml')]);
    expect(started.code).toBe(0);
    // Cancel once the re-run made its cluster, while it provisions.
    await waitFor('the re-run to create steady-late', () => Promise.resolve(okCalls(h, 'CreateCluster', 'steady-late', from).length > 0), { timeoutMs: 60_000, intervalMs: 100 });
    const cancel = await h.cli(['cancel', 'steady']);
    expect(cancel.stderr).toBe('');
    expect(cancel.code).toBe(0);
    const outcome = await runOutcome(h.client.workflow.getHandle(workflowIds.federation('steady')));
    expect(outcome.status).toBe('CANCELLED');
    expect(await cleanup()).toEqual({ federation: 'steady', clusters: { 'steady-host': 'kept', 'steady-member': 'kept', 'steady-late': 'deleted' }, zone: 'kept' });
    expect(okCalls(h, 'DeleteCluster', undefined, from).map((c) => c.resource.split('/').pop())).toEqual(['steady-late']);
    expect(clusterStatuses(h)).toEqual(['steady-host: RUNNING', 'steady-member: RUNNING']);
    expect(zoneNames(h)).toEqual(['steady']);
    expect(await federationView(h, steady)).toEqual(healthy);
  });
});
