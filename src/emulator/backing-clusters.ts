import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from '../local/exec.js';
import type { LocalCluster as LocalClusterType, LocalClusterInfo, LocalClusterOptions } from '../local/local-cluster.js';
import type { RunningContainer } from '../local/pod-runner.js';
import type { Toolchain } from '../local/tools.js';
import { waitFor } from '../local/wait.js';

/** Options of {@link BackingClusters} beyond where they live and who may call them. */
export interface BackingClustersOptions {
  /**
   * Run the real processes of the backing clusters' pods (e.g. the KubeFed controller-manager)
   * while this emulator runs, logging under `<podLogsDir>/<cluster>/`. See src/local/pod-runner.ts.
   * @default off: kwok only simulates every pod
   */
  readonly podLogsDir?: string;
  /** Lifecycle lines of the pod runners. @default silent */
  readonly log?: (line: string) => void;
}

/** What an emulated GKE cluster needs from its backing cluster. */
export interface BackingSpec {
  readonly name: string;
  readonly nodes: number;
  readonly scheduler: boolean;
}

/**
 * The real local clusters behind emulated GKE clusters, all in one kwokctl work directory.
 * They are created with `deleteOnExit: false` so they outlive an emulator restart, and every
 * kube-apiserver accepts the emulator's access token (group system:masters), as a GKE cluster
 * accepts a Google access token.
 */
/**
 * LocalCluster, loaded on first use: it pulls in @kubernetes/client-node (seconds to load on a
 * busy machine), which an emulator serving only Cloud DNS never needs.
 */
async function localCluster(): Promise<typeof LocalClusterType> {
  return (await import('../local/local-cluster.js')).LocalCluster;
}

export class BackingClusters {
  /** Clusters in use (created or re-attached by this process), watched by {@link supervise}. */
  private readonly live = new Map<string, LocalClusterType>();
  /** A restart in flight per cluster: a delete waits for it, so nothing starts after the delete. */
  private readonly restarting = new Map<string, Promise<void>>();

  constructor(
    private readonly workdir: string,
    private readonly toolchain: () => Promise<Toolchain>,
    private readonly accessToken: string,
    private readonly settings: BackingClustersOptions = {},
  ) {}

  /**
   * Returns a running cluster: re-attaches and starts an existing one (after a restart), or
   * creates it. A half-made cluster (a crash during create) is removed and made again.
   */
  async ensureRunning(spec: BackingSpec): Promise<LocalClusterInfo> {
    const options = await this.options(spec);
    const LocalCluster = await localCluster();
    if (LocalCluster.exists(spec.name, this.workdir)) {
      try {
        // The object in use, if any: a second one would run a second set of pod processes.
        const cluster = this.live.get(spec.name) ?? LocalCluster.attach(spec.name, options);
        if (!(await cluster.isReady())) {
          await cluster.start();
          await waitFor(`backing cluster ${spec.name}`, () => cluster.isReady(), { timeoutMs: 120_000, intervalMs: 500 });
        }
        this.live.set(spec.name, cluster);
        return cluster.info;
      } catch {
        await this.delete(spec.name);
      }
    }
    await this.live.get(spec.name)?.stopPods();
    const cluster = await LocalCluster.create(spec.name, options);
    this.live.set(spec.name, cluster);
    return cluster.info;
  }

  /**
   * Restarts components of the clusters in use whose process is gone, every `intervalMs`, as a
   * kubelet restarts a crashed static pod: kwokctl's binary runtime leaves them dead, and on a
   * loaded machine a kube-controller-manager gives up when the kube-apiserver is slow to become
   * healthy (then no ServiceAccount token is ever filled in, and joins wait forever).
   * Returns the function that stops watching.
   */
  supervise(log: (line: string) => void, intervalMs = 3000): () => void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void this.restartStopped(log).finally(() => {
        busy = false;
      });
    }, intervalMs);
    timer.unref();
    return () => {
      clearInterval(timer);
    };
  }

  private async restartStopped(log: (line: string) => void): Promise<void> {
    const LocalCluster = await localCluster();
    for (const [name, cluster] of this.live) {
      const stopped = LocalCluster.stoppedComponents(name, this.workdir);
      if (stopped.length === 0 || !this.live.has(name)) continue;
      log(`backing cluster ${name}: ${stopped.join(', ')} not running; restarting`);
      const restart = cluster.start().catch((err: unknown) => {
        log(`backing cluster ${name}: restart failed: ${err instanceof Error ? err.message : String(err)}`);
      });
      this.restarting.set(name, restart);
      await restart;
      this.restarting.delete(name);
    }
  }

  /**
   * Lets go of every cluster in use, as the emulator must when it stops: their pod processes
   * stop, the clusters keep running, and the next {@link ensureRunning} (the next emulator's)
   * runs the pods again.
   */
  async release(): Promise<void> {
    const clusters = [...this.live.values()];
    this.live.clear();
    await Promise.all(clusters.map((cluster) => cluster.stopPods()));
  }

  /** The pod processes run for a cluster in use (none without {@link BackingClustersOptions.podLogsDir}). */
  podContainers(name: string): RunningContainer[] {
    return this.live.get(name)?.podRunner?.containers() ?? [];
  }

  /** Stops and removes the cluster; absent is fine. */
  async delete(name: string): Promise<void> {
    const live = this.live.get(name);
    this.live.delete(name);
    await live?.stopPods();
    await this.restarting.get(name);
    const dir = join(this.workdir, 'clusters', name);
    if (!existsSync(dir)) return;
    const toolchain = await this.toolchain();
    const LocalCluster = await localCluster();
    try {
      await LocalCluster.attach(name, { toolchain, workdir: this.workdir }).delete();
    } catch {
      // No kubeconfig yet (a crash mid-create): kwokctl still knows how to stop what started.
      await exec(toolchain.kwokctl, ['delete', 'cluster', '--name', name], { env: { ...process.env, KWOK_WORKDIR: this.workdir } });
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(this.workdir, `${name}-static-tokens.csv`), { force: true });
  }

  /** Names of every backing cluster in the work directory (including orphans). */
  names(): string[] {
    const dir = join(this.workdir, 'clusters');
    return existsSync(dir) ? readdirSync(dir) : [];
  }

  private async options(spec: BackingSpec): Promise<LocalClusterOptions> {
    return {
      toolchain: await this.toolchain(),
      workdir: this.workdir,
      nodes: spec.nodes,
      scheduler: spec.scheduler,
      staticTokens: [{ token: this.accessToken, user: 'kfed-emulator', groups: ['system:masters'] }],
      deleteOnExit: false,
      ...(this.settings.podLogsDir !== undefined
        ? { runPods: { logsDir: this.settings.podLogsDir, ...(this.settings.log ? { log: this.settings.log } : {}) } }
        : {}),
    };
  }
}
