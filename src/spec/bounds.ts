/**
 * The bounds of every size and duration in a spec, each with the reason a message gives when a
 * spec goes past it. One home: the schema, the rules, the README and the tests read them here.
 */

/** Project id of the offline emulator, which answers polls at once and has no quota. */
export const localProject = 'local';

/**
 * How often a run polls a provisioning cluster, in milliseconds. The lower bound matters most:
 * the interval becomes the retry interval of Temporal's retry policy, where 0 is invalid (the
 * workflow task then fails forever), and each poll is a GKE API call counted against the
 * project's quota.
 */
export const pollIntervalBounds = {
  /** Real projects: GKE operations take minutes; polling faster than 5 s only burns quota. */
  gke: { minMs: 5_000, maxMs: 300_000 },
  /** Project `local`: the emulator answers at once, so 1 s keeps local runs fast. */
  local: { minMs: 1_000, maxMs: 300_000 },
  tooShort:
    'a 0 interval breaks Temporal\'s retry policy (its maximumInterval cannot be 0), and polling GKE faster than every few seconds burns the project\'s API quota',
  tooLong: 'GKE operations finish within minutes; a longer interval only delays noticing that a cluster is ready',
} as const;

/** Nodes of a created cluster: kfed creates one node pool per cluster. */
export const maxNodes = 1000;
export const maxNodesReason = 'GKE allows at most 1000 nodes per node pool, and kfed creates each cluster with one pool';

/** Clusters in one federation. */
export const maxClusters = 50;
export const maxClustersReason =
  'kfed provisions every cluster of a federation at once, each polling GKE, and the host\'s KubeFed controller watches every member; 50 is also GKE\'s default limit of clusters per zone';

/** Namespaces the plane must never use: teardown deletes the plane's namespace. */
export const reservedNamespaces: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
export const reservedNamespaceReason = 'kfed installs the plane there and deletes that namespace on teardown; it belongs to Kubernetes itself';

/** A DNS name, not counting the final dot (RFC 1035 section 2.3.4). */
export const maxDomainLength = 253;

/** Durations a spec may hold: an integer and a unit (`15s`, `2m`, `500ms`, `1h`). */
export const durationPattern = /^([0-9]+)(ms|s|m|h)$/;
const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a spec duration (`15s`, `2m`, `500ms`, `1h`), or undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const match = durationPattern.exec(text);
  if (!match) return undefined;
  const [, amount = '', unit = ''] = match;
  return Number(amount) * (unitMs[unit] ?? Number.NaN);
}

/** `300000` → `5m`, for messages. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * What is wrong with a poll interval for the project, or undefined when it is within bounds.
 * The message names the bound and the reason.
 */
export function pollIntervalProblem(interval: string, project: string): string | undefined {
  const ms = durationMs(interval);
  if (ms === undefined) return undefined;
  const local = project === localProject;
  const { minMs, maxMs } = local ? pollIntervalBounds.local : pollIntervalBounds.gke;
  const where = local ? 'for project local' : 'for GKE';
  if (ms < minMs) return `${interval} is too short: at least ${formatDuration(minMs)} ${where} (${pollIntervalBounds.tooShort})`;
  if (ms > maxMs) return `${interval} is too long: at most ${formatDuration(maxMs)} (${pollIntervalBounds.tooLong})`;
  return undefined;
}

/** Size of a spec file kfed reads: a Federation spec is a few kilobytes. @default 1 MiB */
export const maxSpecFileBytes = 1024 * 1024;
