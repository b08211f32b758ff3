import {
  ApplicationFailure,
  CancellationScope,
  executeChild,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  ParentClosePolicy,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
// Only import the activity types: workflow code must not bundle activity code.
import type { Activities, ClusterAccess } from '../activities/index.js';
import { legacyWorkflowIds, progressQuery, rootMessage, workflowFailureTypes, workflowIds, type FederateOptions, type FederationSummary } from '../contract.js';
import { gkeTarget, joinNames, kubeconfigTarget, planeScope } from '../domain.js';
import type { ClusterTarget } from '../providers/types.js';
import type { ClusterSpec, ExistingCluster, FederationSpec } from '../spec/types.js';
import { adoptExisting, apiCall, childWorkflowTimeout, kubeWait, memberReady, memberReadyTimeoutMs, waitReady } from './activity-options.js';
import { finishRun, newProgress, stepTimings, updateCluster, type FederationProgress } from './progress.js';
import { provisionCluster } from './provision-cluster.js';
import { reconcileSpec } from './reconcile.js';
import { startServiceDnsPatch, startServiceDnsSync } from './service-dns-lifecycle.js';
import { stepRunner } from './steps.js';
import { teardown } from './teardown.js';

/** A cluster ready for the Kubernetes steps, and how the kube activities reach it. */
interface ReadyCluster extends ClusterAccess {
  readonly name: string;
  readonly created: boolean;
  readonly drift?: string;
  readonly target: ClusterTarget;
}

/**
 * Patch id: verify waits until KubeFed itself reports each member Ready, then propagates a
 * canary to every member. Runs recorded before it replay without those activities.
 */
export const kubeFedReadyPatch = 'kubefed-ready-and-canary';

function secondsText(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Patch id: child workflows get ids that cannot collide across federations (see workflowIds);
 * runs started before keep the old ones on replay.
 */
export const collisionFreeIdsPatch = 'collision-free-workflow-ids';

/** The ids of this run's children: the new scheme, or the old one when replaying an older run. */
export function childIds(): typeof legacyWorkflowIds {
  return patched(collisionFreeIdsPatch) ? workflowIds : legacyWorkflowIds;
}

/** Patch id: a run removes what the spec no longer names (stale joins, a former host's plane, dropped clusters). */
export const reconcileSpecPatch = 'reconcile-spec-edits';

/** Patch id: the cleanup of a failed run removes only what that run created. */
export const cleanupOwnRunPatch = 'cleanup-only-what-the-run-created';

/** Patch id: a failure among the zone and cluster branches cancels the others (see federate). */
export const cancelSiblingsPatch = 'cancel-siblings-on-failure';

/** Runs every promise to the end (no step left running behind a failure), then throws the first error. */
async function allSettled<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/**
 * Builds a federation: DNS zone and clusters in parallel, then the control plane on the host,
 * every cluster joined, kube-dns configured and each join verified. Every step is an idempotent
 * activity, so a re-run (or a resumed run) finishes what is missing and creates nothing twice.
 */
export async function federate(spec: FederationSpec, options: FederateOptions = {}): Promise<FederationSummary> {
  const progress: FederationProgress = newProgress(spec, 'federate', Date.now());
  setHandler(progressQuery, () => progress);
  const steps = stepRunner(progress);
  /** The activities, with `summary` shown for the call in the Temporal UI. */
  const activity = (summary: string, options: ActivityOptions = apiCall) => proxyActivities<Activities>({ ...options, summary });

  try {
    // Zone and clusters run in their own scope, so a failed branch can cancel the others.
    const parallel = new CancellationScope();
    const [zone, clusters] = await parallel.run(async () => {
      const zoneStep = steps.run(
        'zone',
        (title) => activity(title).ensureZone({ project: spec.project, zone: spec.dns.zone, domain: spec.dns.domain, requestId: workflowInfo().runId, federation: spec.name }),
        (z) => `${z.created ? 'created' : 'adopted'} ${z.dnsName}`,
      );
      /** Creates a cluster through its child workflow: each cluster shows on its own in the UI. */
      const provision = async (cluster: ClusterSpec, title: string): Promise<ReadyCluster> => {
        const provisioned = await executeChild(provisionCluster, {
          workflowId: childIds().cluster(spec.name, cluster.name),
          args: [{ project: spec.project, federation: spec.name, role: cluster.name === spec.host ? 'host' : 'member', cluster, pollInterval: spec.pollInterval, createdBy: workflowInfo().runId }],
          workflowExecutionTimeout: childWorkflowTimeout,
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          staticSummary: title,
        });
        return { ...provisioned, target: gkeTarget(cluster.name, provisioned) };
      };
      /** Adopts a cluster that already exists: reads its endpoint and CA; never creates anything. */
      const adopt = async (cluster: ClusterSpec, existing: ExistingCluster, title: string): Promise<ReadyCluster> => {
        if (existing.kind === 'gke') {
          const access = await activity(title, waitReady(spec.pollInterval)).adoptGkeCluster({
            project: existing.project,
            location: existing.location,
            name: existing.name,
          });
          return { name: cluster.name, created: false, ...access, target: gkeTarget(cluster.name, access) };
        }
        const target = kubeconfigTarget(cluster.name, existing);
        const access = await activity(title, adoptExisting).describeExistingCluster({ target });
        return { name: cluster.name, created: false, ...access, target };
      };
      const clusterSteps = spec.clusters.map((cluster) =>
        steps.run(
          `cluster:${cluster.name}`,
          async (title) => {
            updateCluster(progress, cluster.name, { status: cluster.existing ? 'Adopting' : 'PROVISIONING' });
            try {
              const ready = cluster.existing ? await adopt(cluster, cluster.existing, title) : await provision(cluster, title);
              updateCluster(progress, cluster.name, { status: 'RUNNING', endpoint: ready.endpoint });
              return ready;
            } catch (err) {
              updateCluster(progress, cluster.name, isCancellation(err) ? { status: 'Cancelled' } : { status: 'ERROR', message: rootMessage(err) });
              throw err;
            }
          },
          (c) => `${c.created ? 'created' : 'adopted'}, RUNNING at ${c.endpoint}${c.drift ? `; not changed in place: ${c.drift}` : ''}${c.transportWarning ? `; WARNING: ${c.transportWarning}` : ''}`,
        ),
      );
      try {
        return await Promise.all([zoneStep, Promise.all(clusterSteps)]);
      } catch (err) {
        // A permanent error fails the run in seconds rather than after every other cluster has
        // finished provisioning: the other branches are cancelled (a created cluster is left to
        // teardown, as with any failure). Runs recorded before this replay without the cancel.
        if (patched(cancelSiblingsPatch)) parallel.cancel();
        // Either way, wait until every branch settled, so nothing keeps running behind the failure.
        await Promise.allSettled([zoneStep, ...clusterSteps]);
        throw err;
      }
    });

    const byName = new Map(clusters.map((c) => [c.name, c]));
    const target = (c: ClusterSpec): ClusterTarget => {
      const ready = byName.get(c.name);
      if (!ready) throw ApplicationFailure.nonRetryable(`cluster ${c.name} missing after provisioning`, workflowFailureTypes.internal);
      return ready.target;
    };
    const hostSpec = spec.clusters.find((c) => c.name === spec.host);
    if (!hostSpec) throw ApplicationFailure.nonRetryable(`host ${spec.host} is not among the clusters`, workflowFailureTypes.spec);
    const host = target(hostSpec);

    const plane = await steps.run(
      'plane',
      // No scope in specs recorded before it existed: the activity installs what they did (Cluster).
      (title) => activity(title, kubeWait).initPlane({ host, namespace: spec.plane.namespace, ...(spec.plane.scope ? { scope: spec.plane.scope } : {}) }),
      (p) => `${p.changed ? 'installed' : 'already installed'} ${p.image}, ${planeScope(spec)} scope`,
    );

    await allSettled(
      spec.clusters.map((c) =>
        steps.run(
          `join:${c.name}`,
          (title) => activity(title, kubeWait).joinCluster({ host, member: target(c), names: joinNames(spec, c) }),
          (j) => `${j.changed ? 'joined' : 'already joined'} as KubeFedCluster ${j.kubeFedCluster}`,
        ).then(() => { updateCluster(progress, c.name, { status: 'Joined' }); }),
      ),
    );

    if (patched(reconcileSpecPatch)) {
      await steps.run('reconcile', (title) => reconcileSpec({ spec, options, host, target, title }), (note) => note);
    } else {
      steps.skip('reconcile', 'run started before kfed reconciled spec edits');
    }

    await allSettled(
      spec.clusters.map((c) =>
        steps.run(
          `dns:${c.name}`,
          async (title) => {
            await activity(`${title}: namespace default`).ensureDefaultNamespace({ target: target(c) });
            return activity(`${title}: federations entry`).applyDnsConfig({ target: target(c), federation: spec.name, domain: spec.dns.domain });
          },
          (r) => `federations: ${spec.name}=${spec.dns.domain.replace(/\.$/, '')}${r.changed ? '' : ' (unchanged)'}`,
        ),
      ),
    );

    await allSettled(
      spec.clusters.map((c) =>
        steps.run(
          `verify:${c.name}`,
          async (title) => {
            const names = joinNames(spec, c);
            const joined = await activity(title).verifyJoin({ host, names });
            if (!patched(kubeFedReadyPatch)) return { joined };
            const waitStarted = Date.now();
            const health = await activity(`${title}: KubeFed reports Ready`, memberReady).awaitMemberReady({ host, names, deadline: Date.now() + memberReadyTimeoutMs });
            return { joined, health, readyAfterMs: Date.now() - waitStarted };
          },
          (v) =>
            `readyz ok, ${v.joined.namespaces} namespaces visible` +
            (v.health ? `; KubeFed Ready after ${secondsText(v.readyAfterMs)}${v.health.kubernetesVersion ? ` (${v.health.kubernetesVersion})` : ''}` : ''),
        ).then(() => { updateCluster(progress, c.name, { status: 'Ready' }); }),
      ),
    );

    // A federation is usable only when KubeFed propagates: a canary to every member and back.
    if (patched(kubeFedReadyPatch)) {
      await steps.run(
        'canary',
        (title) =>
          activity(title, kubeWait).federateCanary({
            host,
            members: spec.clusters.map((c) => ({ member: joinNames(spec, c).member, target: target(c) })),
            namespace: spec.plane.namespace,
            ...(spec.plane.scope ? { scope: spec.plane.scope } : {}),
          }),
        (r) => `on ${r.members.length} member(s) after ${secondsText(r.propagatedMs)}, removed after ${secondsText(r.removedMs)}`,
      );
    } else {
      steps.skip('canary', 'run started before kfed checked propagation');
    }

    // The zone's records of the federation's Services: a sync of its own that outlives this run.
    // Runs recorded before it existed replay without it.
    if (patched(startServiceDnsPatch)) {
      await steps.run('service-dns', () => startServiceDnsSync(spec, spec.clusters.map((c) => ({ name: c.name, target: target(c) }))), (note) => note);
    } else {
      steps.skip('service-dns', 'run started before kfed synced service records');
    }

    finishRun(progress, 'Succeeded', Date.now());
    steps.publish();
    return {
      federation: spec.name,
      project: spec.project,
      zone: { name: spec.dns.zone, dnsName: zone.dnsName, nameServers: zone.nameServers, created: zone.created },
      host: spec.host,
      plane: { type: spec.plane.type, namespace: plane.namespace, image: plane.image },
      clusters: spec.clusters.map((c) => {
        const p = byName.get(c.name);
        return {
          name: c.name,
          context: c.context,
          location: c.location,
          endpoint: p?.endpoint ?? '',
          caCertificate: p?.caCertificate ?? '',
          caFingerprint: p?.caFingerprint ?? '',
          created: p?.created ?? false,
          existing: c.existing?.kind,
        };
      }),
      timings: stepTimings(progress),
      startedAt: progress.startedAt,
      finishedAt: Date.now(),
    };
  } catch (err) {
    const cancelled = isCancellation(err);
    finishRun(progress, cancelled ? 'Cancelled' : 'Failed', Date.now());
    steps.publish();
    if (spec.onFailure === 'teardown') {
      log.warn('run failed; tearing down as spec.onFailure asks', { cancelled });
      // Non-cancellable: a cancel of this run must not stop its own cleanup.
      // Only what this run created: a failed re-run must never tear down a healthy federation.
      const args: Parameters<typeof teardown> = patched(cleanupOwnRunPatch) ? [spec, { onlyCreatedBy: workflowInfo().runId }] : [spec];
      await CancellationScope.nonCancellable(() => executeChild(teardown, { workflowId: childIds().teardown(spec.name), args, staticSummary: `teardown ${spec.name} after a failed run` }));
    }
    throw err;
  }
}
