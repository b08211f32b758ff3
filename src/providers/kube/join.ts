/**
 * `kubefedctl join`, split in its two halves so a crash between them is a case one can test:
 * {@link prepareMember} (member side: ServiceAccount, RBAC, token) and {@link registerOnHost}
 * (host side: token Secret, KubeFedCluster). Both are idempotent, so a re-run after a crash at
 * any point finishes the join without making anything twice.
 */
import { ConflictError, NotFoundError, TransientError } from '../errors.js';
import type { KubeClient } from './client.js';
import {
  hostTokenSecret,
  kubeFedCluster,
  kubeFedClusterRef,
  memberRbac,
  memberRbacRefs,
  memberServiceAccount,
  memberTokenSecret,
  type MemberEndpoint,
} from './join-manifests.js';
import { hostSecretName, managedByLabel, managedLabels, serviceAccountName } from './names.js';
import { describeRef, refOf, type KubeObject, type ObjectRef } from './resources.js';
import type { JoinNames } from './types.js';

/** What the member half hands to the host half. */
export interface MemberCredentials extends MemberEndpoint {
  readonly serviceAccount: string;
  /** NOTE: a credential. It goes into the host Secret and nowhere else (no result, no error, no log). */
  readonly token: string;
  /** Whether the member half created or changed anything. */
  readonly changed: boolean;
}

/** How long and how often to look for the member's token. */
export interface TokenWaitOptions {
  /** How long the token controller may take to fill the Secret. @default 30 s (kubefedctl's) */
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

interface KubeFedClusterLike extends KubeObject {
  readonly spec?: { readonly apiEndpoint?: string; readonly secretRef?: { readonly name?: string } };
}

interface SecretLike extends KubeObject {
  readonly data?: Readonly<Record<string, string>>;
}

/** Creates the namespace when it is missing; an existing one is left as it is (and never claimed). */
export async function ensureNamespace(client: KubeClient, name: string): Promise<boolean> {
  const created = await client.createIfAbsent({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: managedLabels } });
  return created !== undefined;
}

/** Deletes the object when it exists and carries kfed's ownership label; true when it did. */
export async function deleteOwned(client: KubeClient, ref: ObjectRef): Promise<boolean> {
  const existing = await client.get(ref);
  if (existing?.metadata.labels?.[managedByLabel] !== managedLabels[managedByLabel]) return false;
  return client.delete(ref);
}

/**
 * Before touching the member: the plane must be installed on the host, and a KubeFedCluster of
 * this name must not already point at another cluster (that is another cluster with the same
 * name: joining would hijack its registration, so this is never retried).
 */
export async function checkHost(host: KubeClient, names: JoinNames, apiEndpoint: string): Promise<void> {
  const crd = await host.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'kubefedclusters.core.kubefed.io' });
  if (!crd) {
    throw new NotFoundError(`KubeFed is not installed on the host ${names.host} (${host.endpoint}): no kubefedclusters.core.kubefed.io CRD`, {
      resource: `${host.endpoint} ${names.namespace}`,
      hint: 'initialise the control plane on the host before joining clusters',
    });
  }
  const existing = await host.get<KubeFedClusterLike>(kubeFedClusterRef(names));
  const current = existing?.spec?.apiEndpoint;
  if (current !== undefined && current !== apiEndpoint) {
    throw new ConflictError(
      `KubeFedCluster ${names.namespace}/${names.member} on ${host.endpoint} points to ${current}, not to ${apiEndpoint}: another cluster is joined under the name ${names.member}`,
      { resource: `${host.endpoint} ${describeRef(kubeFedClusterRef(names))}`, hint: `unjoin the other cluster first, or join this one under another name` },
    );
  }
}

/** Applies the Secret until the token controller has filled it for the current ServiceAccount. */
async function waitForToken(member: KubeClient, names: JoinNames, saUid: string | undefined, wait: TokenWaitOptions): Promise<SecretLike> {
  const manifest = memberTokenSecret(names);
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    const secret = await member.get<SecretLike>(refOf(manifest));
    // The token controller deletes a Secret whose ServiceAccount was replaced; make it again.
    if (!secret) await member.apply(manifest);
    const tokenFor = secret?.metadata.annotations?.['kubernetes.io/service-account.uid'];
    if (secret?.data?.token && (saUid === undefined || tokenFor === saUid)) return secret;
    if (Date.now() >= deadline) {
      throw new TransientError(
        `the token controller has not filled Secret ${names.namespace}/${manifest.metadata.name} on ${member.endpoint} within ${wait.timeoutMs / 1000}s`,
        { resource: `${member.endpoint} ${describeRef(refOf(manifest))}`, hint: 'is kube-controller-manager running on the member?' },
      );
    }
    await new Promise((r) => setTimeout(r, wait.intervalMs));
  }
}

/**
 * The member half of a join: the plane namespace, the ServiceAccount `<member>-<host>`, its RBAC
 * for the scope (removing the other scope's grants, so narrowing the scope really narrows it), and
 * a non-expiring token. Returns the token for {@link registerOnHost}.
 */
export async function prepareMember(
  member: KubeClient,
  endpoint: MemberEndpoint,
  names: JoinNames,
  scope: 'Cluster' | 'Namespaced',
  wait: TokenWaitOptions,
): Promise<MemberCredentials> {
  let changed = await ensureNamespace(member, names.namespace);
  const sa = await member.ensure(memberServiceAccount(names));
  changed ||= sa.changed;
  for (const obj of memberRbac(names, scope)) changed = (await member.ensure(obj)).changed || changed;
  for (const ref of memberRbacRefs(names, scope === 'Cluster' ? 'Namespaced' : 'Cluster')) changed = (await deleteOwned(member, ref)) || changed;
  changed = (await member.ensure(memberTokenSecret(names))).changed || changed;
  const secret = await waitForToken(member, names, sa.object.metadata.uid, wait);
  const token = Buffer.from(secret.data?.token ?? '', 'base64').toString('utf8');
  // kubefedctl's order: the kubeconfig's CA first, else the one the token controller copied.
  const caBundle = endpoint.caBundle ?? secret.data?.['ca.crt'];
  return { ...endpoint, caBundle, serviceAccount: serviceAccountName(names), token, changed };
}

/** The host half of a join: the token Secret and the KubeFedCluster. Returns whether anything changed. */
export async function registerOnHost(host: KubeClient, names: JoinNames, credentials: MemberCredentials): Promise<boolean> {
  const secret = await host.ensure(hostTokenSecret(names, credentials.token, credentials.caBundle));
  const cluster = await host.ensure(kubeFedCluster(names, credentials));
  return secret.changed || cluster.changed;
}

/** The host objects of a join, by name (the Secret name is fixed: see {@link hostSecretName}). */
export function hostObjectRefs(names: JoinNames): { readonly cluster: ObjectRef; readonly secret: ObjectRef } {
  return { cluster: kubeFedClusterRef(names), secret: { apiVersion: 'v1', kind: 'Secret', namespace: names.namespace, name: hostSecretName(names) } };
}
