/**
 * The benchmarks of issue #7 (P1–P7). Each one starts its own environment (Lab: Temporal dev
 * server, emulator with a fixed profile, a worker process), runs real federations of real local
 * clusters and returns figures. Nothing here asserts a speed: the figures are printed and
 * written next to their goals. `quick` runs one reduced measurement of each in one environment
 * (npm test runs it to keep the harness from rotting).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import proto from '@temporalio/proto';
import { projectRoot } from '../test/support/harness.js';
import type { FederationSpec } from '../src/spec/types.js';
import { kubeWait } from '../src/workflows/activity-options.js';
import { criticalPath, extraPolls, type CriticalPath } from './lib/critical-path.js';
import { readRunTree, reExecutions } from './lib/history.js';
import { exec } from '../src/local/exec.js';
import { waitFor } from '../src/local/wait.js';
import { describeLeftovers, describeProfile, Lab, leftoverCount, type Profile, type RunOutcome } from './lib/lab.js';
import { secs, type Log } from './lib/log.js';
import { MemoryPeak, type MemorySample } from './lib/memory.js';
import { figure, notMeasured, round, titlesOf, type Figure, type FigureDef, type Goal } from './lib/results.js';
import type { SecretsScan } from './lib/scan-file.js';
import { federateSequentially } from './lib/sequential.js';
import { federationSpec } from './lib/specs.js';
import { waitForIdle, withLoadNote } from './lib/idle.js';
import type { FederationSummary } from '../src/contract.js';

export interface BenchOptions {
  readonly quick: boolean;
  /** Benchmark groups to run (P1, P2, P3, P5, P6); P4 comes with P3, P7 with P1. @default all */
  readonly only?: ReadonlySet<string>;
  readonly log: Log;
}

export interface BenchContext {
  readonly options: BenchOptions;
  readonly figures: Record<string, Figure>;
  /** The scan of the group running now. */
  scan: SecretsScan;
}

/** Every benchmark figure: what it means, its unit and its goal (issue #7). */
export const benchFigures: Readonly<Record<string, FigureDef>> = {
  P1: { title: 'critical-path efficiency, 3 clusters (wall ÷ critical path)', unit: 'ratio', goal: '<= 1.05' },
  P2_3: { title: 'speed-up vs. the activities run one after another, 3 clusters', unit: 'x', goal: '>= 2.7' },
  P2_8: { title: 'speed-up vs. the activities run one after another, 8 clusters', unit: 'x', goal: '>= 7.2' },
  P3: { title: 'activities executed twice after SIGKILL of the worker during join', unit: 'activities', goal: '<= 1' },
  P4: { title: 'resume latency: new worker started → next activity started', unit: 's', goal: '<= 2' },
  P5: { title: 'largest federation of real local clusters completed', unit: 'clusters', goal: '>= 20' },
  P6: { title: '`npm start` run time (tools built)', unit: 's', goal: '<= 60' },
  P7: { title: 'GetOperation calls per created cluster − provisioning ÷ poll interval', unit: 'calls', goal: '<= 3' },
};

/** Titles for the tables (quick mode's P2_1 included). */
export const benchTitles: Readonly<Record<string, string>> = {
  ...titlesOf(benchFigures),
  P2_1: 'speed-up vs. the activities run one after another, 1 cluster (quick)',
};

function goalOf(id: string): { unit: string; goal: Goal } {
  const f = benchFigures[id];
  if (f) return f;
  const n = /^P2_(\d+)$/.exec(id);
  if (n) return { unit: 'x', goal: `>= ${round(0.9 * Number(n[1]), 2)}` };
  throw new Error(`unknown figure ${id}`);
}

/**
 * Emulator profiles. `gke`: GKE creates compressed from 3–15 min to 60 s, so the overlap of
 * parallel creates shows as it would; the machine-wide serialized kwok cluster creation
 * (~6 s each) stays under it up to ~8 clusters. `fast`: for crash and scale runs, where
 * provisioning time does not matter. `quick`: the reduced runs inside npm test.
 */
