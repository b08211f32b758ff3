import { log, patched, proxyActivities, setHandler, type ActivityOptions } from '@temporalio/workflow';
// Only import the activity types: workflow code must not bundle activity code.
import type { Activities } from '../activities/index.js';
import { progressQuery, rootMessage, type TeardownOptions, type TeardownSummary } from '../contract.js';
import { gkeTarget, joinNames, kubeconfigTarget, servesApi } from '../domain.js';
import type { ClusterTarget } from '../providers/types.js';
import type { ClusterSpec, FederationSpec } from '../spec/types.js';
import { apiCall, kubeWait, waitDeleted } from './activity-options.js';
import { finishRun, newProgress, updateCluster, type FederationProgress } from './progress.js';
import { stopServiceDnsPatch, stopServiceDnsSync } from './service-dns-lifecycle.js';
import { stepRunner } from './steps.js';

/** Patch id: teardown removes the KubeFed plane from a host it keeps (an existing cluster). */
export const uninstallKeptPlanePatch = 'uninstall-plane-on-kept-host';

/** Patch id: on a kept host, federated objects are released while KubeFed still runs. */
export const releaseFederatedPatch = 'release-federated-objects-on-kept-host';

/** Patch id: teardown first checks that the zone holds only kfed's records (or is told to delete the rest). */
export const checkZoneRecordsPatch = 'check-zone-records-first';

interface ClusterState {
  readonly spec: ClusterSpec;
  readonly status: string;
  /** Created by kfed for this federation (labels), not named as existing in the spec, and in scope: deleted by teardown. */
  readonly owned: boolean;
  /** Owned, but outside a scoped cleanup: made by another run, so it stays as it is. */
  readonly outOfScope?: boolean;
  /** How to reach its API now; absent when it is not running. */
  readonly target?: ClusterTarget;
}

/**
 * Removes a federation: check the zone holds nothing kfed did not write (else stop, nothing
 * deleted), stop the service-DNS sync (it removes its records), release federated objects on a
 * kept host, unjoin every member, remove a kept host's plane, delete the clusters kfed created
 * (in parallel), then the zone (kfed's records first; others only with
 * `options.deleteForeignRecords`). Works on partial state: anything never created or already
 * gone is skipped, so it also cleans up after a run that never finished; `options.onlyCreatedBy`
 * scopes it to what one failed run created.
 */
