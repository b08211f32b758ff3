/**
 * Maps what a Kubernetes API call can throw (client-node's `ApiException`, node-fetch's
 * `FetchError` / `AbortError`) to kfed's typed provider errors, with messages that name the
 * API server endpoint and the object, never a credential.
 */
import { STATUS_CODES } from 'node:http';
import { ApiException } from '@kubernetes/client-node';
import { ConflictError, InvalidSpecError, NotFoundError, PermissionError, ProviderError, TransientError } from '../errors.js';

/**
 * The API server could not be reached at all (refused, reset, timed out, no route). Still a
 * {@link TransientError} (its `name` stays `TransientError` for the workflows); the subclass
 * lets unjoin tell "member is gone" from "member said no".
 */
export class UnreachableError extends TransientError {}

/**
 * An optimistic-lock conflict (409 `Conflict`: "the object has been modified"): re-read and try
 * again. A {@link TransientError} for the workflows.
 */
export class StaleObjectError extends TransientError {}

/** Where a failed call went; every message names these. */
export interface KubeCallContext {
  /** `https://host:port` of the API server. */
  readonly endpoint: string;
  /** What kfed was doing, e.g. `apply` or `read`. */
  readonly action: string;
  /** The object or path, e.g. `Secret kube-federation-system/east-credentials`. */
  readonly target: string;
  /** The per-request timeout, for the "did not answer" message. */
  readonly timeoutMs?: number;
}

/** The parts of a Kubernetes `Status` body kfed reads. */
interface StatusBody {
  readonly message?: string;
  readonly reason?: string;
  readonly details?: { readonly causes?: readonly { readonly reason?: string }[] };
}

/** Socket-level failures: the server may come back (restart, network blip, cluster still booting). */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/** TLS verification failures: retrying cannot fix a CA that does not match the server. */
const tlsCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function parseStatus(body: unknown): StatusBody {
  if (typeof body === 'object' && body !== null) return body;
  if (typeof body !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    // Not JSON (a proxy's HTML page, plain text): keep a short excerpt as the message.
    return { message: body.slice(0, 200) };
  }
}

function stringField(err: object, key: string): string | undefined {
  const value = (err as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

function fromHttp(err: ApiException<unknown>, ctx: KubeCallContext): ProviderError {
  const status = parseStatus(err.body);
  const what = `${ctx.action} ${ctx.target} on ${ctx.endpoint}`;
  const detail = status.message ?? status.reason ?? STATUS_CODES[err.code] ?? 'unexpected answer';
  const message = `${what} failed: ${detail} (HTTP ${err.code})`;
  const details = { resource: `${ctx.endpoint} ${ctx.target}`, cause: err };
  const causes = status.details?.causes ?? [];
  switch (true) {
    case err.code === 401:
      return new PermissionError(message, { ...details, hint: 'the API server rejected the credentials; check the access token or the kubeconfig user' });
    case err.code === 403 && causes.some((c) => c.reason === 'NamespaceTerminating'):
      // A namespace being deleted (e.g. by an unjoin a moment ago) refuses new objects until it is gone.
      return new TransientError(message, { ...details, hint: 'the namespace is being deleted; retry once it is gone' });
    case err.code === 403:
      return new PermissionError(message, { ...details, hint: "grant kfed's identity RBAC for this operation" });
    case err.code === 404:
      return new NotFoundError(message, details);
    case err.code === 409 && status.reason === 'Conflict':
      // Optimistic-lock conflict ("the object has been modified"): re-reading and retrying resolves it.
      return new StaleObjectError(message, details);
    case err.code === 409:
      return new ConflictError(message, details);
    case err.code === 400 || err.code === 422:
      return new InvalidSpecError(message, details);
    case err.code === 500 && detail.includes('failed to create typed patch object'):
      // Server-side apply reports a manifest that does not match the type's schema as a 500.
      return new InvalidSpecError(message, details);
    default:
      // 408, 410, 429, 5xx and anything unexpected: the server is busy, restarting or upgrading.
      return new TransientError(message, details);
  }
}

/**
 * Turns an error from a Kubernetes API call into a {@link ProviderError}:
 * unreachable or slow servers, 5xx and 429 → {@link TransientError} (network-level ones as
 * {@link UnreachableError}); 401/403 → {@link PermissionError}; 404 → {@link NotFoundError};
 * 400/422 → {@link InvalidSpecError}; 409 AlreadyExists → {@link ConflictError}; TLS verification
 * failures → {@link PermissionError}. Provider errors pass through unchanged; errors that are not
 * from an API call are returned as they are.
 */
export function classifyKubeError(err: unknown, ctx: KubeCallContext): unknown {
  if (err instanceof ProviderError) return err;
  if (err instanceof ApiException) return fromHttp(err as ApiException<unknown>, ctx);
  if (!(err instanceof Error)) return err;
  const resource = `${ctx.endpoint} ${ctx.target}`;
  const during = `while trying to ${ctx.action} ${ctx.target}`;
  if (err.name === 'AbortError' || err.name === 'TimeoutError') {
    const within = ctx.timeoutMs === undefined ? '' : ` within ${ctx.timeoutMs / 1000}s`;
    return new UnreachableError(`the Kubernetes API at ${ctx.endpoint} did not answer${within} ${during}`, { resource, cause: err });
  }
  const code = stringField(err, 'code');
  if (code && networkCodes.has(code)) {
    return new UnreachableError(`cannot reach the Kubernetes API at ${ctx.endpoint} (${code}) ${during}`, { resource, cause: err });
  }
  if (code && tlsCodes.has(code)) {
    return new PermissionError(`cannot verify the TLS certificate of ${ctx.endpoint} (${code}) ${during}`, {
      resource,
      hint: 'the CA certificate kfed has for this cluster does not match the API server',
      cause: err,
    });
  }
  return err;
}

/**
 * Whether an error is the API server refusing to authenticate the caller (HTTP 401), as opposed
 * to refusing an authenticated caller (403): how a revoked token shows.
 */
export function isUnauthenticated(err: unknown): boolean {
  return err instanceof PermissionError && err.cause instanceof ApiException && err.cause.code === 401;
}
