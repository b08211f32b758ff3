import { ClusterManagerClient, protos } from '@google-cloud/container';
import { grpc, type CallOptions } from 'google-gax';
import { ConflictError, NotFoundError, ResourceFailedError, TransientError } from '../errors.js';
import { TokenSourceAuthClient } from './auth-client.js';
import { classifyGkeError, type ErrorContext } from './errors.js';
import { isFailedStatus, servesApi } from '../../domain.js';
import { cloudManagedByKfed } from '../../ownership.js';
import type { AccessTokenSource, ClusterInfo, ClusterRequest, GkeClusterStatus, GkeProvider } from './types.js';

type Cluster = protos.google.container.v1.ICluster;
type Operation = protos.google.container.v1.IOperation;
const ClusterStatus = protos.google.container.v1.Cluster.Status;
const OperationStatus = protos.google.container.v1.Operation.Status;
const OperationType = protos.google.container.v1.Operation.Type;

/** Where the ClusterManager gRPC API is served. */
export interface GkeEndpoint {
  readonly host: string;
  readonly port: number;
  /** Plaintext gRPC (the emulator); the bearer token then travels as call metadata. */
  readonly insecure: boolean;
}

/** The public GKE API. */
export const defaultGkeEndpoint: GkeEndpoint = { host: 'container.googleapis.com', port: 443, insecure: false };

/**
 * Parses `http://host:port` (plaintext gRPC) or `https://host[:port]` (TLS, port 443 by default).
 * @throws Error naming the accepted forms.
 */
export function parseGkeEndpoint(value: string): GkeEndpoint {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`GKE endpoint "${value}" is not a URL: use http://host:port (plaintext gRPC) or https://host[:port]`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`GKE endpoint "${value}" must start with http:// (plaintext gRPC) or https://`);
  }
  const insecure = url.protocol === 'http:';
  if (insecure && !url.port) throw new Error(`GKE endpoint "${value}" needs a port for plaintext gRPC, e.g. http://127.0.0.1:8081`);
  // URL keeps IPv6 hosts in brackets; gRPC wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: url.port ? Number(url.port) : 443, insecure };
}

export interface GoogleGkeProviderOptions {
  /** Bearer tokens for every call (read at each use). */
  readonly tokens: AccessTokenSource;
  /** @default {@link defaultGkeEndpoint} */
  readonly endpoint?: GkeEndpoint;
  /** Deadline of each RPC. @default 30000 */
  readonly callTimeoutMs?: number;
}

/**
 * {@link GkeProvider} on @google-cloud/container's ClusterManagerClient (v1, gRPC).
 * Library-level retries are off (`retry: null`): Temporal's activity retry policy is the one
 * retry layer, so the call log shows every attempt and a transient failure surfaces at once.
 */
export class GoogleGkeProvider implements GkeProvider {
  private readonly client: ClusterManagerClient;
  private readonly endpoint: GkeEndpoint;

  constructor(private readonly options: GoogleGkeProviderOptions) {
    this.endpoint = options.endpoint ?? defaultGkeEndpoint;
    this.client = new ClusterManagerClient({
      apiEndpoint: this.endpoint.host,
      port: this.endpoint.port,
      // NOTE: grpc-js cannot compose call credentials with an insecure channel, so for
      // plaintext the token is sent per call (see callOptions); gax still needs an auth
      // client (it asks it for the universe domain).
      ...(this.endpoint.insecure ? { sslCreds: grpc.credentials.createInsecure() } : {}),
      authClient: new TokenSourceAuthClient(options.tokens),
    });
  }

  /** Closes the gRPC channel. */
  close(): Promise<void> {
    return this.client.close();
  }

  /**
   * Reads first and adopts an existing cluster; otherwise creates it with the request's
   * resource labels. ALREADY_EXISTS (a create that raced another, or a lost response) is
   * answered by adopting, so one name never gets a second CreateCluster that succeeds.
   */
  async ensureCluster(
    project: string,
    request: ClusterRequest,
  ): Promise<{ readonly created: boolean; readonly status: GkeClusterStatus; readonly operation?: string }> {
    const { location, name } = request;
    const ctx = context('create cluster', project, clusterPath(project, location, name));
    const existing = await this.readCluster(project, location, name);
    if (existing) return this.adopt(project, existing, ctx);
    try {
      const [operation] = await this.client.createCluster(
        {
          parent: `projects/${project}/locations/${location}`,
          cluster: {
            name,
            resourceLabels: { ...request.labels },
            nodePools: [{ name: 'default-pool', initialNodeCount: request.nodes, config: { machineType: request.machineType } }],
          },
        },
        await this.callOptions(),
      );
      return { created: true, status: 'PROVISIONING', operation: operationPath(project, location, operation.name ?? '') };
    } catch (err) {
      const error = classifyGkeError(err, ctx);
      if (!(error instanceof ConflictError)) throw error;
      const raced = await this.readCluster(project, location, name);
      if (!raced) throw new TransientError(`GKE: cluster ${ctx.resource} was reported to exist but cannot be read yet`, { resource: ctx.resource, cause: err });
      return this.adopt(project, raced, ctx);
    }
  }