export const profiles = {
  gke: { name: 'gke', provisioningDelayMs: 60_000, deletionDelayMs: 1000 },
  fast: { name: 'fast', provisioningDelayMs: 3000, deletionDelayMs: 500 },
  quick: { name: 'quick', provisioningDelayMs: 1500, deletionDelayMs: 300 },
} as const satisfies Record<string, Profile>;

/** Runs `fn` in a fresh environment; scans its histories for credentials before stopping it. */
async function withLab<T>(ctx: BenchContext, profile: Profile, fn: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await Lab.start(profile);
  try {
    return await fn(lab);
  } finally {
    try {
      const scan = await lab.scanHistories();
      ctx.scan.histories += scan.histories;
      ctx.scan.tokens += scan.tokens;
      ctx.scan.found.push(...scan.found.map(([id, what]) => `${id}: ${what}`));
    } catch (err) {
      ctx.options.log(`secrets scan failed: ${String(err)}`);
    }
    await lab.stop();
  }
}

/** Tears a federation down and reports what is left (should be nothing). */
async function cleanUp(lab: Lab, spec: FederationSpec, log: Log): Promise<void> {
  const down = await lab.teardown(spec);
  const left = lab.inventory();
  if (down.status !== 'completed' || leftoverCount(left) > 0) log(`  teardown of ${spec.name}: ${down.status}${down.error ? ` (${down.error})` : ''}; left: ${describeLeftovers(left)}`);
}

// ---- measurements (one run each) -------------------------------------------------------------

interface FederateMeasurement {
  readonly out: RunOutcome<FederationSummary>;
  /** Why the run did not complete (with the substrate's state). */
  readonly reason?: string;
  readonly cp?: CriticalPath;
  readonly extraPolls: readonly number[];
  readonly memory?: { readonly peak: MemorySample | undefined; readonly machinePeakMiB: number };
}

/** One federate run: its critical path (P1), polls (P7), optionally peak memory (P5); then teardown. */
async function measureFederate(lab: Lab, spec: FederationSpec, log: Log, opts: { memory?: boolean; timeoutMs?: number } = {}): Promise<FederateMeasurement> {
  const peak = opts.memory ? new MemoryPeak(lab.h.dir) : undefined;
  const out = await lab.federate(spec, opts.timeoutMs ?? 1_800_000);
  const memory = peak?.stop();
  if (out.status !== 'completed') {
    const sick = lab.unhealthyBacking();
    const reason = `${out.status}: ${out.error ?? ''}${sick.length ? `; substrate: ${sick.join('; ')}` : ''}`;
    log(`  ${spec.name}: ${reason}`);
    await cleanUp(lab, spec, log);
    return { out, extraPolls: [], reason, ...(memory ? { memory } : {}) };
  }
  const tree = await readRunTree(lab.client, out.workflowId, out.runId);
  const root = tree[0];
  if (!root) throw new Error(`no history for ${out.workflowId}`);
  const state = lab.state();
  const cp = criticalPath(spec, root, lab.calls(), state);
  const polls = extraPolls(spec, lab.calls(), state, root.startedAt, root.closedAt ?? Date.now());
  const p = cp.parts;
  log(
    `  ${spec.name}: wall ${secs(cp.wallMs, 2)}, critical path ${secs(cp.criticalMs, 2)} → ${cp.ratio.toFixed(3)} (zone ${secs(p.zoneMs)}, cluster ${secs(p.clusterMs)} of which provisioning ${secs(p.provisioningMs)}, plane ${secs(p.planeMs)}, join ${secs(p.joinMs)}, dns ${secs(p.dnsMs)}, verify ${secs(p.verifyMs)}); GetOperation polls ${polls.map((x) => `${x.polls} in ${secs(x.provisioningMs)}`).join(', ')}`,
  );
  await lab.collectJoinTokens(spec);
  await cleanUp(lab, spec, log);
  return { out, cp, extraPolls: polls.map((x) => x.extra), ...(memory ? { memory } : {}) };
}

