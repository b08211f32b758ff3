/**
 * One measurement environment of the benchmarks and the fault suite: the test harness (real
 * Temporal dev server, the emulator with a fixed latency profile, workers as processes) plus what
 * the figures need on top of it — runs started and awaited through the client's runs module, the
 * emulator's state and call log, an inventory of what exists, the join tokens and the secrets
 * scan of every history, and cleanup when the process is interrupted.
 */
import { setMaxListeners } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { runOutcome, startFederate, startTeardown, type StartedRun } from '../src/client/runs.js';
import type { FederationSummary, TeardownSummary } from '../src/contract.js';
import { rootMessage } from '../src/contract.js';
import type { CallLogEntry } from '../src/emulator/index.js';
import type { EmulatorState } from '../src/emulator/state.js';
import { LocalCluster } from '../src/local/local-cluster.js';
import { waitFor } from '../src/local/wait.js';
import { KubeClient } from '../src/providers/kube/client.js';
import { tokenKubeConfig } from '../src/providers/kube/connector.js';
import type { KubeObject } from '../src/providers/kube/resources.js';
import type { FederationSpec } from '../src/spec/types.js';
import { startHarness, type Harness, type WorkerProcess } from '../test/support/harness.js';
import { scanHistories } from '../test/support/histories.js';
import type { Leftovers } from './leftovers.js';
import { apiLatencyMs, type Profile } from './profiles.js';

/**
 * How a run ended, as the suites judge it: runs.ts's outcome, plus `timeout` and `lost` for a run
 * the suite gave up on (and terminated), with client-side start and end times.
 */
export interface MeasuredRun<T> {
  readonly workflowId: string;
  readonly runId: string;
  /** `lost`: a backing cluster lost a process (the substrate broke, see Lab.unhealthyBacking); the run was terminated. */
  readonly status: 'completed' | 'failed' | 'timeout' | 'lost';
  readonly result?: T;
  readonly error?: string;
  /** Client-side wall time of start → result (ms since epoch). */
  readonly startedAt: number;
  readonly endedAt: number;
}

const open = new Set<Lab>();
let signalsHooked = false;

