import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/local/wait.js';
import { startHarness, stopHarness, projectRoot, type Harness } from '../support/harness.js';
import { recordHistories } from '../support/histories.js';

const exampleFile = join(projectRoot, 'examples', 'federation.yaml');

describe('scheduled rebuilds', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker();
  });

  afterAll(async () => {
    await stopHarness(h);
  });

  it('creates a schedule, triggers a rebuild that completes, and deletes the schedule', { timeout: 360_000 }, async () => {
    const bad = await h.cli(['schedule', 'create', 'kfed', '-f', exampleFile, '--every', 'nightly']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--every "nightly" is not a duration');

    const created = await h.cli(['schedule', 'create', 'kfed', '-f', exampleFile, '--every', '12h']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const listed = JSON.parse((await h.cli(['schedule', 'list', '-o', 'json'])).stdout) as { id: string; paused: boolean }[];
    expect(listed.map((s) => s.id)).toEqual(['kfed/kfed/rebuild']);

    expect((await h.cli(['schedule', 'trigger', 'kfed'])).code).toBe(0);
    let rebuildRunId = '';
    await waitFor(
      'the scheduled rebuild to complete',
      async () => {
        for await (const run of h.client.workflow.list({ query: "WorkflowType = 'rebuild'" })) {
          if (run.status.name === 'FAILED') throw new Error(`rebuild ${run.workflowId} failed`);
          if (run.status.name === 'COMPLETED') {
            rebuildRunId = run.runId;
            return true;
          }
        }
        return false;
      },
      { timeoutMs: 300_000, intervalMs: 500 },
    );
    expect(rebuildRunId).not.toBe('');
    // The rebuild federated through the usual workflow id, so status sees it.
    const status = JSON.parse((await h.cli(['status', 'kfed', '-o', 'json'])).stdout) as { status: string; progress: { clusters: { status: string }[] } };
    expect(status.status).toBe('COMPLETED');
    expect(status.progress.clusters.map((c) => c.status)).toEqual(['Ready', 'Ready']);

    expect((await h.cli(['schedule', 'delete', 'kfed'])).code).toBe(0);
    expect(JSON.parse((await h.cli(['schedule', 'list', '-o', 'json'])).stdout)).toEqual([]);
    const missing = await h.cli(['schedule', 'trigger', 'kfed']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no schedule for federation kfed');
    await recordHistories(h.client, 'schedule');
  });
});
