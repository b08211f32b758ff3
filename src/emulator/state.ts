import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PoolState } from './address-pool.js';

/** A Cloud DNS resource record set. */
export interface RrsetState {
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
}

export interface ZoneState {
  project: string;
  name: string;
  dnsName: string;
  description: string;
  id: string;
  creationTime: string;
  nameServers: string[];
  labels: Record<string, string>;
  rrsets: RrsetState[];
  changeCount: number;
}

/** A request remembered by its `clientOperationId`, so a retry gets the first answer. */
export interface ClientOperationState {
  /** Hash of method, path and body: the same key with another request is refused. */
  fingerprint: string;
  /** The zone the operation touched; the answer is replayed only while that zone exists. */
  zoneId: string;
  response: unknown;
}

/** GKE's cluster states; DEGRADED only when set through the admin API (a cluster that serves its API but needs attention). */
export type ClusterStatus = 'PROVISIONING' | 'RUNNING' | 'RECONCILING' | 'STOPPING' | 'ERROR' | 'DEGRADED';

export interface ClusterState {
  project: string;
  location: string;
  name: string;
  id: string;
  createTime: string;
  labels: Record<string, string>;
  /** Node pools as requested; their node counts add up to the backing cluster's kwok nodes. */
  pools: { name: string; nodes: number; machineType: string }[];
  /** Backing cluster runs kube-scheduler (see EmulatorOptions.unscheduledLabel). */
  scheduler: boolean;
  status: ClusterStatus;
  statusMessage: string;
  /** kwokctl cluster name of the backing LocalCluster. */
  backing: string;
  /** `127.0.0.1:PORT` of the backing kube-apiserver, once up. */
  endpoint?: string;
  /** Base64 PEM CA of the backing cluster, once up. */
  caCertificate?: string;
  /** Epoch ms before which provisioning does not finish (the configured delay). */
  readyAt: number;
  /** Provisioning ends in ERROR with this message (fault injection). */
  failure?: string;
  /** ID of the operation running on the cluster; GKE allows one at a time. */
  operation?: string;
}

export type OperationType = 'CREATE_CLUSTER' | 'DELETE_CLUSTER';

export interface OperationState {
  project: string;
  location: string;
  id: string;
  type: OperationType;
  cluster: string;
  status: 'PENDING' | 'RUNNING' | 'DONE';
  startTime: string;
  endTime?: string;
  error?: { code: number; message: string };
}

/** Everything the emulator persists; one JSON file. */
export interface EmulatorState {
  version: 1;
  /** Counter for numeric IDs (zones, changes, clusters, operations). */
  nextId: number;
  zones: Record<string, ZoneState>;
  clientOperations: Record<string, ClientOperationState>;
  clusters: Record<string, ClusterState>;
  operations: Record<string, OperationState>;
  /** Load-balancer address pools per cluster (`project/location/name`); absent in older state files. */
  loadBalancers?: Record<string, PoolState>;
}

function emptyState(): EmulatorState {
  // Start IDs at a large number, as the real APIs' IDs look.
  return { version: 1, nextId: 1_700_000_000_000, zones: {}, clientOperations: {}, clusters: {}, operations: {} };
}

/**
 * The emulator's state file. Every mutation is followed by {@link save}, written to a temporary
 * file and renamed, so a crash leaves either the old or the new state, never half of one.
 */
export class StateStore {
  readonly state: EmulatorState;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    const loaded = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }) : emptyState();
    if (loaded.version !== 1) throw new Error(`unsupported emulator state version in ${path}`);
    this.state = loaded as EmulatorState;
  }

  /** A new numeric ID as a string. */
  nextId(): string {
    this.state.nextId += 1;
    return String(this.state.nextId);
  }

  save(): void {
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(this.state, null, 2));
    renameSync(tmp, this.path);
  }
}

/**
 * Keeps two emulators from sharing one state directory (they would overwrite each other's
 * state and fight over backing clusters). A lock left by a dead process is taken over.
 */
export function acquireLock(path: string): () => void {
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new Error(`another emulator (pid ${pid}) is using this state; stop it first (lock ${path})`);
    }
  }
  writeFileSync(path, String(process.pid));
  return () => {
    rmSync(path, { force: true });
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
