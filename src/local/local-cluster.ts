import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { onExitCleanup } from './child-registry.js';
import { freePorts } from './ports.js';
import { execOk, exec } from './exec.js';
import type { Toolchain } from './tools.js';
import { versions } from './tools.js';
import { processAlive } from './state.js';
import { PodRunner, type PodRunnerSettings } from './pod-runner.js';

/** A bearer token the cluster's API server accepts (kube-apiserver `--token-auth-file`). */
export interface StaticToken {
  readonly token: string;
  readonly user: string;
  readonly groups: readonly string[];
}

export interface LocalClusterOptions {
  readonly toolchain: Toolchain;
  /** kwokctl's work directory (`KWOK_WORKDIR`); clusters live in `<workdir>/clusters/<name>`. */
  readonly workdir: string;
  /** Run kube-scheduler; a member cluster that runs no workloads can skip it. @default true */
  readonly scheduler?: boolean;
  /** Simulated nodes to create (kwok marks them Ready). @default 1 */
  readonly nodes?: number;
  /** Extra bearer tokens the API server accepts, e.g. the ones an emulator hands out. */
  readonly staticTokens?: readonly StaticToken[];
  /** Extra kube-apiserver flags, without the leading `--`. */
  readonly apiserverArgs?: Readonly<Record<string, string>>;
  /**
   * Delete the cluster when this process exits. Off for clusters that must outlive the
   * process (the emulator's, which survive an emulator restart).
   * @default true
   */
  readonly deleteOnExit?: boolean;
  /**
   * Run the pods of the images the substrate knows (./pod-images.ts) as real local processes,
   * as a kubelet would, for as long as this object is in use ({@link LocalCluster.stopPods}).
   * @default off: kwok only simulates every pod
   */
  readonly runPods?: PodRunnerSettings;
}

/** Connection facts of a running local cluster. */
export interface LocalClusterInfo {
  readonly name: string;
  /** `https://127.0.0.1:PORT` */
  readonly endpoint: string;
  /** PEM of the cluster CA. */
  readonly caCertificate: string;
  /** PEM client certificate + key of the admin user (system:masters). */
  readonly adminCertificate: string;
  readonly adminKey: string;
  /** Admin kubeconfig file written by kwokctl. */
  readonly kubeconfigPath: string;
}

