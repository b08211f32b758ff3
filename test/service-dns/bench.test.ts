import { describe, expect, it } from 'vitest';
import { benchServiceDns } from '../../bench/service-dns.js';

describe('service DNS benchmark (quick)', () => {
  it('measures P9 and counts no Cloud DNS change in passes where nothing changed', async () => {
    const result = await benchServiceDns({ samples: 2, idlePasses: 3 });
    expect(result.intervalSeconds).toBe(2);
    expect(result.p9.samplesMs).toHaveLength(2);
    expect(result.p9.samplesMs.every((ms) => ms > 0 && ms < 30_000)).toBe(true);
    expect(result.p9.goalMs).toBe(4000);
    // Nothing changed in those passes: each read the zone once and changed nothing.
    expect(result.idle.passes).toBeGreaterThanOrEqual(3);
    expect(result.idle.changeCalls).toBe(0);
    expect(result.idle.listCalls).toBeGreaterThanOrEqual(result.idle.passes - 1);
  }, 600_000);
});
