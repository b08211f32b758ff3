/**
 * What exists of one join, read once (GETs only, so read-only credentials suffice). The join,
 * its plan and its unjoin all start from these observations; the decisions on them live in
 * rules.ts.
 */
import type { KubeClient } from '../client.js';
import { kubeFedClusterCrd, namespaceRef, secretRef, type KubeFedClusterObject, type SecretObject } from '../objects.js';
import { isOwned } from '../ownership.js';
import { hostSecretName } from '../names.js';
import { refOf, type KubeObject, type ObjectRef } from '../resources.js';
import type { JoinNames } from '../types.js';
import { kubeFedClusterRef, memberRbac, memberRbacRefs, memberServiceAccount, memberTokenSecret } from './manifests.js';

/** The host side of a join. */
export interface HostJoinState {
  /** The KubeFed CRDs are installed (the plane can take members). */
  readonly planeInstalled: boolean;
  readonly cluster?: KubeFedClusterObject;
  /** The token Secret at its fixed name. */
  readonly secret?: SecretObject;
}

/** A desired member-side object and what is live at its name. */
export interface ObservedObject {
  readonly desired: KubeObject;
  readonly live?: KubeObject;
}

/** The member side of a join, for its scope. */
export interface MemberJoinState {
  readonly namespace?: KubeObject;
  /** ServiceAccount, then the scope's RBAC objects. */
  readonly access: readonly ObservedObject[];
  /** kfed's RBAC objects of the other scope, still present (a join removes them). */
  readonly otherScope: readonly ObjectRef[];
  readonly tokenSecret?: SecretObject;
}

/** The host objects of a join, by name (the Secret name is fixed: see {@link hostSecretName}). */
export function hostObjectRefs(names: JoinNames): { readonly cluster: ObjectRef; readonly secret: ObjectRef } {
  return { cluster: kubeFedClusterRef(names), secret: secretRef(names.namespace, hostSecretName(names)) };
}

/** Reads the host side. The KubeFedCluster is read only when the plane is installed. */
export async function observeHost(host: KubeClient, names: JoinNames): Promise<HostJoinState> {
  const planeInstalled = (await host.get(kubeFedClusterCrd)) !== undefined;
  if (!planeInstalled) return { planeInstalled };
  const refs = hostObjectRefs(names);
  const cluster = await host.get<KubeFedClusterObject>(refs.cluster);
  const secret = await host.get<SecretObject>(refs.secret);
  return { planeInstalled, ...(cluster ? { cluster } : {}), ...(secret ? { secret } : {}) };
}

/** Reads the member side. */
export async function observeMember(member: KubeClient, names: JoinNames): Promise<MemberJoinState> {
  const scope = names.scope ?? 'Cluster';
  const namespace = await member.get(namespaceRef(names.namespace));
  const access: ObservedObject[] = [];
  for (const desired of [memberServiceAccount(names), ...memberRbac(names, scope)]) {
    const live = await member.get(refOf(desired));
    access.push(live ? { desired, live } : { desired });
  }
  const otherScope: ObjectRef[] = [];
  for (const ref of memberRbacRefs(names, scope === 'Cluster' ? 'Namespaced' : 'Cluster')) {
    if (isOwned(await member.get(ref))) otherScope.push(ref);
  }
  const tokenSecret = await member.get<SecretObject>(refOf(memberTokenSecret(names)));
  return { ...(namespace ? { namespace } : {}), access, otherScope, ...(tokenSecret ? { tokenSecret } : {}) };
}
