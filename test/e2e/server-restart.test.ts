import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/local/wait.js';
import { workflowIds } from '../../src/contract.js';
import { parseSpec } from '../../src/spec/parse.js';
import type { federate } from '../../src/workflows/federate.js';
import { startHarness, stopHarness, projectRoot, type Harness } from '../support/harness.js';

const spec = parseSpec(readFileSync(join(projectRoot, 'examples', 'federation.yaml'), 'utf8'));

describe('durability: the Temporal server restarts mid-run', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ provisioningDelayMs: 4000 });
    await h.startWorker();
  });

  afterAll(async () => {
    await stopHarness(h);
  });

  it('completes the federation after a stop and restart with the same database', async () => {
    const handle = await h.client.workflow.start<typeof federate>('federate', {
      taskQueue: h.taskQueue,
      workflowId: workflowIds.federation(spec.name),
      args: [spec],
    });
    await waitFor('clusters to be provisioning', () => Promise.resolve(h.emulator.calls().some((c) => c.method === 'CreateCluster')), {
      timeoutMs: 60_000,
      intervalMs: 50,
    });
    const pid = h.temporal.pid;
    await h.temporal.restart();
    expect(h.temporal.pid).not.toBe(pid);

    // The worker reconnects by itself; a fresh client reads the result after the restart.
    const connection = await Connection.connect({ address: h.temporal.address });
    try {
      const client = new Client({ connection, namespace: h.temporal.namespace });
      const summary = await client.workflow.getHandle<typeof federate>(handle.workflowId).result();
      expect(summary.clusters.map((c) => c.endpoint)).toEqual([expect.stringMatching(/^https:\/\//), expect.stringMatching(/^https:\/\//)]);
      const description = await client.workflow.getHandle(handle.workflowId).describe();
      expect(description.status.name).toBe('COMPLETED');
    } finally {
      await connection.close();
    }
    expect(h.emulator.calls().filter((c) => c.method === 'CreateCluster' && c.result === 'ok' && !c.replayed)).toHaveLength(2);
  });
});
