import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../local/ports.js';
import { ensureTools, versions, type Toolchain } from '../local/tools.js';
import { gcpEnvVars } from '../providers/gcp/env-vars.js';
import { AdminHttpApi, adminBasePath, type ClusterHealth } from './admin-http.js';
import { loadOrCreateToken } from './auth.js';
import { BackingClusters } from './backing-clusters.js';
import { CallLog, type CallLogEntry } from './call-log.js';
import { CloudController } from './cloud-controller.js';
import { EmulatorError } from './codes.js';
import { DnsHttpApi, dnsBasePath } from './dns-http.js';
import { startDnsServer, type DnsServer } from './dns-server.js';
import { DnsZones } from './dns-zones.js';
import { FaultInjector, type FaultConfig, type FaultRule } from './faults.js';
import { CallGate } from './gate.js';
import { GkeClusters } from './gke-clusters.js';
import { GkeGrpcApi } from './gke-grpc.js';
import { sendError } from './http-util.js';
import { acquireLock, StateStore } from './state.js';

export interface EmulatorOptions {
  /**
   * Directory for the state file, the access token (`access-token`, mode 0600) and the backing
   * clusters' kwokctl work directory (`kwok/`). Reusing it after a restart resumes everything.
   */
  readonly stateDir: string;
  /** The state file. @default `<stateDir>/state.json` */
  readonly stateFile?: string;
  /** Loopback address to bind. @default 127.0.0.1 */
  readonly host?: string;
  /** Cloud DNS REST + admin port. @default a free port */
  readonly restPort?: number;
  /** GKE gRPC port. @default a free port */
  readonly grpcPort?: number;
  /** Port of the emulated Cloud DNS name servers (UDP and TCP). @default a free port */
  readonly dnsPort?: number;
  /** Tools for the backing clusters. @default the cached build (`ensureTools({build: false})`), resolved when first needed */
  readonly toolchain?: Toolchain;
  /** Minimum time from CreateCluster to RUNNING. @default 2000 */
  readonly provisioningDelayMs?: number;
  /** Time from DeleteCluster until the cluster is gone. @default 500 */
  readonly deletionDelayMs?: number;
  /** Fixed latency per method name (`CreateCluster`, `managedZones.create`, ...). */
  readonly latencyMs?: Readonly<Record<string, number>>;
  /** Initial fault rules (also settable at run time). */
  readonly faults?: FaultConfig;
  /** Projects that exist; others answer NOT_FOUND. @default every project exists */
  readonly projects?: readonly string[];
  /**
   * Clusters created with this resource label get no kube-scheduler in their backing cluster,
   * saving a process per cluster that runs no workloads (kfed passes its member role label).
   * @default every cluster runs one
   */
  readonly unscheduledLabel?: { readonly key: string; readonly value: string };
  /**
   * Run the programs of known images (the KubeFed controller-manager) for the pods of every
   * cluster, as GKE's nodes would, logging under `<podLogsDir>/<cluster>/`.
   * @default none run (kwok only simulates pods)
   */
  readonly podLogsDir?: string;
  /** Lifecycle lines (cluster created, running, deleted). @default silent */
  readonly log?: (line: string) => void;
}

/** Run-time control of the fault injector. */
export interface FaultControl {
  /** The current rules, with remaining `failNext` counts. */
  get(): FaultConfig;
  /** Replaces all rules. */
  set(config: FaultConfig): void;
  add(rule: FaultRule): void;
  clear(): void;
}

/** A running emulator. */
export interface Emulator {
  /** Cloud DNS v1 base URL, for `KFED_DNS_ENDPOINT`. */
  readonly dnsEndpoint: string;
  /** GKE gRPC endpoint `http://host:port` (plaintext), for `KFED_GKE_ENDPOINT`. */
  readonly gkeEndpoint: string;
  /** Base URL of the admin API (`/emulator/v1`). */
  readonly adminEndpoint: string;
  /**
   * The emulated Cloud DNS name servers: every zone answers real DNS queries here, over UDP and
   * TCP (`dig @127.0.0.1 -p PORT web.default.kfed.svc.infra.mycompany.com`).
   */
  readonly dnsServer: { readonly host: string; readonly port: number; readonly address: string };
  /** File holding the access token, for `KFED_GCP_ACCESS_TOKEN_FILE`. */
  readonly tokenFile: string;
  /** The bearer token both APIs and every backing kube-apiserver accept. */
  readonly accessToken: string;
  readonly stateFile: string;
  /** The three variables that point kfed at this emulator. */
  readonly env: Readonly<Record<string, string>>;
  /** A copy of the call log. */
  calls(): readonly CallLogEntry[];
  clearCalls(): void;
  readonly faults: FaultControl;
  /** Stops serving and saves the state; backing clusters keep running for the next start. */
  stop(): Promise<void>;
  /** Marks a RUNNING cluster DEGRADED (it keeps serving its API), or back to RUNNING; as `PUT /emulator/v1/cluster-health`. */
  setClusterHealth(health: ClusterHealth): void;
  /** Deletes every backing cluster and forgets all GKE clusters (zones stay). */
  deleteAllClusters(): Promise<void>;
  /** {@link deleteAllClusters} then {@link stop}: leaves no processes behind. */
  destroy(): Promise<void>;
}

