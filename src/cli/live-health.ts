/**
 * The federation's live health for `kfed status NAME`: read on a worker (where the credentials
 * are) by the read-only `health` workflow, and shown like `kubectl get kubefedclusters`.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { runOutcome, startHealth } from '../client/runs.js';
import type { FederationHealth } from '../contract.js';
import type { MemberHealth } from '../providers/kube/types.js';
import type { FederationSpec } from '../spec/types.js';
import { age, seconds, table } from './output.js';

/**
 * How long `kfed status NAME` waits for a worker to read the host before it shows the recorded
 * run alone: a worker answers in well under a second, a host that does not answer is retried
 * by the activity for longer than anyone waits at a prompt.
 * @default 20 s
 */
export const liveHealthTimeoutMs = 20_000;

/** A health with nothing read, saying why. */
export function unreadHealth(spec: Pick<FederationSpec, 'name' | 'host'>, error: string): FederationHealth {
  return { federation: spec.name, host: spec.host, members: [], error, readAt: Date.now() };
}

/** True when a worker ran at least one workflow task of the run: it was picked up. */
async function pickedUp(handle: WorkflowHandle): Promise<boolean> {
  const history = await handle.fetchHistory().catch(() => undefined);
  return (history?.events ?? []).some((e) => e.workflowTaskStartedEventAttributes);
}

/**
 * Reads the federation's health on a worker within `timeoutMs`. Never throws for a health it
 * could not read: the answer's `error` says why (no worker, the host does not answer, ...).
 */
export async function readLiveHealth(client: Client, taskQueue: string, spec: FederationSpec, timeoutMs = liveHealthTimeoutMs): Promise<FederationHealth> {
  const { handle } = await startHealth(client, taskQueue, spec, timeoutMs);
  const outcome = await runOutcome<FederationHealth>(handle);
  if (outcome.status === 'COMPLETED') return outcome.result;
  if (outcome.status !== 'TIMED_OUT') return unreadHealth(spec, `the health read ${outcome.status.toLowerCase()}: ${outcome.error}`);
  return unreadHealth(
    spec,
    (await pickedUp(handle))
      ? `the host ${spec.host} did not answer within ${seconds(timeoutMs)}`
      : `no worker answered within ${seconds(timeoutMs)} on task queue ${taskQueue}; start one with \`npm run worker\` (or \`npm start\`)`,
  );
}

/** KubeFed's reason and message, for a member that is not Ready. */
function verdict(member: MemberHealth): string {
  if (member.ready === 'True' && !member.offline) return '';
  if (!member.reason && !member.message) return 'not probed yet';
  return [member.reason, member.message].filter(Boolean).join(': ');
}

/** The live health as text: a heading, then one row per member, like `kubectl get kubefedclusters`. */
export function formatHealth(health: FederationHealth): string {
  const heading = `live health, as KubeFed on ${health.host} reports it:`;
  if (health.error) return `${heading} unavailable — ${health.error}`;
  if (health.members.length === 0) return `${heading} no KubeFedCluster (no member joined)`;
  const rows = health.members.map((m) => [
    m.member,
    m.ready,
    m.offline ? 'True' : 'False',
    m.kubernetesVersion ?? '',
    m.lastProbe ? age(Date.parse(m.lastProbe), health.readAt) : '',
    verdict(m).slice(0, 240),
  ]);
  return `${heading}\n${table(['NAME', 'READY', 'OFFLINE', 'KUBERNETES-VERSION', 'LAST-PROBE', 'MESSAGE'], rows)}`;
}
