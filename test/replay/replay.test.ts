import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../../src/local/workflow-bundle.js';
import { projectRoot } from '../support/harness.js';

const dir = join(projectRoot, 'test', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

/**
 * Replays the workflow histories recorded by the end-to-end tests (KFED_RECORD_HISTORIES=1)
 * against today's workflow code: a change that makes old runs take a different path fails
 * here, not in production on a resumed run.
 */
describe('replay of recorded workflow histories', () => {
  let bundle: WorkflowBundle;

  beforeAll(async () => {
    // Bundled afresh (not the hash-named cache): replay judges exactly the code on disk now.
    bundle = { code: await bundleWorkflows() };
  });

  it('has histories of every workflow type, including the failure and existing-cluster paths', () => {
    const types = new Set(files.map((f) => f.replace(/^[a-z0-9]+-/, '').replace(/-\d+\.json$/, '')));
    expect([...types].sort()).toEqual(['federate', 'health', 'plan', 'provisionCluster', 'rebuild', 'rotateCredentials', 'serviceDns', 'teardown']);
    expect(files.some((f) => f.startsWith('failure-federate'))).toBe(true);
    expect(files.some((f) => f.startsWith('existing-teardown'))).toBe(true);
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>);
    expect(history.events.length).toBeGreaterThan(5);
    await Worker.runReplayHistory({ workflowBundle: bundle, replayName: file }, history);
  });
});
