import { proxyActivities, setCurrentDetails, log } from '@temporalio/workflow';
// Only import the activity types: workflow code must not bundle activity code.
import type { Activities, ClusterAccess } from '../activities/index.js';
import type { ClusterSpec } from '../spec/types.js';
import { apiCall, waitReady } from './activity-options.js';

export interface ProvisionClusterInput {
  readonly project: string;
  readonly federation: string;
  readonly role: 'host' | 'member';
  readonly cluster: ClusterSpec;
  readonly pollInterval: string;
  /** The federate run this child belongs to: recorded on a cluster it creates (see ownership.ts). */
  readonly createdBy?: string;
}

export interface ProvisionedCluster extends ClusterAccess {
  readonly name: string;
  /** False when an existing cluster of that name was adopted. */
  readonly created: boolean;
  /** How an adopted cluster differs from the spec in what kfed does not change in place. */
  readonly drift?: string;
}

/**
 * One cluster: create (or adopt) it, wait until RUNNING with quota-aware polling, and read
 * its endpoint and CA. A child workflow per cluster so each shows on its own in the UI.
 */
export async function provisionCluster(input: ProvisionClusterInput): Promise<ProvisionedCluster> {
  const { cluster, project } = input;
  const where = { project, location: cluster.location, name: cluster.name };
  const details = (line: string): void => {
    setCurrentDetails(`**cluster ${cluster.name}** (${cluster.location}, ${cluster.nodes} × ${cluster.machineType}): ${line}`);
  };

  details('creating');
  const created = await proxyActivities<Activities>({ ...apiCall, summary: `create cluster ${cluster.name} in ${cluster.location}` }).ensureCluster({
    project,
    federation: input.federation,
    role: input.role,
    cluster,
    ...(input.createdBy ? { createdBy: input.createdBy } : {}),
  });
  log.info('cluster create requested', { cluster: cluster.name, created: created.created, status: created.status });

  const wait = waitReady(input.pollInterval);
  if (created.operation) {
    details(`${created.status}: waiting for operation (poll every ${input.pollInterval})`);
    await proxyActivities<Activities>({ ...wait, summary: `wait for ${cluster.name}: PROVISIONING` }).awaitOperation({
      operation: created.operation,
      what: `create cluster ${cluster.name}`,
    });
  }
  details(`waiting for RUNNING (poll every ${input.pollInterval})`);
  await proxyActivities<Activities>({ ...wait, summary: `wait for ${cluster.name}: RUNNING` }).awaitClusterRunning(where);

  const access = await proxyActivities<Activities>({ ...apiCall, summary: `read endpoint of ${cluster.name}` }).clusterAccess(where);
  details(`RUNNING at ${access.endpoint} (CA ${access.caFingerprint.slice(0, 23)}…)`);
  return { name: cluster.name, created: created.created, ...access, ...(created.drift ? { drift: created.drift } : {}) };
}
