/**
 * The fault schedule of the transient-error scenario: 20% UNAVAILABLE on every emulator method
 * all along, and every `everyMs` a 429 burst: the next `calls` calls of any method fail with
 * RESOURCE_EXHAUSTED, for at most `windowMs` (quota is a rate over time: a burst left open would
 * starve a caller that backs off). Each change of the rules uses a new seed, so the 20% draws do
 * not repeat.
 */
import { quotaBurst } from '../src/emulator/index.js';
import type { Lab } from '../suite/lab.js';

export class FaultSchedule {
  private readonly timers = new Set<NodeJS.Timeout>();
  private k = 0;
  private stopped = false;

  constructor(
    private readonly lab: Lab,
    private readonly seed: number,
    private readonly burst = { calls: 5, everyMs: 8000, windowMs: 2000 },
  ) {}

  private set(withBurst: boolean): void {
    if (this.stopped) return;
    this.k++;
    const rules = [{ method: '*', errorRate: 0.2, code: 'UNAVAILABLE' as const }, ...(withBurst ? [quotaBurst(this.burst.calls)] : [])];
    this.lab.h.emulator.faults.set({ seed: this.seed * 1000 + this.k, rules });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private startBurst(): void {
    this.set(true);
    this.later(this.burst.windowMs, () => {
      this.set(false);
    });
    this.later(this.burst.everyMs, () => {
      this.startBurst();
    });
  }

  start(): void {
    this.startBurst();
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.lab.h.emulator.faults.clear();
  }
}
