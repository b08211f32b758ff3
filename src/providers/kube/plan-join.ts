/**
 * What `join` would do, found by reading only: the host's KubeFedCluster and token Secret, and
 * the member's ServiceAccount, RBAC and token Secret, compared with what {@link prepareMember}
 * and {@link registerOnHost} would apply.
 */
import type { PlanItem } from '../types.js';
import type { KubeClient } from './client.js';
import type { ApiAccess } from './connector.js';
import { describeDifference, driftOf, listDifferences, objectDrift } from './drift.js';
import { hostObjectRefs } from './join.js';
import { hostTokenSecret, kubeFedCluster, memberRbac, memberRbacRefs, memberServiceAccount, memberTokenSecret } from './join-manifests.js';
import { managedByLabel, managedLabels, serviceAccountName } from './names.js';
import { describeRef, refOf, type KubeObject } from './resources.js';
import type { JoinNames } from './types.js';

interface KubeFedClusterLike extends KubeObject {
  readonly spec?: { readonly apiEndpoint?: string };
}

interface SecretLike extends KubeObject {
  readonly data?: Readonly<Record<string, string>>;
}

/** The member as the plan reads it: its endpoint (from the worker's credentials) and a client. */
export interface PlannedMember {
  readonly access: ApiAccess;
  readonly client: KubeClient;
}

/** The member side: what exists, what differs, and the filled token Secret if there is one. */
async function memberState(member: KubeClient, names: JoinNames): Promise<{ found: string[]; problems: string[]; token?: SecretLike }> {
  const scope = names.scope ?? 'Cluster';
  const found: string[] = [];
  const problems: string[] = [];
  if (!(await member.get({ apiVersion: 'v1', kind: 'Namespace', name: names.namespace }))) problems.push(`Namespace ${names.namespace} missing on the member`);
  const saManifest = memberServiceAccount(names);
  const sa = await member.get(refOf(saManifest));
  for (const obj of [saManifest, ...memberRbac(names, scope)]) {
    const drift = await objectDrift(member, obj);
    if (drift.exists) found.push(describeRef(refOf(obj)));
    if (drift.problem) problems.push(drift.problem);
  }
  // Grants of the other scope are removed by a join (see prepareMember); kfed's own only.
  for (const ref of memberRbacRefs(names, scope === 'Cluster' ? 'Namespaced' : 'Cluster')) {
    const stale = await member.get(ref);
    if (stale?.metadata.labels?.[managedByLabel] === managedLabels[managedByLabel]) {
      found.push(describeRef(ref));
      problems.push(`${describeRef(ref)} grants the other scope (join removes it)`);
    }
  }
  const tokenManifest = memberTokenSecret(names);
  const secret = await member.get<SecretLike>(refOf(tokenManifest));
  if (!secret) {
    problems.push(`${describeRef(refOf(tokenManifest))} missing`);
    return { found, problems };
  }
  found.push(describeRef(refOf(tokenManifest)));
  const tokenFor = secret.metadata.annotations?.['kubernetes.io/service-account.uid'];
  if (!secret.data?.token || (sa && tokenFor !== sa.metadata.uid)) {
    problems.push(`${describeRef(refOf(tokenManifest))} holds no token for the current ServiceAccount`);
    return { found, problems };
  }
  return { found, problems, token: secret };
}

/**
 * The plan item of joining `names.member` (resource `join <member>`):
 * - `create`: the plane is not installed on the host, or nothing of this join exists yet;
 * - `conflict`: a KubeFedCluster of that name points at another API endpoint (join refuses it);
 * - `unchanged`: KubeFedCluster (member endpoint and CA) and its token Secret on the host, the
 *   member's ServiceAccount, RBAC of the scope and token Secret, and the host holds that token;
 * - `update`: anything less, e.g. a join interrupted after its member half; the reason lists it.
 *
 * `member` is called only when the plane is installed, so a host-less plan never needs the member.
 */
export async function planJoinOn(host: KubeClient, member: () => Promise<PlannedMember>, names: JoinNames): Promise<PlanItem> {
  const resource = `join ${names.member}`;
  const crd = await host.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'kubefedclusters.core.kubefed.io' });
  if (!crd) return { resource, action: 'create', reason: `KubeFed is not installed on the host (${host.endpoint}) yet: join registers ${names.member} after init` };

  const refs = hostObjectRefs(names);
  const cluster = await host.get<KubeFedClusterLike>(refs.cluster);
  const { access, client } = await member();
  const current = cluster?.spec?.apiEndpoint;
  if (current !== undefined && current !== access.apiEndpoint) {
    return {
      resource,
      action: 'conflict',
      reason: `${describeRef(refs.cluster)} on ${host.endpoint} points to ${current}, not to ${access.apiEndpoint}: another cluster is joined under the name ${names.member}`,
    };
  }

  const side = await memberState(client, names);
  const hostSecret = await host.get<SecretLike>(refs.secret);
  if (!cluster && !hostSecret && side.found.length === 0) {
    return {
      resource,
      action: 'create',
      reason: `no ${describeRef(refs.cluster)} on the host: join creates ServiceAccount ${names.namespace}/${serviceAccountName(names)} with ${names.scope ?? 'Cluster'} RBAC on the member and registers ${access.apiEndpoint}`,
    };
  }

  const problems = [...side.problems];
  if (!hostSecret) problems.push(`${describeRef(refs.secret)} missing on the host`);
  if (!cluster) problems.push(`${describeRef(refs.cluster)} missing on the host`);
  if (side.token) {
    // The manifests registerOnHost would apply, built from the member's current token.
    // NOTE: the token is only compared here; it never leaves this function (no reason, no log).
    const token = Buffer.from(side.token.data?.token ?? '', 'base64').toString('utf8');
    const caBundle = access.caBundle ?? side.token.data?.['ca.crt'];
    const secretDiff = hostSecret && driftOf(hostTokenSecret(names, token, caBundle), hostSecret);
    if (secretDiff) problems.push(`${describeRef(refs.secret)}: ${describeDifference(secretDiff, { secret: true })}`);
    const clusterDiff = cluster && driftOf(kubeFedCluster(names, { ...access, caBundle }), cluster);
    if (clusterDiff) problems.push(`${describeRef(refs.cluster)}: ${describeDifference(clusterDiff)}`);
  }
  if (problems.length === 0) {
    return {
      resource,
      action: 'unchanged',
      reason: `joined: ${describeRef(refs.cluster)} points to ${access.apiEndpoint}, with the token of ServiceAccount ${names.namespace}/${serviceAccountName(names)} (${names.scope ?? 'Cluster'} scope)`,
    };
  }
  return { resource, action: 'update', reason: `partly joined: ${listDifferences(problems)}` };
}
