/**
 * The fault suite of issue #7 (R1–R8) on the real substrate: SIGKILLed workers, a killed
 * Temporal server, transient and quota errors on every emulator method, permanent errors at
 * each step, concurrent `kfed up`, teardown after failures, and a credential scan of every
 * history. Each scenario returns figures; none asserts.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { stringify } from 'yaml';
import { quotaBurst, seededRandom } from '../src/emulator/index.js';
import { progressQuery, workflowIds } from '../src/contract.js';
import { specToDocument } from '../src/spec/parse.js';
import type { FederationSpec } from '../src/spec/types.js';
import { readRunTree, allActivities, pollingActivities, type RunHistory } from '../bench/lib/history.js';
import { describeLeftovers, describeProfile, Lab, leftoverCount, type Profile } from '../bench/lib/lab.js';
import { secs, type Log } from '../bench/lib/log.js';
import { figure, notMeasured, titlesOf, type Figure, type FigureDef, type Goal } from '../bench/lib/results.js';
import { mergeScans, readScanFile, totalScan, type SecretsScan } from '../bench/lib/scan-file.js';
import { federationSpec } from '../bench/lib/specs.js';
import { waitForIdle, withLoadNote } from '../bench/lib/idle.js';
import { duplicateCreates, orphans } from './lib/checks.js';
import { armStep, failureSteps, stepFaults, type FailureStep } from './lib/steps.js';

export interface ChaosOptions {
  readonly quick: boolean;
  /** Scenarios to run (R1, R2, R3, R4, R6, R7, R8). @default all */
  readonly only?: ReadonlySet<string>;
  readonly log: Log;
  /** bench/secrets-scan.json, for R6 across both suites. */
  readonly benchScanFile?: string;
  /**
   * chaos/secrets-scan.json: this suite's scans per scenario, merged run after run, so that
   * `--only R6` can report both suites once the benchmarks have finished too.
   */
  readonly scanFile?: string;
}

export const chaosFigures: Readonly<Record<string, FigureDef>> = {
  R1_completed: { title: 'runs completed with a SIGKILL of the worker at a random moment + restart (of 20)', unit: 'runs', goal: '== 20' },
  R1_duplicate_creates: { title: 'duplicate creates over those runs', unit: 'creates', goal: '== 0' },
  R1_orphans: { title: 'resources left that no spec owns, over those runs', unit: 'resources', goal: '== 0' },
  R2_completed: { title: 'runs completed with the Temporal server killed and restarted mid-run (of 3)', unit: 'runs', goal: '== 3' },
  R3_completed: { title: 'runs completed under 20% transient errors + 429 bursts on every emulator method (of 5)', unit: 'runs', goal: '== 5' },
  R4_seconds_to_failed: { title: 'permanent error at each step: seconds from the error to a failed run', unit: 's', goal: '<= 10' },
  R4_leftovers: { title: 'leftovers after those failed runs with onFailure: teardown', unit: 'resources', goal: '== 0' },
  R6_credentials_found: { title: 'credential material in all workflow histories of both suites', unit: 'finds', goal: '== 0' },
  R7_runs_started: { title: 'runs started by two concurrent `kfed up` of one federation', unit: 'runs', goal: '== 1' },
  R8_leftovers: { title: 'leftovers of `kfed down` after a failure injected at each step', unit: 'resources', goal: '== 0' },
};

export const chaosTitles: Readonly<Record<string, string>> = titlesOf(chaosFigures);

function goalOf(id: string, trials?: number): { unit: string; goal: Goal } {
  const f = chaosFigures[id];
  if (!f) throw new Error(`unknown figure ${id}`);
  // "All runs completed" goals count the trials; quick mode runs fewer.
  return trials === undefined ? f : { unit: f.unit, goal: `== ${trials}` };
}

