import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setServiceDnsFigures } from '../../bench/groups/p9-service-dns.js';
import { measureServiceDns } from '../../bench/lib/measure-service-dns.js';
import type { Figure } from '../../suite/figures.js';
import { Lab } from '../../suite/lab.js';
import { quiet } from '../../suite/log.js';
import { profiles } from '../../suite/profiles.js';
import { shapeProblems, machine } from '../../suite/report.js';
import { federationSpec } from '../../suite/specs.js';

describe('the service-DNS benchmark (P9), reduced, on the real substrate', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await Lab.start(profiles.quick);
  });

  afterAll(async () => {
    await lab.stop();
  });

  it('measures address → answer and counts no Cloud DNS change in passes where nothing changed', { timeout: 420_000 }, async () => {
    const m = await measureServiceDns(lab, federationSpec('q-p9', { clusters: 1 }), quiet, { samples: 2, idlePasses: 3 });
    expect(m.reason).toBeUndefined();
    console.log(`[p9] address → answer ${m.samplesMs.join(', ')} ms; idle: ${JSON.stringify(m.idle)}`);
    expect(m.intervalSeconds).toBe(2);
    expect(m.samplesMs).toHaveLength(2);
    // Sanity, not speed: an answer never comes before the address, nor after many passes.
    expect(m.samplesMs.every((ms) => ms > 0 && ms < 30_000)).toBe(true);
    expect(m.idle?.passes).toBeGreaterThanOrEqual(3);
    expect(m.idle?.changeCalls).toBe(0);
    // Each pass reads the zone once (the window may cut one read short).
    expect(m.idle?.listCalls).toBeGreaterThanOrEqual((m.idle?.passes ?? 0) - 1);

    const figures: Record<string, Figure> = {};
    setServiceDnsFigures(figures, m, 1);
    expect(shapeProblems({ date: new Date().toISOString(), machine: machine(), figures })).toEqual([]);
    expect(figures.P9).toMatchObject({ unit: 's', goal: '<= 4', runs: 2 });
    expect(figures.P9?.value).toBeGreaterThan(0);
    expect(figures.P9_idle_changes).toMatchObject({ unit: 'calls', goal: '== 0', value: 0 });
    // The federation is torn down after the measurement: nothing is left behind.
    const left = lab.inventory();
    expect([left.clusters, left.zones]).toEqual([[], []]);
  });
});
