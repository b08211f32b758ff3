/**
 * Adopting a cluster kfed did not create: its public facts (endpoint and CA) for the workflow,
 * read by the worker from its own credentials, with proof that the API answers those
 * credentials now. The credentials themselves never leave the worker.
 */
import { InvalidSpecError, PermissionError, ProviderError, TransientError } from '../errors.js';
import type { ClusterTarget } from '../types.js';
import { KubeClient } from './client.js';
import { apiAccessOf, type ApiAccess } from './connector.js';
import { UnreachableError } from './errors.js';
import { transportWarning } from './transport-security.js';
import type { KubeConnector } from './types.js';

/** What the workflow may know about an existing cluster: no credential. */
export interface TargetDescription {
  /** `https://host:port` of the API server. */
  readonly endpoint: string;
  /** Base64 PEM CA, as GKE returns it; '' when the kubeconfig names none (system CAs, or TLS verification skipped). */
  readonly caCertificate: string;
  /** Set when the spec accepted a kubeconfig without verified TLS: what plans and steps warn about. */
  readonly transportWarning?: string;
}

/** `cluster east (context prod-eu)`: how messages name the target. */
function about(target: ClusterTarget): string {
  return target.kind === 'kubeconfig' ? `cluster ${target.name} (context ${target.context})` : `cluster ${target.name}`;
}

/** The message without the ` (hint)` the error class appended, to re-wrap it with a new hint. */
function withoutHint(err: ProviderError): string {
  const suffix = err.hint ? ` (${err.hint})` : '';
  return suffix && err.message.endsWith(suffix) ? err.message.slice(0, -suffix.length) : err.message;
}

/** A failed check, re-said with the cluster and context it was about. */
function explain(err: unknown, target: ClusterTarget): unknown {
  if (!(err instanceof ProviderError)) return err;
  const message = `${about(target)}: ${withoutHint(err)}`;
  const details = { resource: err.resource, cause: err };
  if (err instanceof UnreachableError) {
    return new UnreachableError(message, { ...details, hint: 'is the cluster running, and its endpoint reachable from the worker?' });
  }
  if (err instanceof PermissionError) {
    const hint =
      target.kind === 'kubeconfig'
        ? `the API server refused the credentials of context "${target.context}" on the worker; refresh them (e.g. gcloud container clusters get-credentials) or name another context`
        : (err.hint ?? 'the API server refused the access token');
    return new PermissionError(message, { ...details, hint });
  }
  if (err instanceof TransientError) return new TransientError(message, { ...details, hint: err.hint });
  return err;
}

/**
 * Connects to the target as the worker would for any step, reads the endpoint and CA from the
 * resulting KubeConfig, and checks that the API answers: `/readyz` (the server is up and ready)
 * and `/api` (discovery, which needs an authenticated user — `/readyz` is public, so it proves
 * nothing about the credentials).
 *
 * Throws {@link InvalidSpecError} for a missing kubeconfig file or context (from the connector)
 * or an unreadable CA file; {@link UnreachableError} (a TransientError, retried by the workflow)
 * naming the cluster, context and endpoint when the server cannot be reached or does not answer
 * within the request timeout; {@link PermissionError} with a hint when it refuses the credentials.
 */
export async function describeTarget(connector: KubeConnector, target: ClusterTarget): Promise<TargetDescription> {
  const kc = await connector.connect(target);
  let access: ApiAccess;
  try {
    access = apiAccessOf(kc);
  } catch (err) {
    // NOTE: no cause: only the file name matters, and nothing of a kubeconfig belongs in a message.
    const file = kc.getCurrentCluster()?.caFile ?? 'the CA file';
    const problem = err instanceof ProviderError ? err.message : 'unreadable';
    throw new InvalidSpecError(`${about(target)}: the CA certificate its kubeconfig names is refused: ${problem}`, { resource: file });
  }
  const client = new KubeClient(kc);
  try {
    await client.getRaw('/readyz');
    await client.getRaw('/api');
  } catch (err) {
    throw explain(err, target);
  }
  const cluster = kc.getCurrentCluster();
  const warning = cluster ? transportWarning({ server: cluster.server, skipTLSVerify: cluster.skipTLSVerify }) : undefined;
  return { endpoint: access.apiEndpoint, caCertificate: access.caBundle ?? '', ...(warning ? { transportWarning: warning } : {}) };
}
