import { status as GrpcStatus } from '@grpc/grpc-js';

/**
 * Error codes the emulator can answer with, as google.rpc.Code names. Each API renders them
 * its own way: gRPC status for GKE, HTTP status + `errors[].reason` for Cloud DNS.
 * `RATE_LIMIT_EXCEEDED` is the REST-era quota answer: 403 `rateLimitExceeded` in Cloud DNS,
 * RESOURCE_EXHAUSTED in GKE gRPC.
 */
export const errorCodes = [
  'INVALID_ARGUMENT',
  'FAILED_PRECONDITION',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'UNAUTHENTICATED',
  'RESOURCE_EXHAUSTED',
  'RATE_LIMIT_EXCEEDED',
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'INTERNAL',
  'ABORTED',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** An API error the emulator returns; the protocol layer renders it. */
export class EmulatorError extends Error {
  override name = 'EmulatorError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Cloud DNS `errors[].reason` (defaults per code). */
    readonly reason?: string,
    /** Cloud DNS HTTP status when it differs from the code's usual one (e.g. 412). */
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

const http: Record<ErrorCode, { status: number; reason: string }> = {
  INVALID_ARGUMENT: { status: 400, reason: 'invalid' },
  FAILED_PRECONDITION: { status: 400, reason: 'failedPrecondition' },
  NOT_FOUND: { status: 404, reason: 'notFound' },
  ALREADY_EXISTS: { status: 409, reason: 'alreadyExists' },
  PERMISSION_DENIED: { status: 403, reason: 'forbidden' },
  UNAUTHENTICATED: { status: 401, reason: 'authError' },
  RESOURCE_EXHAUSTED: { status: 429, reason: 'rateLimitExceeded' },
  RATE_LIMIT_EXCEEDED: { status: 403, reason: 'rateLimitExceeded' },
  UNAVAILABLE: { status: 503, reason: 'backendError' },
  DEADLINE_EXCEEDED: { status: 504, reason: 'deadlineExceeded' },
  INTERNAL: { status: 500, reason: 'internalError' },
  ABORTED: { status: 409, reason: 'aborted' },
};

/** HTTP status and `errors[].reason` of an error in Cloud DNS's REST rendering. */
export function httpRendering(err: EmulatorError): { status: number; reason: string } {
  const base = http[err.code];
  return { status: err.httpStatus ?? base.status, reason: err.reason ?? base.reason };
}

/** gRPC status code of an error in GKE's rendering. */
export function grpcStatus(code: ErrorCode): GrpcStatus {
  return code === 'RATE_LIMIT_EXCEEDED' ? GrpcStatus.RESOURCE_EXHAUSTED : GrpcStatus[code];
}

/** Default messages for injected faults, close to what the real APIs say. */
export function defaultFaultMessage(code: ErrorCode, method: string, resource: string): string {
  switch (code) {
    case 'UNAVAILABLE':
      return 'The service is currently unavailable.';
    case 'DEADLINE_EXCEEDED':
      return 'Deadline exceeded.';
    case 'RESOURCE_EXHAUSTED':
      return `Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of service (${method}).`;
    case 'RATE_LIMIT_EXCEEDED':
      return 'Rate Limit Exceeded (rateLimitExceeded)';
    case 'PERMISSION_DENIED':
      return `Required permission(s) for "${resource}" missing (${method}).`;
    case 'UNAUTHENTICATED':
      return 'Request had invalid authentication credentials.';
    case 'INVALID_ARGUMENT':
      return `Invalid value in request for ${resource}.`;
    case 'FAILED_PRECONDITION':
      return `Operation in progress on ${resource}: cluster is running incompatible operation.`;
    case 'NOT_FOUND':
      return `Not found: ${resource}.`;
    case 'ALREADY_EXISTS':
      return `Already exists: ${resource}.`;
    case 'INTERNAL':
      return 'Internal error encountered.';
    case 'ABORTED':
      return 'The operation was aborted.';
  }
}
