import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleDnsProvider, GoogleGkeProvider, StaticTokenSource, parseGkeEndpoint } from '../../src/providers/gcp/index.js';
import { startHarness, stopHarness, projectRoot, type Harness } from '../support/harness.js';
import { recordHistories } from '../support/histories.js';
import type { teardown as teardownWorkflow } from '../../src/workflows/teardown.js';
import { workflowIds } from '../../src/contract.js';

describe('a permanent error fails the run fast, and onFailure: teardown cleans up', () => {
  let h: Harness;
  let specFile: string;

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
    const doc = parse(readFileSync(join(projectRoot, 'examples', 'federation.yaml'), 'utf8')) as { spec: Record<string, unknown> };
    doc.spec.onFailure = 'teardown';
    specFile = join(h.dir, 'teardown-on-failure.yaml');
    writeFileSync(specFile, stringify(doc));
  });

  afterAll(async () => {
    await stopHarness(h);
  });

  it('stops at PERMISSION_DENIED without retrying, names the fix, and leaves nothing behind', async () => {
    h.emulator.faults.set({
      rules: [{ api: 'gke', method: 'CreateCluster', resource: 'east-cluster', failNext: 1000, code: 'PERMISSION_DENIED' }],
    });
    const started = Date.now();
    const up = await h.cli(['up', '-f', specFile, '--wait']);
    const seconds = (Date.now() - started) / 1000;
    expect(up.code).toBe(1);
    expect(up.stderr).toMatch(/kfed\/kfed failed: .*east-cluster/);
    expect(up.stderr).toMatch(/container\.admin|permission/i);
    // The failure's type and hint reach the edge, said once each.
    expect(up.stderr).toMatch(/\(PermissionError; hint: grant roles\/container\.admin[^)]*\)\s*$/m);
    expect(up.stderr).not.toMatch(/^ {4}at /m);
    // Non-retryable: one attempt, not a retry loop until the timeout.
    expect(h.emulator.calls().filter((c) => c.method === 'CreateCluster' && c.resource.includes('east-cluster'))).toHaveLength(1);
    expect(seconds).toBeLessThan(60);
    // Fail fast: west-cluster, still provisioning when east failed, was cancelled rather than
    // waited for (its create had been made, so the teardown below still deletes it).
    const west = await h.client.workflow.getHandle(workflowIds.cluster('kfed', 'west-cluster')).describe();
    expect(west.status.name).toBe('CANCELLED');

    // The teardown child removed what the failed run had made (west-cluster and the zone).
    const teardown = await h.client.workflow.getHandle<typeof teardownWorkflow>(workflowIds.teardown('kfed')).result();
    expect(teardown).toMatchObject({ clusters: { 'west-cluster': 'deleted', 'east-cluster': 'absent' }, zone: 'deleted' });
    const tokens = new StaticTokenSource(h.emulator.accessToken);
    const gke = new GoogleGkeProvider({ tokens, endpoint: parseGkeEndpoint(h.emulator.gkeEndpoint) });
    try {
      expect(await gke.getCluster('local', 'us-west1-a', 'west-cluster')).toBeUndefined();
    } finally {
      await gke.close();
    }
    expect(await new GoogleDnsProvider({ tokens, baseUrl: h.emulator.dnsEndpoint }).getZone('local', 'kfed')).toBeUndefined();

    const status = JSON.parse((await h.cli(['status', 'kfed', '-o', 'json'])).stdout) as {
      status: string;
      failure?: { message: string; type?: string; hint?: string };
      conditions: { type: string; status: string; message: string }[];
    };
    expect(status.status).toBe('FAILED');
    expect(status.failure).toMatchObject({ type: 'PermissionError', hint: expect.stringContaining('roles/container.admin') as unknown });
    expect(status.failure?.message).toContain('east-cluster');
    const table = await h.cli(['status', 'kfed']);
    expect(table.stdout).toMatch(/^failed: .*east-cluster.*\(PermissionError; hint: grant roles\/container\.admin/m);
    expect(status.conditions.find((c) => c.type === 'ClustersProvisioned')).toMatchObject({ status: 'False' });
    await recordHistories(h.client, 'failure');
  });
});