  async listClusters(project: string): Promise<ClusterInfo[]> {
    const parent = `projects/${project}/locations/-`;
    try {
      const [response] = await this.client.listClusters({ parent }, await this.callOptions());
      return (response.clusters ?? []).map((c) => toClusterInfo(c, c.location ?? '', c.name ?? ''));
    } catch (err) {
      throw classifyGkeError(err, context('list clusters', project, parent));
    }
  }

  async getCluster(project: string, location: string, name: string): Promise<ClusterInfo | undefined> {
    const cluster = await this.readCluster(project, location, name);
    return cluster ? toClusterInfo(cluster, location, name) : undefined;
  }

  async clusterStatus(project: string, location: string, name: string): Promise<{ readonly status: GkeClusterStatus; readonly message: string }> {
    const cluster = await this.mustReadCluster(project, location, name);
    const info = toClusterInfo(cluster, location, name);
    return { status: info.status, message: info.statusMessage };
  }

  async operationStatus(operation: string): Promise<{ readonly done: boolean; readonly status: string; readonly error?: string }> {
    const project = /^projects\/([^/]+)\//.exec(operation)?.[1] ?? '';
    try {
      const [op] = await this.client.getOperation({ name: operation }, await this.callOptions());
      const status = enumName(op.status, OperationStatus) ?? 'STATUS_UNSPECIFIED';
      const done = status === 'DONE';
      const error = op.error?.message ?? (done && op.statusMessage ? op.statusMessage : undefined);
      return error ? { done, status, error } : { done, status };
    } catch (err) {
      throw classifyGkeError(err, context('get operation', project, operation));
    }
  }

  async clusterAccess(project: string, location: string, name: string): Promise<{ readonly endpoint: string; readonly caCertificate: string }> {
    const resource = clusterPath(project, location, name);
    const cluster = await this.readCluster(project, location, name);
    if (!cluster) throw new NotFoundError(`GKE: cluster ${resource} does not exist`, { resource });
    const status = clusterStatusOf(cluster);
    const endpoint = cluster.endpoint ?? '';
    const caCertificate = cluster.masterAuth?.clusterCaCertificate ?? '';
    if (status === 'ERROR') throw failedCluster(resource, cluster);
    // A DEGRADED cluster still serves its API (teardown must be able to unjoin it).
    if (!servesApi(status) || !endpoint || !caCertificate) {
      throw new TransientError(`GKE: cluster ${resource} is ${status} and does not serve its API yet`, { resource, hint: 'wait until it is RUNNING' });
    }
    return { endpoint: `https://${endpoint}`, caCertificate };
  }

  /**
   * Starts deleting a cluster kfed created (label `managed-by: kfed`), or returns the deletion
   * already running. A busy cluster (another operation running) fails with TransientError.
   */
  async deleteCluster(
    project: string,
    location: string,
    name: string,
  ): Promise<{ readonly deleted: boolean; readonly reason?: 'absent' | 'not-owned'; readonly operation?: string }> {
    const resource = clusterPath(project, location, name);
    const cluster = await this.readCluster(project, location, name);
    if (!cluster) return { deleted: false, reason: 'absent' };
    if (!cloudManagedByKfed(cluster.resourceLabels ?? undefined)) return { deleted: false, reason: 'not-owned' };
    if (clusterStatusOf(cluster) === 'STOPPING') {
      const running = await this.runningOperation(project, location, name, 'DELETE_CLUSTER');
      return running ? { deleted: true, operation: running } : { deleted: true };
    }
    try {
      const [operation] = await this.client.deleteCluster({ name: resource }, await this.callOptions());
      return { deleted: true, operation: operationPath(project, location, operation.name ?? '') };
    } catch (err) {
      const error = classifyGkeError(err, context('delete cluster', project, resource));
      if (error instanceof NotFoundError) return { deleted: false, reason: 'absent' };
      throw error;
    }
  }

  private async adopt(
    project: string,
    cluster: Cluster,
    ctx: ErrorContext,
  ): Promise<{ readonly created: boolean; readonly status: GkeClusterStatus; readonly operation?: string }> {
    const status = clusterStatusOf(cluster);
    if (status === 'STOPPING') {
      throw new TransientError(`GKE: cluster ${ctx.resource} is being deleted`, { resource: ctx.resource, hint: 'it is created again once the deletion finishes' });
    }
    if (status !== 'PROVISIONING') return { created: false, status };
    const location = cluster.location ?? ctx.resource.split('/')[3] ?? '';
    const operation = await this.runningOperation(project, location, cluster.name ?? '', 'CREATE_CLUSTER');
    return operation ? { created: false, status, operation } : { created: false, status };
  }

