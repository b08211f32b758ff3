/**
 * Typed errors thrown at the provider boundary. Providers map every SDK error to one of these
 * (or let a plain Error through, which Temporal retries). Each class's `type` is the failure
 * `type` the workflows see; {@link permanentErrorTypes} lists the non-retryable ones.
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
  static readonly type = 'TransientError';
  override name = TransientError.type;
  readonly retryable = true;
}

/** The resource does not exist. Delete paths treat this as success. */
export class NotFoundError extends ProviderError {
  static readonly type = 'NotFoundError';
  override name = NotFoundError.type;
  readonly retryable = false;
}

/** The resource exists but differs from what the spec asks (e.g. a zone with another DNS name). */
export class ConflictError extends ProviderError {
  static readonly type = 'ConflictError';
  override name = ConflictError.type;
  readonly retryable = false;
}

/** The request itself is invalid (INVALID_ARGUMENT, unknown project, bad location). */
export class InvalidSpecError extends ProviderError {
  static readonly type = 'InvalidSpecError';
  override name = InvalidSpecError.type;
  readonly retryable = false;
}

/** The caller lacks a permission or an API is disabled (PERMISSION_DENIED, 401/403). */
export class PermissionError extends ProviderError {
  static readonly type = 'PermissionError';
  override name = PermissionError.type;
  readonly retryable = false;
}

/** A cloud resource reached a terminal failed state (GKE cluster ERROR/DEGRADED). */
export class ResourceFailedError extends ProviderError {
  static readonly type = 'ResourceFailedError';
  override name = ResourceFailedError.type;
  readonly retryable = false;
}

/**
 * A DNS zone kfed would delete still holds records kfed did not write (a team's own, another
 * tool's): the zone is kept and nothing is deleted. `records` names them (`name TYPE`).
 */
export class ZoneNotEmptyError extends ProviderError {
  static readonly type = 'ZoneNotEmptyError';
  override name = ZoneNotEmptyError.type;
  readonly retryable = false;

  constructor(
    message: string,
    details: ProviderErrorDetails,
    readonly records: readonly string[],
  ) {
    super(message, details);
  }
}

/** Error classes a retry can never fix. */
export const permanentErrors = [ConflictError, InvalidSpecError, PermissionError, ResourceFailedError, ZoneNotEmptyError] as const;

/**
 * Their failure types: the workflows stop retrying on these (`contract.ts` adds the workflows'
 * own). Derived from the classes so a new permanent error cannot be forgotten in one list.
 */
export const permanentErrorTypes: readonly string[] = permanentErrors.map((e) => e.type);
