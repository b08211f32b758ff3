/**
 * Measurements want an idle machine: before each group of a full run, wait (bounded) until the
 * 1-minute load average drops below the core count, and record the load in the figures' notes.
 */
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Log } from './log.js';
import type { Figure } from './results.js';

/**
 * How long a group waits for an idle machine: `KFED_BENCH_IDLE_WAIT_S` seconds (default 600;
 * 0 starts at once, e.g. when the benchmarks and the fault suite share the machine on purpose).
 */
function defaultMaxWaitMs(): number {
  const s = Number(process.env.KFED_BENCH_IDLE_WAIT_S ?? '600');
  return Number.isFinite(s) && s >= 0 ? s * 1000 : 600_000;
}

/** Waits up to `maxWaitMs` for load < cores; returns the load average when it starts. */
export async function waitForIdle(log: Log, maxWaitMs = defaultMaxWaitMs()): Promise<number> {
  const cores = cpus().length;
  const deadline = Date.now() + maxWaitMs;
  let announced = false;
  for (;;) {
    const load = loadavg()[0] ?? 0;
    if (load < cores || Date.now() >= deadline) return Math.round(load * 10) / 10;
    if (!announced) log(`waiting for the machine to settle (1-min load ${load.toFixed(1)} on ${cores} cores)…`);
    announced = true;
    await sleep(10_000);
  }
}

/** The figures with the load note appended (the ones produced by the group that just ran). */
export function withLoadNote(figures: Record<string, Figure>, ids: readonly string[], loadAtStart: number, loadAtEnd: number): void {
  for (const id of ids) {
    const f = figures[id];
    if (f) figures[id] = { ...f, note: `${f.note} [1-min load average ${loadAtStart} at start, ${loadAtEnd} at end, on ${cpus().length} cores; other work shared the machine]` };
  }
}
