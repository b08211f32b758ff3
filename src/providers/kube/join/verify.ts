/**
 * Proof that a join works the way the plane will use it: read the KubeFedCluster and its Secret
 * on the host, then reach the member with ONLY that endpoint, CA and token — nothing of kfed's
 * own credentials for the member.
 */
import { ConflictError, NotFoundError, PermissionError } from '../../errors.js';
import { KubeClient } from '../client.js';
import { tokenKubeConfig } from '../connector.js';
import { kinds, secretRef, type KubeFedClusterObject, type SecretObject } from '../objects.js';
import { serviceAccountName } from '../names.js';
import { describeRef } from '../resources.js';
import { defaultPlaneScope, type JoinNames, type VerifyResult } from '../types.js';
import { kubeFedClusterRef } from './manifests.js';

interface SelfSubjectReview {
  readonly status?: { readonly userInfo?: { readonly username?: string } };
}

/** The member as the plane sees it: endpoint, CA and token from the host's objects. */
async function joinedAccess(host: KubeClient, names: JoinNames): Promise<{ endpoint: string; caBundle?: string; insecure: boolean; token: string }> {
  const ref = kubeFedClusterRef(names);
  const cluster = await host.get<KubeFedClusterObject>(ref);
  const endpoint = cluster?.spec?.apiEndpoint;
  const secretName = cluster?.spec?.secretRef?.name;
  if (!endpoint || !secretName) {
    throw new NotFoundError(`${names.member} is not joined: no ${describeRef(ref)} with an endpoint and a secret on ${host.endpoint}`, {
      resource: `${host.endpoint} ${describeRef(ref)}`,
    });
  }
  const secret = await host.get<SecretObject>(secretRef(names.namespace, secretName));
  const token = secret?.data?.token;
  if (!token) {
    throw new NotFoundError(`${names.member} is joined but Secret ${names.namespace}/${secretName} on ${host.endpoint} holds no token`, {
      resource: `${host.endpoint} Secret ${names.namespace}/${secretName}`,
    });
  }
  return {
    endpoint,
    caBundle: cluster.spec.caBundle,
    insecure: cluster.spec.disabledTLSValidations?.includes('*') ?? false,
    token: Buffer.from(token, 'base64').toString('utf8'),
  };
}

/**
 * Reaches the member's `/readyz`, asks who the token is (SelfSubjectReview, which must be the
 * join's ServiceAccount) and lists namespaces (`Cluster` scope) or the plane namespace's
 * ServiceAccounts (`Namespaced` scope, which may not list namespaces; counts as 1).
 */
export async function verifyJoin(host: KubeClient, names: JoinNames, timeoutMs: number): Promise<VerifyResult> {
  const access = await joinedAccess(host, names);
  const member = new KubeClient(
    tokenKubeConfig({ name: names.member, endpoint: access.endpoint, caData: access.caBundle, insecure: access.insecure, token: access.token, timeoutMs }),
    { timeoutMs },
  );
  try {
    const ready = (await member.getRaw('/readyz')).trim() === 'ok';
    const review = await member.post<SelfSubjectReview>(
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      'SelfSubjectReview',
    );
    const user = review.status?.userInfo?.username ?? '';
    const expected = `system:serviceaccount:${names.namespace}:${serviceAccountName(names)}`;
    if (user !== expected) {
      throw new ConflictError(`the token KubeFed holds for ${names.member} authenticates as "${user}", not as ${expected}`, {
        resource: `${access.endpoint} ${names.namespace}`,
        hint: 'join the cluster again to replace the token',
      });
    }
    const namespaces =
      (names.scope ?? defaultPlaneScope) === 'Cluster'
        ? (await member.list(kinds.namespace)).length
        : ((await member.list(kinds.serviceAccount, { namespace: names.namespace })), 1);
    return { ready, namespaces, user };
  } catch (err) {
    if (err instanceof PermissionError) {
      throw new PermissionError(`the credentials KubeFed holds for ${names.member} do not work: ${err.message}`, {
        resource: err.resource,
        hint: 'join the cluster again to repair its ServiceAccount, RBAC and token',
        cause: err,
      });
    }
    throw err;
  }
}
