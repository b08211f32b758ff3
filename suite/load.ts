/**
 * Measurements want an idle machine: before each group of a full run, wait (bounded) until the
 * 1-minute load average drops below the core count, and record the load in the figures' notes.
 */
import { cpus, loadavg } from 'node:os';
import { waitFor, WaitTimeoutError } from '../src/local/wait.js';
import type { Figure } from './figures.js';
import { round } from './figures.js';
import type { Log } from './log.js';

/**
 * How long a group waits for an idle machine: `KFED_BENCH_IDLE_WAIT_S` seconds (default 600;
 * 0 starts at once, e.g. when the benchmarks and the fault suite share the machine on purpose).
 */
function defaultMaxWaitMs(): number {
  const s = Number(process.env.KFED_BENCH_IDLE_WAIT_S ?? '600');
  return Number.isFinite(s) && s >= 0 ? s * 1000 : 600_000;
}

/** The 1-minute load average, to a tenth. */
export function loadNow(): number {
  return round(loadavg()[0] ?? 0, 1);
}

/** Waits up to `maxWaitMs` for load < cores; returns the load average when it starts. */
export async function waitForIdle(log: Log, maxWaitMs = defaultMaxWaitMs()): Promise<number> {
  const cores = cpus().length;
  const idle = (): boolean => (loadavg()[0] ?? 0) < cores;
  if (!idle() && maxWaitMs > 0) {
    log(`waiting for the machine to settle (1-min load ${loadNow()} on ${cores} cores)…`);
    try {
      await waitFor('an idle machine', () => Promise.resolve(idle()), { timeoutMs: maxWaitMs, intervalMs: 10_000 });
    } catch (err) {
      // Still busy after the wait: measure anyway; the note records the load.
      if (!(err instanceof WaitTimeoutError)) throw err;
    }
  }
  return loadNow();
}

/** The figures with the load note appended (the ones produced by the group that just ran). */
export function withLoadNote(figures: Record<string, Figure>, ids: readonly string[], loadAtStart: number, loadAtEnd: number): void {
  for (const id of ids) {
    const f = figures[id];
    if (f) figures[id] = { ...f, note: `${f.note} [1-min load average ${loadAtStart} at start, ${loadAtEnd} at end, on ${cpus().length} cores; other work shared the machine]` };
  }
}
