import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type V1Container, type V1EnvVar, type V1Pod } from '@kubernetes/client-node';
import { BoundedKubeConfig } from '../providers/kube/bounded-kube-config.js';
import { ContainerProcess } from './container-process.js';
import { PodCredentials } from './pod-credentials.js';
import { localImageFor } from './pod-images.js';
import { freePorts } from './ports.js';
import type { Toolchain } from './tools.js';

/** Settings of a {@link PodRunner} the owner of a cluster chooses. */
export interface PodRunnerSettings {
  /** Container logs go to `<logsDir>/<cluster>/<namespace>_<pod>_<container>.log`. */
  readonly logsDir: string;
  /** Private directory for the pods' tokens and kubeconfigs. @default a fresh temporary directory, removed on stop */
  readonly runDir?: string;
  /** How often pods are listed. @default 1000 */
  readonly pollIntervalMs?: number;
  /** Lifetime of each pod token (renewed after 80 %). @default 3600 */
  readonly tokenExpirationSeconds?: number;
  /** Longest delay before a crashed process is restarted. @default 10000 */
  readonly maxRestartDelayMs?: number;
  /** Lifecycle lines (started, stopped, errors). @default silent */
  readonly log?: (line: string) => void;
}

/** What a {@link PodRunner} needs to know about its cluster. */
export interface PodRunnerOptions extends PodRunnerSettings {
  /** The cluster's name, for log paths and messages. */
  readonly cluster: string;
  /** Admin kubeconfig: pods are listed and tokens requested with it. */
  readonly adminKubeconfigPath: string;
  /** `https://127.0.0.1:PORT` of the cluster's API server. */
  readonly endpoint: string;
  /** PEM of the cluster CA. */
  readonly caCertificate: string;
  readonly toolchain: Toolchain;
}

/** One container the runner runs, for callers that check on it. */
export interface RunningContainer {
  readonly namespace: string;
  readonly pod: string;
  readonly uid: string;
  readonly container: string;
  /** The pid of the process now, undefined between a crash and its restart. */
  readonly pid: number | undefined;
  readonly starts: number;
  readonly logPath: string;
}

interface PodEntry {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly credentials: PodCredentials;
  readonly containers: Map<string, { readonly process: ContainerProcess; readonly logPath: string }>;
}

/** Longest a stopping container gets between SIGTERM and SIGKILL, whatever the pod asks. */
const maxGracePeriodMs = 10_000;

