/**
 * The joins a host holds for a federation, found by their labels: what reconciling a spec edit
 * compares with the spec (a member removed or renamed, a host moved elsewhere).
 */
import { kubeLabelKeys } from '../../../ownership.js';
import type { KubeClient } from '../client.js';
import { NotFoundError } from '../../errors.js';
import { kinds, type KubeFedClusterObject } from '../objects.js';
import { isOwned } from '../ownership.js';
import type { JoinedMember } from '../types.js';

/** KubeFedClusters kfed joined for `federation` in `namespace` (none when KubeFed is not installed). */
export async function joinedMembers(host: KubeClient, namespace: string, federation: string): Promise<JoinedMember[]> {
  let clusters: KubeFedClusterObject[];
  try {
    clusters = await host.list<KubeFedClusterObject>(kinds.kubeFedCluster, { namespace, labelSelector: `${kubeLabelKeys.host}=${federation}` });
  } catch (err) {
    if (err instanceof NotFoundError) return [];
    throw err;
  }
  return clusters
    .filter((c) => isOwned(c))
    .map((c) => ({
      member: c.metadata.name,
      apiEndpoint: c.spec?.apiEndpoint ?? '',
      ...(c.spec?.caBundle ? { caBundle: c.spec.caBundle } : {}),
    }))
    .sort((a, b) => a.member.localeCompare(b.member));
}
