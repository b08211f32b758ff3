/**
 * What a run leaves behind, and the cleanup after each run: a teardown of its federation, then
 * an inventory of everything that still exists in the environment (nothing, when all is well).
 */
import type { FederationSpec } from '../src/spec/types.js';
import type { Lab } from './lab.js';
import type { Log } from './log.js';

export interface Leftovers {
  readonly clusters: readonly string[];
  readonly zones: readonly string[];
  /** kwok clusters in the emulator's work directory. */
  readonly backing: readonly string[];
}

/** Leftovers count: everything that still exists. */
export function leftoverCount(l: Leftovers): number {
  return l.clusters.length + l.zones.length + l.backing.length;
}

export function describeLeftovers(l: Leftovers): string {
  const parts = [
    l.clusters.length ? `clusters ${l.clusters.join(',')}` : '',
    l.zones.length ? `zones ${l.zones.join(',')}` : '',
    l.backing.length ? `kwok ${l.backing.join(',')}` : '',
  ].filter(Boolean);
  return parts.join('; ') || 'none';
}

export interface CleanupReport {
  /** The teardown run completed. */
  readonly ok: boolean;
  /** How much is left in the whole environment. */
  readonly left: number;
  /** What is left (and why the teardown did not complete, when it did not). */
  readonly what: string;
}

/**
 * Tears the spec's federation down (with the emulator's faults cleared first: a fault meant for
 * the run must not fail its cleanup) and reports what is left in the environment.
 */
export async function tearDown(lab: Lab, spec: FederationSpec): Promise<CleanupReport> {
  lab.h.emulator.faults.clear();
  const down = await lab.teardown(spec);
  const inv = lab.inventory();
  const ok = down.status === 'completed';
  return { ok, left: leftoverCount(inv), what: ok ? describeLeftovers(inv) : `teardown ${down.status}: ${down.error ?? ''}; ${describeLeftovers(inv)}` };
}

/** {@link tearDown}, logging what is left when the teardown did not leave the environment empty. */
export async function cleanUp(lab: Lab, spec: FederationSpec, log: Log): Promise<void> {
  const down = await tearDown(lab, spec);
  if (!down.ok || down.left > 0) log(`  teardown of ${spec.name}: ${down.what}`);
}
