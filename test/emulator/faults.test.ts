import { describe, expect, it } from 'vitest';
import { FaultInjector, quotaBurst } from '../../src/emulator/faults.js';

/** Which of `n` calls fail under the injector. */
function failures(injector: FaultInjector, n: number, method = 'GetCluster'): number[] {
  const failed: number[] = [];
  for (let i = 0; i < n; i++) if (injector.decide('gke', method, 'projects/p/locations/l/clusters/c').error) failed.push(i);
  return failed;
}

describe('FaultInjector', () => {
  it('fails the same calls for the same seed, and other calls for another seed', () => {
    const rule = { method: 'GetCluster', errorRate: 0.3 };
    const a = failures(new FaultInjector({ seed: 42, rules: [rule] }), 200);
    const b = failures(new FaultInjector({ seed: 42, rules: [rule] }), 200);
    const c = failures(new FaultInjector({ seed: 7, rules: [rule] }), 200);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    // Roughly the configured rate.
    expect(a.length).toBeGreaterThan(35);
    expect(a.length).toBeLessThan(85);
  });

  it('counts failNext down and shows what remains', () => {
    const injector = new FaultInjector({ rules: [{ method: 'CreateCluster', failNext: 2, code: 'INTERNAL', message: 'boom' }] });
    const first = injector.decide('gke', 'CreateCluster', 'x');
    expect(first.error?.code).toBe('INTERNAL');
    expect(first.error?.message).toBe('boom');
    expect(injector.current().rules[0]?.failNext).toBe(1);
    expect(injector.decide('gke', 'CreateCluster', 'x').error).toBeDefined();
    expect(injector.decide('gke', 'CreateCluster', 'x').error).toBeUndefined();
    expect(injector.current().rules[0]?.failNext).toBe(0);
  });

  it('matches on api, method and resource, and adds latency of every matching rule', () => {
    const injector = new FaultInjector({
      rules: [
        { api: 'dns', method: '*', latencyMs: 5 },
        { method: 'managedZones.create', resource: 'zone-b', failNext: 1, latencyMs: 7 },
      ],
    });
    expect(injector.decide('gke', 'GetCluster', 'c')).toEqual({ latencyMs: 0 });
    expect(injector.decide('dns', 'managedZones.create', 'projects/p/managedZones/zone-a')).toEqual({ latencyMs: 5 });
    const hit = injector.decide('dns', 'managedZones.create', 'projects/p/managedZones/zone-b');
    expect(hit.latencyMs).toBe(12);
    expect(hit.error?.code).toBe('UNAVAILABLE');
  });

  it('bursts quota errors on every method', () => {
    const injector = new FaultInjector({ rules: [quotaBurst(3)] });
    const codes = ['GetCluster', 'managedZones.get', 'CreateCluster', 'GetCluster'].map((m) => injector.decide(m.includes('.') ? 'dns' : 'gke', m, 'r').error?.code);
    expect(codes).toEqual(['RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED', undefined]);
  });

  it('names the ERROR message for a matching cluster operation only', () => {
    const injector = new FaultInjector({ rules: [{ method: 'CreateCluster', resource: 'clusters/west', operationError: 'no quota' }] });
    expect(injector.operationError('projects/p/locations/l/clusters/west')).toBe('no quota');
    expect(injector.operationError('projects/p/locations/l/clusters/east')).toBeUndefined();
    expect(injector.decide('gke', 'CreateCluster', 'projects/p/locations/l/clusters/west').error).toBeUndefined();
  });

  it('rejects an invalid configuration', () => {
    expect(() => new FaultInjector({ rules: [{ method: 'x', errorRate: 2 }] })).toThrow();
    expect(() => new FaultInjector({ rules: [{ method: 'x', code: 'NOPE' as 'INTERNAL' }] })).toThrow();
  });
});
