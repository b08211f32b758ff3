/**
 * Readiness checks that explain themselves: each returns undefined when ready, else what it is
 * still waiting for, in words a person can act on ("is a scheduler running?").
 */
import type { KubeClient } from './client.js';
import { crdRef, isTrue, type CrdObject, type DeploymentObject, type PodObject } from './objects.js';

/** Waits for a CRD's names to be accepted and its API to be served (condition Established). */
export async function crdWaitingFor(client: KubeClient, name: string): Promise<string | undefined> {
  const crd = await client.get<CrdObject>(crdRef(name));
  if (!crd) return `CRD ${name}: not found`;
  if (isTrue(crd.status?.conditions, 'Established')) return undefined;
  const names = crd.status?.conditions?.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
  return `CRD ${name}: not Established${names?.message ? ` (${names.message})` : ''}`;
}

/** Why the Deployment's pods are not available, from the pods themselves. */
function podDiagnosis(pods: readonly PodObject[]): string {
  if (pods.length === 0) return 'no pods yet (is kube-controller-manager running?)';
  const unscheduled = pods.filter((p) => !p.spec?.nodeName);
  if (unscheduled.length > 0) {
    const refused = unscheduled.flatMap((p) => p.status?.conditions ?? []).find((c) => c.type === 'PodScheduled' && c.status === 'False');
    return refused
      ? `${unscheduled.length} pod(s) unschedulable: ${refused.message ?? refused.reason ?? 'no reason given'}`
      : `${unscheduled.length} pod(s) not scheduled (is a scheduler running?)`;
  }
  const waiting = pods.flatMap((p) => p.status?.containerStatuses ?? []).map((s) => s.state?.waiting?.reason).filter((r) => r !== undefined);
  const phases = pods.map((p) => p.status?.phase ?? 'Unknown').join(', ');
  return `pods ${phases}${waiting.length ? ` (${[...new Set(waiting)].join(', ')})` : ''}`;
}

/** Waits for every replica of the Deployment's current generation to be available. */
export async function deploymentWaitingFor(
  client: KubeClient,
  namespace: string,
  name: string,
  podLabels: Readonly<Record<string, string>>,
): Promise<string | undefined> {
  const d = await client.get<DeploymentObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name });
  if (!d) return `deployment ${namespace}/${name}: not found`;
  const want = d.spec?.replicas ?? 1;
  const available = d.status?.availableReplicas ?? 0;
  const current = (d.status?.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) && (d.status?.updatedReplicas ?? 0) >= want;
  if (current && available >= want && isTrue(d.status?.conditions, 'Available')) return undefined;
  const labelSelector = Object.entries(podLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await client.list<PodObject>({ apiVersion: 'v1', kind: 'Pod' }, { namespace, labelSelector });
  return `deployment ${name}: ${available}/${want} available; ${podDiagnosis(pods)}`;
}

/**
 * Calls `waitingFor` until it returns undefined; returns undefined when that happened in time,
 * else its last answer. Errors from `waitingFor` end the wait at once (they are classified
 * already, and the caller's retry policy decides).
 */
export async function pollUntilReady(
  waitingFor: () => Promise<string | undefined>,
  options: { readonly timeoutMs: number; readonly intervalMs: number },
): Promise<string | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const reason = await waitingFor();
    if (reason === undefined || Date.now() >= deadline) return reason;
    await new Promise((r) => setTimeout(r, Math.min(options.intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
