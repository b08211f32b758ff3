import { createHash, randomBytes } from 'node:crypto';
import type { BackingClusters } from './backing-clusters.js';
import { EmulatorError } from './codes.js';
import type { FaultInjector } from './faults.js';
import type { ClusterState, OperationState, OperationType, StateStore } from './state.js';

/** The Cluster fields of a CreateClusterRequest the emulator reads (proto-loader camelCase). */
export interface ClusterInput {
  readonly name?: string;
  readonly initialNodeCount?: number;
  readonly nodeConfig?: { readonly machineType?: string } | null;
  readonly nodePools?: readonly { readonly name?: string; readonly initialNodeCount?: number; readonly config?: { readonly machineType?: string } | null }[];
  readonly resourceLabels?: Readonly<Record<string, string>>;
}

/** google.container.v1.Cluster as returned (the fields kfed and gcloud look at). */
export type ClusterResource = Readonly<Record<string, unknown>>;

/** google.container.v1.Operation as returned. */
export type OperationResource = Readonly<Record<string, unknown>>;

export interface GkeClustersOptions {
  readonly store: StateStore;
  readonly backing: BackingClusters;
  readonly faults: FaultInjector;
  readonly provisioningDelayMs: number;
  readonly deletionDelayMs: number;
  /** When set, other projects do not exist. */
  readonly projects?: readonly string[];
  /** Version string reported as the master version. */
  readonly kubernetesVersion: string;
  readonly log: (line: string) => void;
  /**
   * Runs once a backing cluster answers and before its GKE cluster is RUNNING (again): what GKE
   * does to nodes before it reports them (their topology labels). A failure is logged only.
   */
  readonly prepareNodes?: (cluster: ClusterState) => Promise<void>;
  /** Clusters created with this resource label run no kube-scheduler (they host no workloads). @default every cluster runs one */
  readonly unscheduledLabel?: { readonly key: string; readonly value: string };
}