/** The sequential baseline of one spec (P2); then teardown. */
async function measureSequential(lab: Lab, spec: FederationSpec, log: Log, timeoutMs: number): Promise<{ ms?: number; reason?: string }> {
  try {
    const broken = (): string | undefined => lab.unhealthyBacking(true).join('; ') || undefined;
    return { ms: await federateSequentially(lab.h.env(), spec, timeoutMs, broken) };
  } catch (err) {
    const sick = lab.unhealthyBacking();
    const reason = `sequential failed: ${err instanceof Error ? err.message : String(err)}${sick.length ? `; substrate: ${sick.join('; ')}` : ''}`;
    log(`  ${spec.name}: ${reason}`);
    return { reason };
  } finally {
    await cleanUp(lab, spec, log);
  }
}

/**
 * Runs `attempt` until `wanted` of them succeeded, at most `wanted + 2` times: a run lost to the
 * substrate (see Lab.unhealthyBacking) is replaced, and reported in the figure's note.
 */
async function repeat<T>(wanted: number, attempt: (i: number) => Promise<T>, ok: (r: T) => boolean): Promise<{ good: T[]; failed: T[] }> {
  const good: T[] = [];
  const failed: T[] = [];
  for (let i = 1; good.length < wanted && i <= wanted + 2; i++) {
    const r = await attempt(i);
    (ok(r) ? good : failed).push(r);
  }
  return { good, failed };
}

export interface KillMeasurement {
  readonly completed: boolean;
  readonly inFlight: number;
  readonly reExecuted: number;
  readonly reExecutedNames: readonly string[];
  /** New worker started (its log line) → next ActivityTaskStarted, seconds. */
  readonly resumeS?: number;
  readonly note: string;
}

const PendingStarted = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

/** P3/P4: SIGKILL the worker as soon as a join activity has started, start a new one at once. */
export async function measureKill(lab: Lab, spec: FederationSpec, log: Log): Promise<KillMeasurement> {
  const startedAt = Date.now();
  const handle = await lab.startFederate(spec);
  let inFlight = 0;
  await waitFor(
    'a started join activity',
    async () => {
      const d = await handle.describe();
      inFlight = (d.raw.pendingActivities ?? []).filter((a) => a.activityType?.name === 'joinCluster' && a.state === PendingStarted).length;
      return inFlight > 0;
    },
    { timeoutMs: 900_000, intervalMs: 25 },
  );
  const killedAt = Date.now();
  await lab.killWorker();
  const worker = await lab.startWorker();
  const out = await lab.outcome(handle, startedAt, 900_000);
  const sick = out.status === 'completed' ? [] : lab.unhealthyBacking();
  const tree = await readRunTree(lab.client, out.workflowId, out.runId);
  const redo = reExecutions(tree);
  const next = Math.min(...tree.flatMap((r) => r.activities).map((a) => a.startedAt ?? Infinity).filter((t) => t > killedAt));
  const started = worker.startedAt ?? worker.pollingSeenAt;
  const resumeS = Number.isFinite(next) ? (next - started) / 1000 : undefined;
  const line = `${inFlight} join(s) in flight at the kill; re-executed ${redo.activities.join(' ') || 'nothing'}; new worker up ${secs(started - worker.spawnedAt)} after spawn (${secs(started - killedAt)} after the kill); next activity ${resumeS === undefined ? 'never' : `${resumeS.toFixed(2)} s`} after it started`;
  log(`  ${spec.name}: ${out.status}; ${line}`);
  if (out.status === 'completed') await lab.collectJoinTokens(spec);
  await cleanUp(lab, spec, log);
  return {
    completed: out.status === 'completed',
    inFlight,
    reExecuted: redo.count,
    reExecutedNames: redo.activities,
    ...(resumeS !== undefined ? { resumeS } : {}),
    note: out.status === 'completed' ? line : `lost run: ${out.status}: ${out.error ?? ''}${sick.length ? `; substrate: ${sick.join('; ')}` : ''}`,
  };
}

