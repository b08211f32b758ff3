import {
  ApplicationFailure,
  CancellationScope,
  executeChild,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  ParentClosePolicy,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, ClusterAccess } from '../activities/index.js';
import type { ClusterTarget } from '../providers/types.js';
import type { JoinNames } from '../providers/kube/types.js';
import type { ClusterSpec, ExistingCluster, FederationSpec } from '../spec/types.js';
import { kubeconfigTarget, progressQuery, workflowIds } from '../shared.js';
import { adoptExisting, childWorkflowTimeout, kubeWait, short, waitReady } from './activity-options.js';
import { provisionCluster } from './provision-cluster.js';
import {
  failStep,
  finishRun,
  skipStep,
  finishStep,
  newProgress,
  renderDetails,
  startStep,
  stepTimings,
  updateCluster,
  type FederationProgress,
} from './progress.js';
import { rootMessage } from './failures.js';
import { teardown } from './teardown.js';

/** What a finished federation looks like; returned by `federate` and printed by the CLI. */
export interface FederationSummary {
  readonly federation: string;
  readonly project: string;
  readonly zone: { readonly name: string; readonly dnsName: string; readonly nameServers: readonly string[]; readonly created: boolean };
  readonly host: string;
  readonly plane: { readonly type: string; readonly namespace: string; readonly image: string };
  readonly clusters: readonly {
    readonly name: string;
    readonly context: string;
    readonly location: string;
    readonly endpoint: string;
    /** Base64 PEM of the cluster CA (public; `kfed kubeconfig` writes it). */
    readonly caCertificate: string;
    readonly caFingerprint: string;
    readonly created: boolean;
    /** How an adopted existing cluster is reached (`kubeconfig`: through the worker's own context). */
    readonly existing?: 'kubeconfig' | 'gke';
  }[];
  /** Milliseconds per step id. */
  readonly timings: Record<string, number>;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** A cluster ready for the Kubernetes steps, and how the kube activities reach it. */
interface ReadyCluster extends ClusterAccess {
  readonly name: string;
  readonly created: boolean;
  readonly target: ClusterTarget;
}

/** The cluster as the kube activities address it: endpoint + CA, credentials resolved by the worker. */
export function gkeTarget(name: string, cluster: ClusterAccess): ClusterTarget {
  return { kind: 'gke', name, endpoint: cluster.endpoint, caCertificate: cluster.caCertificate };
}

/** Names of a join, as kubefedctl does it: member = its context, host = the federation name. */
export function joinNames(spec: FederationSpec, cluster: ClusterSpec): JoinNames {
  return { member: cluster.context, host: spec.name, namespace: spec.plane.namespace };
}

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
export async function federate(spec: FederationSpec): Promise<FederationSummary> {
  const progress: FederationProgress = newProgress(spec, 'federate', Date.now());
  setHandler(progressQuery, () => progress);
  const publish = (): void => {
    setCurrentDetails(renderDetails(progress, Date.now()));
  };

  /** Runs one step: records start/finish/failure in the progress model. */
  async function step<T>(id: string, fn: () => Promise<T>, done?: (result: T) => string): Promise<T> {
    startStep(progress, id, Date.now());
    publish();
    try {
      const result = await fn();
      finishStep(progress, id, Date.now(), done?.(result));
      return result;
    } catch (err) {
      if (isCancellation(err)) skipStep(progress, id, Date.now(), 'cancelled');
      else failStep(progress, id, Date.now(), rootMessage(err));
      throw err;
    } finally {
      publish();
    }
  }

  const act = (summary: string, options = short) => proxyActivities<Activities>({ ...options, summary });

  try {
    // Zone and clusters run in their own scope, so a failed branch can cancel the others.
    const parallel = new CancellationScope();
    const [zone, clusters] = await parallel.run(async () => {
      const zoneStep = step(
        'zone',
        () => act(`ensure DNS zone ${spec.dns.zone}`).ensureZone({ project: spec.project, zone: spec.dns.zone, domain: spec.dns.domain, requestId: workflowInfo().runId }),
        (z) => `${z.created ? 'created' : 'adopted'} ${z.dnsName}`,
      );
      /** Creates a cluster through its child workflow: each cluster shows on its own in the UI. */
      const provision = async (cluster: ClusterSpec): Promise<ReadyCluster> => {
        const provisioned = await executeChild(provisionCluster, {
          workflowId: workflowIds.cluster(spec.name, cluster.name),
          args: [{ project: spec.project, federation: spec.name, role: cluster.name === spec.host ? 'host' : 'member', cluster, pollInterval: spec.pollInterval }],
          workflowExecutionTimeout: childWorkflowTimeout,
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
          staticSummary: `cluster ${cluster.name} in ${cluster.location}`,
        });
        return { ...provisioned, target: gkeTarget(cluster.name, provisioned) };
      };
      /** Adopts a cluster that already exists: reads its endpoint and CA; never creates anything. */
      const adopt = async (cluster: ClusterSpec, existing: ExistingCluster): Promise<ReadyCluster> => {
        if (existing.kind === 'gke') {
          const access = await act(`adopt existing GKE cluster ${existing.name}`, waitReady(spec.pollInterval)).adoptGkeCluster({
            project: existing.project,
            location: existing.location,
            name: existing.name,
          });
          return { name: cluster.name, created: false, ...access, target: gkeTarget(cluster.name, access) };
        }
        const target = kubeconfigTarget(cluster.name, existing);
        const access = await act(`adopt existing cluster ${cluster.name} (context ${existing.context})`, adoptExisting).describeExistingCluster({ target });
        return { name: cluster.name, created: false, ...access, target };
      };
      const clusterSteps = spec.clusters.map((cluster) =>
        step(
          `cluster:${cluster.name}`,
          async () => {
            updateCluster(progress, cluster.name, { status: cluster.existing ? 'Adopting' : 'PROVISIONING' });
            try {
              const ready = cluster.existing ? await adopt(cluster, cluster.existing) : await provision(cluster);
              updateCluster(progress, cluster.name, { status: 'RUNNING', endpoint: ready.endpoint });
              return ready;
            } catch (err) {
              updateCluster(progress, cluster.name, isCancellation(err) ? { status: 'Cancelled' } : { status: 'ERROR', message: rootMessage(err) });
              throw err;
            }
          },
          (c) => `${c.created ? 'created' : 'adopted'}, RUNNING at ${c.endpoint}`,
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
      if (!ready) throw ApplicationFailure.nonRetryable(`cluster ${c.name} missing after provisioning`, 'InternalError');
      return ready.target;
    };
    const hostSpec = spec.clusters.find((c) => c.name === spec.host);
    if (!hostSpec) throw ApplicationFailure.nonRetryable(`host ${spec.host} is not among the clusters`, 'SpecError');
    const host = target(hostSpec);

    const plane = await step(
      'plane',
      () => act(`init ${spec.plane.type} plane on ${hostSpec.name}`, kubeWait).initPlane({ host, namespace: spec.plane.namespace }),
      (p) => `${p.changed ? 'installed' : 'already installed'} ${p.image}`,
    );

    await allSettled(
      spec.clusters.map((c) =>
        step(
          `join:${c.name}`,
          () => act(`join ${c.context} to ${spec.name}`, kubeWait).joinCluster({ host, member: target(c), names: joinNames(spec, c) }),
          (j) => `${j.changed ? 'joined' : 'already joined'} as KubeFedCluster ${j.kubeFedCluster}`,
        ).then(() => { updateCluster(progress, c.name, { status: 'Joined' }); }),
      ),
    );

    await allSettled(
      spec.clusters.map((c) =>
        step(
          `dns:${c.name}`,
          async () => {
            await act(`ensure namespace default on ${c.name}`).ensureDefaultNamespace({ target: target(c) });
            return act(`apply kube-dns federations on ${c.name}`).applyDnsConfig({ target: target(c), federation: spec.name, domain: spec.dns.domain });
          },
          (r) => `federations: ${spec.name}=${spec.dns.domain.replace(/\.$/, '')}${r.changed ? '' : ' (unchanged)'}`,
        ),
      ),
    );

    await allSettled(
      spec.clusters.map((c) =>
        step(
          `verify:${c.name}`,
          () => act(`verify ${c.context} with its joined credentials`).verifyJoin({ host, names: joinNames(spec, c) }),
          (v) => `readyz ok, ${v.namespaces} namespaces visible`,
        ).then(() => { updateCluster(progress, c.name, { status: 'Ready' }); }),
      ),
    );

    finishRun(progress, 'Succeeded', Date.now());
    publish();
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
    publish();
    if (spec.onFailure === 'teardown') {
      log.warn('run failed; tearing down as spec.onFailure asks', { cancelled });
      // Non-cancellable: a cancel of this run must not stop its own cleanup.
      await CancellationScope.nonCancellable(() =>
        executeChild(teardown, { workflowId: workflowIds.teardown(spec.name), args: [spec], staticSummary: `teardown ${spec.name} after a failed run` }),
      );
    }
    throw err;
  }
}
