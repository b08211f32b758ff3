/**
 * How the federation's runs start and stop its service-DNS sync. `federate` starts it as a child
 * that outlives it (ParentClosePolicy ABANDON), so it runs from the moment the federation is
 * ready, whether or not a client waits for the run; a re-run finds it running and hands it the
 * current clusters. `teardown` stops it, and waits until it has removed its records, before it
 * deletes anything else that records point at.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { condition, getExternalWorkflowHandle, log, ParentClosePolicy, proxyActivities, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
// Only import the activity types: workflow code must not bundle activity code.
import type { Activities } from '../activities/index.js';
import { runMemo, serviceDnsStopSignal, serviceDnsStoppedSignal, serviceDnsUpdateSignal, workflowIds, workflowTypes } from '../contract.js';
import { serviceDnsInput, type SyncCluster } from '../service-dns/sync-model.js';
import type { FederationSpec } from '../spec/types.js';
import { apiCall } from './activity-options.js';
import { serviceDns } from './service-dns.js';

/** Patch id: federate starts the service-DNS sync after verify. */
export const startServiceDnsPatch = 'service-dns-sync';

/** Patch id: teardown stops the sync (its records removed) before anything else. */
export const stopServiceDnsPatch = 'stop-service-dns-sync';

/** How long teardown waits for the sync to confirm it stopped before removing the records itself. */
const stopTimeout = '5m';

/** Starts the sync for the federation (or updates the running one); returns the step's note. */
export async function startServiceDnsSync(spec: FederationSpec, clusters: readonly SyncCluster[]): Promise<string> {
  const input = serviceDnsInput(spec, clusters);
  const workflowId = workflowIds.serviceDns(spec.name);
  try {
    await startChild(serviceDns, {
      workflowId,
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `service DNS sync for ${spec.name}: ${spec.dns.domain}, every ${input.intervalSeconds}s`,
      staticDetails: clusters.map((c) => `- ${c.name}`).join('\n'),
      memo: runMemo(spec.name, workflowTypes.serviceDns),
    });
    return `started ${workflowId} (a pass every ${input.intervalSeconds}s)`;
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await getExternalWorkflowHandle(workflowId).signal(serviceDnsUpdateSignal, { clusters: input.clusters, intervalSeconds: input.intervalSeconds });
    return `${workflowId} already running; sent it the current clusters`;
  }
}

/**
 * Stops the sync and waits until it removed its records; then removes whatever the federation
 * still owns in the zone (a sync that never ran, or did not answer in time). Returns the note.
 */
export async function stopServiceDnsSync(spec: FederationSpec, title: string): Promise<string> {
  let removedBySync: number | undefined;
  setHandler(serviceDnsStoppedSignal, ({ removed }) => {
    removedBySync = removed;
  });
  let running = true;
  try {
    await getExternalWorkflowHandle(workflowIds.serviceDns(spec.name)).signal(serviceDnsStopSignal, { replyTo: workflowInfo().workflowId });
  } catch {
    // Not running: never started (a federation made before the sync existed), or stopped already.
    running = false;
  }
  const confirmed = running && (await condition(() => removedBySync !== undefined, stopTimeout));
  if (running && !confirmed) log.warn('the service DNS sync did not confirm it stopped; removing its records directly', { federation: spec.name });
  const domain = spec.dns.domain.endsWith('.') ? spec.dns.domain : `${spec.dns.domain}.`;
  const rest = await proxyActivities<Activities>({ ...apiCall, scheduleToCloseTimeout: '15m', summary: `${title}: what is left` }).removeServiceRecords({
    project: spec.project,
    zone: spec.dns.zone,
    domain: domain.toLowerCase(),
    federation: spec.name,
  });
  const left = rest.deletions > 0 ? `; removed ${rest.deletions} more` : '';
  if (confirmed) return `sync stopped after removing ${removedBySync ?? 0} record set(s)${left}`;
  return running ? `sync did not confirm within ${stopTimeout}; removed ${rest.deletions} record set(s)` : `no sync running${left || '; no records to remove'}`;
}
