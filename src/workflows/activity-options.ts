/**
 * Every activity timeout and retry policy, declared once. Each `proxyActivities` call in the
 * workflows uses one of these profiles.
 */
import { ActivityCancellationType, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import { nonRetryableErrorTypes } from '../contract.js';

/** Transient API errors: quick first retry, backing off to 30 s (quota errors need room). */
const apiRetry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  nonRetryableErrorTypes: [...nonRetryableErrorTypes],
};

/**
 * One API call (create/get/delete). Short start-to-close so a lost worker is noticed fast.
 * A cancelled run waits for a call in flight to end: a CreateCluster that lands after the
 * workflow moved on (to its teardown, say) would leave a cluster nobody deletes.
 */
export const apiCall: ActivityOptions = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '15m',
  retry: apiRetry,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};

/**
 * Steps that wait inside the activity (plane init waits for its Deployment; join waits for the
 * token Secret). They heartbeat, so a dead worker is detected within `heartbeatTimeout`.
 */
export const kubeWait: ActivityOptions = {
  startToCloseTimeout: '10m',
  heartbeatTimeout: '10s',
  scheduleToCloseTimeout: '30m',
  retry: apiRetry,
};

/**
 * Polling a long operation: the activity throws until done and the server retries it every
 * `pollInterval` (TS samples polling/infrequent). Only the final attempt lands in history, and
 * GKE's quota sees one call per interval. GKE creates take 3-15 min, up to 45 (Terraform's
 * create timeout is 40 min).
 */
export function waitReady(pollInterval: string): ActivityOptions {
  return {
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '45m',
    retry: { initialInterval: pollInterval, backoffCoefficient: 1, maximumInterval: pollInterval, nonRetryableErrorTypes: [...nonRetryableErrorTypes] },
  };
}

/** Cluster deletion polling: GKE deletes take a few minutes. */
export function waitDeleted(pollInterval: string): ActivityOptions {
  return { ...waitReady(pollInterval), scheduleToCloseTimeout: '30m' };
}

/**
 * Reaching an existing cluster through the worker's kubeconfig: an unreachable server is
 * retried for a couple of minutes (a VPN blip), then the run fails with the connector's message.
 */
export const adoptExisting: ActivityOptions = { ...apiCall, scheduleToCloseTimeout: '2m' };

/**
 * Waiting for KubeFed to report a member Ready: its health check runs every 10 s, and the
 * federation is usable only once the report is seen, so poll every second (one status read of
 * the KubeFedCluster per member; a 2 s poll could add up to 2 s after KubeFed's report). The
 * activity itself fails for good at the deadline the workflow passes ({@link memberReadyTimeoutMs});
 * scheduleToClose only bounds a lost worker. Retry options are not commands: runs recorded with
 * the 2 s poll replay unchanged.
 */
export const memberReady: ActivityOptions = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '15m',
  retry: { initialInterval: '1s', backoffCoefficient: 1, maximumInterval: '1s', nonRetryableErrorTypes: [...nonRetryableErrorTypes] },
};

/** How long KubeFed may take to call a freshly joined member Ready (several health-check periods). */
export const memberReadyTimeoutMs = 180_000;

/** Child workflows (one per cluster): bounded by the wait above plus the create call. */
export const childWorkflowTimeout = '60m';