/** `fast`: GKE creates of 3 s (kwok creation, ~6 s each and serialized, usually dominates). `quick`: npm test. */
export const chaosProfiles = {
  fast: { name: 'fast', provisioningDelayMs: 3000, deletionDelayMs: 500 },
  quick: { name: 'quick', provisioningDelayMs: 1500, deletionDelayMs: 300 },
} as const satisfies Record<string, Profile>;

export interface ChaosContext {
  readonly options: ChaosOptions;
  readonly figures: Record<string, Figure>;
  /** The scan of the scenario running now. */
  scan: SecretsScan;
  /** A shared environment (quick mode); scenarios start their own otherwise. */
  shared?: Lab;
}

async function inLab<T>(ctx: ChaosContext, fn: (lab: Lab) => Promise<T>): Promise<T> {
  if (ctx.shared) return fn(ctx.shared);
  const lab = await Lab.start(chaosProfiles.fast);
  try {
    return await fn(lab);
  } finally {
    await scanInto(ctx, lab);
    await lab.stop();
  }
}

async function scanInto(ctx: ChaosContext, lab: Lab): Promise<void> {
  try {
    const s = await lab.scanHistories();
    ctx.scan.histories += s.histories;
    ctx.scan.tokens += s.tokens;
    ctx.scan.found.push(...s.found.map(([id, what]) => `${id}: ${what}`));
  } catch (err) {
    ctx.options.log(`secrets scan failed: ${String(err)}`);
  }
}

/** Teardown of a spec, then what is left in the whole environment. */
async function tearDown(lab: Lab, spec: FederationSpec): Promise<{ ok: boolean; left: number; what: string }> {
  lab.h.emulator.faults.clear();
  const down = await lab.teardown(spec);
  const inv = lab.inventory();
  return { ok: down.status === 'completed', left: leftoverCount(inv), what: down.status === 'completed' ? describeLeftovers(inv) : `teardown ${down.status}: ${down.error ?? ''}; ${describeLeftovers(inv)}` };
}

/** The step(s) running at the moment (progress query), for the notes. */
async function runningSteps(handle: WorkflowHandleWithFirstExecutionRunId): Promise<string> {
  try {
    const p = await handle.query(progressQuery);
    const running = p.steps.filter((s) => s.state === 'Running').map((s) => s.id.split(':')[0] ?? s.id);
    return [...new Set(running)].join('+') || (p.phase === 'Running' ? 'between steps' : p.phase.toLowerCase());
  } catch {
    return 'unknown';
  }
}

// ---- R1 --------------------------------------------------------------------------------------

