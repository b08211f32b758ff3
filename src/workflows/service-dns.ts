import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
// Only import the activity types: workflow code must not bundle activity code.
import type { Activities } from '../activities/index.js';
import { rootMessage, serviceDnsStatusQuery, serviceDnsStopSignal, serviceDnsStoppedSignal, serviceDnsUpdateSignal } from '../contract.js';
import { renderServiceDnsDetails } from '../service-dns/details.js';
import type { ServiceDnsInput, ServiceDnsStatus, ServiceDnsSummary, SyncCluster } from '../service-dns/sync-model.js';
import type { ClusterTopology } from '../service-dns/types.js';
import { apiCall } from './activity-options.js';

/**
 * A pass: it heartbeats, so a lost worker is noticed in seconds; transient and quota errors are
 * retried with the usual backoff for a few minutes, then the pass counts as failed and the next
 * one starts from a fresh read. A stop waits for a pass in flight to finish, so no change lands
 * after the sync removed its records.
 */
const passOptions: ActivityOptions = {
  ...apiCall,
  startToCloseTimeout: '2m',
  heartbeatTimeout: '15s',
  scheduleToCloseTimeout: '5m',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/** Removing the records on the way out: retried for longer, a teardown waits for it. */
const cleanupOptions: ActivityOptions = { ...passOptions, scheduleToCloseTimeout: '15m' };

/** Passes per run before continuing as new: keeps each run's history to a few thousand events. */
export const passesPerRun = 200;

/** Also continue as new past this history size, whatever the pass count (large federations). */
const maxHistoryBytes = 4 * 1024 * 1024;

/**
 * The federation's service-DNS sync: every `intervalSeconds`, one pass (observe every member's
 * federated Services, compute the federation v1 records, apply them in one Cloud DNS change when
 * anything differs), forever, continuing as new every {@link passesPerRun} passes. A failed pass
 * is recorded and the next one tries again; the sync itself never fails on a pass.
 *
 * It stops on the stop signal or a cancel: first it removes every record it owns, then it ends
 * (and tells `replyTo`, when the stop named one).
 */
export async function serviceDns(input: ServiceDnsInput): Promise<ServiceDnsSummary> {
  let clusters: readonly SyncCluster[] = input.clusters;
  let topology: Readonly<Record<string, ClusterTopology>> = input.carried?.topology ?? {};
  let stop: { readonly replyTo?: string } | undefined;
  let updated = false;
  /** Set by the signal handler, so read through a call (not narrowed away across awaits). */
  const stopRequest = (): { readonly replyTo?: string } | undefined => stop;
  const status: ServiceDnsStatus = {
    federation: input.federation,
    phase: 'Syncing',
    intervalSeconds: input.intervalSeconds,
    clusters: clusters.map((c) => c.name),
    passes: input.carried?.passes ?? 0,
    startedAt: input.carried?.startedAt ?? Date.now(),
    ...(input.carried?.lastPass ? { lastPass: input.carried.lastPass } : {}),
    ...(input.carried?.lastChangeAt !== undefined ? { lastChangeAt: input.carried.lastChangeAt } : {}),
  };
  const publish = (): void => {
    setCurrentDetails(renderServiceDnsDetails(status, Date.now()));
  };
  setHandler(serviceDnsStatusQuery, () => status);
  setHandler(serviceDnsUpdateSignal, (update) => {
    clusters = update.clusters;
    status.clusters = clusters.map((c) => c.name);
    status.intervalSeconds = update.intervalSeconds;
    updated = true;
  });
  setHandler(serviceDnsStopSignal, (request) => {
    stop = request;
  });

  const where = { federation: input.federation, project: input.project, zone: input.zone, domain: input.domain };
  const pass = proxyActivities<Activities>({ ...passOptions, summary: 'observe the members, compute the records, apply them' });
  const removeAll = async (): Promise<number> => {
    status.phase = 'Stopping';
    publish();
    const removed = await proxyActivities<Activities>({ ...cleanupOptions, summary: 'remove every record this sync wrote' }).removeServiceRecords(where);
    status.phase = 'Stopped';
    publish();
    return removed.deletions;
  };

  try {
    for (let passes = 0; stopRequest() === undefined; passes++) {
      updated = false;
      try {
        const result = await pass.syncServiceDns({ ...where, clusters, topology });
        topology = result.topology;
        status.lastPass = result;
        if (result.changeCalls > 0) status.lastChangeAt = result.at;
        delete status.lastError;
      } catch (err) {
        if (isCancellation(err)) throw err;
        status.lastError = { at: Date.now(), message: rootMessage(err) };
        log.warn('service DNS pass failed; the next pass tries again', { error: status.lastError.message });
      }
      status.passes += 1;
      publish();
      if (stopRequest() !== undefined) break;
      const info = workflowInfo();
      if (passes + 1 >= passesPerRun || info.continueAsNewSuggested || info.historySize > maxHistoryBytes) {
        await continueAsNew<typeof serviceDns>({
          ...input,
          clusters,
          intervalSeconds: status.intervalSeconds,
          carried: {
            passes: status.passes,
            startedAt: status.startedAt,
            topology,
            ...(status.lastPass ? { lastPass: status.lastPass } : {}),
            ...(status.lastChangeAt !== undefined ? { lastChangeAt: status.lastChangeAt } : {}),
          },
        });
      }
      // A new cluster list (a re-run of kfed up) or a stop starts the next step at once.
      await condition(() => stopRequest() !== undefined || updated, `${status.intervalSeconds}s`);
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelled (e.g. from the Temporal UI): still take the records down, then end as cancelled.
    await CancellationScope.nonCancellable(removeAll);
    throw err;
  }

  const removed = await removeAll();
  const replyTo = stopRequest()?.replyTo;
  if (replyTo) {
    try {
      await getExternalWorkflowHandle(replyTo).signal(serviceDnsStoppedSignal, { removed });
    } catch (err) {
      // The one who asked is gone (its own cancel, a timeout): nobody to tell.
      log.warn('could not tell the stopping workflow that the sync stopped', { replyTo, error: rootMessage(err) });
    }
  }
  return { federation: input.federation, passes: status.passes, removed };
}
