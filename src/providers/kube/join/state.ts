/**
 * What exists of one join, read once (GETs only, so read-only credentials suffice). The join,
 * its plan and its unjoin all start from these observations; the decisions on them live in
 * rules.ts.
 */
import type { KubeClient } from '../client.js';
import { kinds, kubeFedClusterCrd, namespaceRef, secretRef, type KubeFedClusterObject, type SecretObject } from '../objects.js';
import { isOwned } from '../ownership.js';
import { hostSecretName, joinSelector, memberTokenSecretName } from '../names.js';
import { refOf, type KubeObject, type ObjectRef } from '../resources.js';
import { defaultPlaneScope, otherScope, type JoinNames } from '../types.js';
import { kubeFedClusterRef, memberRbac, memberRbacRefs, memberServiceAccount, serviceAccountTokenType } from './manifests.js';
import { currentGeneration } from './generations.js';

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
  /** The generation of the token in use: the newest on the member (0 when there is none yet). */
  readonly generation: number;
  /** Every token Secret of this join on the member (more than one only during or after a failed rotation). */
  readonly tokenSecrets: readonly SecretObject[];
  /** The token Secret of {@link generation}. */
  readonly tokenSecret?: SecretObject;
}

/** The token Secrets kfed made for this join on the member, every generation. */
export async function memberTokenSecrets(member: KubeClient, names: JoinNames): Promise<SecretObject[]> {
  const secrets = await member.list<SecretObject>(kinds.secret, { namespace: names.namespace, labelSelector: joinSelector(names, 'member-access') });
  return secrets.filter((s) => s.type === serviceAccountTokenType && isOwned(s));
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
  const scope = names.scope ?? defaultPlaneScope;
  const namespace = await member.get(namespaceRef(names.namespace));
  const access: ObservedObject[] = [];
  for (const desired of [memberServiceAccount(names), ...memberRbac(names, scope)]) {
    const live = await member.get(refOf(desired));
    access.push(live ? { desired, live } : { desired });
  }
  const otherGrants: ObjectRef[] = [];
  for (const ref of memberRbacRefs(names, otherScope(scope))) {
    if (isOwned(await member.get(ref))) otherGrants.push(ref);
  }
  const tokenSecrets = await memberTokenSecrets(member, names);
  const generation = currentGeneration(tokenSecrets);
  const tokenSecret = tokenSecrets.find((s) => s.metadata.name === memberTokenSecretName(names, generation));
  return { ...(namespace ? { namespace } : {}), access, otherScope: otherGrants, generation, tokenSecrets, ...(tokenSecret ? { tokenSecret } : {}) };
}
