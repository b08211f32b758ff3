/**
 * One measurement environment: the test harness (real Temporal dev server, the emulator with a
 * fixed latency profile, workers as processes) plus what the figures need on top of it — runs
 * with their outcome, the emulator's state and call log, the leftovers of a run, the join tokens
 * for the secrets scan, and cleanup when the process is interrupted.
 */
import { setMaxListeners } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkflowIdConflictPolicy, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { CallLogEntry, EmulatorOptions } from '../../src/emulator/index.js';
import type { EmulatorState } from '../../src/emulator/state.js';
import { tokenKubeConfig } from '../../src/providers/kube/connector.js';
import { KubeClient } from '../../src/providers/kube/client.js';
import type { KubeObject } from '../../src/providers/kube/resources.js';
import { workflowIds } from '../../src/contract.js';
import type { FederationSpec } from '../../src/spec/types.js';
import type { federate } from '../../src/workflows/federate.js';
import type { FederationSummary, TeardownSummary } from '../../src/contract.js';
import type { teardown } from '../../src/workflows/teardown.js';
import { startHarness, type Harness, type WorkerProcess } from '../../test/support/harness.js';
import { scanHistories } from '../../test/support/histories.js';
import { LocalCluster } from '../../src/local/local-cluster.js';
import { rootMessage } from '../../src/contract.js';

/** Fixed emulator latencies (ms per call) of every benchmark and fault run, so runs compare. */
export const apiLatencyMs: Readonly<Record<string, number>> = {
  CreateCluster: 400,
  GetCluster: 100,
  GetOperation: 100,
  DeleteCluster: 300,
  ListClusters: 100,
  ListOperations: 100,
  'managedZones.create': 300,
  'managedZones.get': 100,
  'managedZones.list': 100,
  'managedZones.delete': 200,
  'changes.create': 200,
  'resourceRecordSets.list': 100,
};

/** An emulator profile: how long a GKE create/delete takes, on top of the fixed call latencies. */
export interface Profile {
  readonly name: string;
  readonly provisioningDelayMs: number;
  readonly deletionDelayMs: number;
}

export function describeProfile(p: Profile): string {
  const calls = Object.entries(apiLatencyMs)
    .map(([m, ms]) => `${m} ${ms}`)
    .join(', ');
  return `profile ${p.name}: provisioning ${p.provisioningDelayMs / 1000} s, deletion ${p.deletionDelayMs / 1000} s, call latencies (ms) ${calls}`;
}

export interface RunOutcome<T> {
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

export interface Leftovers {
  readonly clusters: readonly string[];
  readonly zones: readonly string[];
  /** kwok clusters in the emulator's work directory. */
  readonly backing: readonly string[];
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
    /** Extra environment of every worker this lab starts (e.g. another KFED_WORKFLOW_BUNDLE). */
    private readonly workerEnv: Readonly<Record<string, string>>,
  ) {}

  static async start(profile: Profile, extra: Partial<EmulatorOptions> = {}, workerEnv: Readonly<Record<string, string>> = {}): Promise<Lab> {
    hookSignals();
    const h = await startHarness({
      provisioningDelayMs: profile.provisioningDelayMs,
      deletionDelayMs: profile.deletionDelayMs,
      latencyMs: apiLatencyMs,
      ...extra,
    });
    const lab = new Lab(h, profile, workerEnv);
    open.add(lab);
    try {
      lab.worker = await h.startWorker({ ...workerEnv });
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
    const worker = await this.h.startWorker({ ...this.workerEnv, KFED_LOG_LEVEL: 'INFO' });
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

  startFederate(spec: FederationSpec): Promise<WorkflowHandleWithFirstExecutionRunId<typeof federate>> {
    return this.client.workflow.start<typeof federate>('federate', {
      taskQueue: this.h.taskQueue,
      workflowId: workflowIds.federation(spec.name),
      args: [spec],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
  }

  /**
   * Waits for a started run's result without throwing. Gives up (and terminates the run) after
   * `timeoutMs`, or as soon as a RUNNING backing cluster has lost a process for 10 s (a
   * kube-controller-manager that exits during start-up on a loaded machine is not restarted, and
   * kfed would then retry its join for half an hour): such a run is `lost` to the substrate.
   */
  async outcome<T>(handle: WorkflowHandleWithFirstExecutionRunId, startedAt: number, timeoutMs: number): Promise<RunOutcome<T>> {
    const runId = handle.firstExecutionRunId;
    // The long poll is aborted on timeout, so no call outlives the wait (and the connection).
    const abort = new AbortController();
    // handle.result() long-polls again and again on the same signal during a long run.
    setMaxListeners(10_000, abort.signal);
    let reason: { status: 'timeout' | 'lost'; error: string } | undefined;
    const timer = setTimeout(() => {
      reason = { status: 'timeout', error: `no result within ${timeoutMs / 1000} s` };
      abort.abort();
    }, timeoutMs);
    let previous = '';
    const watchdog = setInterval(() => {
      const sick = this.unhealthyBacking(true).join('; ');
      if (sick && sick === previous) {
        reason = { status: 'lost', error: `substrate: ${sick}` };
        abort.abort();
      }
      previous = sick;
    }, 5000);
    try {
      const result = await this.client.withAbortSignal(abort.signal, () => handle.result() as Promise<T>);
      return { workflowId: handle.workflowId, runId, status: 'completed', result, startedAt, endedAt: Date.now() };
    } catch (err) {
      if (reason) {
        // A run that is given up on must not go on working (and retrying) behind later runs.
        await handle.terminate(`benchmark gave up: ${reason.error}`).catch(() => undefined);
        return { workflowId: handle.workflowId, runId, status: reason.status, error: `${reason.error} (terminated)`, startedAt, endedAt: Date.now() };
      }
      return { workflowId: handle.workflowId, runId, status: 'failed', error: rootMessage(err), startedAt, endedAt: Date.now() };
    } finally {
      clearTimeout(timer);
      clearInterval(watchdog);
    }
  }

  /** Runs federate to its end. */
  async federate(spec: FederationSpec, timeoutMs = 600_000): Promise<RunOutcome<FederationSummary>> {
    const startedAt = Date.now();
    const handle = await this.startFederate(spec);
    return this.outcome<FederationSummary>(handle, startedAt, timeoutMs);
  }

  /** Runs teardown to its end (a previous teardown run of the name is replaced). */
  async teardown(spec: FederationSpec, timeoutMs = 600_000): Promise<RunOutcome<TeardownSummary>> {
    const startedAt = Date.now();
    const handle = await this.client.workflow.start<typeof teardown>('teardown', {
      taskQueue: this.h.taskQueue,
      workflowId: workflowIds.teardown(spec.name),
      args: [spec],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
    return this.outcome<TeardownSummary>(handle, startedAt, timeoutMs);
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