function memoryLine(n: number, m: FederateMeasurement): string {
  const kinds = Object.entries(m.memory?.peak?.byKind ?? {})
    .map(([k, c]) => `${c} ${k}`)
    .join(', ');
  const gib = (mib: number): string => (mib / 1024).toFixed(2);
  return `${n} clusters: ${m.out.status}${m.out.error ? ` (${m.out.error})` : ''} in ${secs(m.out.endedAt - m.out.startedAt, 0)}; peak RSS of all its processes ${gib(m.memory?.peak?.rssMiB ?? 0)} GiB over ${m.memory?.peak?.processes ?? 0} processes (${kinds}); machine memory in use peaked at ${gib(m.memory?.machinePeakMiB ?? 0)} GiB`;
}

const p1Definition =
  'Critical path = max(zone calls, max over clusters of its GKE calls + create-operation duration + 1 GetOperation) + plane + max join + max kube-dns + max verify, kube steps weighted by their activity execution time in history; wall = federate WorkflowExecutionStarted→Completed.';

const p4Definition = `From the new worker's "kfed worker started" log line (it polls right after) to the next ActivityTaskStarted event in history; the worker is started right after the SIGKILL. An activity in flight on the dead worker is retried only after its heartbeatTimeout (kubeWait: ${String(kubeWait.heartbeatTimeout)}) plus its retry interval (1 s), so the figure is max(0, heartbeat timeout + 1 s − worker start-up time) plus dispatch.`;

// ---- full benchmarks -------------------------------------------------------------------------

/** P1 and P7: critical-path efficiency and polling cost of 3-cluster federations. */
export async function benchCriticalPath(ctx: BenchContext): Promise<void> {
  const { log } = ctx.options;
  const profile = profiles.gke;
  const runs = 3;
  log(`P1/P7: ${runs} runs of 3 clusters; ${describeProfile(profile)}`);
  const { good, failed } = await withLab(ctx, profile, (lab) =>
    repeat(runs, (i) => measureFederate(lab, federationSpec(`p1-r${i}`, { clusters: 3 }), log, { timeoutMs: 900_000 }), (m) => m.out.status === 'completed'),
  );
  setCriticalPathFigures(ctx, [...good, ...failed], profile, 3, good.length + failed.length);
}

function setCriticalPathFigures(ctx: BenchContext, results: readonly FederateMeasurement[], profile: Profile, clusters: number, runs: number): void {
  const cps = results.flatMap((r) => (r.cp ? [r.cp] : []));
  const failed = results.filter((r) => r.out.status !== 'completed').map((r) => `${r.out.workflowId} ${r.reason ?? r.out.status}`);
  const extras = results.flatMap((r) => r.extraPolls);
  ctx.figures.P1 = figure({
    samples: cps.map((c) => c.ratio),
    ...goalOf('P1'),
    runs,
    note: `${clusters}-cluster federations, ${profile.name} profile (provisioning ${profile.provisioningDelayMs / 1000} s, fixed call latencies). ${p1Definition} Runs (wall vs path): ${cps.map((c) => `${secs(c.wallMs)} vs ${secs(c.criticalMs)}`).join('; ')}${failed.length ? `; runs lost and replaced: ${failed.join(' | ')}` : ''}.`,
  });
  ctx.figures.P7 = figure({
    samples: extras,
    ...goalOf('P7'),
    note: `per created cluster of the P1 runs (${extras.length}): GetOperation calls on its create operation − operation duration ÷ poll interval (1 s). Each poll costs interval + call latency + dispatch, so fewer polls than duration ÷ interval is normal; the poll that sees DONE is the only one beyond the pace.`,
  });
}

