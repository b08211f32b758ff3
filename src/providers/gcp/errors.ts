import {
  ConflictError,
  InvalidSpecError,
  NotFoundError,
  PermissionError,
  ProviderError,
  TransientError,
  type ProviderErrorDetails,
} from '../errors.js';

/**
 * Error classification at the Google Cloud boundary: one helper per API turns whatever the
 * client library threw into one of kfed's typed errors, with a message that says what failed,
 * on which resource, and the likely fix. Why here: activities and workflows then only reason
 * about retryable vs. not (CAPG gcperrors style), never about HTTP or gRPC codes.
 */

/** What kfed was doing when the error happened; goes into the message. */
export interface ErrorContext {
  /** e.g. `create managed zone`, `get cluster`. */
  readonly action: string;
  /** Full resource name, e.g. `projects/p/managedZones/z`. */
  readonly resource: string;
  readonly project: string;
}

/** Connection-level failures (no HTTP or gRPC status at all): the server may come back. */
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * GKE's "one operation at a time per cluster" answers (FAILED_PRECONDITION; 400 failedPrecondition
 * in REST), e.g. "Cluster is running incompatible operation operation-123." or "Operation
 * operation-123 is currently upgrading cluster c. Please wait and try again once it is done."
 */
const operationInProgress = /incompatible operation|operation.*(in progress|is running|is currently \w+)|please wait and try again/i;
const rateLimited = /rate ?limit|quota exceeded for quota metric|too many requests/i;
const apiDisabled = /has not been used in project|is disabled|not been enabled|SERVICE_DISABLED|accessNotConfigured/i;
/** "project" as a word (not `projects/...`) next to not-found wording: the project is unknown. */
const unknownProject = /\bproject\b[^/]*?(not found|does not exist|was deleted|has been deleted)|'parameters\.project'|resource project\b/i;

interface HttpErrorShape {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly errors?: unknown;
}

interface GrpcErrorShape {
  readonly code?: unknown;
  readonly details?: unknown;
  readonly message?: unknown;
  readonly reason?: unknown;
}

function shapeOf(err: unknown): object {
  return typeof err === 'object' && err !== null ? err : {};
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  const { message } = shapeOf(err) as { message?: unknown };
  return typeof message === 'string' ? message : String(err);
}

function details(ctx: ErrorContext, cause: unknown, hint?: string): ProviderErrorDetails {
  return hint ? { resource: ctx.resource, hint, cause } : { resource: ctx.resource, cause };
}

/**
 * Maps an error from @google-cloud/dns (an ApiError with an HTTP `code` and `errors[].reason`,
 * or a Node network error) to a typed provider error.
 */
export function classifyDnsError(err: unknown, ctx: ErrorContext): ProviderError {
  if (err instanceof ProviderError) return err;
  const shape = shapeOf(err) as HttpErrorShape;
  const reasons = (Array.isArray(shape.errors) ? (shape.errors as readonly unknown[]) : []).map((e) => {
    const reason = (shapeOf(e) as { reason?: unknown }).reason;
    return typeof reason === 'string' ? reason : '';
  });
  const serverMessage = messageOf(err);
  const what = `Cloud DNS: ${ctx.action} ${ctx.resource} failed: ${serverMessage}`;
  const code = shape.code;
  const has = (...r: string[]): boolean => r.some((x) => reasons.includes(x));

  if (typeof code !== 'number') {
    if (typeof code === 'string' && networkCodes.has(code)) return new TransientError(what, details(ctx, err, 'the Cloud DNS endpoint is unreachable; kfed retries'));
    // No status at all (timeouts, aborted sockets): assume the network, not the request.
    return new TransientError(what, details(ctx, err));
  }
  if (code === 429 || has('rateLimitExceeded', 'userRateLimitExceeded')) {
    return new TransientError(what, details(ctx, err, 'rate limited by Cloud DNS; kfed retries with backoff'));
  }
  if (code === 401) {
    return new PermissionError(what, details(ctx, err, 'the access token was rejected: refresh KFED_GCP_ACCESS_TOKEN_FILE or run `gcloud auth application-default login`'));
  }
  if (code === 403) {
    if (has('accessNotConfigured') || apiDisabled.test(serverMessage)) {
      return new PermissionError(what, details(ctx, err, `enable the Cloud DNS API: gcloud services enable dns.googleapis.com --project ${ctx.project}`));
    }
    if (has('quotaExceeded')) {
      return new PermissionError(what, details(ctx, err, `a Cloud DNS quota of project ${ctx.project} is exhausted: delete unused zones or request a quota increase`));
    }
    return new PermissionError(what, details(ctx, err, `grant roles/dns.admin on project ${ctx.project} to the credentials kfed uses, and check spec.project`));
  }
  if (code === 404) {
    if (unknownProject.test(serverMessage)) return new InvalidSpecError(what, details(ctx, err, `project ${ctx.project} does not exist: check spec.project`));
    return new NotFoundError(what, details(ctx, err));
  }
  if (code === 409) return new ConflictError(what, details(ctx, err));
  if (code === 412 || has('conditionNotMet')) {
    // A change's deletion no longer matches the zone: someone changed it since kfed read it.
    return new TransientError(what, details(ctx, err, 'the record sets changed since kfed read them; kfed reads them again and retries'));
  }
  if (code === 400) {
    if (operationInProgress.test(serverMessage)) return new TransientError(what, details(ctx, err, 'another operation is in progress; kfed retries'));
    if (has('containerNotEmpty')) return new ConflictError(what, details(ctx, err, 'the zone still holds records other than NS/SOA'));
    return new InvalidSpecError(what, details(ctx, err, 'check spec.dns: zone names are lowercase letters, digits and dashes; the domain must be a valid DNS name'));
  }
  if (code === 408 || code >= 500) return new TransientError(what, details(ctx, err, 'Cloud DNS is unavailable; kfed retries'));
  return new InvalidSpecError(what, details(ctx, err));
}

