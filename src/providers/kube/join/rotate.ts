/**
 * Rotating a member's credentials without a moment in which KubeFed holds no valid token: the
 * next generation's token Secret is minted beside the current one ({@link rotateToken}), the
 * host moves to it (Secret, then the KubeFedCluster annotation that makes KubeFed rebuild its
 * clients), and only once KubeFed works with it are the older Secrets deleted
 * ({@link revokeTokens}), which revokes their tokens at once. Each half is idempotent.
 */
import { ConflictError, NotFoundError, TransientError } from '../../errors.js';
import { KubeClient } from '../client.js';
import { tokenKubeConfig } from '../connector.js';
import { isUnauthenticated } from '../errors.js';
import { kinds } from '../objects.js';
import { memberTokenSecretName, serviceAccountName, tokenGenerationKey } from '../names.js';
import { describeRef, refOf } from '../resources.js';
import type { JoinNames, RotatedToken } from '../types.js';
import { generationOf } from './generations.js';
import { credentialsOf, mintToken, registerOnHost, type TokenWaitOptions } from './join.js';
import type { MemberEndpoint } from './manifests.js';
import { memberServiceAccount } from './manifests.js';
import { tokenOf } from './rules.js';
import { hostObjectRefs, memberTokenSecrets, observeHost } from './state.js';

/** The generations of a join's token Secrets on the member, oldest first: no token, only numbers. */
export async function tokenGenerations(member: KubeClient, names: JoinNames): Promise<number[]> {
  return (await memberTokenSecrets(member, names)).map(generationOf).sort((a, b) => a - b);
}

/**
 * Mints the member's token of `generation` and moves the host to it. Refuses (NotFoundError)
 * when the member is not joined: rotation replaces a join's credentials, it never makes a join.
 */
export async function rotateToken(host: KubeClient, member: KubeClient, endpoint: MemberEndpoint, names: JoinNames, generation: number, wait: TokenWaitOptions): Promise<RotatedToken> {
  const hostState = await observeHost(host, names);
  const sa = await member.get(refOf(memberServiceAccount(names)));
  if (!hostState.cluster || !sa) {
    const missing = !hostState.cluster ? `no ${describeRef(hostObjectRefs(names).cluster)} on the host ${host.endpoint}` : `no ServiceAccount ${names.namespace}/${serviceAccountName(names)} on ${member.endpoint}`;
    throw new NotFoundError(`${names.member} is not joined (${missing}); there are no credentials to rotate`, {
      resource: `${names.member} -> ${names.host}`,
      hint: 'run kfed up first, which joins it',
    });
  }
  const token = await mintToken(member, names, generation, sa.metadata.uid, wait);
  const changed = await registerOnHost(host, names, credentialsOf(endpoint, names, token.secret, generation, token.changed));
  return { generation, secret: memberTokenSecretName(names, generation), changed: token.changed || changed };
}

/**
 * Until when to wait for the API server to refuse a deleted token. kube-apiserver keeps a
 * token's successful authentication in a cache for 10 s, so a token whose Secret was just
 * deleted may work that long.
 */
export interface RevocationWait {
  /** @default 60 s in KubeFedPlane */
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

/** What {@link revokeTokens} did. */
export interface Revocation {
  /** The token Secrets deleted, by name. */
  readonly revoked: readonly string[];
  /** From deleting them until the member's API server refused every one of their tokens (401). */
  readonly rejectedAfterMs: number;
}

/** Whether the member's API server still authenticates `token` (false once it answers 401). */
async function accepted(endpoint: MemberEndpoint, token: string, timeoutMs: number): Promise<boolean> {
  const kc = tokenKubeConfig({ name: 'revoked-token', endpoint: endpoint.apiEndpoint, caData: endpoint.caBundle, insecure: endpoint.insecure, token, timeoutMs });
  try {
    await new KubeClient(kc, { timeoutMs }).getRaw('/api');
    return true;
  } catch (err) {
    if (isUnauthenticated(err)) return false;
    throw err;
  }
}

/**
 * Deletes the join's token Secrets of every generation but `keep` from the member, which revokes
 * their tokens, and waits until the member's API server refuses each of them (see
 * {@link RevocationWait}); a token still accepted at the deadline is a TransientError. Refuses
 * (ConflictError, nothing deleted) unless the host holds the token of `keep` and its
 * KubeFedCluster names that generation: a join that ran meanwhile may have moved the host
 * elsewhere, and revoking what the host uses would cut KubeFed off.
 * NOTE: the old tokens are read to prove their revocation; they never leave this function.
 */
export async function revokeTokens(host: KubeClient, member: KubeClient, endpoint: MemberEndpoint, names: JoinNames, keep: number, wait: RevocationWait): Promise<Revocation> {
  const secrets = await memberTokenSecrets(member, names);
  const kept = secrets.find((s) => generationOf(s) === keep);
  const hostState = await observeHost(host, names);
  const annotated = hostState.cluster?.metadata.annotations?.[tokenGenerationKey] ?? '0';
  const holds = kept !== undefined && hostState.secret?.data?.token !== undefined && tokenOf(hostState.secret) === tokenOf(kept);
  if (!holds || annotated !== String(keep)) {
    throw new ConflictError(
      `the host ${host.endpoint} does not hold the token of generation ${keep} for ${names.member} (its KubeFedCluster names generation ${annotated}); no token was revoked`,
      { resource: `${host.endpoint} ${describeRef(hostObjectRefs(names).secret)}`, hint: 'a kfed up may have run meanwhile; run kfed rotate again' },
    );
  }
  const old = secrets.filter((x) => generationOf(x) !== keep);
  const revoked: string[] = [];
  const started = Date.now();
  for (const s of old) {
    if (await member.delete({ ...kinds.secret, namespace: names.namespace, name: s.metadata.name })) revoked.push(s.metadata.name);
  }
  let pending = old.map(tokenOf).filter((t) => t !== '');
  const deadline = started + wait.timeoutMs;
  for (;;) {
    const still: string[] = [];
    for (const token of pending) if (await accepted(endpoint, token, Math.min(10_000, wait.timeoutMs))) still.push(token);
    pending = still;
    if (pending.length === 0) return { revoked: revoked.sort(), rejectedAfterMs: Date.now() - started };
    if (Date.now() >= deadline) {
      throw new TransientError(`${member.endpoint} still accepts ${pending.length} revoked token(s) of ${names.member} ${wait.timeoutMs / 1000}s after their Secrets were deleted`, {
        resource: `${member.endpoint} ${names.namespace}`,
        hint: 'is the member API server running with --service-account-lookup (the default)?',
      });
    }
    await new Promise((r) => setTimeout(r, wait.intervalMs));
  }
}