/** R1: SIGKILL the worker at a random moment of a run, restart it at once; repeated. */
export async function chaosWorkerKills(ctx: ChaosContext): Promise<void> {
  const { quick, log } = ctx.options;
  const runs = quick ? 1 : 20;
  const clusters = quick ? 1 : 2;
  const draw = seededRandom(20261126);
  await inLab(ctx, async (lab) => {
    log(`R1: ${runs} run(s) of ${clusters} cluster(s), SIGKILL at a random moment + new worker; ${describeProfile(lab.profile)}`);
    // A run without faults first: its length bounds the random kill moments.
    let typicalMs = 10_000;
    if (!quick) {
      const base = federationSpec('r1-base', { clusters });
      const out = await lab.federate(base);
      typicalMs = out.endedAt - out.startedAt;
      log(`  baseline run: ${out.status} in ${secs(typicalMs)}`);
      await lab.collectJoinTokens(base);
      await tearDown(lab, base);
    }
    let completed = 0;
    let duplicates = 0;
    let orphanCount = 0;
    const notes: string[] = [];
    const phases = new Map<string, number>();
    const lost: string[] = [];
    // A run lost to the substrate (a kwok cluster lost a process; see Lab.outcome) is replaced, at most 3 times.
    for (let i = 1, trials = 0; trials < runs && i <= runs + 3; i++) {
      const spec = federationSpec(`r1-${String(i).padStart(2, '0')}`, { clusters });
      const from = lab.calls().length;
      const killAfter = Math.round(300 + draw() * (typicalMs * 0.95 - 300));
      const startedAt = Date.now();
      const handle = await lab.startFederate(spec);
      await sleep(Math.max(0, killAfter - (Date.now() - startedAt)));
      const phase = await runningSteps(handle);
      await lab.killWorker();
      await lab.startWorker();
      const out = await lab.outcome(handle, startedAt, 900_000);
      if (out.status === 'lost') {
        const down = await tearDown(lab, spec);
        lost.push(`run ${i} (kill at ${secs(killAfter)}, ${phase}): ${out.error ?? ''}${down.left ? `; left ${down.what}` : ''}`);
        log(`  run ${i}: lost to the substrate: ${out.error ?? ''}; replaced`);
        continue;
      }
      trials++;
      phases.set(phase, (phases.get(phase) ?? 0) + 1);
      const sick = out.status === 'completed' ? [] : lab.unhealthyBacking();
      const dup = duplicateCreates(lab.callsSince(from));
      const orphaned = out.status === 'completed' ? await orphans(lab, spec) : [];
      if (out.status === 'completed') {
        completed++;
        await lab.collectJoinTokens(spec);
      }
      const down = await tearDown(lab, spec);
      duplicates += dup.count;
      orphanCount += orphaned.length + down.left;
      const line = `run ${i}: kill at ${secs(killAfter)} (${phase}) → ${out.status} in ${secs(out.endedAt - out.startedAt)}${out.error ? ` (${out.error})` : ''}${sick.length ? ` [substrate: ${sick.join('; ')}]` : ''}${dup.count ? `; duplicates ${dup.what.join(', ')}` : ''}${orphaned.length ? `; orphans ${orphaned.join(', ')}` : ''}${down.left || !down.ok ? `; after teardown: ${down.what}` : ''}`;
      log(`  ${line}`);
      if (out.status !== 'completed' || dup.count || orphaned.length || down.left) notes.push(line);
    }
    const where = [...phases].map(([p, n]) => `${n}× ${p}`).join(', ');
    const profile = `${clusters}-cluster runs, ${lab.profile.name} profile, kill moments uniform in [0.3 s, 0.95 × ${secs(typicalMs)}] (seeded), killed during: ${where}`;
    ctx.figures.R1_completed = figure({
      samples: [completed],
      ...goalOf('R1_completed', runs),
      runs,
      note: `${profile}.${notes.length ? ` Problems: ${notes.join(' | ')}.` : ''}${lost.length ? ` Lost to the substrate and replaced: ${lost.join(' | ')}.` : ''}`,
    });
    ctx.figures.R1_duplicate_creates = figure({ samples: [duplicates], ...goalOf('R1_duplicate_creates'), runs, note: 'successful, non-replayed CreateCluster / managedZones.create beyond the first per resource (emulator call log).' });
    ctx.figures.R1_orphans = figure({
      samples: [orphanCount],
      ...goalOf('R1_orphans'),
      runs,
      note: 'after each completed run: GKE clusters, zones, kwok clusters not in its spec and host KubeFedClusters / join Secrets of unknown members; plus anything left after its teardown.',
    });
  });
}

// ---- R2 --------------------------------------------------------------------------------------

/** Polls a run's status through a fresh connection (the old one may have broken with the server). */
async function waitClosed(address: string, namespace: string, workflowId: string, runId: string, timeoutMs: number, broken: () => boolean): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2000 });
      const client = new Client({ connection, namespace });
      for (;;) {
        const d = await client.workflow.getHandle(workflowId, runId).describe();
        if (d.status.name !== 'RUNNING') return d.status.name;
        if (Date.now() > deadline) return 'TIMEOUT';
        if (broken()) return 'LOST';
        await sleep(500);
      }
    } catch {
      if (Date.now() > deadline) return 'TIMEOUT';
      await sleep(1000);
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
}