/**
 * Starts the Cloud DNS v1 REST + GKE ClusterManager v1 gRPC emulator. GKE clusters are backed
 * by real local clusters (LocalCluster over kwok) whose kube-apiservers accept the emulator's
 * access token, so a client holding only endpoint + CA + token reaches them, as with GKE; a
 * cloud controller labels their nodes and gives LoadBalancer Services addresses, and the zones'
 * name servers answer real DNS queries (see {@link Emulator.dnsServer}).
 * Unfinished work in the state (provisioning, deletions) resumes.
 */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.stateDir, { recursive: true });
  const stateFile = options.stateFile ?? join(options.stateDir, 'state.json');
  const releaseLock = acquireLock(`${stateFile}.lock`);
  try {
    return await start(options, host, stateFile, releaseLock);
  } catch (err) {
    releaseLock();
    throw err;
  }
}

async function start(options: EmulatorOptions, host: string, stateFile: string, releaseLock: () => void): Promise<Emulator> {
  const log = options.log ?? ((): void => undefined);
  const store = new StateStore(stateFile);
  const tokenFile = join(options.stateDir, 'access-token');
  const accessToken = loadOrCreateToken(tokenFile);
  let toolchain: Promise<Toolchain> | undefined = options.toolchain ? Promise.resolve(options.toolchain) : undefined;
  const backing = new BackingClusters(join(options.stateDir, 'kwok'), () => (toolchain ??= ensureTools({ build: false })), accessToken, {
    ...(options.podLogsDir !== undefined ? { podLogsDir: options.podLogsDir } : {}),
    log,
  });

  const callLog = new CallLog();
  const faults = new FaultInjector(options.faults);
  const gate = new CallGate(callLog, faults, options.latencyMs ?? {});
  const zones = new DnsZones(store, options.projects);
  const cloud = new CloudController({ store, accessToken, log });
  const clusters = new GkeClusters({
    store,
    backing,
    faults,
    provisioningDelayMs: options.provisioningDelayMs ?? 2000,
    deletionDelayMs: options.deletionDelayMs ?? 500,
    kubernetesVersion: versions.kubernetes.version,
    log,
    prepareNodes: (cluster) => cloud.prepareNodes(cluster),
    ...(options.projects ? { projects: options.projects } : {}),
    ...(options.unscheduledLabel ? { unscheduledLabel: options.unscheduledLabel } : {}),
  });

  const grpcApi = new GkeGrpcApi(clusters, gate, accessToken);
  const grpcPort = await grpcApi.listen(host, options.grpcPort ?? (await freePort(host)));
  const restPort = options.restPort ?? (await freePort(host));
  const dnsEndpoint = `http://${host}:${restPort}${dnsBasePath}`;
  const gkeEndpoint = `http://${host}:${grpcPort}`;
  const adminEndpoint = `http://${host}:${restPort}${adminBasePath}`;

  const dnsApi = new DnsHttpApi(zones, gate, accessToken);
  const adminApi = new AdminHttpApi(callLog, faults, accessToken, () => ({
    dnsEndpoint,
    gkeEndpoint,
    stateFile,
    zones: Object.keys(store.state.zones).length,
    clusters: Object.keys(store.state.clusters).length,
  }), clusters);
  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    void (async () => {
      if (await dnsApi.handle(req, res, url)) return;
      if (await adminApi.handle(req, res, url)) return;
      sendError(res, new EmulatorError('NOT_FOUND', `Not Found: ${url.pathname}`));
    })().catch((err: unknown) => {
      if (!res.headersSent) sendError(res, new EmulatorError('INTERNAL', String(err)));
    });
  });
  try {
    await listen(http, host, restPort);
  } catch (err) {
    await grpcApi.close();
    throw err;
  }
  let dnsServer: DnsServer;
  try {
    dnsServer = await startDnsServer({ host, ...(options.dnsPort !== undefined ? { port: options.dnsPort } : {}), zones: () => zones.served() });
  } catch (err) {
    await Promise.all([closeHttp(http), grpcApi.close()]);
    throw err;
  }
  clusters.resume();
  cloud.start();
  const stopSupervising = backing.supervise(log);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    stopSupervising();
    await Promise.all([closeHttp(http), grpcApi.close(), dnsServer.close()]);
    await clusters.quiesce();
    await cloud.stop();
    // The clusters keep running for the next start; the programs this emulator ran for their pods stop.
    await backing.release();
    store.save();
    releaseLock();
  };
  return {
    dnsEndpoint,
    gkeEndpoint,
    adminEndpoint,
    dnsServer: { host: dnsServer.host, port: dnsServer.port, address: dnsServer.address },
    tokenFile,
    accessToken,
    stateFile,
    env: { [gcpEnvVars.dnsEndpoint]: dnsEndpoint, [gcpEnvVars.gkeEndpoint]: gkeEndpoint, [gcpEnvVars.accessTokenFile]: tokenFile },
    calls: () => callLog.list(),
    clearCalls: () => {
      callLog.clear();
    },
    faults: {
      get: () => faults.current(),
      set: (config) => {
        faults.set(config);
      },
      add: (rule) => {
        faults.add(rule);
      },
      clear: () => {
        faults.clear();
      },
    },
    stop,
    setClusterHealth: (health) => {
      clusters.setHealth(health.project, health.location, health.name, health.status, health.message);
    },
    deleteAllClusters: () => clusters.deleteAll(),
    destroy: async () => {
      await clusters.deleteAll();
      await stop();
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    // Keep-alive connections of the clients would hold close() open.
    server.closeAllConnections();
  });
}
