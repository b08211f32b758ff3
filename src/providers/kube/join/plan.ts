/**
 * What `join` would do, decided from the same observations and rules as the join itself
 * (state.ts, rules.ts), by reading only.
 */
import type { PlanItem } from '../../types.js';
import type { KubeClient } from '../client.js';
import type { ApiAccess } from '../connector.js';
import { listDifferences } from '../drift.js';
import { serviceAccountName } from '../names.js';
import { describeRef } from '../resources.js';
import { defaultPlaneScope, type JoinNames } from '../types.js';
import { endpointConflict, hostProblems, memberProblems } from './rules.js';
import { hostObjectRefs, observeHost, observeMember } from './state.js';

/** The member as the plan reads it: its endpoint (from the worker's credentials) and a client. */
export interface PlannedMember {
  readonly access: ApiAccess;
  readonly client: KubeClient;
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
export async function planJoin(host: KubeClient, member: () => Promise<PlannedMember>, names: JoinNames): Promise<PlanItem> {
  const resource = `join ${names.member}`;
  const hostState = await observeHost(host, names);
  if (!hostState.planeInstalled) return { resource, action: 'create', reason: `KubeFed is not installed on the host (${host.endpoint}) yet: join registers ${names.member} after init` };

  const refs = hostObjectRefs(names);
  const { access, client } = await member();
  const conflict = endpointConflict(hostState, names, access.apiEndpoint, host.endpoint);
  if (conflict) return { resource, action: 'conflict', reason: conflict };

  const memberState = await observeMember(client, names);
  const side = memberProblems(memberState, names);
  if (!hostState.cluster && !hostState.secret && side.found.length === 0) {
    return {
      resource,
      action: 'create',
      reason: `no ${describeRef(refs.cluster)} on the host: join creates ServiceAccount ${names.namespace}/${serviceAccountName(names)} with ${names.scope ?? defaultPlaneScope} RBAC on the member and registers ${access.apiEndpoint}`,
    };
  }
  const problems = [...side.problems, ...hostProblems(hostState, memberState, names, access)];
  if (problems.length === 0) {
    return {
      resource,
      action: 'unchanged',
      reason: `joined: ${describeRef(refs.cluster)} points to ${access.apiEndpoint}, with the token${memberState.generation > 0 ? ` (generation ${memberState.generation})` : ''} of ServiceAccount ${names.namespace}/${serviceAccountName(names)} (${names.scope ?? defaultPlaneScope} scope)`,
    };
  }
  return { resource, action: 'update', reason: `partly joined: ${listDifferences(problems)}` };
}