/** A pod the runner is responsible for: scheduled, not terminating, not finished. */
function runnable(pod: V1Pod): boolean {
  return !!pod.spec?.nodeName && !pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/**
 * Stands in for the kubelet of a local cluster's kwok nodes, for the images in
 * ./pod-images.ts: while a pod of such an image is scheduled to a node and not terminating,
 * exactly one local process runs per container, under the pod's ServiceAccount token and the
 * cluster's endpoint and CA (what in-cluster config would give it); it is restarted when it
 * exits, and stopped when the pod is deleted. kwok still owns the pod's status.
 *
 * Product code never sees this: it creates Deployments as on any cluster.
 */
export class PodRunner {
  private readonly pods = new Map<string, PodEntry>();
  private readonly core: CoreV1Api;
  private readonly runDir: string;
  private readonly ownsRunDir: boolean;
  private readonly log: (line: string) => void;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly loop: Promise<void>;
  private lastError = '';

  private constructor(private readonly options: PodRunnerOptions) {
    const kc = new BoundedKubeConfig(10_000);
    kc.loadFromFile(options.adminKubeconfigPath);
    this.core = kc.makeApiClient(CoreV1Api);
    this.ownsRunDir = options.runDir === undefined;
    this.runDir = options.runDir ?? mkdtempSync(join(tmpdir(), `kfed-pods-${options.cluster}-`));
    mkdirSync(this.runDir, { recursive: true, mode: 0o700 });
    this.log = options.log ?? ((): void => undefined);
    this.loop = this.run();
  }

  /** Starts watching the cluster's pods (every {@link PodRunnerSettings.pollIntervalMs}). */
  static start(options: PodRunnerOptions): PodRunner {
    return new PodRunner(options);
  }

  /** Every container run now (or waiting for its restart). */
  containers(): RunningContainer[] {
    return [...this.pods.values()].flatMap((pod) =>
      [...pod.containers].map(([container, { process, logPath }]) => ({
        namespace: pod.namespace,
        pod: pod.name,
        uid: pod.uid,
        container,
        pid: process.pid,
        starts: process.starts,
        logPath,
      })),
    );
  }

  /** Stops watching and stops every process; the pods stay (a new runner picks them up). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    await Promise.all([...this.pods.keys()].map((uid) => this.remove(uid)));
    if (this.ownsRunDir) rmSync(this.runDir, { recursive: true, force: true });
  }

  /** A method, not the field: the field changes while a poll awaits, which narrowing cannot see. */
  private running(): boolean {
    return !this.stopped;
  }

  private async run(): Promise<void> {
    while (this.running()) {
      try {
        await this.sync();
        this.lastError = '';
      } catch (err) {
        // The API server may be restarting: keep what runs, as a kubelet does, and say so once.
        const message = err instanceof Error ? err.message : String(err);
        if (message !== this.lastError) this.log(`pod runner ${this.options.cluster}: ${message}`);
        this.lastError = message;
      }
      if (!this.running()) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollIntervalMs ?? 1000);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async sync(): Promise<void> {
    const list = await this.core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName!=' });
    const wanted = new Map<string, V1Pod>();
    for (const pod of list.items) {
      const uid = pod.metadata?.uid;
      if (uid && runnable(pod) && pod.spec?.containers.some((c) => localImageFor(c))) wanted.set(uid, pod);
    }
    await Promise.all([...this.pods.keys()].filter((uid) => !wanted.has(uid)).map((uid) => this.remove(uid)));
    for (const [uid, pod] of wanted) {
      if (!this.running()) return;
      try {
        const entry = this.pods.get(uid) ?? (await this.add(uid, pod));
        await entry.credentials.ensureFresh();
      } catch (err) {
        this.log(`pod runner ${this.options.cluster}: ${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private async add(uid: string, pod: V1Pod): Promise<PodEntry> {
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? uid;
    const credentials = new PodCredentials(
      this.core,
      join(this.runDir, uid),
      { namespace, name, uid, serviceAccountName: pod.spec?.serviceAccountName ?? 'default' },
      { endpoint: this.options.endpoint, caCertificate: this.options.caCertificate },
      this.options.tokenExpirationSeconds ?? 3600,
    );
    // The token comes first: a container never starts without its credentials.
    await credentials.ensureFresh();
    const entry: PodEntry = { namespace, name, uid, credentials, containers: new Map() };
    const gracePeriodMs = Math.min((pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000, maxGracePeriodMs);
    for (const container of pod.spec?.containers ?? []) {
      const image = localImageFor(container);
      if (!image) continue;
      const ports = await freePorts(image.ports);
      const containerArgs = [...(container.command ?? []).slice(1), ...(container.args ?? [])];
      const logPath = join(this.options.logsDir, this.options.cluster, `${namespace}_${name}_${container.name}.log`);
      const containerProcess = new ContainerProcess({
        binary: image.binary(this.options.toolchain),
        args: image.args(containerArgs, { kubeconfigPath: credentials.kubeconfigPath, namespace, ports }),
        env: this.environment(pod, container),
        logPath,
        gracePeriodMs,
        ...(this.options.maxRestartDelayMs !== undefined ? { maxBackoffMs: this.options.maxRestartDelayMs } : {}),
      });
      entry.containers.set(container.name, { process: containerProcess, logPath });
    }
    this.pods.set(uid, entry);
    for (const [container, { process }] of entry.containers) {
      process.start();
      this.log(`pod runner ${this.options.cluster}: started ${namespace}/${name} ${container} (pid ${String(process.pid)})`);
    }
    return entry;
  }

  private async remove(uid: string): Promise<void> {
    const entry = this.pods.get(uid);
    if (!entry) return;
    this.pods.delete(uid);
    await Promise.all([...entry.containers.values()].map(({ process }) => process.stop()));
    rmSync(entry.credentials.dir, { recursive: true, force: true });
    this.log(`pod runner ${this.options.cluster}: stopped ${entry.namespace}/${entry.name}`);
  }

  /**
   * The process environment a container would see: its own variables (literal values and the
   * pod fields the downward API offers), `HOSTNAME` = the pod name and the service variables
   * in-cluster config reads. Nothing of this process's environment leaks in but `PATH`.
   */
  private environment(pod: V1Pod, container: V1Container): Record<string, string> {
    const api = new URL(this.options.endpoint);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOSTNAME: pod.metadata?.name ?? '',
      KUBERNETES_SERVICE_HOST: api.hostname,
      KUBERNETES_SERVICE_PORT: api.port || '443',
    };
    for (const variable of container.env ?? []) {
      const value = envValue(pod, variable);
      if (value === undefined) this.log(`pod runner ${this.options.cluster}: ${container.name}: env ${variable.name} has an unsupported source; left unset`);
      else env[variable.name] = value;
    }
    return env;
  }
}

/** A container variable's value: a literal, or a pod field of the downward API. */
function envValue(pod: V1Pod, variable: V1EnvVar): string | undefined {
  if (variable.value !== undefined) return variable.value;
  const fields: Readonly<Record<string, string | undefined>> = {
    'metadata.name': pod.metadata?.name,
    'metadata.namespace': pod.metadata?.namespace,
    'metadata.uid': pod.metadata?.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
  };
  const path = variable.valueFrom?.fieldRef?.fieldPath;
  return path ? fields[path] : undefined;
}
