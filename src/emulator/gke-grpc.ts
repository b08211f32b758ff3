import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { bearerMatches } from './auth.js';
import { EmulatorError, grpcStatus } from './codes.js';
import type { CallGate } from './gate.js';
import type { ClusterInput, GkeClusters } from './gke-clusters.js';

/** Fields of the v1 requests the emulator reads; deprecated projectId/zone forms included. */
interface ClusterManagerRequest {
  readonly name?: string;
  readonly parent?: string;
  readonly projectId?: string;
  readonly zone?: string;
  readonly clusterId?: string;
  readonly operationId?: string;
  readonly cluster?: ClusterInput;
}

/** Walks up from a resolved entry file to the package root (their package.json is not exported). */
function packageRoot(specifier: string): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(specifier));
  while (!dir.endsWith(join('node_modules', ...specifier.split('/')))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package directory of ${specifier}`);
    dir = parent;
  }
  return dir;
}

/**
 * The ClusterManager service definition from the protos shipped in @google-cloud/container
 * (the same ones the client is generated from), so the wire format matches the client exactly.
 */
export function loadClusterManagerService(): grpc.ServiceDefinition {
  const definition = protoLoader.loadSync('google/container/v1/cluster_service.proto', {
    includeDirs: [join(packageRoot('@google-cloud/container'), 'build', 'protos'), join(packageRoot('google-gax'), 'build', 'protos')],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const service = definition['google.container.v1.ClusterManager'];
  if (!service || !('CreateCluster' in service)) throw new Error('google.container.v1.ClusterManager not found in the GKE protos');
  return service;
}

type Handler = (request: ClusterManagerRequest) => unknown;

/**
 * GKE ClusterManager v1 over gRPC (@grpc/grpc-js): CreateCluster, GetCluster, ListClusters,
 * DeleteCluster, GetOperation, ListOperations. Other methods answer UNIMPLEMENTED.
 */
export class GkeGrpcApi {
  readonly server = new grpc.Server();

  constructor(
    private readonly clusters: GkeClusters,
    private readonly gate: CallGate,
    private readonly token: string,
  ) {
    const c = this.clusters;
    this.server.addService(loadClusterManagerService(), {
      CreateCluster: this.unary('CreateCluster', (r) => `${parentOf(r)}/clusters/${r.cluster?.name ?? ''}`, (r) => {
        const [project, location] = parts(parentOf(r), 'parent');
        return c.create(project, location, r.cluster ?? {});
      }),
      GetCluster: this.unary('GetCluster', clusterOf, (r) => c.get(...parts(clusterOf(r), 'name', 3))),
      ListClusters: this.unary('ListClusters', parentOf, (r) => ({ clusters: c.list(...parts(parentOf(r), 'parent')), missingZones: [] })),
      DeleteCluster: this.unary('DeleteCluster', clusterOf, (r) => c.delete(...parts(clusterOf(r), 'name', 3))),
      GetOperation: this.unary('GetOperation', operationOf, (r) => c.getOperation(...parts(operationOf(r), 'name', 3))),
      ListOperations: this.unary('ListOperations', parentOf, (r) => ({ operations: c.listOperations(...parts(parentOf(r), 'parent')), missingZones: [] })),
    });
  }

  /** Binds to `host:port` (0 = any free port) and returns the port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
        if (err) reject(err);
        else resolve(bound);
      });
    });
  }

  /** Stops accepting calls; in-flight calls get a short grace period. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 2000);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private unary(method: string, resourceOf: (r: ClusterManagerRequest) => string, handler: Handler): grpc.handleUnaryCall<ClusterManagerRequest, unknown> {
    return (call, callback) => {
      const request = call.request;
      const authorization = call.metadata.get('authorization')[0];
      const gateCall = {
        api: 'gke' as const,
        method,
        resource: safe(() => resourceOf(request)),
        authorized: bearerMatches(typeof authorization === 'string' ? authorization : undefined, this.token),
      };
      this.gate.run(gateCall, () => handler(request)).then(
        (response) => {
          callback(null, response);
        },
        (err: unknown) => {
          const error = err instanceof EmulatorError ? err : new EmulatorError('INTERNAL', String(err));
          callback({ code: grpcStatus(error.code), details: error.message, metadata: new grpc.Metadata() });
        },
      );
    };
  }
}

function safe(f: () => string): string {
  try {
    return f();
  } catch {
    return '';
  }
}

/** proto3 strings arrive empty when unset by some clients; treat empty as absent. */
function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

function parentOf(r: ClusterManagerRequest): string {
  return nonEmpty(r.parent) ?? `projects/${r.projectId ?? ''}/locations/${r.zone ?? ''}`;
}

function clusterOf(r: ClusterManagerRequest): string {
  return nonEmpty(r.name) ?? `projects/${r.projectId ?? ''}/locations/${r.zone ?? ''}/clusters/${r.clusterId ?? ''}`;
}

function operationOf(r: ClusterManagerRequest): string {
  return nonEmpty(r.name) ?? `projects/${r.projectId ?? ''}/locations/${r.zone ?? ''}/operations/${r.operationId ?? ''}`;
}

/**
 * Splits `projects/P/locations/L[/kind/ID]` into [P, L(, ID)].
 * @throws EmulatorError INVALID_ARGUMENT naming the field when the path is malformed.
 */
function parts(path: string, field: string): [string, string];
function parts(path: string, field: string, count: 3): [string, string, string];
function parts(path: string, field: string, count = 2): string[] {
  const m = /^projects\/([^/]+)\/(?:locations|zones)\/([^/]+)(?:\/(?:clusters|operations)\/([^/]+))?$/.exec(path);
  const values = m ? [m[1], m[2], m[3]].slice(0, count) : [];
  if (values.length !== count || values.some((v) => !v)) {
    throw new EmulatorError('INVALID_ARGUMENT', `Invalid value for field "${field}": "${path}".`);
  }
  return values as string[];
}
