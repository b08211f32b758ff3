/**
 * `kubefedctl join`, split in its two halves so a crash between them is a case one can test:
 * {@link prepareMember} (member side: ServiceAccount, RBAC, token) and {@link registerOnHost}
 * (host side: token Secret, KubeFedCluster). Both are idempotent, so a re-run after a crash at
 * any point finishes the join without making anything twice.
 */
import { ConflictError, NotFoundError, TransientError } from '../../errors.js';
import type { KubeClient } from '../client.js';
import type { SecretObject } from '../objects.js';
import { deleteOwned, ensureNamespace } from '../ownership.js';
import { serviceAccountName } from '../names.js';
import { describeRef, refOf } from '../resources.js';
import { defaultPlaneScope, otherScope, type JoinNames } from '../types.js';
import { hostTokenSecret, kubeFedCluster, memberRbac, memberServiceAccount, memberTokenSecret, type MemberEndpoint } from './manifests.js';
import { endpointConflict, filledToken, joinCaBundle, tokenOf } from './rules.js';
import { currentGeneration } from './generations.js';
import { hostObjectRefs, memberTokenSecrets, observeHost } from './state.js';

/** What the member half hands to the host half. */
export interface MemberCredentials extends MemberEndpoint {
  readonly serviceAccount: string;
  /** NOTE: a credential. It goes into the host Secret and nowhere else (no result, no error, no log). */
  readonly token: string;
  /** Which generation of the member's token it is (0: the join's first). */
  readonly generation: number;
  /** Whether the member half created or changed anything. */
  readonly changed: boolean;
}

/** How long and how often to look for the member's token. */
export interface TokenWaitOptions {
  /** How long the token controller may take to fill the Secret. @default 30 s (kubefedctl's) */
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

/**
 * Before touching the member: the plane must be installed on the host, and a KubeFedCluster of
 * this name must not already point at another cluster (joining would hijack its registration,
 * so this is never retried).
 */
export async function checkHost(host: KubeClient, names: JoinNames, apiEndpoint: string): Promise<void> {
  const state = await observeHost(host, names);
  if (!state.planeInstalled) {
    throw new NotFoundError(`KubeFed is not installed on the host ${names.host} (${host.endpoint}): no kubefedclusters.core.kubefed.io CRD`, {
      resource: `${host.endpoint} ${names.namespace}`,
      hint: 'initialise the control plane on the host before joining clusters',
    });
  }
  const conflict = endpointConflict(state, names, apiEndpoint, host.endpoint);
  if (conflict) {
    throw new ConflictError(conflict, {
      resource: `${host.endpoint} ${describeRef(hostObjectRefs(names).cluster)}`,
      hint: 'unjoin the other cluster first, or join this one under another name',
    });
  }
}

/**
 * Applies the token Secret of `generation` and waits until the token controller has filled it
 * for the current ServiceAccount (`saUid`). Returns the filled Secret. NOTE: it holds a credential.
 */
export async function mintToken(member: KubeClient, names: JoinNames, generation: number, saUid: string | undefined, wait: TokenWaitOptions): Promise<{ readonly secret: SecretObject; readonly changed: boolean }> {
  const manifest = memberTokenSecret(names, generation);
  const { changed } = await member.ensure(manifest);
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const secret = await member.get<SecretObject>(refOf(manifest));
    // The token controller deletes a Secret whose ServiceAccount was replaced; make it again.
    if (!secret) await member.apply(manifest);
    const filled = filledToken(secret, saUid);
    if (filled) return { secret: filled, changed };
    if (Date.now() >= deadline) {
      throw new TransientError(
        `the token controller has not filled Secret ${names.namespace}/${manifest.metadata.name} on ${member.endpoint} within ${wait.timeoutMs / 1000}s`,
        { resource: `${member.endpoint} ${describeRef(refOf(manifest))}`, hint: 'is kube-controller-manager running on the member?' },
      );
    }
    await new Promise((r) => setTimeout(r, wait.intervalMs));
  }
}

/** What the host half needs of a filled token Secret, for the member at `endpoint`. */
export function credentialsOf(endpoint: MemberEndpoint, names: JoinNames, secret: SecretObject, generation: number, changed: boolean): MemberCredentials {
  return { ...endpoint, caBundle: joinCaBundle(endpoint, secret), serviceAccount: serviceAccountName(names), token: tokenOf(secret), generation, changed };
}

/**
 * The member half of a join: the plane namespace, the ServiceAccount `<member>-<host>`, its RBAC
 * for the scope (removing the other scope's grants, so narrowing the scope really narrows it), and
 * a non-expiring token: the newest generation on the member (after a rotation, the rotated
 * one), or a first one. Returns the token for {@link registerOnHost}.
 */
export async function prepareMember(member: KubeClient, endpoint: MemberEndpoint, names: JoinNames, wait: TokenWaitOptions): Promise<MemberCredentials> {
  const scope = names.scope ?? defaultPlaneScope;
  let changed = await ensureNamespace(member, names.namespace);
  const sa = await member.ensure(memberServiceAccount(names));
  changed ||= sa.changed;
  for (const obj of memberRbac(names, scope)) changed = (await member.ensure(obj)).changed || changed;
  for (const obj of memberRbac(names, otherScope(scope))) changed = (await deleteOwned(member, refOf(obj))) || changed;
  const generation = currentGeneration(await memberTokenSecrets(member, names));
  const token = await mintToken(member, names, generation, sa.object.metadata.uid, wait);
  return credentialsOf(endpoint, names, token.secret, generation, changed || token.changed);
}

/** The host half of a join: the token Secret and the KubeFedCluster. Returns whether anything changed. */
export async function registerOnHost(host: KubeClient, names: JoinNames, credentials: MemberCredentials): Promise<boolean> {
  // The Secret first: KubeFed reads it when the KubeFedCluster changes.
  const secret = await host.ensure(hostTokenSecret(names, credentials.token, credentials.caBundle));
  const cluster = await host.ensure(kubeFedCluster(names, credentials, credentials.generation));
  return secret.changed || cluster.changed;
}