  /** The unfinished operation of that type on the cluster (GKE runs one at a time). */
  private async runningOperation(project: string, location: string, name: string, type: keyof typeof OperationType): Promise<string | undefined> {
    try {
      const [response] = await this.client.listOperations({ parent: `projects/${project}/locations/${location}` }, await this.callOptions());
      const suffix = `/clusters/${name}`;
      const op = (response.operations ?? []).find(
        (o: Operation) => (o.targetLink ?? '').endsWith(suffix) && enumName(o.operationType, OperationType) === type && enumName(o.status, OperationStatus) !== 'DONE',
      );
      return op?.name ? operationPath(project, location, op.name) : undefined;
    } catch (err) {
      throw classifyGkeError(err, context('list operations', project, `projects/${project}/locations/${location}`));
    }
  }

  private async mustReadCluster(project: string, location: string, name: string): Promise<Cluster> {
    const cluster = await this.readCluster(project, location, name);
    const resource = clusterPath(project, location, name);
    if (!cluster) throw new NotFoundError(`GKE: cluster ${resource} does not exist`, { resource });
    if (isFailedStatus(clusterStatusOf(cluster))) throw failedCluster(resource, cluster);
    return cluster;
  }

  /** The cluster, or undefined on NOT_FOUND. */
  private async readCluster(project: string, location: string, name: string): Promise<Cluster | undefined> {
    const resource = clusterPath(project, location, name);
    try {
      const [cluster] = await this.client.getCluster({ name: resource }, await this.callOptions());
      return cluster;
    } catch (err) {
      const error = classifyGkeError(err, context('get cluster', project, resource));
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  private async callOptions(): Promise<CallOptions> {
    const base: CallOptions = { retry: null, timeout: this.options.callTimeoutMs ?? 30_000 };
    if (!this.endpoint.insecure) return base;
    return { ...base, otherArgs: { headers: { authorization: `Bearer ${await this.options.tokens.getAccessToken()}` } } };
  }
}

/** A cluster in ERROR or DEGRADED: waiting will not make it RUNNING. */
function failedCluster(resource: string, cluster: Cluster): ResourceFailedError {
  return new ResourceFailedError(`GKE: cluster ${resource} is ${clusterStatusOf(cluster)}: ${statusMessage(cluster) || 'no message'}`, {
    resource,
    hint: 'inspect it with `gcloud container clusters describe`, then delete it (kfed down) and run again',
  });
}

function context(action: string, project: string, resource: string): ErrorContext {
  return { action, project, resource };
}

function clusterPath(project: string, location: string, name: string): string {
  return `projects/${project}/locations/${location}/clusters/${name}`;
}

/** GKE returns an operation's short ID as its `name`; GetOperation wants the full path. */
function operationPath(project: string, location: string, id: string): string {
  return id.startsWith('projects/') ? id : `projects/${project}/locations/${location}/operations/${id}`;
}

/** gax decodes enums as names, but the generated types also allow numbers. */
function enumName(value: unknown, enumObject: object): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    const name: unknown = (enumObject as Record<number, unknown>)[value];
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}

const clusterStatuses: readonly GkeClusterStatus[] = ['STATUS_UNSPECIFIED', 'PROVISIONING', 'RUNNING', 'RECONCILING', 'STOPPING', 'ERROR', 'DEGRADED'];

function clusterStatusOf(cluster: Cluster): GkeClusterStatus {
  const name = enumName(cluster.status, ClusterStatus);
  return clusterStatuses.find((s) => s === name) ?? 'STATUS_UNSPECIFIED';
}

function statusMessage(cluster: Cluster): string {
  if (cluster.statusMessage) return cluster.statusMessage;
  return (cluster.conditions ?? [])
    .map((c) => c.message ?? '')
    .filter(Boolean)
    .join('; ');
}

function toClusterInfo(cluster: Cluster, location: string, name: string): ClusterInfo {
  const pools = cluster.nodePools ?? [];
  const machineTypes = [...new Set(pools.map((p) => p.config?.machineType ?? '').filter(Boolean))];
  const info = {
    name: cluster.name ?? name,
    location: cluster.location ?? location,
    status: clusterStatusOf(cluster),
    statusMessage: statusMessage(cluster),
    labels: { ...(cluster.resourceLabels ?? {}) },
    nodes: pools.length ? pools.reduce((sum, p) => sum + (p.initialNodeCount ?? 0), 0) : (cluster.currentNodeCount ?? cluster.initialNodeCount ?? 0),
    machineTypes,
  };
  return cluster.endpoint ? { ...info, endpoint: cluster.endpoint } : info;
}
