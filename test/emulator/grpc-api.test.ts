import { ClusterManagerClient } from '@google-cloud/container';
import { googleAuthLibrary, grpc, type CallOptions } from 'google-gax';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, thrown, type TestCloud } from './support.js';

/** gRPC status of a failed call. */
function codeOf(err: Error): unknown {
  return (err as Error & { code?: unknown }).code;
}

describe('emulator: GKE ClusterManager v1 gRPC wire behaviour', () => {
  let cloud: TestCloud;
  let client: ClusterManagerClient;
  let auth: CallOptions;

  beforeAll(async () => {
    cloud = await startTestCloud({ projects: ['kfed-grpc'] });
    const port = Number(new URL(cloud.emulator.gkeEndpoint).port);
    // The raw generated client, as any GKE tool would use it against a plaintext endpoint.
    client = new ClusterManagerClient({ apiEndpoint: '127.0.0.1', port, sslCreds: grpc.credentials.createInsecure(), authClient: new googleAuthLibrary.OAuth2Client() });
    auth = { retry: null, otherArgs: { headers: { authorization: `Bearer ${cloud.emulator.accessToken}` } } };
  });

  afterAll(async () => {
    await client.close();
    await cloud.destroy();
  });

  it('answers UNAUTHENTICATED without the bearer token', async () => {
    const err = await thrown(() => client.listClusters({ parent: 'projects/kfed-grpc/locations/-' }, { retry: null }));
    expect(codeOf(err)).toBe(grpc.status.UNAUTHENTICATED);
    expect(cloud.emulator.calls().at(-1)).toMatchObject({ api: 'gke', method: 'ListClusters', result: 'UNAUTHENTICATED' });
  });

  it('accepts the deprecated projectId/zone/clusterId request fields', async () => {
    const err = await thrown(() => client.getCluster({ projectId: 'kfed-grpc', zone: 'us-east1-b', clusterId: 'legacy' }, auth));
    expect(codeOf(err)).toBe(grpc.status.NOT_FOUND);
    expect(err.message).toContain('Not found: projects/kfed-grpc/locations/us-east1-b/clusters/legacy.');
  });

  it('lists across all locations with "-", and answers NOT_FOUND for an unknown project', async () => {
    const [list] = await client.listClusters({ parent: 'projects/kfed-grpc/locations/-' }, auth);
    expect(list.clusters).toEqual([]);
    const [ops] = await client.listOperations({ parent: 'projects/kfed-grpc/locations/-' }, auth);
    expect(ops.operations).toEqual([]);
    const err = await thrown(() => client.listClusters({ parent: 'projects/nope/locations/-' }, auth));
    expect(codeOf(err)).toBe(grpc.status.NOT_FOUND);
  });

  it('validates the cluster like GKE: a node count above zero and a valid location', async () => {
    const noNodes = await thrown(() => client.createCluster({ parent: 'projects/kfed-grpc/locations/us-east1-b', cluster: { name: 'empty' } }, auth));
    expect(codeOf(noNodes)).toBe(grpc.status.INVALID_ARGUMENT);
    expect(noNodes.message).toContain('initial_node_count must be greater than zero');
    const badLocation = await thrown(() => client.createCluster({ parent: 'projects/kfed-grpc/locations/moon', cluster: { name: 'x', initialNodeCount: 1 } }, auth));
    expect(codeOf(badLocation)).toBe(grpc.status.INVALID_ARGUMENT);
    const badLabel = await thrown(() => client.createCluster({ parent: 'projects/kfed-grpc/locations/us-east1-b', cluster: { name: 'x', initialNodeCount: 1, resourceLabels: { Team: 'Web' } } }, auth));
    expect(codeOf(badLabel)).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('answers UNIMPLEMENTED for methods it does not emulate', async () => {
    const err = await thrown(() => client.getServerConfig({ name: 'projects/kfed-grpc/locations/us-east1-b' }, auth));
    expect(codeOf(err)).toBe(grpc.status.UNIMPLEMENTED);
  });
});