/** gRPC canonical codes (google.rpc.Code), numeric as they arrive on errors. */
const Code = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const transientGrpc = new Set<number>([Code.CANCELLED, Code.UNKNOWN, Code.DEADLINE_EXCEEDED, Code.RESOURCE_EXHAUSTED, Code.ABORTED, Code.INTERNAL, Code.UNAVAILABLE]);

/**
 * Maps an error from @google-cloud/container (a gax GoogleError / grpc ServiceError with a
 * numeric gRPC `code` and the server's text in `details`) to a typed provider error.
 */
export function classifyGkeError(err: unknown, ctx: ErrorContext): ProviderError {
  if (err instanceof ProviderError) return err;
  const shape = shapeOf(err) as GrpcErrorShape;
  const serverMessage = typeof shape.details === 'string' && shape.details ? shape.details : messageOf(err);
  const reason = typeof shape.reason === 'string' ? shape.reason : '';
  const what = `GKE: ${ctx.action} ${ctx.resource} failed: ${serverMessage}`;
  const code = shape.code;

  if (typeof code !== 'number') return new TransientError(what, details(ctx, err, 'the GKE endpoint is unreachable; kfed retries'));
  if (transientGrpc.has(code)) {
    const hint = code === Code.RESOURCE_EXHAUSTED ? 'GKE quota or rate limit hit; kfed retries with backoff' : 'GKE is unavailable; kfed retries';
    return new TransientError(what, details(ctx, err, hint));
  }
  switch (code) {
    case Code.FAILED_PRECONDITION:
      if (operationInProgress.test(serverMessage) || reason === 'CLUSTER_ALREADY_HAS_OPERATION') {
        return new TransientError(what, details(ctx, err, 'the cluster is busy with another operation; kfed retries'));
      }
      return new InvalidSpecError(what, details(ctx, err, 'the cluster is not in a state that allows this; check it with `gcloud container clusters describe`'));
    case Code.PERMISSION_DENIED:
      if (rateLimited.test(serverMessage) || reason === 'RATE_LIMIT_EXCEEDED') {
        return new TransientError(what, details(ctx, err, 'GKE rate limit hit; kfed retries with backoff'));
      }
      if (apiDisabled.test(serverMessage) || reason === 'SERVICE_DISABLED') {
        return new PermissionError(what, details(ctx, err, `enable the Kubernetes Engine API: gcloud services enable container.googleapis.com --project ${ctx.project}`));
      }
      return new PermissionError(what, details(ctx, err, `grant roles/container.admin on project ${ctx.project} to the credentials kfed uses, and check spec.project`));
    case Code.UNAUTHENTICATED:
      return new PermissionError(what, details(ctx, err, 'the access token was rejected: refresh KFED_GCP_ACCESS_TOKEN_FILE or run `gcloud auth application-default login`'));
    case Code.NOT_FOUND:
      if (unknownProject.test(serverMessage)) return new InvalidSpecError(what, details(ctx, err, `project ${ctx.project} does not exist: check spec.project`));
      return new NotFoundError(what, details(ctx, err));
    case Code.ALREADY_EXISTS:
      return new ConflictError(what, details(ctx, err));
    case Code.INVALID_ARGUMENT:
    case Code.OUT_OF_RANGE:
      return new InvalidSpecError(what, details(ctx, err, 'check the cluster in the spec: name (lowercase, at most 40 characters), location, machineType, nodes'));
    case Code.UNIMPLEMENTED:
      return new InvalidSpecError(what, details(ctx, err, 'the endpoint does not serve this GKE method: check KFED_GKE_ENDPOINT'));
    default:
      return new InvalidSpecError(what, details(ctx, err));
  }
}
