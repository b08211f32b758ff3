import { log, patched, proxyActivities, setCurrentDetails, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ClusterTarget } from '../providers/types.js';
import type { ClusterSpec, FederationSpec } from '../spec/types.js';
import { kubeconfigTarget, progressQuery } from '../shared.js';
import { kubeWait, short, waitDeleted } from './activity-options.js';
import { rootMessage } from './failures.js';
import { failStep, finishRun, finishStep, newProgress, renderDetails, skipStep, startStep, updateCluster, type FederationProgress } from './progress.js';

/** Patch id: teardown removes the KubeFed plane from a host it keeps (an existing cluster). */
export const uninstallKeptPlanePatch = 'uninstall-plane-on-kept-host';

export interface TeardownSummary {
  readonly federation: string;
  /** Per cluster: deleted, absent (never created or already gone) or kept (not created by kfed). */
  readonly clusters: Readonly<Record<string, 'deleted' | 'absent' | 'kept'>>;
  readonly zone: 'deleted' | 'absent';
}

interface ClusterState {
  readonly spec: ClusterSpec;
  readonly status: string;
  /** Created by kfed (labels) and not named as existing in the spec: deleted by teardown. */
  readonly owned: boolean;
  /** How to reach its API now; absent when it is not running. */
  readonly target?: ClusterTarget;
}

/**
 * Removes a federation: unjoin every member, delete the clusters kfed created (in parallel),
 * then the DNS zone (records first). Works on partial state: anything never created or already
 * gone is skipped, so it also cleans up after a run that never finished.
 */
