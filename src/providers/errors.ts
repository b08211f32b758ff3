/**
 * Typed errors thrown at the provider boundary. Providers map every SDK error to one of these
 * (or let a plain Error through, which Temporal retries). The class names are the failure
 * `type`s the workflows see, and `workflows/activity-options.ts` lists the non-retryable ones.
 *
 * MAINTENANCE: each class sets `name` explicitly because Temporal uses `error.name` as the
 * failure type; a subclass without it would be reported as plain `Error`.
 */

/** Fields shared by every provider error: what failed, on which resource, and what to do. */
export interface ProviderErrorDetails {
  /** The resource, e.g. `projects/p/locations/us-west1-a/clusters/west`. */
  readonly resource: string;
  /** A likely fix the user can act on. */
  readonly hint?: string;
  readonly cause?: unknown;
}

export abstract class ProviderError extends Error {
  readonly resource: string;
  readonly hint: string | undefined;
  /** Whether trying again later may succeed. */
  abstract readonly retryable: boolean;

  constructor(message: string, details: ProviderErrorDetails) {
    super(details.hint ? `${message} (${details.hint})` : message, { cause: details.cause });
    this.resource = details.resource;
    this.hint = details.hint;
  }
}

/** A transient failure (unavailable, rate limited, operation in progress): retry later. */
export class TransientError extends ProviderError {
  override name = 'TransientError';
  readonly retryable = true;
}

/** The resource does not exist. Delete paths treat this as success. */
export class NotFoundError extends ProviderError {
  override name = 'NotFoundError';
  readonly retryable = false;
}

/** The resource exists but differs from what the spec asks (e.g. a zone with another DNS name). */
export class ConflictError extends ProviderError {
  override name = 'ConflictError';
  readonly retryable = false;
}

/** The request itself is invalid (INVALID_ARGUMENT, unknown project, bad location). */
export class InvalidSpecError extends ProviderError {
  override name = 'InvalidSpecError';
  readonly retryable = false;
}

/** The caller lacks a permission or an API is disabled (PERMISSION_DENIED, 401/403). */
export class PermissionError extends ProviderError {
  override name = 'PermissionError';
  readonly retryable = false;
}

/** A cloud resource reached a terminal failed state (GKE cluster ERROR/DEGRADED). */
export class ResourceFailedError extends ProviderError {
  override name = 'ResourceFailedError';
  readonly retryable = false;
}

/** Error types a retry can never fix; the workflows stop retrying on these. */
export const nonRetryableErrorTypes = ['ConflictError', 'InvalidSpecError', 'PermissionError', 'ResourceFailedError'] as const;
