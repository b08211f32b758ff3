import { ApplicationFailure, isCancellation, proxyActivities, setHandler, type ActivityOptions } from '@temporalio/workflow';
// Only import the activity types: workflow code must not bundle activity code.
import type { Activities } from '../activities/index.js';
import { progressQuery, workflowFailureTypes, type RotationSummary } from '../contract.js';
import { gkeTarget, joinNames, kubeconfigTarget, servesApi } from '../domain.js';
import type { ClusterTarget } from '../providers/types.js';
import type { ClusterSpec, FederationSpec } from '../spec/types.js';
import { apiCall, kubeWait, memberReady, memberReadyTimeoutMs } from './activity-options.js';
import { finishRun, newProgress, updateCluster, type FederationProgress } from './progress.js';
import { stepRunner } from './steps.js';

/**
 * How much later than the switch a KubeFed health check must be to count as one made with the
 * new credentials: KubeFed rebuilds its clients on a watch event of the KubeFedCluster, which
 * arrives within milliseconds, and the probe times it reports are whole seconds (truncated).
 * NOTE: it compares the workflow's clock with the controller's; both are NTP-synced machines.
 */
export const probeMarginMs = 2_000;

function secondsText(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Rotates every member's credentials (`kfed rotate NAME`) with no moment in which KubeFed holds
 * no valid token. Per member, in parallel:
 * 1. mint the next generation's token beside the current one and move the host to it (its
 *    Secret, then the KubeFedCluster's annotation, which makes KubeFed rebuild its clients);
 * 2. prove the token the host now holds works (verifyJoin), and wait for a KubeFed health check
 *    made after the switch that reports the member Ready;
 * 3. only then delete the older token Secrets, which revokes their tokens, wait until the
 *    member's API server refuses them (it caches a successful authentication for 10 s), and
 *    wait for a KubeFed health check after that which is still Ready.
 * A member whose rotation fails keeps its old token valid, and the run fails naming it; a
 * second `kfed rotate` starts from whatever generations exist.
 */
export async function rotateCredentials(spec: FederationSpec): Promise<RotationSummary> {
  const progress: FederationProgress = newProgress(spec, 'rotate', Date.now());
  setHandler(progressQuery, () => progress);
  const steps = stepRunner(progress);
  const activity = (summary: string, options: ActivityOptions = apiCall) => proxyActivities<Activities>({ ...options, summary });

  /** How the kube activities reach a cluster now: only one that serves its API can be rotated. */
  const reach = async (cluster: ClusterSpec, title: string): Promise<ClusterTarget> => {
    const existing = cluster.existing;
    if (existing?.kind === 'kubeconfig') return kubeconfigTarget(cluster.name, existing);
    const ref = existing?.kind === 'gke' ? existing : { project: spec.project, location: cluster.location, name: cluster.name };
    const { status } = await activity(`${title}: describe ${cluster.name}`).describeCluster(ref);
    if (!servesApi(status)) {
      throw ApplicationFailure.nonRetryable(`cluster ${cluster.name} is ${status}: its credentials cannot be rotated`, workflowFailureTypes.notServing, {
        resource: cluster.name,
        hint: 'kfed up brings the federation back; rotate once it is ready',
      });
    }
    return gkeTarget(cluster.name, await activity(`${title}: read endpoint of ${cluster.name}`).clusterAccess(ref));
  };

  try {
    const hostSpec = spec.clusters.find((c) => c.name === spec.host);
    if (!hostSpec) throw ApplicationFailure.nonRetryable(`host ${spec.host} is not among the clusters`, workflowFailureTypes.spec);
    const host = await steps.run('host', (title) => reach(hostSpec, title), (t) => (t.kind === 'gke' ? `at ${t.endpoint}` : `through context ${t.context}`));

    const rotateMember = async (cluster: ClusterSpec): Promise<RotationSummary['members'][number]> => {
      const names = joinNames(spec, cluster);
      const rotated = await steps.run(
        `rotate:${cluster.name}`,
        async (title) => {
          const member = cluster.name === spec.host ? host : await reach(cluster, title);
          const { generations } = await activity(`${title}: read its token generations`).memberTokens({ member, names });
          const generation = Math.max(0, ...generations) + 1;
          const token = await activity(`${title}: mint token ${generation}, move the host to it`, kubeWait).rotateMemberToken({ host, member, names, generation });
          // Workflow time of the activity's completion: the host held the new token by then.
          const switchedAt = Date.now();
          await activity(`${title}: verify the token the host now holds`).verifyJoin({ host, names });
          await activity(`${title}: KubeFed reports Ready with it`, memberReady).awaitMemberReady({
            host,
            names,
            deadline: switchedAt + memberReadyTimeoutMs,
            probedAfter: switchedAt + probeMarginMs,
          });
          return { member, generation, secret: token.secret, readyAfterMs: Date.now() - switchedAt };
        },
        (r) => `token ${r.generation} (Secret ${r.secret}) in use; KubeFed Ready with it after ${secondsText(r.readyAfterMs)}`,
      );
      const revoked = await steps.run(
        `revoke:${cluster.name}`,
        async (title) => {
          const result = await activity(`${title}: delete the older token Secrets, wait until the member refuses them`, kubeWait).revokeMemberTokens({
            host,
            member: rotated.member,
            names,
            keep: rotated.generation,
          });
          const revokedAt = Date.now();
          await activity(`${title}: KubeFed still reports Ready`, memberReady).awaitMemberReady({
            host,
            names,
            deadline: revokedAt + memberReadyTimeoutMs,
            probedAfter: revokedAt + probeMarginMs,
          });
          return result;
        },
        (r) => `${r.revoked.length > 0 ? `revoked ${r.revoked.join(', ')} (refused by the member after ${secondsText(r.rejectedAfterMs)})` : 'no older token left'}; KubeFed still Ready`,
      );
      updateCluster(progress, cluster.name, { status: 'Rotated' });
      return { cluster: cluster.name, member: names.member, generation: rotated.generation, revoked: revoked.revoked, readyAfterMs: rotated.readyAfterMs };
    };

    // Every member to the end, so none is left mid-rotation behind another's failure.
    const results = await Promise.allSettled(spec.clusters.map(rotateMember));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const members = results.map((r) => (r as PromiseFulfilledResult<RotationSummary['members'][number]>).value);

    finishRun(progress, 'Succeeded', Date.now());
    steps.publish();
    return { federation: spec.name, host: spec.host, members, startedAt: progress.startedAt, finishedAt: Date.now() };
  } catch (err) {
    finishRun(progress, isCancellation(err) ? 'Cancelled' : 'Failed', Date.now());
    steps.publish();
    throw err;
  }
}
