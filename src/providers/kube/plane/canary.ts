/**
 * The canary that proves a plane federates, placed on every member. KubeFed's sync controller
 * creates it on each member; deleting it on the host makes it remove it again. Only then is a
 * federation "usable". What it is depends on the plane's scope:
 * - `Cluster`: a FederatedNamespace `kfed-canary` holding a FederatedConfigMap;
 * - `Namespaced`: a FederatedConfigMap `kfed-canary` in the plane namespace, the only namespace
 *   such a plane federates (and which every join creates on its member).
 */
import { kubeManagedLabels } from '../../../ownership.js';
import { ConflictError, TransientError } from '../../errors.js';
import type { KubeClient } from '../client.js';
import { namespaceRef, type ConfigMapObject } from '../objects.js';
import { deleteOwned, ensureNamespace, isOwned } from '../ownership.js';
import { describeRef, refOf, type KubeObject, type ObjectRef } from '../resources.js';
import type { CanaryResult, PlaneScope } from '../types.js';

/** Name of the canary objects, and of its own namespace (on the host and every member) in Cluster scope. */
export const canaryName = 'kfed-canary';

/** KubeFed's label on what it manages in member clusters. */
const kubeFedManagedLabel = 'kubefed.io/managed';

const types = 'types.kubefed.io/v1beta1';

/** A member of the canary check, connected. */
export interface ConnectedMember {
  readonly member: string;
  readonly client: KubeClient;
}

/** The plane the canary goes through. */
export interface CanaryPlane {
  readonly scope: PlaneScope;
  /** The plane namespace: where a Namespaced plane's canary lives. */
  readonly namespace: string;
}

function placement(members: readonly ConnectedMember[]): Record<string, unknown> {
  return { clusters: members.map((m) => ({ name: m.member })) };
}

/** The namespace the canary's objects live in, on the host and on every member. */
export function canaryNamespace(plane: CanaryPlane): string {
  return plane.scope === 'Cluster' ? canaryName : plane.namespace;
}

/**
 * The canary's federated objects on the host: the FederatedConfigMap, and in Cluster scope the
 * FederatedNamespace of its own namespace.
 */
export function canaryObjects(members: readonly ConnectedMember[], plane: CanaryPlane): { readonly namespace?: KubeObject; readonly configMap: KubeObject } {
  const metadata = { name: canaryName, namespace: canaryNamespace(plane), labels: kubeManagedLabels };
  const configMap: KubeObject = {
    apiVersion: types,
    kind: 'FederatedConfigMap',
    metadata,
    spec: {
      // kfed's mark on the member copies too: a later run knows the ConfigMap is its own.
      template: { metadata: { labels: kubeManagedLabels }, data: { purpose: 'kfed checks that KubeFed propagates to every member; removed right after' } },
      placement: placement(members),
    },
  };
  if (plane.scope === 'Namespaced') return { configMap };
  return {
    // KubeFed writes the template's labels onto each member's namespace (the host's own included,
    // when the host joined itself): kfed's mark must be among them, or it would lose it.
    namespace: { apiVersion: types, kind: 'FederatedNamespace', metadata, spec: { template: { metadata: { labels: kubeManagedLabels } }, placement: placement(members) } },
    configMap,
  };
}

/** The canary ConfigMap on a member. */
function memberConfigMap(plane: CanaryPlane): ObjectRef {
  return { apiVersion: 'v1', kind: 'ConfigMap', namespace: canaryNamespace(plane), name: canaryName };
}

