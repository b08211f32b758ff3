/**
 * The decisions of a join, as pure functions of what was observed (state.ts): shared by the
 * join itself and its plan, so both always agree.
 */
import { describeDifference, driftOf } from '../drift.js';
import type { SecretObject } from '../objects.js';
import { describeRef, refOf } from '../resources.js';
import type { JoinNames } from '../types.js';
import { hostTokenSecret, kubeFedCluster, memberTokenSecret, type MemberEndpoint } from './manifests.js';
import type { HostJoinState, MemberJoinState } from './state.js';
import { hostObjectRefs } from './state.js';

/**
 * Why joining would hijack another registration: a KubeFedCluster of this name points at another
 * API endpoint, i.e. another cluster is joined under the same name. Undefined when it does not.
 */
export function endpointConflict(host: HostJoinState, names: JoinNames, apiEndpoint: string, hostEndpoint: string): string | undefined {
  const current = host.cluster?.spec?.apiEndpoint;
  if (current === undefined || current === apiEndpoint) return undefined;
  return `${describeRef(hostObjectRefs(names).cluster)} on ${hostEndpoint} points to ${current}, not to ${apiEndpoint}: another cluster is joined under the name ${names.member}`;
}

/**
 * The token Secret, when the token controller has filled it for the current ServiceAccount (a
 * Secret left from a replaced ServiceAccount holds a dead token). `serviceAccountUid` undefined:
 * any filled token counts.
 */
export function filledToken(secret: SecretObject | undefined, serviceAccountUid: string | undefined): SecretObject | undefined {
  const tokenFor = secret?.metadata.annotations?.['kubernetes.io/service-account.uid'];
  return secret?.data?.token && (serviceAccountUid === undefined || tokenFor === serviceAccountUid) ? secret : undefined;
}

/** The bearer token in a filled token Secret. NOTE: a credential; never log or return it. */
export function tokenOf(secret: SecretObject): string {
  return Buffer.from(secret.data?.token ?? '', 'base64').toString('utf8');
}

/** kubefedctl's CA order: the kubeconfig's CA first, else the one the token controller copied. */
export function joinCaBundle(endpoint: MemberEndpoint, tokenSecret: SecretObject | undefined): string | undefined {
  return endpoint.caBundle ?? tokenSecret?.data?.['ca.crt'];
}

/** What the member side lacks for a complete join, in words (empty: complete). */
export function memberProblems(member: MemberJoinState, names: JoinNames): { readonly found: string[]; readonly problems: string[] } {
  const found: string[] = [];
  const problems: string[] = [];
  if (!member.namespace) problems.push(`Namespace ${names.namespace} missing on the member`);
  for (const { desired, live } of member.access) {
    const what = describeRef(refOf(desired));
    if (!live) {
      problems.push(`${what} missing`);
      continue;
    }
    found.push(what);
    const diff = driftOf(desired, live);
    if (diff) problems.push(`${what}: ${describeDifference(diff)}`);
  }
  for (const ref of member.otherScope) {
    found.push(describeRef(ref));
    problems.push(`${describeRef(ref)} grants the other scope (join removes it)`);
  }
  const tokenRef = describeRef(refOf(memberTokenSecret(names, member.generation)));
  if (!member.tokenSecret) problems.push(`${tokenRef} missing`);
  else {
    found.push(tokenRef);
    if (!filledToken(member.tokenSecret, member.access[0]?.live?.metadata.uid)) problems.push(`${tokenRef} holds no token for the current ServiceAccount`);
  }
  return { found, problems };
}

/**
 * What the host side lacks, compared with what registerOnHost would apply for the member's
 * current token. NOTE: the token is only compared here; it never leaves this function.
 */
export function hostProblems(host: HostJoinState, member: MemberJoinState, names: JoinNames, endpoint: MemberEndpoint): string[] {
  const refs = hostObjectRefs(names);
  const problems: string[] = [];
  if (!host.secret) problems.push(`${describeRef(refs.secret)} missing on the host`);
  if (!host.cluster) problems.push(`${describeRef(refs.cluster)} missing on the host`);
  const token = filledToken(member.tokenSecret, member.access[0]?.live?.metadata.uid);
  if (!token) return problems;
  const caBundle = joinCaBundle(endpoint, token);
  const secretDiff = host.secret && driftOf(hostTokenSecret(names, tokenOf(token), caBundle), host.secret);
  if (secretDiff) problems.push(`${describeRef(refs.secret)}: ${describeDifference(secretDiff, { secret: true })}`);
  const clusterDiff = host.cluster && driftOf(kubeFedCluster(names, { ...endpoint, caBundle }, member.generation), host.cluster);
  if (clusterDiff) problems.push(`${describeRef(refs.cluster)}: ${describeDifference(clusterDiff)}`);
  return problems;
}