/** P2: speed-up against the sequential baseline, N = 3 and N = 8. */
export async function benchSpeedup(ctx: BenchContext): Promise<void> {
  const { log } = ctx.options;
  const profile = profiles.gke;
  const runs = 3;
  log(`P2: ${runs} pairs for each N; ${describeProfile(profile)}`);
  // `--only P2_8` runs one size.
  const sizes = [3, 8].filter((n) => !ctx.options.only || ctx.options.only.has('P2') || ctx.options.only.has(`P2_${n}`));
  await withLab(ctx, profile, async (lab) => {
    for (const n of sizes) {
      const { good, failed } = await repeat(
        runs,
        async (i) => {
          const t = await measureFederate(lab, federationSpec(`p2n${n}t${i}`, { clusters: n }), log, { timeoutMs: 900_000 });
          const s = t.out.status === 'completed' ? await measureSequential(lab, federationSpec(`p2n${n}s${i}`, { clusters: n }), log, n * 150_000 + 300_000) : {};
          const temporalMs = t.out.status === 'completed' ? t.out.endedAt - t.out.startedAt : undefined;
          log(`  N=${n} pair ${i}: sequential ${s.ms === undefined ? 'not run/failed' : secs(s.ms)}, temporal ${temporalMs === undefined ? t.out.status : secs(temporalMs)}`);
          return { ...(temporalMs !== undefined ? { temporalMs } : {}), ...(s.ms !== undefined ? { sequentialMs: s.ms } : {}), reason: t.reason ?? s.reason ?? '' };
        },
        (p) => p.temporalMs !== undefined && p.sequentialMs !== undefined,
      );
      setSpeedupFigure(ctx, n, good, profile, good.length + failed.length, failed.map((f) => f.reason));
    }
  });
}

function setSpeedupFigure(ctx: BenchContext, n: number, pairs: readonly { temporalMs?: number; sequentialMs?: number }[], profile: Profile, runs: number, lost: readonly string[] = []): void {
  const done = pairs.flatMap((p) => (p.temporalMs !== undefined && p.sequentialMs !== undefined ? [{ t: p.temporalMs, s: p.sequentialMs }] : []));
  ctx.figures[`P2_${n}`] = figure({
    samples: done.map((p) => p.s / p.t),
    ...goalOf(`P2_${n}`),
    runs,
    note: `sequential ÷ temporal wall time (client start → result), ${n} cluster(s), ${profile.name} profile (provisioning ${profile.provisioningDelayMs / 1000} s); sequential = createActivities(deps) called one after another in-process with the same providers and emulator. Pairs (sequential / temporal): ${done.map((p) => `${secs(p.s, 0)} / ${secs(p.t, 0)}`).join('; ')}.${lost.length ? ` Pairs lost and replaced: ${lost.join(' | ')}.` : ''}`,
  });
}

/** P3 and P4: a SIGKILL of the worker during the join step, and a new worker started at once. */
export async function benchWorkerKill(ctx: BenchContext): Promise<void> {
  const { log } = ctx.options;
  const profile = profiles.fast;
  const runs = 3;
  log(`P3/P4: ${runs} runs of 3 clusters, SIGKILL when a join has started; ${describeProfile(profile)}`);
  const { good, failed } = await withLab(ctx, profile, (lab) => repeat(runs, (i) => measureKill(lab, federationSpec(`p3-r${i}`, { clusters: 3 }), log), (k) => k.completed));
  setKillFigures(ctx, [...good, ...failed], 3, good.length + failed.length);
}

function setKillFigures(ctx: BenchContext, kills: readonly KillMeasurement[], clusters: number, runs: number): void {
  const done = kills.filter((k) => k.completed);
  ctx.figures.P3 = figure({
    samples: done.map((k) => k.reExecuted),
    ...goalOf('P3'),
    runs,
    note: `${clusters}-cluster federations; SIGKILL as soon as a joinCluster activity is STARTED, a new worker at once; count = extra attempts of non-polling activities in the run's histories. The ${clusters} joins run in parallel, so all of them are in flight at the kill and each runs once more (idempotent: nothing is created twice); <= 1 is reachable only with a single activity in flight. Completed activities re-executed: ${done.reduce((n, k) => n + Math.max(0, k.reExecuted - k.inFlight), 0)}. ${kills.map((k) => k.note).join(' | ')}.`,
  });
  ctx.figures.P4 = figure({
    samples: done.flatMap((k) => (k.resumeS === undefined ? [] : [k.resumeS])),
    ...goalOf('P4'),
    runs,
    note: p4Definition,
  });
}