export async function teardown(spec: FederationSpec, options: TeardownOptions = {}): Promise<TeardownSummary> {
  const scoped = options.onlyCreatedBy !== undefined;
  const progress: FederationProgress = newProgress(spec, 'teardown', Date.now());
  setHandler(progressQuery, () => progress);
  const steps = stepRunner(progress);
  /** The activities, with `summary` shown for the call in the Temporal UI. */
  const activity = (summary: string, options: ActivityOptions = apiCall) => proxyActivities<Activities>({ ...options, summary });
  const where = (c: ClusterSpec) => ({ project: spec.project, location: c.location, name: c.name });

  try {
    // Before anything is unjoined or deleted: a zone holding records kfed did not write stops the
    // teardown here, with nothing half-deleted. Runs recorded before this check replay without it.
    if (patched(checkZoneRecordsPatch)) {
      await steps.run(
        'zone-records',
        (title) =>
          activity(title).checkZoneDeletable({
            project: spec.project,
            zone: spec.dns.zone,
            federation: spec.name,
            deleteForeignRecords: options.deleteForeignRecords ?? false,
            ...(scoped ? { onlyCreatedBy: options.onlyCreatedBy } : {}),
          }),
        (z) => (z.zone === 'deletable' ? `${z.owned} record set(s) of kfed's${z.foreign ? `, ${z.foreign} not kfed's (deleted as asked)` : ''}` : z.zone === 'absent' ? 'no zone' : 'zone is kept'),
      );
    } else {
      steps.skip('zone-records', 'run started before kfed checked zone records first');
    }
    // The service-DNS sync removes its records and stops before the clusters it reads go. The
    // cleanup of a failed re-run leaves it alone: it serves the federation that stays.
    if (scoped) {
      steps.skip('service-dns', 'kept: the sync serves the federation the failed run leaves in place');
    } else if (patched(stopServiceDnsPatch)) {
      await steps.run('service-dns', (title) => stopServiceDnsSync(spec, title), (note) => note);
    } else {
      steps.skip('service-dns', 'run started before kfed synced service records');
    }

    // What exists now decides what to do; nothing is assumed from the federate run.
    const states: ClusterState[] = await Promise.all(
      spec.clusters.map(async (c): Promise<ClusterState> => {
        const existing = c.existing;
        if (existing?.kind === 'kubeconfig') {
          // Reached through the worker's kubeconfig; kfed never deletes it.
          updateCluster(progress, c.name, { status: 'Existing' });
          return { spec: c, status: 'Existing', owned: false, ...(scoped ? {} : { target: kubeconfigTarget(c.name, existing) }) };
        }
        const ref = existing?.kind === 'gke' ? { project: existing.project, location: existing.location, name: existing.name } : where(c);
        const { status, owned, createdBy } = await activity(`describe cluster ${c.name}`).describeCluster({ ...ref, federation: spec.name });
        updateCluster(progress, c.name, { status });
        const ours = owned && !existing;
        const inScope = !scoped || createdBy === options.onlyCreatedBy.toLowerCase();
        // A scoped cleanup leaves every cluster it does not delete as it is: no need to reach it.
        const access = servesApi(status) && (!scoped || (ours && inScope)) ? await activity(`read endpoint of ${c.name}`).clusterAccess(ref) : undefined;
        const target = access ? gkeTarget(c.name, access) : undefined;
        return { spec: c, status, owned: ours && inScope, ...(ours && !inScope ? { outOfScope: true } : {}), ...(target ? { target } : {}) };
      }),
    );
    steps.publish();
    const hostState = states.find((s) => s.spec.name === spec.host);
    const host = hostState?.target;
    // A scoped cleanup removes no plane: only a host it deletes loses its plane (with the host).
    const keptHost = host !== undefined && hostState !== undefined && !hostState.owned && !scoped;

    // KubeFed's finalizers are only removed by its controller: release everything federated on
    // a host that stays while the controller runs, before unjoin and the plane go.
    if (host && keptHost && patched(releaseFederatedPatch)) {
      await steps.run(
        'release',
        (title) => activity(title, kubeWait).releaseFederatedObjects({ host, namespace: spec.plane.namespace }),
        (r) => r.notKfedsPlane ? `the KubeFed in ${spec.plane.namespace} is not kfed's: left as it is` : `${r.orphaned} user object(s) released (member copies kept), ${r.removed} of kfed's removed${r.forced ? `, ${r.forced} forced (no controller answered)` : ''}`,
      );
    } else {
      steps.skip('release', hostState?.owned ? 'host is deleted next' : keptHost ? 'kept host: run started before kfed released federated objects' : 'host not running');
    }

    await Promise.all(
      states.map(async (s) => {
        const id = `unjoin:${s.spec.name}`;
        const member = s.target;
        if (!member) {
          steps.skip(id, scoped && !s.owned ? 'kept: not created by the failed run' : `cluster is ${s.status}`);
          return;
        }
        await steps.run(
          id,
          async (title) => {
            try {
              if (host) await activity(title, kubeWait).unjoinCluster({ host, member, names: joinNames(spec, s.spec) });
              // A cluster that survives teardown keeps no trace of this federation.
              if (!s.owned) await activity(`${title}: kube-dns federations entry`).removeDnsConfig({ target: member, federation: spec.name });
              return host ? undefined : 'host gone; member side only';
            } catch (err) {
              // Clusters about to be deleted need no clean unjoin; one that stays does.
              if (!s.owned) throw err;
              log.warn('unjoin failed on a cluster that is deleted next; continuing', { cluster: s.spec.name, error: rootMessage(err) });
              return `ignored (cluster is deleted next): ${rootMessage(err)}`;
            }
          },
          (note) => note,
        );
      }),
    );

    // A host that survives (existing, or adopted by name) keeps no KubeFed plane behind.
    // Teardowns recorded before this step existed replay without it (patch below).
    if (host && keptHost && patched(uninstallKeptPlanePatch)) {
      await steps.run('plane', (title) => activity(title, kubeWait).uninstallPlane({ host, namespace: spec.plane.namespace }), () => 'removed');
    } else {
      steps.skip('plane', hostState?.owned ? 'host is deleted next' : keptHost ? 'kept host: run started before kfed removed planes' : 'host not running');
    }

    const clusterResults: Record<string, 'deleted' | 'absent' | 'kept'> = {};
    const deletions = await Promise.allSettled(
      states.map(async (s) => {
        const id = `delete:${s.spec.name}`;
        if (s.status === 'ABSENT') {
          clusterResults[s.spec.name] = 'absent';
          steps.skip(id, 'does not exist');
          return;
        }
        if (!s.owned) {
          clusterResults[s.spec.name] = 'kept';
          steps.skip(id, s.spec.existing ? 'existing cluster; kept' : s.outOfScope ? 'made by an earlier run; kept' : 'not created by kfed for this federation; left in place');
          return;
        }
        updateCluster(progress, s.spec.name, { status: 'STOPPING' });
        await steps.run(
          id,
          async (title) => {
            const deletion = await activity(title).deleteCluster({ ...where(s.spec), federation: spec.name });
            const wait = waitDeleted(spec.pollInterval);
            if (deletion.operation) {
              await activity(`wait for ${s.spec.name}: STOPPING`, wait).awaitOperation({ operation: deletion.operation, what: `delete cluster ${s.spec.name}` });
            }
            await activity(`wait for ${s.spec.name} to disappear`, wait).awaitClusterGone(where(s.spec));
            clusterResults[s.spec.name] = 'deleted';
            updateCluster(progress, s.spec.name, { status: 'Deleted' });
          },
          () => 'deleted',
        );
      }),
    );
    const failedDeletion = deletions.find((d): d is PromiseRejectedResult => d.status === 'rejected');
    if (failedDeletion) throw failedDeletion.reason;

    const zone = await steps.run(
      'delete-zone',
      async (title) => {
        const result = await activity(title).deleteZone({
          project: spec.project,
          zone: spec.dns.zone,
          federation: spec.name,
          ...(scoped ? { onlyCreatedBy: options.onlyCreatedBy } : {}),
          ...(options.deleteForeignRecords ? { deleteForeignRecords: true } : {}),
        });
        if (result.deleted) return 'deleted' as const;
        return result.reason === 'absent' ? ('absent' as const) : ('kept' as const);
      },
      (z) => z,
    );

    finishRun(progress, 'Succeeded', Date.now());
    steps.publish();
    // In spec order, whatever order the parallel deletions finished in.
    const clusters = Object.fromEntries(spec.clusters.map((c) => [c.name, clusterResults[c.name] ?? 'absent'] as const));
    return { federation: spec.name, clusters, zone };
  } catch (err) {
    finishRun(progress, 'Failed', Date.now());
    steps.publish();
    throw err;
  }
}