interface KubeconfigFile {
  clusters?: { cluster?: { server?: string; 'certificate-authority'?: string; 'certificate-authority-data'?: string } }[];
  users?: { user?: { 'client-certificate'?: string; 'client-key'?: string; 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
}

function readMaybeData(path: string | undefined, data: string | undefined): string {
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  if (path) return readFileSync(path, 'utf8');
  throw new Error('kubeconfig has neither a file nor inline data');
}

/**
 * A real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager and optionally
 * kube-scheduler) with kwok-simulated nodes, run by `kwokctl --runtime binary` from the built
 * tools only (never downloading). Pods scheduled to kwok nodes become Running, so Deployments
 * become Available.
 */
export class LocalCluster {
  private removeExitHook: (() => void) | undefined;
  private pods: PodRunner | undefined;

  private constructor(
    readonly info: LocalClusterInfo,
    private readonly options: LocalClusterOptions,
  ) {
    if (options.deleteOnExit ?? true) {
      this.removeExitHook = onExitCleanup(() => {
        spawnSync(options.toolchain.kwokctl, ['delete', 'cluster', '--name', info.name], { env: kwokEnv(options), stdio: 'ignore' });
      });
    }
    if (options.runPods) {
      this.pods = PodRunner.start({
        ...options.runPods,
        cluster: info.name,
        adminKubeconfigPath: info.kubeconfigPath,
        endpoint: info.endpoint,
        caCertificate: info.caCertificate,
        toolchain: options.toolchain,
      });
    }
  }

  /** The runner of this cluster's real pods, when {@link LocalClusterOptions.runPods} is set. */
  get podRunner(): PodRunner | undefined {
    return this.pods;
  }

  /** Stops the pods' processes (the pods stay; a cluster attached again runs them again). */
  async stopPods(): Promise<void> {
    const pods = this.pods;
    this.pods = undefined;
    await pods?.stop();
  }

  get name(): string {
    return this.info.name;
  }

  /** Creates the cluster and waits until its API server is ready and its nodes exist. */
  static async create(name: string, options: LocalClusterOptions): Promise<LocalCluster> {
    const env = kwokEnv(options);
    mkdirSync(options.workdir, { recursive: true });
    // Every port is chosen here (kernel-assigned, random) rather than by kwokctl, whose scan
    // from a fixed number races with any other create in flight; so creates can run in parallel.
    const [etcd, etcdPeer, apiserver, kwokController, controllerManager, scheduler] = await freePorts(6);
    const ports = { etcdPort: etcd, etcdPeerPort: etcdPeer, kubeApiserverPort: apiserver, kwokControllerPort: kwokController, kubeControllerManagerPort: controllerManager, kubeSchedulerPort: scheduler };
    const args = ['create', 'cluster', '--name', name, '--runtime', 'binary', '--wait', '120s', '--quiet-pull', '--config', writeKwokConfig(name, options, ports)];
    if (options.scheduler === false) args.push('--disable', 'kube-scheduler');
    const extra: Record<string, string> = { ...options.apiserverArgs };
    if (options.staticTokens?.length) {
      const tokenFile = join(options.workdir, `${name}-static-tokens.csv`);
      writeFileSync(
        tokenFile,
        options.staticTokens.map((t) => `${t.token},${t.user},${t.user},"${t.groups.join(',')}"`).join('\n') + '\n',
        { mode: 0o600 },
      );
      extra['token-auth-file'] = tokenFile;
    }
    for (const [key, value] of Object.entries(extra)) args.push('--extra-args', `kube-apiserver=${key}=${value}`);
    try {
      await execOk(options.toolchain.kwokctl, args, { env, timeoutMs: 300_000 });
    } catch (err) {
      // A half-created cluster would hold ports and processes: remove it before reporting.
      await exec(options.toolchain.kwokctl, ['delete', 'cluster', '--name', name], { env });
      throw err;
    }
    const cluster = new LocalCluster(readInfo(name, options), options);
    const nodes = options.nodes ?? 1;
    if (nodes > 0) await execOk(options.toolchain.kwokctl, ['scale', 'node', '--name', name, '--replicas', String(nodes)], { env });
    return cluster;
  }

  /** Attaches to a cluster created earlier in the same work directory (e.g. after a restart). */
  static attach(name: string, options: LocalClusterOptions): LocalCluster {
    return new LocalCluster(readInfo(name, options), { ...options, deleteOnExit: options.deleteOnExit ?? false });
  }

  /** True when a cluster of that name exists in the work directory. */
  static exists(name: string, workdir: string): boolean {
    return existsSync(join(workdir, 'clusters', name, 'kwok.yaml'));
  }

  /**
   * Components of the cluster whose process is gone (kwokctl's pid files), e.g. a
   * kube-controller-manager that gave up waiting for a slow kube-apiserver at start-up on a
   * loaded machine. kwokctl's binary runtime does not restart them; {@link start} does.
   */
  static stoppedComponents(name: string, workdir: string): string[] {
    const dir = join(workdir, 'clusters', name, 'pids');
    if (!existsSync(dir)) return [];
    const stopped: string[] = [];
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.pid')) continue;
      let pid = NaN;
      try {
        pid = Number(readFileSync(join(dir, file), 'utf8').trim());
      } catch {
        // removed meanwhile (a delete in progress)
      }
      if (!processAlive(pid)) stopped.push(file.slice(0, -'.pid'.length));
    }
    return stopped;
  }

  /** Starts the processes of a stopped cluster, or only the stopped ones (no-op when all run). */
  async start(): Promise<void> {
    await execOk(this.options.toolchain.kwokctl, ['start', 'cluster', '--name', this.name], { env: kwokEnv(this.options) });
  }

  /** True when the API server answers /readyz with the admin credentials. */
  async isReady(): Promise<boolean> {
    const result = await exec(this.options.toolchain.kubectl, ['--kubeconfig', this.info.kubeconfigPath, 'get', '--raw', '/readyz'], {
      timeoutMs: 10_000,
    });
    return result.code === 0;
  }

  /** A client-node KubeConfig for the admin user. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromFile(this.info.kubeconfigPath);
    return kc;
  }

  /** Stops every process and removes the cluster's directory. Deleting twice is fine. */
  async delete(): Promise<void> {
    await this.stopPods();
    this.removeExitHook?.();
    this.removeExitHook = undefined;
    await execOk(this.options.toolchain.kwokctl, ['delete', 'cluster', '--name', this.name], { env: kwokEnv(this.options) });
  }
}

function kwokEnv(options: LocalClusterOptions): NodeJS.ProcessEnv {
  const t = options.toolchain;
  return {
    ...process.env,
    KWOK_WORKDIR: options.workdir,
    KWOK_RUNTIME: 'binary',
    KWOK_KUBE_VERSION: `v${versions.kubernetes.version}`,
    KWOK_KUBE_APISERVER_BINARY: t.kubeApiserver,
    KWOK_KUBE_CONTROLLER_MANAGER_BINARY: t.kubeControllerManager,
    KWOK_KUBE_SCHEDULER_BINARY: t.kubeScheduler,
    KWOK_KUBECTL_BINARY: t.kubectl,
    KWOK_ETCD_BINARY: t.etcd,
    KWOK_CONTROLLER_BINARY: t.kwok,
    KWOK_ETCD_VERSION: versions.etcd.version,
  };
}

/** kwokctl configuration of one cluster: loopback only, local binaries, fixed ports. */
function writeKwokConfig(name: string, options: LocalClusterOptions, ports: Readonly<Record<string, number | undefined>>): string {
  const path = join(options.workdir, `${name}-kwokctl.yaml`);
  const t = options.toolchain;
  const config = [
    'apiVersion: config.kwok.x-k8s.io/v1alpha1',
    'kind: KwokctlConfiguration',
    'options:',
    '  runtime: binary',
    '  bindAddress: 127.0.0.1',
    `  kubeVersion: v${versions.kubernetes.version}`,
    `  etcdVersion: ${versions.etcd.version}`,
    `  kubeApiserverBinary: ${t.kubeApiserver}`,
    `  kubeControllerManagerBinary: ${t.kubeControllerManager}`,
    `  kubeSchedulerBinary: ${t.kubeScheduler}`,
    `  kubectlBinary: ${t.kubectl}`,
    `  etcdBinary: ${t.etcd}`,
    `  kwokControllerBinary: ${t.kwok}`,
    '  securePort: true',
    '  kubeAuthorization: true',
    '  kubeAdmission: true',
    ...Object.entries(ports).map(([key, port]) => `  ${key}: ${String(port)}`),
    '',
  ].join('\n');
  writeFileSync(path, config);
  return path;
}

function readInfo(name: string, options: LocalClusterOptions): LocalClusterInfo {
  const kubeconfigPath = join(options.workdir, 'clusters', name, 'kubeconfig.yaml');
  const file = parseYaml(readFileSync(kubeconfigPath, 'utf8')) as KubeconfigFile;
  const cluster = file.clusters?.[0]?.cluster;
  const user = file.users?.[0]?.user;
  if (!cluster?.server || !user) throw new Error(`unexpected kubeconfig written by kwokctl: ${kubeconfigPath}`);
  return {
    name,
    endpoint: cluster.server,
    caCertificate: readMaybeData(cluster['certificate-authority'], cluster['certificate-authority-data']),
    adminCertificate: readMaybeData(user['client-certificate'], user['client-certificate-data']),
    adminKey: readMaybeData(user['client-key'], user['client-key-data']),
    kubeconfigPath,
  };
}