/** P5: federations of 5, 10, 20 real local clusters, each in a fresh environment, with peak memory. */
export async function benchScale(ctx: BenchContext): Promise<void> {
  const { log } = ctx.options;
  const sizes = [5, 10, 20];
  const profile = profiles.fast;
  log(`P5: sizes ${sizes.join(', ')}; ${describeProfile(profile)}`);
  let largest = 0;
  const notes: string[] = [];
  for (const n of sizes) {
    // A size gets a second attempt when the first is lost (each attempt in a fresh environment).
    let m: FederateMeasurement | undefined;
    for (let attempt = 1; attempt <= 2 && m?.out.status !== 'completed'; attempt++) {
      m = await withLab(ctx, profile, (lab) => measureFederate(lab, federationSpec(`p5-n${n}`, { clusters: n }), log, { memory: true, timeoutMs: 3_600_000 }));
      const line = `${memoryLine(n, m)}${m.reason ? ` (${m.reason})` : ''}`;
      notes.push(line);
      log(`  ${line}`);
    }
    if (m?.out.status !== 'completed') break;
    largest = n;
  }
  ctx.figures.P5 = figure({
    samples: [largest],
    ...goalOf('P5'),
    runs: notes.length,
    note: `tried ${sizes.join(', ')} in turn (a lost run gets one more attempt), stopping at the first size that fails twice; each a fresh environment, ${profile.name} profile; kwok cluster creation is serialized machine-wide. ${notes.join('; ')}.`,
  });
}

/** P6: `npm start` (tsx src/client.ts local up) from nothing running, tools built; then `npm stop -- --purge`. */
export async function benchNpmStart(ctx: BenchContext): Promise<void> {
  const { log } = ctx.options;
  const runs = 3;
  const times: number[] = [];
  const notes: string[] = [];
  for (let i = 1; i <= runs; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'kfed-bench-p6-'));
    const env: NodeJS.ProcessEnv = { ...process.env, KFED_LOCAL_DIR: join(dir, 'local'), METADATA_SERVER_DETECTION: 'none' };
    delete env.TEMPORAL_ADDRESS;
    try {
      const start = await runCommand('npm', ['start'], env, 900_000);
      const ok = start.code === 0 && start.output.includes('federation run:');
      log(`  npm start run ${i}: exit ${start.code} in ${secs(start.ms)}${ok ? '' : `\n${lastLines(start.output, 15)}`}`);
      if (ok) times.push(start.ms / 1000);
      else notes.push(`run ${i}: exit ${start.code}: ${lastLines(start.output, 3)}`);
    } finally {
      const stop = await runCommand('npm', ['stop', '--', '--purge'], env, 300_000);
      if (stop.code !== 0) log(`  npm stop -- --purge: exit ${stop.code}: ${lastLines(stop.output, 5)}`);
      rmSync(dir, { recursive: true, force: true });
    }
    if (times.length === 0) break;
  }
  ctx.figures.P6 =
    times.length === 0
      ? notMeasured('s', '<= 60', `npm start did not finish a federation: ${notes.join('; ')}`, runs)
      : figure({
          samples: times,
          ...goalOf('P6'),
          runs: times.length,
          note: `wall time of \`npm start\` (Temporal dev server + emulator + worker started from nothing, the 2-cluster examples/federation.yaml federated, kubeconfig written) with the tools cached, each run in a fresh KFED_LOCAL_DIR, then \`npm stop -- --purge\`.${notes.length ? ` ${notes.join('; ')}` : ''}`,
        });
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' / ');
}

/** `exec` (src/local) from the project root, timed, with both streams as one output. */
async function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; output: string; ms: number }> {
  const started = Date.now();
  const result = await exec(cmd, args, { cwd: projectRoot, env, timeoutMs });
  return { code: result.code, output: `${result.stdout}\n${result.stderr}`, ms: Date.now() - started };
}