export async function teardown(spec: FederationSpec): Promise<TeardownSummary> {
  const progress: FederationProgress = newProgress(spec, 'teardown', Date.now());
  setHandler(progressQuery, () => progress);
  const publish = (): void => {
    setCurrentDetails(renderDetails(progress, Date.now()));
  };
  const act = (summary: string, options = short) => proxyActivities<Activities>({ ...options, summary });
  const where = (c: ClusterSpec) => ({ project: spec.project, location: c.location, name: c.name });

  try {
    // What exists now decides what to do; nothing is assumed from the federate run.
    const states: ClusterState[] = await Promise.all(
      spec.clusters.map(async (c): Promise<ClusterState> => {
        const existing = c.existing;
        if (existing?.kind === 'kubeconfig') {
          // Reached through the worker's kubeconfig; kfed never deletes it.
          updateCluster(progress, c.name, { status: 'Existing' });
          return { spec: c, status: 'Existing', owned: false, target: kubeconfigTarget(c.name, existing) };
        }
        const ref = existing?.kind === 'gke' ? { project: existing.project, location: existing.location, name: existing.name } : where(c);
        const { status, owned } = await act(`describe cluster ${c.name}`).describeCluster(ref);
        updateCluster(progress, c.name, { status });
        const access = status === 'RUNNING' || status === 'RECONCILING' || status === 'DEGRADED' ? await act(`read endpoint of ${c.name}`).clusterAccess(ref) : undefined;
        const target: ClusterTarget | undefined = access ? { kind: 'gke', name: c.name, endpoint: access.endpoint, caCertificate: access.caCertificate } : undefined;
        return { spec: c, status, owned: owned && !existing, ...(target ? { target } : {}) };
      }),
    );
    publish();
    const target = (s: ClusterState): ClusterTarget | undefined => s.target;
    const hostState = states.find((s) => s.spec.name === spec.host);
    const host = hostState ? target(hostState) : undefined;

    await Promise.all(
      states.map(async (s) => {
        const id = `unjoin:${s.spec.name}`;
        const member = target(s);
        if (!member) {
          skipStep(progress, id, Date.now(), `cluster is ${s.status}`);
          return;
        }
        startStep(progress, id, Date.now());
        publish();
        try {
          const names = { member: s.spec.context, host: spec.name, namespace: spec.plane.namespace };
          if (host) await act(`unjoin ${s.spec.context}`, kubeWait).unjoinCluster({ host, member, names });
          // A cluster that survives teardown keeps no trace of this federation.
          if (!s.owned) await act(`remove kube-dns federations entry on ${s.spec.name}`).removeDnsConfig({ target: member, federation: spec.name });
          finishStep(progress, id, Date.now(), host ? undefined : 'host gone; member side only');
        } catch (err) {
          // Clusters about to be deleted need no clean unjoin; one that stays does.
          if (s.owned) {
            log.warn('unjoin failed on a cluster that is deleted next; continuing', { cluster: s.spec.name, error: rootMessage(err) });
            finishStep(progress, id, Date.now(), `ignored (cluster is deleted next): ${rootMessage(err)}`);
          } else {
            failStep(progress, id, Date.now(), rootMessage(err));
            throw err;
          }
        } finally {
          publish();
        }
      }),
    );

    // A host that survives (existing, or adopted by name) keeps no KubeFed plane behind.
    // Teardowns recorded before this step existed replay without it (patch below).
    const keptHost = host !== undefined && hostState !== undefined && !hostState.owned;
    if (host && keptHost && patched(uninstallKeptPlanePatch)) {
      startStep(progress, 'plane', Date.now());
      publish();
      try {
        await act(`remove ${spec.plane.type} plane from ${spec.host}`, kubeWait).uninstallPlane({ host, namespace: spec.plane.namespace });
        finishStep(progress, 'plane', Date.now(), 'removed');
      } catch (err) {
        failStep(progress, 'plane', Date.now(), rootMessage(err));
        throw err;
      } finally {
        publish();
      }
    } else {
      skipStep(progress, 'plane', Date.now(), hostState?.owned ? 'host is deleted next' : keptHost ? 'kept host: run started before kfed removed planes' : 'host not running');
    }

    const clusterResults: Record<string, 'deleted' | 'absent' | 'kept'> = {};
    const deletions = await Promise.allSettled(
      states.map(async (s) => {
        const id = `delete:${s.spec.name}`;
        if (s.status === 'ABSENT') {
          clusterResults[s.spec.name] = 'absent';
          skipStep(progress, id, Date.now(), 'does not exist');
          return;
        }
        if (!s.owned) {
          clusterResults[s.spec.name] = 'kept';
          skipStep(progress, id, Date.now(), s.spec.existing ? 'existing cluster; kept' : 'not created by kfed; left in place');
          return;
        }
        startStep(progress, id, Date.now());
        updateCluster(progress, s.spec.name, { status: 'STOPPING' });
        publish();
        try {
          const deletion = await act(`delete cluster ${s.spec.name}`).deleteCluster(where(s.spec));
          const wait = waitDeleted(spec.pollInterval);
          if (deletion.operation) {
            await act(`wait for ${s.spec.name}: STOPPING`, wait).awaitOperation({ operation: deletion.operation, what: `delete cluster ${s.spec.name}` });
          }
          await act(`wait for ${s.spec.name} to disappear`, wait).awaitClusterGone(where(s.spec));
          clusterResults[s.spec.name] = 'deleted';
          updateCluster(progress, s.spec.name, { status: 'Deleted' });
          finishStep(progress, id, Date.now(), 'deleted');
        } catch (err) {
          failStep(progress, id, Date.now(), rootMessage(err));
          throw err;
        } finally {
          publish();
        }
      }),
    );
    const failedDeletion = deletions.find((d): d is PromiseRejectedResult => d.status === 'rejected');
    if (failedDeletion) throw failedDeletion.reason;

    startStep(progress, 'delete-zone', Date.now());
    publish();
    let zone: 'deleted' | 'absent';
    try {
      const result = await act(`delete DNS zone ${spec.dns.zone}`).deleteZone({ project: spec.project, zone: spec.dns.zone });
      zone = result.deleted ? 'deleted' : 'absent';
      finishStep(progress, 'delete-zone', Date.now(), zone);
    } catch (err) {
      failStep(progress, 'delete-zone', Date.now(), rootMessage(err));
      throw err;
    }

    finishRun(progress, 'Succeeded', Date.now());
    publish();
    // In spec order, whatever order the parallel deletions finished in.
    const clusters = Object.fromEntries(spec.clusters.map((c) => [c.name, clusterResults[c.name] ?? 'absent'] as const));
    return { federation: spec.name, clusters, zone };
  } catch (err) {
    finishRun(progress, 'Failed', Date.now());
    publish();
    throw err;
  }
}
