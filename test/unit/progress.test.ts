import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../src/spec/parse.js';
import { readFileSync } from 'node:fs';
import {
  conditions,
  failStep,
  finishRun,
  finishStep,
  newProgress,
  renderDetails,
  startStep,
  stepTimings,
  updateCluster,
} from '../../src/workflows/progress.js';

const spec = parseSpec(readFileSync(new URL('../../examples/federation.yaml', import.meta.url), 'utf8'));

describe('progress model', () => {
  it('lists the federate steps in the order they run, per cluster where it applies', () => {
    const p = newProgress(spec, 'federate', 0);
    expect(p.steps.map((s) => s.id)).toEqual([
      'zone',
      'cluster:west-cluster',
      'cluster:east-cluster',
      'plane',
      'join:west-cluster',
      'join:east-cluster',
      'reconcile',
      'dns:west-cluster',
      'dns:east-cluster',
      'verify:west-cluster',
      'verify:east-cluster',
      'canary',
      'service-dns',
    ]);
    expect(p.steps.find((s) => s.id === 'cluster:west-cluster')?.title).toBe('create cluster west-cluster in us-west1-a');
    expect(p.steps.every((s) => s.state === 'Pending')).toBe(true);
  });

  it('lists teardown steps: zone records check, service DNS stop, release federated objects and unjoin, plane removal (kept hosts), delete clusters, delete zone', () => {
    expect(newProgress(spec, 'teardown', 0).steps.map((s) => s.id)).toEqual([
      'zone-records',
      'service-dns',
      'release',
      'unjoin:west-cluster',
      'unjoin:east-cluster',
      'plane',
      'delete:west-cluster',
      'delete:east-cluster',
      'delete-zone',
    ]);
  });

  it('derives conditions and a Ready summary from step states', () => {
    const p = newProgress(spec, 'federate', 0);
    expect(conditions(p)[0]).toMatchObject({ type: 'Ready', status: 'Unknown', reason: 'InProgress' });
    startStep(p, 'zone', 10);
    expect(conditions(p).find((c) => c.type === 'ZoneReady')).toMatchObject({ status: 'Unknown', reason: 'InProgress' });
    finishStep(p, 'zone', 30, 'created');
    expect(conditions(p).find((c) => c.type === 'ZoneReady')).toMatchObject({ status: 'True', reason: 'Succeeded' });
    startStep(p, 'cluster:west-cluster', 10);
    failStep(p, 'cluster:west-cluster', 50, 'quota exceeded');
    const clusters = conditions(p).find((c) => c.type === 'ClustersProvisioned');
    expect(clusters).toMatchObject({ status: 'False', reason: 'Failed', message: 'create cluster west-cluster in us-west1-a: quota exceeded' });
    expect(conditions(p)[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'Failed' });
  });

  it('is Ready when every step succeeded', () => {
    const p = newProgress(spec, 'federate', 0);
    for (const s of p.steps) {
      startStep(p, s.id, 1);
      finishStep(p, s.id, 5);
    }
    finishRun(p, 'Succeeded', 6);
    expect(conditions(p)[0]).toEqual({ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'federate complete' });
    expect(stepTimings(p).zone).toBe(4);
  });

  it('skips unreached steps with the reason when a run fails', () => {
    const p = newProgress(spec, 'federate', 0);
    startStep(p, 'zone', 1);
    failStep(p, 'zone', 2, 'permission denied');
    finishRun(p, 'Failed', 3);
    expect(p.phase).toBe('Failed');
    const plane = p.steps.find((s) => s.id === 'plane');
    expect(plane).toMatchObject({ state: 'Skipped', message: 'not reached: run failed' });
    expect(stepTimings(p)).toEqual({});
  });

  it('never reports a cancelled run Ready, even when its steps were skipped rather than failed', () => {
    const p = newProgress(spec, 'federate', 0);
    startStep(p, 'zone', 1);
    finishStep(p, 'zone', 2);
    finishRun(p, 'Cancelled', 3);
    const all = conditions(p);
    expect(all[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'Cancelled' });
    expect(all.find((c) => c.type === 'ZoneReady')?.status).toBe('True');
    expect(all.find((c) => c.type === 'PlaneReady')).toMatchObject({ status: 'False', reason: 'Cancelled', message: '0/1 done; run cancelled' });
  });

  it('renders a Markdown table with elapsed times for the Temporal UI', () => {
    const p = newProgress(spec, 'federate', 0);
    startStep(p, 'zone', 1000);
    finishStep(p, 'zone', 3500, 'created infra.mycompany.com.');
    startStep(p, 'cluster:west-cluster', 1000);
    updateCluster(p, 'west-cluster', { status: 'PROVISIONING' });
    const md = renderDetails(p, 13_000);
    expect(md).toContain('| ensure DNS zone kfed (infra.mycompany.com.) | Succeeded | 2.5s | created infra.mycompany.com. |');
    expect(md).toContain('| create cluster west-cluster in us-west1-a | Running | 12s |  |');
    expect(md).toContain('| west-cluster | west-coast | us-west1-a | PROVISIONING |');
  });

  it('rejects unknown step and cluster ids (a programming error)', () => {
    const p = newProgress(spec, 'federate', 0);
    expect(() => { startStep(p, 'nope', 0); }).toThrow(/unknown step/);
    expect(() => { updateCluster(p, 'nope', { status: 'x' }); }).toThrow(/unknown cluster/);
  });
});