// ---- quick mode ------------------------------------------------------------------------------

/**
 * A reduced version of each benchmark in one environment: one 1-cluster federation (P1, P7 and
 * P5 with its memory), the same spec sequentially (P2_1), one SIGKILL during join (P3, P4). P6 is
 * not run (it measures a whole local environment).
 */
export async function benchQuick(ctx: BenchContext): Promise<void> {
  const { log } = ctx.options;
  const profile = profiles.quick;
  log(`quick: 1-cluster federations; ${describeProfile(profile)}`);
  await withLab(ctx, profile, async (lab) => {
    const fed = await measureFederate(lab, federationSpec('q-fed', { clusters: 1 }), log, { memory: true });
    setCriticalPathFigures(ctx, [fed], profile, 1, 1);
    ctx.figures.P5 = figure({ samples: [fed.out.status === 'completed' ? 1 : 0], ...goalOf('P5'), runs: 1, note: `quick: ${memoryLine(1, fed)}` });
    const seq = await measureSequential(lab, federationSpec('q-seq', { clusters: 1 }), log, 600_000);
    const temporalMs = fed.out.status === 'completed' ? fed.out.endedAt - fed.out.startedAt : undefined;
    setSpeedupFigure(ctx, 1, [{ ...(temporalMs !== undefined ? { temporalMs } : {}), ...(seq.ms !== undefined ? { sequentialMs: seq.ms } : {}) }], profile, 1);
    setKillFigures(ctx, [await measureKill(lab, federationSpec('q-kill', { clusters: 1 }), log)], 1, 1);
  });
  ctx.figures.P6 = notMeasured('s', '<= 60', 'quick mode does not run npm start (it measures a whole local environment)');
}

/** Every benchmark, in order (npm start last, as its measurement wants an idle machine). */
export const benchmarks: readonly { readonly group: string; readonly run: (ctx: BenchContext) => Promise<void> }[] = [
  { group: 'P1', run: benchCriticalPath },
  { group: 'P2', run: benchSpeedup },
  { group: 'P3', run: benchWorkerKill },
  { group: 'P5', run: benchScale },
  { group: 'P6', run: benchNpmStart },
];

/** Runs the selected benchmarks (or the quick set); a benchmark that throws leaves its figures "not measured". */
export async function runBenchmarks(options: BenchOptions, onGroup?: (figures: Record<string, Figure>, scans: Record<string, SecretsScan>) => void): Promise<{ figures: Record<string, Figure>; scans: Record<string, SecretsScan> }> {
  const ctx: BenchContext = { options, figures: {}, scan: { histories: 0, tokens: 0, found: [] } };
  const scans: Record<string, SecretsScan> = {};
  const wanted = (group: string): boolean => !options.only || options.only.has(group) || [...options.only].some((id) => id.startsWith(`${group}_`));
  const selected = options.quick ? [{ group: 'quick', run: benchQuick }] : benchmarks.filter((b) => wanted(b.group));
  for (const b of selected) {
    ctx.scan = { histories: 0, tokens: 0, found: [] };
    scans[b.group] = ctx.scan;
    const before = new Set(Object.keys(ctx.figures));
    const load = options.quick ? 0 : await waitForIdle(options.log);
    try {
      await b.run(ctx);
      if (!options.quick) withLoadNote(ctx.figures, Object.keys(ctx.figures).filter((id) => !before.has(id)), load, round(loadavg()[0] ?? 0, 1));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      options.log(`${b.group} failed: ${err instanceof Error ? (err.stack ?? reason) : reason}`);
      const ids = Object.keys(benchFigures).filter((k) => b.group === 'quick' || k.startsWith(b.group) || (b.group === 'P1' && k === 'P7') || (b.group === 'P3' && k === 'P4'));
      for (const id of ids) {
        const { unit, goal } = goalOf(id);
        ctx.figures[id] ??= notMeasured(unit, goal, `${b.group} failed: ${reason}`);
      }
    }
    onGroup?.(ctx.figures, scans);
  }
  return { figures: ctx.figures, scans };
}