function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping ${open.size} environment(s) (servers and local clusters)…`);
      // Calls still in flight fail once their connection closes; nothing to report any more.
      process.on('uncaughtException', () => undefined);
      process.on('unhandledRejection', () => undefined);
      void Promise.allSettled([...open].map((l) => l.stop())).then(() => process.exit(130));
    });
  }
}

/** A running harness with one worker (restartable) and the helpers the figures use. */
export class Lab {
  worker: WorkerProcess | undefined;
  /** Join tokens read from hosts, for the secrets scan (never printed). */
  private readonly tokens: Record<string, string> = {};
  private stopped = false;

  private constructor(
    readonly h: Harness,
    readonly profile: Profile,
  ) {}

  static async start(profile: Profile): Promise<Lab> {
    hookSignals();
    const h = await startHarness({ provisioningDelayMs: profile.provisioningDelayMs, deletionDelayMs: profile.deletionDelayMs, latencyMs: apiLatencyMs });
    const lab = new Lab(h, profile);
    open.add(lab);
    try {
      lab.worker = await h.startWorker();
    } catch (err) {
      await lab.stop();
      throw err;
    }
    return lab;
  }

  get client(): Client {
    return this.h.client;
  }

  /** SIGKILLs the worker. */
  async killWorker(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.kill('SIGKILL');
  }

  /**
   * Starts a new worker and resolves once it polls. Returns when it was spawned, when it logged
   * "kfed worker started" (its own clock, right before it starts polling) and when the task
   * queue showed it polling.
   */
  async startWorker(): Promise<{ spawnedAt: number; startedAt: number | undefined; pollingSeenAt: number }> {
    const spawnedAt = Date.now();
    const worker = await this.h.startWorker({ KFED_LOG_LEVEL: 'INFO' });
    this.worker = worker;
    const pollingSeenAt = Date.now();
    let startedAt: number | undefined;
    for (const line of worker.output().split('\n')) {
      if (!line.includes('kfed worker started')) continue;
      try {
        startedAt = Date.parse((JSON.parse(line) as { time: string }).time);
      } catch {
        // not a JSON log line
      }
    }
    return { spawnedAt, startedAt, pollingSeenAt };
  }

  /** Starts federate for the spec (or joins its open run), with the CLI's start options. */
  startFederate(spec: FederationSpec): Promise<StartedRun<FederationSummary>> {
    return startFederate(this.client, this.h.taskQueue, spec);
  }

  /**
   * Waits for a started run's outcome without throwing. Gives up (and terminates the run) after
   * `timeoutMs`, or as soon as a RUNNING backing cluster has lost a process for two looks in a
   * row, 5 s apart (a kube-controller-manager that exits during start-up on a loaded machine is
   * not restarted, and kfed would then retry its join for half an hour): such a run is `lost` to
   * the substrate.
   */
  async outcome<T>(run: StartedRun<T>, startedAt: number, timeoutMs: number): Promise<MeasuredRun<T>> {
    const { handle, workflowId, runId } = run;
    // Giving up aborts the long poll, so no call outlives the wait (and the connection).
    const abort = new AbortController();
    // handle.result() long-polls again and again on the same signal during a long run.
    setMaxListeners(10_000, abort.signal);
    let settled = false;
    let gaveUp: { status: 'timeout' | 'lost'; error: string } | undefined;
    const giveUp = (why: { status: 'timeout' | 'lost'; error: string }): void => {
      if (settled) return;
      gaveUp = why;
      abort.abort();
    };
    let previous = '';
    const brokenTwice = (): boolean => {
      let sick: string;
      try {
        sick = this.unhealthyBacking(true).join('; ');
      } catch {
        return false; // the emulator's state being rewritten: look again next time
      }
      const broken = sick !== '' && sick === previous;
      previous = sick;
      if (broken) giveUp({ status: 'lost', error: `substrate: ${sick}` });
      return broken;
    };
    // One watch for both ways of giving up; it ends at the next look once the run has ended.
    void waitFor('the run to end', () => Promise.resolve(settled || brokenTwice()), { timeoutMs, intervalMs: 5000 }).catch(() => {
      giveUp({ status: 'timeout', error: `no result within ${timeoutMs / 1000} s` });
    });
    try {
      const end = await this.client.withAbortSignal(abort.signal, () => runOutcome<T>(handle));
      settled = true;
      return end.status === 'COMPLETED'
        ? { workflowId, runId, status: 'completed', result: end.result, startedAt, endedAt: Date.now() }
        : { workflowId, runId, status: 'failed', error: end.status === 'FAILED' ? end.error : `${end.status}: ${end.error}`, startedAt, endedAt: Date.now() };
    } catch (err) {
      settled = true;
      if (gaveUp) {
        // A run that is given up on must not go on working (and retrying) behind later runs.
        await handle.terminate(`the suite gave up: ${gaveUp.error}`).catch(() => undefined);
        return { workflowId, runId, status: gaveUp.status, error: `${gaveUp.error} (terminated)`, startedAt, endedAt: Date.now() };
      }
      return { workflowId, runId, status: 'failed', error: rootMessage(err), startedAt, endedAt: Date.now() };
    }
  }

  /** Runs federate to its end. */
  async federate(spec: FederationSpec, timeoutMs = 600_000): Promise<MeasuredRun<FederationSummary>> {
    const startedAt = Date.now();
    return this.outcome(await this.startFederate(spec), startedAt, timeoutMs);
  }

  /** Runs teardown to its end (joining an open teardown run of the name). */
  async teardown(spec: FederationSpec, timeoutMs = 600_000): Promise<MeasuredRun<TeardownSummary>> {
    const startedAt = Date.now();
    return this.outcome(await startTeardown(this.client, this.h.taskQueue, spec), startedAt, timeoutMs);
  }

  /** The emulator's persisted state (saved after every change). */
  state(): EmulatorState {
    return JSON.parse(readFileSync(this.h.emulator.stateFile, 'utf8')) as EmulatorState;
  }

  calls(): readonly CallLogEntry[] {
    return this.h.emulator.calls();
  }

  /** The kwok clusters' work directory of the emulator. */
  get kwokDir(): string {
    return join(this.h.dir, 'emulator', 'kwok', 'clusters');
  }

  /** Every GKE cluster, zone and backing kwok cluster that exists now. */
  inventory(): Leftovers {
    const state = this.state();
    return {
      clusters: Object.values(state.clusters).map((c) => c.name),
      zones: Object.values(state.zones).map((z) => z.name),
      backing: existsSync(this.kwokDir) ? readdirSync(this.kwokDir) : [],
    };
  }

  /**
   * Backing kwok clusters with a stopped component (kwokctl's pid files). The emulator restarts
   * those within seconds, so one that stays stopped means the substrate broke. Empty when all run.
   */
  unhealthyBacking(onlyRunning = false): string[] {
    // A cluster the emulator reports RUNNING has had all its processes started.
    const up = new Set(Object.values(this.state().clusters).filter((c) => c.status === 'RUNNING').map((c) => c.backing));
    const workdir = join(this.kwokDir, '..');
    return (existsSync(this.kwokDir) ? readdirSync(this.kwokDir) : [])
      .filter((name) => !onlyRunning || up.has(name))
      .flatMap((name) => {
        const stopped = LocalCluster.stoppedComponents(name, workdir);
        return stopped.length ? [`${name} has no ${stopped.join(', ')}`] : [];
      });
  }

  /** An admin client (the emulator's token, as kfed's worker uses) for a RUNNING emulated cluster. */
  kube(cluster: string): KubeClient | undefined {
    const c = Object.values(this.state().clusters).find((x) => x.name === cluster);
    if (!c?.endpoint || !c.caCertificate) return undefined;
    return new KubeClient(tokenKubeConfig({ name: cluster, endpoint: `https://${c.endpoint}`, caData: c.caCertificate, token: this.h.emulator.accessToken, timeoutMs: 15_000 }));
  }

  /**
   * Reads the join tokens the plane holds on the host (Secrets `<member>-credentials`), so the
   * secrets scan looks for them in every history. Returns how many it found.
   */
  async collectJoinTokens(spec: FederationSpec): Promise<number> {
    const host = this.kube(spec.host);
    if (!host) return 0;
    const secrets = await host.list<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret' }, { namespace: spec.plane.namespace });
    let n = 0;
    for (const s of secrets) {
      const token = s.data?.token;
      if (!token) continue;
      this.tokens[`token in ${spec.name}/${s.metadata.name}`] = Buffer.from(token, 'base64').toString('utf8');
      n++;
    }
    return n;
  }

  /** Credential material found in any workflow history of this environment (0 is the goal). */
  async scanHistories(): Promise<{ histories: number; tokens: number; found: [string, string][] }> {
    const { histories, found } = await scanHistories(this.client, { 'the emulator access token': this.h.emulator.accessToken, ...this.tokens });
    return { histories, tokens: Object.keys(this.tokens).length + 1, found };
  }

  /** Calls logged from index `from` on. */
  callsSince(from: number): readonly CallLogEntry[] {
    return this.calls().slice(from);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    open.delete(this);
    await this.h.stop();
  }
}
