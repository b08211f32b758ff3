/**
 * The canary that proves a plane federates: a FederatedNamespace holding a FederatedConfigMap,
 * placed on every member. KubeFed's sync controller creates both on each member; deleting them
 * on the host makes it remove them again. Only then is a federation "usable".
 */
import { kubeManagedLabels } from '../../../ownership.js';
import { ConflictError, TransientError } from '../../errors.js';
import type { KubeClient } from '../client.js';
import { namespaceRef, type ConfigMapObject } from '../objects.js';
import { deleteOwned, ensureNamespace, isOwned } from '../ownership.js';
import { describeRef, refOf, type KubeObject, type ObjectRef } from '../resources.js';
import type { CanaryResult } from '../types.js';

/** Namespace (on the host and every member) and object name of the canary. */
export const canaryName = 'kfed-canary';

/** KubeFed's label on what it manages in member clusters. */
const kubeFedManagedLabel = 'kubefed.io/managed';

const types = 'types.kubefed.io/v1beta1';

/** A member of the canary check, connected. */
export interface ConnectedMember {
  readonly member: string;
  readonly client: KubeClient;
}

function placement(members: readonly ConnectedMember[]): Record<string, unknown> {
  return { clusters: members.map((m) => ({ name: m.member })) };
}

/** The canary's federated objects on the host. */
export function canaryObjects(members: readonly ConnectedMember[]): { readonly namespace: KubeObject; readonly configMap: KubeObject } {
  const metadata = { name: canaryName, namespace: canaryName, labels: kubeManagedLabels };
  return {
    // KubeFed writes the template's labels onto each member's namespace (the host's own included,
    // when the host joined itself): kfed's mark must be among them, or it would lose it.
    namespace: { apiVersion: types, kind: 'FederatedNamespace', metadata, spec: { template: { metadata: { labels: kubeManagedLabels } }, placement: placement(members) } },
    configMap: {
      apiVersion: types,
      kind: 'FederatedConfigMap',
      metadata,
      spec: { template: { data: { purpose: 'kfed checks that KubeFed propagates to every member; removed right after' } }, placement: placement(members) },
    },
  };
}

const memberConfigMap: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace: canaryName, name: canaryName };

/** Whether KubeFed (or kfed) made this namespace: adopting and later deleting anyone else's is out of the question. */
function canaryNamespaceIsOurs(ns: KubeObject): boolean {
  return isOwned(ns) || ns.metadata.labels?.[kubeFedManagedLabel] === 'true';
}

async function waitUntil(what: () => Promise<string[]>, timeoutMs: number, intervalMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing = await what();
    if (missing.length === 0 || Date.now() >= deadline) return missing;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Members whose canary ConfigMap is not there yet. */
async function lacking(members: readonly ConnectedMember[]): Promise<string[]> {
  const missing: string[] = [];
  for (const m of members) if (!(await m.client.get<ConfigMapObject>(memberConfigMap))) missing.push(m.member);
  return missing;
}

/**
 * Members that still hold the canary: its ConfigMap, or its namespace not yet being deleted —
 * except on the host itself (when it joined itself), where the namespace is kfed's and removed
 * last, by kfed. A namespace KubeFed is deleting counts as released: its namespace controller
 * finishes that on its own, and waiting for it would only add seconds to every run.
 */
async function holding(host: KubeClient, members: readonly ConnectedMember[]): Promise<string[]> {
  const held: string[] = [];
  for (const m of members) {
    const isHost = m.client.endpoint === host.endpoint;
    const ns = isHost ? undefined : await m.client.get(namespaceRef(canaryName));
    const namespaceLeft = ns !== undefined && !ns.metadata.deletionTimestamp;
    if (namespaceLeft || (await m.client.get(memberConfigMap))) held.push(m.member);
  }
  return held;
}

/**
 * Places the canary on every member and removes it again (see the module comment). Idempotent:
 * a re-run after a crash finds and reuses what the first run left. Waits at most `timeoutMs` for
 * each half; a member that does not follow fails with a TransientError naming it.
 */
export async function runCanary(host: KubeClient, members: readonly ConnectedMember[], options: { readonly timeoutMs: number; readonly intervalMs: number }): Promise<CanaryResult> {
  for (const m of members) {
    const ns = await m.client.get(namespaceRef(canaryName));
    if (ns && !canaryNamespaceIsOurs(ns)) {
      throw new ConflictError(`member ${m.member} (${m.client.endpoint}) already has a namespace ${canaryName} that neither kfed nor KubeFed made; kfed will not federate into it`, {
        resource: `${m.client.endpoint} Namespace ${canaryName}`,
        hint: `rename or remove that namespace, then run kfed up again`,
      });
    }
  }
  const objects = canaryObjects(members);
  const started = Date.now();
  await ensureNamespace(host, canaryName);
  await host.apply(objects.namespace);
  await host.apply(objects.configMap);
  const missing = await waitUntil(() => lacking(members), options.timeoutMs, options.intervalMs);
  if (missing.length > 0) {
    throw new TransientError(`KubeFed did not propagate the canary ${describeRef(refOf(objects.configMap))} to ${missing.join(', ')} within ${options.timeoutMs / 1000}s`, {
      resource: `${host.endpoint} ${describeRef(refOf(objects.configMap))}`,
      hint: 'check the kubefed-controller-manager pods on the host and `kfed status` for the members KubeFed reports not Ready',
    });
  }
  const propagatedMs = Date.now() - started;

  const removing = Date.now();
  await host.delete(refOf(objects.configMap));
  await host.delete(refOf(objects.namespace));
  const left = await waitUntil(async () => [...(await holding(host, members)), ...((await host.get(refOf(objects.configMap))) ? ['the host (FederatedConfigMap finalizer)'] : [])], options.timeoutMs, options.intervalMs);
  if (left.length > 0) {
    throw new TransientError(`KubeFed did not remove the canary from ${left.join(', ')} within ${options.timeoutMs / 1000}s`, {
      resource: `${host.endpoint} ${describeRef(refOf(objects.namespace))}`,
      hint: 'check the kubefed-controller-manager pods on the host',
    });
  }
  // The FederatedNamespace goes with its namespace: KubeFed releases it once the member namespaces are gone.
  await deleteOwned(host, namespaceRef(canaryName));
  return { members: members.map((m) => m.member), propagatedMs, removedMs: Date.now() - removing };
}