const clusterName = /^[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?$/;
const locationPattern = /^[a-z]+-[a-z]+\d+(-[a-z])?$/;
const labelKey = /^[a-z][a-z0-9_-]{0,62}$/;
const labelValue = /^[a-z0-9_-]{0,63}$/;
const maxNodes = 100;
const apiBase = 'https://container.googleapis.com/v1';

/**
 * GKE ClusterManager v1 semantics over the emulator state: clusters backed by real local
 * clusters, long-running operations, one operation at a time per cluster, and resumption of
 * unfinished work after a restart. Messages follow the real API's wording.
 */
export class GkeClusters {
  private abort = new AbortController();
  private readonly tasks = new Set<Promise<void>>();
  /** RUNNING clusters whose backing cluster is being started again after a restart. */
  private readonly restarting = new Set<string>();

  constructor(private readonly options: GkeClustersOptions) {}

  private get state(): StateStore['state'] {
    return this.options.store.state;
  }

  /** Picks up unfinished work from the state file: provisioning, deletions, restarts. */
  resume(): void {
    for (const [key, cluster] of Object.entries(this.state.clusters)) {
      if (cluster.status === 'PROVISIONING') this.track(this.provision(key));
      else if (cluster.status === 'STOPPING') this.track(this.deletion(key));
      else if (cluster.status === 'RUNNING' || cluster.status === 'RECONCILING' || cluster.status === 'DEGRADED') this.track(this.restart(key));
    }
  }

  create(project: string, location: string, input: ClusterInput): OperationResource {
    this.checkParent(project, location);
    const name = input.name ?? '';
    if (!clusterName.test(name)) {
      throw new EmulatorError(
        'INVALID_ARGUMENT',
        `Invalid value for field "cluster.name": "${name}". Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?)' (only alphanumerics and '-' allowed, must start with a letter and end with an alphanumeric, and must be no longer than 40 characters).`,
      );
    }
    const labels = { ...(input.resourceLabels ?? {}) };
    for (const [k, v] of Object.entries(labels)) {
      if (!labelKey.test(k) || !labelValue.test(v)) throw new EmulatorError('INVALID_ARGUMENT', `Invalid value for field "cluster.resource_labels": "${k}=${v}". Keys and values must be lowercase letters, digits, '_' or '-'.`);
    }
    const pools = input.nodePools?.length
      ? input.nodePools.map((p, i) => ({ name: p.name ?? `pool-${i}`, nodes: p.initialNodeCount ?? 0, machineType: p.config?.machineType ?? 'e2-medium' }))
      : [{ name: 'default-pool', nodes: input.initialNodeCount ?? 0, machineType: input.nodeConfig?.machineType ?? 'e2-medium' }];
    const nodes = pools.reduce((sum, p) => sum + p.nodes, 0);
    if (pools.some((p) => p.nodes < 1)) throw new EmulatorError('INVALID_ARGUMENT', 'Cluster.initial_node_count must be greater than zero.');
    if (nodes > maxNodes) throw new EmulatorError('INVALID_ARGUMENT', `The emulator runs at most ${maxNodes} nodes per cluster; asked for ${nodes}.`);
    const key = clusterKey(project, location, name);
    if (this.state.clusters[key]) throw new EmulatorError('ALREADY_EXISTS', `Already exists: projects/${project}/locations/${location}/clusters/${name}.`);

    const now = Date.now();
    const resource = `projects/${project}/locations/${location}/clusters/${name}`;
    const failure = this.options.faults.operationError(resource);
    const operation = this.newOperation(project, location, name, 'CREATE_CLUSTER');
    const cluster: ClusterState = {
      project,
      location,
      name,
      id: createHash('sha256').update(`${key}/${now}`).digest('hex').slice(0, 32),
      createTime: new Date(now).toISOString(),
      labels,
      pools,
      scheduler: !this.options.unscheduledLabel || labels[this.options.unscheduledLabel.key] !== this.options.unscheduledLabel.value,
      status: 'PROVISIONING',
      statusMessage: '',
      backing: backingName(project, location, name),
      readyAt: now + this.options.provisioningDelayMs,
      operation: operation.id,
      ...(failure !== undefined ? { failure } : {}),
    };
    this.state.clusters[key] = cluster;
    this.options.store.save();
    this.options.log(`GKE: creating ${resource} (${nodes} node${nodes === 1 ? '' : 's'}${cluster.scheduler ? '' : ', no scheduler'})`);
    this.track(this.provision(key));
    return toOperation(operation);
  }

  get(project: string, location: string, name: string): ClusterResource {
    const key = clusterKey(project, location, name);
    return this.toCluster(key, this.cluster(project, location, name));
  }

  list(project: string, location: string): ClusterResource[] {
    this.checkParent(project, location);
    return Object.entries(this.state.clusters)
      .filter(([, c]) => c.project === project && (location === '-' || c.location === location))
      .map(([key, c]) => this.toCluster(key, c));
  }

  delete(project: string, location: string, name: string): OperationResource {
    const cluster = this.cluster(project, location, name);
    const running = cluster.operation ? this.state.operations[operationKey(project, location, cluster.operation)] : undefined;
    if (running && running.status !== 'DONE') {
      throw new EmulatorError('FAILED_PRECONDITION', `Cluster is running incompatible operation ${running.id}.`);
    }
    if (this.restarting.has(clusterKey(project, location, name))) {
      // Like GKE's auto-repair: the backing cluster is being started again after a restart.
      throw new EmulatorError('FAILED_PRECONDITION', 'Cluster is running incompatible operation repair-after-emulator-restart.');
    }
    const operation = this.newOperation(project, location, name, 'DELETE_CLUSTER');
    cluster.status = 'STOPPING';
    cluster.statusMessage = '';
    cluster.operation = operation.id;
    this.options.store.save();
    this.options.log(`GKE: deleting projects/${project}/locations/${location}/clusters/${name}`);
    this.track(this.deletion(clusterKey(project, location, name)));
    return toOperation(operation);
  }

  /**
   * Marks a serving cluster DEGRADED (GKE's state for a cluster whose control plane answers but
   * that needs attention, e.g. failing node auto-repair) or back to RUNNING. Only through the
   * admin API: GKE's own API has no such call. Its backing cluster keeps running either way.
   */
  setHealth(project: string, location: string, name: string, status: 'DEGRADED' | 'RUNNING', message = ''): ClusterResource {
    const cluster = this.cluster(project, location, name);
    if (cluster.status !== 'RUNNING' && cluster.status !== 'DEGRADED') {
      throw new EmulatorError('FAILED_PRECONDITION', `Cluster ${name} is ${cluster.status}; only a RUNNING or DEGRADED cluster can be marked ${status}.`);
    }
    cluster.status = status;
    cluster.statusMessage = status === 'DEGRADED' ? message || 'The cluster is degraded (set through the emulator admin API).' : '';
    this.options.store.save();
    this.options.log(`GKE: ${name} ${status}${cluster.statusMessage ? `: ${cluster.statusMessage}` : ''}`);
    return this.get(project, location, name);
  }

  getOperation(project: string, location: string, id: string): OperationResource {
    this.checkParent(project, location);
    const op = this.state.operations[operationKey(project, location, id)];
    if (!op) throw new EmulatorError('NOT_FOUND', `Not found: projects/${project}/locations/${location}/operations/${id}.`);
    return toOperation(op);
  }

  listOperations(project: string, location: string): OperationResource[] {
    this.checkParent(project, location);
    return Object.values(this.state.operations)
      .filter((o) => o.project === project && (location === '-' || o.location === location))
      .map(toOperation);
  }

  /** Stops background work without changing the state (it resumes on the next start). */
  async quiesce(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.tasks]);
    this.abort = new AbortController();
  }

  /** Deletes every backing cluster (including orphans in the work directory) and forgets all clusters. */
  async deleteAll(): Promise<void> {
    await this.quiesce();
    const names = new Set([...this.options.backing.names(), ...Object.values(this.state.clusters).map((c) => c.backing)]);
    for (const name of names) await this.options.backing.delete(name);
    this.state.clusters = {};
    this.state.operations = {};
    this.options.store.save();
  }

  private async provision(key: string): Promise<void> {
    const signal = this.abort.signal;
    const cluster = this.state.clusters[key];
    if (!cluster) return;
    if (cluster.failure !== undefined) {
      if (await sleepUntil(cluster.readyAt, signal)) this.finish(key, 'ERROR', cluster.failure);
      return;
    }
    try {
      const info = await this.options.backing.ensureRunning({ name: cluster.backing, nodes: totalNodes(cluster), scheduler: cluster.scheduler });
      cluster.endpoint = info.endpoint.replace(/^https:\/\//, '');
      cluster.caCertificate = Buffer.from(info.caCertificate).toString('base64');
      this.options.store.save();
    } catch (err) {
      if (!signal.aborted) this.finish(key, 'ERROR', `Backing cluster failed to start: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    await this.prepare(cluster);
    if (await sleepUntil(cluster.readyAt, signal)) this.finish(key, 'RUNNING', '');
  }

  private finish(key: string, status: 'RUNNING' | 'ERROR', message: string): void {
    const cluster = this.state.clusters[key];
    if (!cluster) return;
    cluster.status = status;
    cluster.statusMessage = message;
    const op = cluster.operation ? this.state.operations[operationKey(cluster.project, cluster.location, cluster.operation)] : undefined;
    if (op) {
      op.status = 'DONE';
      op.endTime = new Date().toISOString();
      if (status === 'ERROR') op.error = { code: 13, message };
    }
    this.options.store.save();
    this.options.log(`GKE: ${cluster.name} ${status}${status === 'RUNNING' ? ` at https://${cluster.endpoint ?? ''}` : `: ${message}`}`);
  }

  private async deletion(key: string): Promise<void> {
    const signal = this.abort.signal;
    const cluster = this.state.clusters[key];
    if (!cluster) return;
    const op = cluster.operation ? this.state.operations[operationKey(cluster.project, cluster.location, cluster.operation)] : undefined;
    const deleteAt = (op ? Date.parse(op.startTime) : Date.now()) + this.options.deletionDelayMs;
    if (!(await sleepUntil(deleteAt, signal))) return;
    await this.options.backing.delete(cluster.backing);
    // The record goes only after the backing cluster: until then a create of the name is ALREADY_EXISTS.
    this.state.clusters = Object.fromEntries(Object.entries(this.state.clusters).filter(([k]) => k !== key));
    if (op) {
      op.status = 'DONE';
      op.endTime = new Date().toISOString();
    }
    this.options.store.save();
    this.options.log(`GKE: ${cluster.name} deleted`);
  }

  private async restart(key: string): Promise<void> {
    const signal = this.abort.signal;
    const cluster = this.state.clusters[key];
    if (!cluster) return;
    this.restarting.add(key);
    try {
      const info = await this.options.backing.ensureRunning({ name: cluster.backing, nodes: totalNodes(cluster), scheduler: cluster.scheduler });
      cluster.endpoint = info.endpoint.replace(/^https:\/\//, '');
      cluster.caCertificate = Buffer.from(info.caCertificate).toString('base64');
      await this.prepare(cluster);
      // A DEGRADED cluster stays DEGRADED across a restart: only the admin API changes that.
      if (cluster.status !== 'DEGRADED') cluster.status = 'RUNNING';
      this.options.store.save();
    } catch (err) {
      if (!signal.aborted) {
        cluster.status = 'ERROR';
        cluster.statusMessage = `Backing cluster did not come back after an emulator restart: ${err instanceof Error ? err.message : String(err)}`;
        this.options.store.save();
      }
    } finally {
      this.restarting.delete(key);
    }
  }

  private async prepare(cluster: ClusterState): Promise<void> {
    try {
      await this.options.prepareNodes?.(cluster);
    } catch (err) {
      this.options.log(`GKE: ${cluster.name}: preparing its nodes failed (the cloud controller retries): ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private newOperation(project: string, location: string, cluster: string, type: OperationType): OperationState {
    const op: OperationState = {
      project,
      location,
      id: `operation-${Date.now()}-${randomBytes(4).toString('hex')}`,
      type,
      cluster,
      status: 'RUNNING',
      startTime: new Date().toISOString(),
    };
    this.state.operations[operationKey(project, location, op.id)] = op;
    return op;
  }

  private cluster(project: string, location: string, name: string): ClusterState {
    this.checkParent(project, location);
    const cluster = this.state.clusters[clusterKey(project, location, name)];
    if (!cluster) throw new EmulatorError('NOT_FOUND', `Not found: projects/${project}/locations/${location}/clusters/${name}.`);
    return cluster;
  }

  private checkParent(project: string, location: string): void {
    if (this.options.projects && !this.options.projects.includes(project)) throw new EmulatorError('NOT_FOUND', `Project "${project}" not found or deleted.`);
    if (location !== '-' && !locationPattern.test(location)) throw new EmulatorError('INVALID_ARGUMENT', `Location "${location}" is not a valid GCP zone or region.`);
  }

  private track(task: Promise<void>): void {
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  private toCluster(key: string, c: ClusterState): ClusterResource {
    const restarting = this.restarting.has(key);
    const status = restarting ? 'RECONCILING' : c.status;
    // DEGRADED serves its API too, as on GKE.
    const serving = status === 'RUNNING' || status === 'RECONCILING' || status === 'DEGRADED';
    const version = `${this.options.kubernetesVersion}-gke.emulated`;
    return {
      name: c.name,
      description: '',
      location: c.location,
      zone: c.location,
      locations: [c.location],
      status,
      statusMessage: restarting ? 'The backing cluster is starting after an emulator restart.' : c.statusMessage,
      resourceLabels: { ...c.labels },
      createTime: c.createTime,
      selfLink: `${apiBase}/projects/${c.project}/locations/${c.location}/clusters/${c.name}`,
      id: c.id,
      initialNodeCount: totalNodes(c),
      currentNodeCount: totalNodes(c),
      nodePools: c.pools.map((p) => ({
        name: p.name,
        initialNodeCount: p.nodes,
        config: { machineType: p.machineType },
        status: nodePoolStatus(status),
        version,
      })),
      currentMasterVersion: version,
      currentNodeVersion: version,
      initialClusterVersion: version,
      ...(serving && c.endpoint ? { endpoint: c.endpoint } : {}),
      masterAuth: c.caCertificate ? { clusterCaCertificate: c.caCertificate } : {},
    };
  }
}

/** A node pool's status (google.container.v1.NodePool.Status) in a cluster of this status. */
function nodePoolStatus(status: string): string {
  if (status === 'DEGRADED') return 'RUNNING_WITH_ERROR';
  return status === 'RUNNING' || status === 'ERROR' || status === 'STOPPING' ? status : 'PROVISIONING';
}

function clusterKey(project: string, location: string, name: string): string {
  return `${project}/${location}/${name}`;
}

function operationKey(project: string, location: string, id: string): string {
  return `${project}/${location}/${id}`;
}

function totalNodes(c: ClusterState): number {
  return c.pools.reduce((sum, p) => sum + p.nodes, 0);
}

/** kwokctl cluster names are directory and process names: short, unique per GKE cluster. */
function backingName(project: string, location: string, name: string): string {
  return `gke-${name}-${createHash('sha256').update(`${project}/${location}`).digest('hex').slice(0, 6)}`;
}

function toOperation(op: OperationState): OperationResource {
  const base = `${apiBase}/projects/${op.project}/locations/${op.location}`;
  return {
    name: op.id,
    zone: op.location,
    location: op.location,
    operationType: op.type,
    status: op.status,
    selfLink: `${base}/operations/${op.id}`,
    targetLink: `${base}/clusters/${op.cluster}`,
    startTime: op.startTime,
    ...(op.endTime ? { endTime: op.endTime } : {}),
    ...(op.error ? { error: { code: op.error.code, message: op.error.message, details: [] }, statusMessage: op.error.message } : {}),
  };
}

/** Waits until `epochMs`; false when aborted first. */
async function sleepUntil(epochMs: number, signal: AbortSignal): Promise<boolean> {
  const ms = epochMs - Date.now();
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