/** Whether KubeFed (or kfed) made this object: adopting and later deleting anyone else's is out of the question. */
function isOurs(ns: KubeObject): boolean {
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
async function lacking(members: readonly ConnectedMember[], plane: CanaryPlane): Promise<string[]> {
  const missing: string[] = [];
  for (const m of members) if (!(await m.client.get<ConfigMapObject>(memberConfigMap(plane)))) missing.push(m.member);
  return missing;
}

/**
 * Members that still hold the canary: its ConfigMap, or (Cluster scope) its namespace not yet
 * being deleted — except on the host itself (when it joined itself), where the namespace is
 * kfed's and removed last, by kfed. A namespace KubeFed is deleting counts as released: its
 * namespace controller finishes that on its own, and waiting for it would only add seconds to
 * every run. A Namespaced canary has no namespace of its own: the plane namespace stays.
 */
async function holding(host: KubeClient, members: readonly ConnectedMember[], plane: CanaryPlane): Promise<string[]> {
  const held: string[] = [];
  for (const m of members) {
    const ownNamespace = plane.scope === 'Cluster' && m.client.endpoint !== host.endpoint;
    const ns = ownNamespace ? await m.client.get(namespaceRef(canaryName)) : undefined;
    const namespaceLeft = ns !== undefined && !ns.metadata.deletionTimestamp;
    if (namespaceLeft || (await m.client.get(memberConfigMap(plane)))) held.push(m.member);
  }
  return held;
}

/** A member object of the canary's name that neither kfed nor KubeFed made, in words; undefined when there is none. */
async function foreignCanary(m: ConnectedMember, plane: CanaryPlane): Promise<string | undefined> {
  const ref = plane.scope === 'Cluster' ? namespaceRef(canaryName) : memberConfigMap(plane);
  const found = await m.client.get(ref);
  return found && !isOurs(found) ? `member ${m.member} (${m.client.endpoint}) already has ${describeRef(ref)}, which neither kfed nor KubeFed made` : undefined;
}

/**
 * Places the canary on every member and removes it again (see the module comment). Idempotent:
 * a re-run after a crash finds and reuses what the first run left. Waits at most `timeoutMs` for
 * each half; a member that does not follow fails with a TransientError naming it.
 */
export async function runCanary(
  host: KubeClient,
  members: readonly ConnectedMember[],
  options: { readonly timeoutMs: number; readonly intervalMs: number; readonly plane: CanaryPlane },
): Promise<CanaryResult> {
  const { plane } = options;
  for (const m of members) {
    const foreign = await foreignCanary(m, plane);
    if (foreign) {
      throw new ConflictError(`${foreign}; kfed will not federate into it`, {
        resource: `${m.client.endpoint} ${describeRef(plane.scope === 'Cluster' ? namespaceRef(canaryName) : memberConfigMap(plane))}`,
        hint: 'rename or remove it, then run kfed up again',
      });
    }
  }
  const objects = canaryObjects(members, plane);
  const started = Date.now();
  if (objects.namespace) {
    await ensureNamespace(host, canaryName);
    await host.apply(objects.namespace);
  }
  await host.apply(objects.configMap);
  const missing = await waitUntil(() => lacking(members, plane), options.timeoutMs, options.intervalMs);
  if (missing.length > 0) {
    throw new TransientError(`KubeFed did not propagate the canary ${describeRef(refOf(objects.configMap))} to ${missing.join(', ')} within ${options.timeoutMs / 1000}s`, {
      resource: `${host.endpoint} ${describeRef(refOf(objects.configMap))}`,
      hint: 'check the kubefed-controller-manager pods on the host and `kfed status` for the members KubeFed reports not Ready',
    });
  }
  const propagatedMs = Date.now() - started;

  const removing = Date.now();
  await host.delete(refOf(objects.configMap));
  if (objects.namespace) await host.delete(refOf(objects.namespace));
  const left = await waitUntil(
    async () => [...(await holding(host, members, plane)), ...((await host.get(refOf(objects.configMap))) ? ['the host (FederatedConfigMap finalizer)'] : [])],
    options.timeoutMs,
    options.intervalMs,
  );
  if (left.length > 0) {
    throw new TransientError(`KubeFed did not remove the canary from ${left.join(', ')} within ${options.timeoutMs / 1000}s`, {
      resource: `${host.endpoint} ${describeRef(refOf(objects.namespace ?? objects.configMap))}`,
      hint: 'check the kubefed-controller-manager pods on the host',
    });
  }
  // The FederatedNamespace goes with its namespace: KubeFed releases it once the member namespaces are gone.
  if (objects.namespace) await deleteOwned(host, namespaceRef(canaryName));
  return { members: members.map((m) => m.member), propagatedMs, removedMs: Date.now() - removing };
}