/** R2: the Temporal server SIGKILLed at a random moment of a run and started again on its database. */
export async function chaosServerKills(ctx: ChaosContext): Promise<void> {
  const { quick, log } = ctx.options;
  const runs = quick ? 1 : 3;
  const clusters = quick ? 1 : 2;
  const draw = seededRandom(7);
  const run = async (lab: Lab): Promise<void> => {
    log(`R2: ${runs} run(s), Temporal server SIGKILLed mid-run and restarted; ${describeProfile(lab.profile)}`);
    let completed = 0;
    const notes: string[] = [];
    for (let i = 1, trials = 0; trials < runs && i <= runs + 3; i++) {
      const spec = federationSpec(`r2-${i}`, { clusters });
      const startedAt = Date.now();
      const handle = await lab.startFederate(spec);
      const killAfter = Math.round(1000 + draw() * (quick ? 3000 : 12_000));
      await sleep(killAfter);
      const phase = await runningSteps(handle);
      await lab.h.temporal.kill();
      await sleep(2000);
      await lab.h.temporal.start();
      let strikes = 0;
      // ~10 s of a RUNNING kwok cluster missing a process: the substrate broke (see Lab.outcome).
      const broken = (): boolean => {
        strikes = lab.unhealthyBacking(true).length > 0 ? strikes + 1 : 0;
        return strikes > 20;
      };
      const status = await waitClosed(lab.h.temporal.address, lab.h.temporal.namespace, handle.workflowId, handle.firstExecutionRunId, 900_000, broken);
      const endedAt = Date.now();
      // A run given up on must not go on working behind the next one.
      if (status === 'TIMEOUT' || status === 'LOST') await lab.client.workflow.getHandle(handle.workflowId).terminate(`fault suite gave up: ${status}`).catch(() => undefined);
      const sick = status === 'COMPLETED' ? [] : lab.unhealthyBacking();
      const workerAlive = lab.worker?.child.exitCode === null && lab.worker.child.signalCode === null;
      if (!workerAlive) await lab.startWorker();
      if (status === 'LOST') {
        await tearDown(lab, spec);
        notes.push(`run ${i}: lost to the substrate (${sick.join('; ')}), replaced`);
        log(`  run ${i}: lost to the substrate, replaced`);
        continue;
      }
      trials++;
      if (status === 'COMPLETED') {
        completed++;
        await lab.collectJoinTokens(spec);
      }
      const dup = duplicateCreates(lab.calls().filter((c) => Date.parse(c.time) >= startedAt));
      const down = await tearDown(lab, spec);
      const line = `run ${i}: server killed at ${secs(killAfter)} (${phase}), back after 2 s → ${status} in ${secs(endedAt - startedAt)}${sick.length ? ` [substrate: ${sick.join('; ')}]` : ''}${workerAlive ? '' : '; the worker had exited and was restarted'}${dup.count ? `; duplicates ${dup.what.join(', ')}` : ''}${down.left ? `; left ${down.what}` : ''}`;
      log(`  ${line}`);
      notes.push(line);
    }
    ctx.figures.R2_completed = figure({ samples: [completed], ...goalOf('R2_completed', runs), runs, note: `${clusters}-cluster runs; the same worker process throughout unless noted. ${notes.join(' | ')}` });
  };
  // Its own environment (inLab): a killed server must not disturb the other scenarios' histories.
  await inLab(ctx, run);
}

// ---- R3 --------------------------------------------------------------------------------------

function retriesOf(runs: readonly RunHistory[]): { activityRetries: number; polls: number } {
  let activityRetries = 0;
  let polls = 0;
  for (const a of allActivities(runs)) {
    if (pollingActivities.has(a.type)) polls += a.attempt - 1;
    else activityRetries += a.attempt - 1;
  }
  return { activityRetries, polls };
}

/**
 * Faults of R3: 20% UNAVAILABLE on every method all along, and every `everyMs` a 429 burst: the
 * next `calls` calls of any method fail with RESOURCE_EXHAUSTED, for at most `windowMs` (quota is
 * a rate over time: a burst left open would starve a caller that backs off). Each change of the
 * rules uses a new seed, so the 20% draws do not repeat.
 */
