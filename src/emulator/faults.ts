import { z } from 'zod';
import { defaultFaultMessage, EmulatorError, errorCodes } from './codes.js';
import type { EmulatedApi } from './call-log.js';

/**
 * One fault rule. A call matches when api, method and resource match; then, in order: the
 * rule's latency is added, and the call fails when `failNext` is positive (it counts down) or
 * the seeded random draw falls under `errorRate`.
 */
export const faultRuleSchema = z.object({
  /** Only this API; omitted = both. */
  api: z.enum(['dns', 'gke']).optional(),
  /** Method name (`CreateCluster`, `managedZones.create`, ...) or `*`. */
  method: z.string().min(1),
  /** Only calls whose resource contains this text (e.g. a cluster or zone name). */
  resource: z.string().optional(),
  /** Probability (0..1) that a matching call fails with `code`. */
  errorRate: z.number().min(0).max(1).optional(),
  /** Fail the next N matching calls with `code` (a quota burst is this with RESOURCE_EXHAUSTED). */
  failNext: z.number().int().min(0).optional(),
  /** Error for `errorRate`/`failNext`. @default UNAVAILABLE */
  code: z.enum(errorCodes).optional(),
  /** Error message; a realistic default per code otherwise. */
  message: z.string().optional(),
  /** Milliseconds added to every matching call. */
  latencyMs: z.number().int().min(0).optional(),
  /**
   * CreateCluster only: the cluster operation ends in ERROR with this message (the cluster's
   * status becomes ERROR), as GKE does when provisioning fails. No backing cluster is made.
   */
  operationError: z.string().optional(),
});

export const faultConfigSchema = z.object({
  /** Seed of the random draws, so two runs with the same calls fail the same ones. @default 1 */
  seed: z.number().int().optional(),
  rules: z.array(faultRuleSchema),
});

export type FaultRule = z.infer<typeof faultRuleSchema>;
export type FaultConfig = z.infer<typeof faultConfigSchema>;

/** What the injector decided for one call. */
export interface FaultDecision {
  readonly latencyMs: number;
  readonly error?: EmulatorError;
}

/** A quota burst: the next `calls` matching calls fail with RESOURCE_EXHAUSTED (HTTP 429). */
export function quotaBurst(calls: number, filter: { readonly api?: EmulatedApi; readonly method?: string } = {}): FaultRule {
  return { ...filter, method: filter.method ?? '*', failNext: calls, code: 'RESOURCE_EXHAUSTED' };
}

/** mulberry32: tiny, seedable, good enough for fault draws (and the fault suite's kill moments). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface LiveRule {
  rule: FaultRule;
  remaining: number;
  draw: () => number;
}

/**
 * Applies a {@link FaultConfig}. Each rule draws from its own seeded generator, so adding a
 * rule does not change which calls another rule fails.
 */
export class FaultInjector {
  private config: FaultConfig = { rules: [] };
  private live: LiveRule[] = [];

  constructor(config?: FaultConfig) {
    if (config) this.set(config);
  }

  /** Replaces every rule (validated). */
  set(config: FaultConfig): void {
    const parsed = faultConfigSchema.parse(config);
    const seed = parsed.seed ?? 1;
    this.config = parsed;
    this.live = parsed.rules.map((rule, i) => ({ rule, remaining: rule.failNext ?? 0, draw: seededRandom(seed + i * 7919) }));
  }

  /** Adds one rule to the current set. */
  add(rule: FaultRule): void {
    this.set({ ...this.config, rules: [...this.current().rules, rule] });
  }

  clear(): void {
    this.set({ rules: [] });
  }

  /** The current rules, with `failNext` showing how many failures remain. */
  current(): FaultConfig {
    const rules = this.live.map(({ rule, remaining }) => (rule.failNext === undefined ? rule : { ...rule, failNext: remaining }));
    return this.config.seed === undefined ? { rules } : { seed: this.config.seed, rules };
  }

  decide(api: EmulatedApi, method: string, resource: string): FaultDecision {
    let latencyMs = 0;
    let error: EmulatorError | undefined;
    for (const live of this.live) {
      if (!matches(live.rule, api, method, resource)) continue;
      latencyMs += live.rule.latencyMs ?? 0;
      if (error) continue;
      let fail = false;
      if (live.remaining > 0) {
        live.remaining--;
        fail = true;
      } else if (live.rule.errorRate !== undefined && live.rule.errorRate > 0) {
        fail = live.draw() < live.rule.errorRate;
      }
      if (fail) {
        const code = live.rule.code ?? 'UNAVAILABLE';
        error = new EmulatorError(code, live.rule.message ?? defaultFaultMessage(code, method, resource));
      }
    }
    return error ? { latencyMs, error } : { latencyMs };
  }

  /** The ERROR message a new cluster's operation must end with, if a rule asks for one. */
  operationError(resource: string): string | undefined {
    return this.live.find((l) => l.rule.operationError !== undefined && matches(l.rule, 'gke', 'CreateCluster', resource))?.rule.operationError;
  }
}

function matches(rule: FaultRule, api: EmulatedApi, method: string, resource: string): boolean {
  if (rule.api && rule.api !== api) return false;
  if (rule.method !== '*' && rule.method !== method) return false;
  return !rule.resource || resource.includes(rule.resource);
}