class FaultSchedule {
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

/** R3: 20% UNAVAILABLE on every emulator method plus 429 bursts. */
export async function chaosTransientErrors(ctx: ChaosContext): Promise<void> {
  const { quick, log } = ctx.options;
  const runs = quick ? 1 : 5;
  const clusters = quick ? 1 : 2;
  await inLab(ctx, async (lab) => {
    log(`R3: ${runs} run(s) of ${clusters} cluster(s) under 20% UNAVAILABLE + 429 bursts; ${describeProfile(lab.profile)}`);
    let completed = 0;
    const lines: string[] = [];
    let injected = 0;
    let quota = 0;
    let retries = 0;
    const lost: string[] = [];
    for (let i = 1, trials = 0; trials < runs && i <= runs + 3; i++) {
      const spec = federationSpec(`r3-${i}`, { clusters });
      const from = lab.calls().length;
      const schedule = new FaultSchedule(lab, i);
      schedule.start();
      let out;
      try {
        out = await lab.federate(spec, 900_000);
      } finally {
        schedule.stop();
      }
      if (out.status === 'lost') {
        await tearDown(lab, spec);
        lost.push(`run ${i}: ${out.error ?? ''}`);
        log(`  run ${i}: lost to the substrate: ${out.error ?? ''}; replaced`);
        continue;
      }
      trials++;
      const calls = lab.callsSince(from);
      const inj = calls.filter((c) => c.injected);
      const q = inj.filter((c) => c.result === 'RESOURCE_EXHAUSTED').length;
      const tree = await readRunTree(lab.client, out.workflowId, out.runId);
      const r = retriesOf(tree);
      const dup = duplicateCreates(calls);
      const sick = out.status === 'completed' ? [] : lab.unhealthyBacking();
      if (out.status === 'completed') {
        completed++;
        await lab.collectJoinTokens(spec);
      }
      injected += inj.length;
      quota += q;
      retries += r.activityRetries;
      const down = await tearDown(lab, spec);
      const line = `run ${i}: ${out.status} in ${secs(out.endedAt - out.startedAt)}; ${calls.length} calls, ${inj.length} failed by injection (${q} RESOURCE_EXHAUSTED); ${r.activityRetries} activity retries, ${r.polls} polls${dup.count ? `; duplicates ${dup.what.join(', ')}` : ''}${down.left ? `; left ${down.what}` : ''}${out.error ? `; ${out.error}` : ''}${sick.length ? ` [substrate: ${sick.join('; ')}]` : ''}`;
      log(`  ${line}`);
      lines.push(line);
    }
    ctx.figures.R3_completed = figure({
      samples: [completed],
      ...goalOf('R3_completed', runs),
      runs,
      note: `${clusters}-cluster runs; every emulator method (GKE + Cloud DNS) fails 20% of calls with UNAVAILABLE (seeded), and every 8 s (from the start) the next 5 calls of any method within 2 s fail with RESOURCE_EXHAUSTED (429); faults cleared for teardown. In all: ${injected} injected failures (${quota} quota), ${retries} activity retries. ${lines.join(' | ')}${lost.length ? ` | Lost to the substrate and replaced: ${lost.join(' | ')}` : ''}`,
    });
  });
}

// ---- R4 / R8 ---------------------------------------------------------------------------------

interface StepRun {
  readonly step: FailureStep;
  readonly status: string;
  /** Fault → failed run, seconds. */
  readonly secondsToFailed?: number;
  readonly leftovers: number;
  readonly line: string;
}

/** The first permanent activity failure of a run tree (time and type). */
function firstPermanentFailure(tree: readonly RunHistory[]): { at: number; type: string } | undefined {
  const failures = allActivities(tree)
    .filter((a) => a.outcome === 'failed' && a.failure?.nonRetryable && a.closedAt !== undefined)
    .sort((a, b) => (a.closedAt ?? 0) - (b.closedAt ?? 0));
  const f = failures[0];
  return f?.closedAt !== undefined ? { at: f.closedAt, type: f.failure?.type ?? '' } : undefined;
}

/** One run with a permanent error at `step`. R4: onFailure teardown; R8: keep, then `kfed down`. */
async function failAtStep(lab: Lab, step: FailureStep, mode: 'R4' | 'R8', clusters: number): Promise<StepRun> {
  const spec = federationSpec(`${mode.toLowerCase()}-${step}`, { clusters, onFailure: mode === 'R4' ? 'teardown' : 'keep' });
  const fault = armStep(lab, spec, step);
  let out;
  try {
    out = await lab.federate(spec, 900_000);
  } finally {
    fault.disarm();
  }
  const armed = await fault.done;
  const tree = (await readRunTree(lab.client, out.workflowId, out.runId)).filter((r) => r.type !== 'teardown');
  const root = tree[0];
  const failure = firstPermanentFailure(tree);
  // R4: the run has failed when it starts its teardown child; R8: when it closes as failed.
  const teardownStart = root?.children.find((c) => c.type === 'teardown')?.initiatedAt;
  const failedAt = mode === 'R4' ? teardownStart : root?.status === 'failed' ? root.closedAt : undefined;
  const secondsToFailed = failure && failedAt !== undefined ? (failedAt - failure.at) / 1000 : undefined;
  let leftovers: number;
  let what: string;
  let downNote = '';
  if (mode === 'R4' && out.status === 'completed') {
    // The fault did not make the run fail: its federation is not a failed run's leftover.
    leftovers = 0;
    what = 'nothing counted (the run completed; torn down below)';
  } else if (mode === 'R4') {
    const inv = lab.inventory();
    leftovers = leftoverCount(inv);
    what = describeLeftovers(inv);
  } else {
    const down = await lab.h.cli(['down', spec.name, '--wait']);
    const inv = lab.inventory();
    leftovers = leftoverCount(inv);
    what = describeLeftovers(inv);
    downNote = down.code === 0 ? '' : `; kfed down exited ${down.code}: ${(down.stderr || down.stdout).trim().split('\n').slice(-2).join(' ')}`;
  }
  // Whatever the scenario left, the next one starts clean.
  if (leftovers > 0 || out.status === 'completed') await tearDown(lab, spec);
  const line = `${step} (${stepFaults[step]}${armed ? '' : ', NOT ARMED in time'}): ${out.status}${failure ? ` on ${failure.type}` : ''}${secondsToFailed !== undefined ? `, failed ${secondsToFailed.toFixed(1)} s after the error` : ''}; left ${what}${downNote}`;
  return { step, status: out.status, ...(secondsToFailed !== undefined ? { secondsToFailed } : {}), leftovers, line };
}

/** R4: a permanent error at each step with onFailure: teardown. */
export async function chaosPermanentErrors(ctx: ChaosContext): Promise<void> {
  const { quick, log } = ctx.options;
  const steps: readonly FailureStep[] = quick ? ['create'] : failureSteps;
  const clusters = quick ? 1 : 2;
  await inLab(ctx, async (lab) => {
    log(`R4: a permanent error at each of ${steps.length} step(s), onFailure: teardown; ${describeProfile(lab.profile)}`);
    const results: StepRun[] = [];
    for (const step of steps) {
      const r = await failAtStep(lab, step, 'R4', clusters);
      log(`  ${r.line}`);
      results.push(r);
    }
    const timed = results.flatMap((r) => (r.secondsToFailed === undefined ? [] : [r.secondsToFailed]));
    const unfailed = results.filter((r) => r.secondsToFailed === undefined).map((r) => r.step);
    ctx.figures.R4_seconds_to_failed = figure({
      samples: timed,
      ...goalOf('R4_seconds_to_failed'),
      runs: results.length,
      note: `${clusters}-cluster runs, ${lab.profile.name} profile; from the ActivityTaskFailed (non-retryable) event to the run deciding it failed (StartChildWorkflowExecutionInitiated of its teardown). Value = median over steps; worst ${timed.length ? Math.max(...timed).toFixed(1) : '—'} s.${unfailed.length ? ` No timing (run did not fail as expected): ${unfailed.join(', ')}.` : ''} ${results.map((r) => r.line).join(' | ')}`,
    });
    ctx.figures.R4_leftovers = figure({
      samples: [results.reduce((s, r) => s + r.leftovers, 0)],
      ...goalOf('R4_leftovers'),
      runs: results.length,
      note: 'GKE clusters, zones and kwok clusters left once each failed run (with its teardown child) closed, summed over the steps.',
    });
  });
}

/** R8: a failure injected at each step with onFailure: keep, then `kfed down NAME --wait`. */
export async function chaosTeardownAfterFailure(ctx: ChaosContext): Promise<void> {
  const { quick, log } = ctx.options;
  const steps: readonly FailureStep[] = quick ? ['create'] : failureSteps;
  const clusters = quick ? 1 : 2;
  await inLab(ctx, async (lab) => {
    log(`R8: a failure at each of ${steps.length} step(s), onFailure: keep, then kfed down; ${describeProfile(lab.profile)}`);
    const results: StepRun[] = [];
    for (const step of steps) {
      const r = await failAtStep(lab, step, 'R8', clusters);
      log(`  ${r.line}`);
      results.push(r);
    }
    ctx.figures.R8_leftovers = figure({
      samples: [results.reduce((s, r) => s + r.leftovers, 0)],
      ...goalOf('R8_leftovers'),
      runs: results.length,
      note: `GKE clusters, zones and kwok clusters left after \`kfed down NAME --wait\` (CLI process, spec from the failed run), summed over the steps. ${results.map((r) => r.line).join(' | ')}`,
    });
  });
}

// ---- R7 --------------------------------------------------------------------------------------

/** R7: two `kfed up -f FILE --wait` of one federation started at the same moment. */
export async function chaosConcurrentUp(ctx: ChaosContext): Promise<void> {
  const { quick, log } = ctx.options;
  const trials = quick ? 1 : 3;
  const clusters = quick ? 1 : 2;
  await inLab(ctx, async (lab) => {
    log(`R7: ${trials} trial(s) of two concurrent kfed up; ${describeProfile(lab.profile)}`);
    const started: number[] = [];
    const lines: string[] = [];
    for (let i = 1; i <= trials; i++) {
      const spec = federationSpec(`r7-${i}`, { clusters });
      const file = join(lab.h.dir, `${spec.name}.yaml`);
      writeFileSync(file, stringify(specToDocument(spec)));
      const from = lab.calls().length;
      const [a, b] = await Promise.all([lab.h.cli(['up', '-f', file, '--wait']), lab.h.cli(['up', '-f', file, '--wait'])]);
      let runs = 0;
      for await (const _ of lab.client.workflow.list({ query: `WorkflowId = '${workflowIds.federation(spec.name)}'` })) runs++;
      const creates = lab.callsSince(from).filter((c) => c.method === 'CreateCluster' && c.result === 'ok' && !c.replayed).length;
      started.push(runs);
      if (a.code === 0) await lab.collectJoinTokens(spec);
      const down = await tearDown(lab, spec);
      const line = `trial ${i}: exits ${a.code}/${b.code} (${firstLine(a.stdout)} | ${firstLine(b.stdout)}), ${runs} run(s), ${creates} CreateCluster for ${clusters} cluster(s)${down.left ? `; left ${down.what}` : ''}`;
      log(`  ${line}`);
      lines.push(line);
    }
    ctx.figures.R7_runs_started = figure({ samples: started, ...goalOf('R7_runs_started'), runs: trials, note: `workflow executions with id kfed-<name> after both CLIs returned (visibility list). ${lines.join(' | ')}` });
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

// ---- R6 --------------------------------------------------------------------------------------

/** R6: the credential scans of this suite's environments plus the benchmarks' (bench/secrets-scan.json). */
export function setCredentialFigure(ctx: ChaosContext, own: SecretsScan): void {
  const bench = ctx.options.benchScanFile ? readScanFile(ctx.options.benchScanFile) : undefined;
  const b = bench ? totalScan(bench.groups) : undefined;
  const found = [...own.found, ...(b?.found ?? [])];
  const histories = own.histories + (b?.histories ?? 0);
  if (histories === 0) {
    ctx.figures.R6_credentials_found = notMeasured('finds', '== 0', 'no histories were scanned');
    return;
  }
  ctx.figures.R6_credentials_found = figure({
    samples: [found.length],
    ...goalOf('R6_credentials_found'),
    runs: histories,
    note: `every workflow history (raw and with payloads decoded) searched for the emulator access token, every join token read from the hosts, and any PEM private key. Fault suite: ${own.histories} histories, ${own.tokens} secrets; benchmarks: ${b ? `${b.histories} histories, ${b.tokens} secrets (bench/secrets-scan.json of ${bench?.date.slice(0, 10) ?? ''})` : 'not scanned (run npm run bench first)'}.${found.length ? ` Found: ${found.join('; ')}` : ''}`,
  });
}

// ---- all -------------------------------------------------------------------------------------

export const scenarios: readonly { readonly group: string; readonly ids: readonly string[]; readonly run: (ctx: ChaosContext) => Promise<void> }[] = [
  { group: 'R1', ids: ['R1_completed', 'R1_duplicate_creates', 'R1_orphans'], run: chaosWorkerKills },
  { group: 'R3', ids: ['R3_completed'], run: chaosTransientErrors },
  { group: 'R4', ids: ['R4_seconds_to_failed', 'R4_leftovers'], run: chaosPermanentErrors },
  { group: 'R7', ids: ['R7_runs_started'], run: chaosConcurrentUp },
  { group: 'R8', ids: ['R8_leftovers'], run: chaosTeardownAfterFailure },
  // Last: it kills the server of the shared environment in quick mode.
  { group: 'R2', ids: ['R2_completed'], run: chaosServerKills },
];

/** Runs the selected scenarios (quick: all, reduced, in one environment); R6 closes the suite. */
export async function runChaos(options: ChaosOptions, onScenario?: (figures: Record<string, Figure>) => void): Promise<Record<string, Figure>> {
  const fresh = (): SecretsScan => ({ histories: 0, tokens: 0, found: [] });
  const ctx: ChaosContext = { options, figures: {}, scan: fresh() };
  const scans: Record<string, SecretsScan> = { shared: ctx.scan };
  // Full runs keep each scenario's scan in chaos/secrets-scan.json (see ChaosOptions.scanFile).
  const scanFile = options.quick ? undefined : options.scanFile;
  if (options.quick) ctx.shared = await Lab.start(chaosProfiles.quick);
  try {
    for (const s of scenarios) {
      if (options.only && !options.only.has(s.group)) continue;
      if (!ctx.shared) {
        ctx.scan = fresh();
        scans[s.group] = ctx.scan;
      }
      const load = options.quick ? 0 : await waitForIdle(options.log);
      try {
        await s.run(ctx);
        if (!options.quick) withLoadNote(ctx.figures, s.ids, load, Math.round((loadavg()[0] ?? 0) * 10) / 10);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        options.log(`${s.group} failed: ${err instanceof Error ? (err.stack ?? reason) : reason}`);
        for (const id of s.ids) {
          const { unit, goal } = goalOf(id);
          ctx.figures[id] ??= notMeasured(unit, goal, `${s.group} failed: ${reason}`);
        }
      }
      if (scanFile) mergeScans(scanFile, scans);
      onScenario?.(ctx.figures);
    }
  } finally {
    if (ctx.shared) {
      await scanInto(ctx, ctx.shared);
      await ctx.shared.stop();
    }
  }
  if (!options.only || options.only.has('R6')) setCredentialFigure(ctx, totalScan(scanFile ? (readScanFile(scanFile)?.groups ?? scans) : scans));
  return ctx.figures;
}
