import { GoogleError } from 'google-gax';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidSpecError,
  NotFoundError,
  PermissionError,
  ResourceFailedError,
  TransientError,
  type ProviderError,
} from '../../src/providers/errors.js';
import { classifyDnsError, classifyGkeError } from '../../src/providers/gcp/errors.js';

type ErrorClass = abstract new (...args: never[]) => ProviderError;

/** Shaped like @google-cloud/common's ApiError: HTTP code, message, errors[].reason. */
function apiError(code: number | string, message: string, reason?: string): Error {
  return Object.assign(new Error(message), { code, errors: reason ? [{ reason, message }] : [] });
}

/** A gax GoogleError as the ClusterManagerClient throws it. */
function grpcError(code: number, details: string, reason?: string): GoogleError {
  // Set as gax does after decoding the status (`details` is not in GoogleError's type).
  return Object.assign(new GoogleError(`${code} STATUS: ${details}`), { code, details, ...(reason ? { reason } : {}) });
}

const dnsCtx = { action: 'create managed zone', project: 'p1', resource: 'projects/p1/managedZones/z1' };
const gkeCtx = { action: 'create cluster', project: 'p1', resource: 'projects/p1/locations/us-west1-a/clusters/c1' };

describe('classifyDnsError', () => {
  it.each<[string, Error, ErrorClass, RegExp]>([
    ['429', apiError(429, 'Too Many Requests', 'rateLimitExceeded'), TransientError, /rate limited/],
    ['403 rateLimitExceeded', apiError(403, 'Rate Limit Exceeded', 'rateLimitExceeded'), TransientError, /rate limited/],
    ['403 userRateLimitExceeded', apiError(403, 'User Rate Limit Exceeded', 'userRateLimitExceeded'), TransientError, /rate limited/],
    ['503', apiError(503, 'Backend Error', 'backendError'), TransientError, /unavailable/],
    ['500', apiError(500, 'Internal Error', 'internalError'), TransientError, /unavailable/],
    ['a refused connection', apiError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1'), TransientError, /unreachable/],
    ['400 operation in progress', apiError(400, 'Another operation is in progress on this zone', 'failedPrecondition'), TransientError, /in progress/],
    ['401', apiError(401, 'Invalid Credentials', 'authError'), PermissionError, /access token was rejected/],
    ['403 forbidden', apiError(403, 'Forbidden', 'forbidden'), PermissionError, /grant roles\/dns\.admin on project p1/],
    ['403 API disabled', apiError(403, 'Cloud DNS API has not been used in project 123 before or it is disabled.', 'accessNotConfigured'), PermissionError, /gcloud services enable dns\.googleapis\.com --project p1/],
    ['403 quotaExceeded', apiError(403, 'Quota exceeded for managed zones', 'quotaExceeded'), PermissionError, /quota of project p1/],
    ['404 zone', apiError(404, "The 'parameters.managedZone' resource named 'z1' does not exist.", 'notFound'), NotFoundError, /does not exist/],
    ['404 project', apiError(404, "The 'parameters.project' resource named 'p1' does not exist.", 'notFound'), InvalidSpecError, /check spec\.project/],
    ['409', apiError(409, "The resource 'entity.managedZone' named 'z1' already exists", 'alreadyExists'), ConflictError, /already exists/],
    ['400 invalid', apiError(400, "Invalid value for 'entity.managedZone.dnsName': 'x'", 'invalid'), InvalidSpecError, /check spec\.dns/],
    ['400 containerNotEmpty', apiError(400, "The resource named 'z1' cannot be deleted because it is not empty", 'containerNotEmpty'), ConflictError, /other than NS\/SOA/],
    ['412 conditionNotMet', apiError(412, "Precondition not met for 'entity.change.deletions[0]'", 'conditionNotMet'), TransientError, /changed since kfed read them/],
  ])('%s', (_label, err, type, text) => {
    const mapped = classifyDnsError(err, dnsCtx);
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.message).toMatch(text);
    expect(mapped.message).toContain('Cloud DNS: create managed zone projects/p1/managedZones/z1 failed:');
    expect(mapped.resource).toBe(dnsCtx.resource);
    expect(mapped.cause).toBe(err);
  });

  it('passes provider errors through unchanged', () => {
    const original = new ResourceFailedError('x', { resource: 'r' });
    expect(classifyDnsError(original, dnsCtx)).toBe(original);
  });
});

describe('classifyGkeError', () => {
  it.each<[string, Error, ErrorClass, RegExp]>([
    ['UNAVAILABLE', grpcError(14, 'The service is currently unavailable.'), TransientError, /kfed retries/],
    ['DEADLINE_EXCEEDED', grpcError(4, 'Deadline exceeded.'), TransientError, /kfed retries/],
    ['RESOURCE_EXHAUSTED', grpcError(8, "Quota exceeded for quota metric 'Requests'"), TransientError, /quota or rate limit/],
    ['ABORTED', grpcError(10, 'aborted'), TransientError, /kfed retries/],
    ['INTERNAL', grpcError(13, 'Internal error encountered.'), TransientError, /kfed retries/],
    ['FAILED_PRECONDITION busy', grpcError(9, 'Cluster is running incompatible operation operation-123.'), TransientError, /busy with another operation/],
    ['FAILED_PRECONDITION upgrading', grpcError(9, 'Operation operation-1 is currently upgrading cluster c1. Please wait and try again once it is done.'), TransientError, /busy/],
    ['FAILED_PRECONDITION by reason', grpcError(9, 'conflict', 'CLUSTER_ALREADY_HAS_OPERATION'), TransientError, /busy/],
    ['FAILED_PRECONDITION other', grpcError(9, 'Node pool is not in a state that allows this.'), InvalidSpecError, /gcloud container clusters describe/],
    ['PERMISSION_DENIED', grpcError(7, 'Required "container.clusters.create" permission(s) for "projects/p1".'), PermissionError, /grant roles\/container\.admin on project p1/],
    ['PERMISSION_DENIED API disabled', grpcError(7, 'Kubernetes Engine API has not been used in project 123 before or it is disabled.', 'SERVICE_DISABLED'), PermissionError, /gcloud services enable container\.googleapis\.com --project p1/],
    ['PERMISSION_DENIED rate limit', grpcError(7, 'Rate limit exceeded (rateLimitExceeded)'), TransientError, /rate limit/],
    ['UNAUTHENTICATED', grpcError(16, 'Request had invalid authentication credentials.'), PermissionError, /access token was rejected/],
    ['NOT_FOUND cluster', grpcError(5, 'Not found: projects/p1/locations/us-west1-a/clusters/c1.'), NotFoundError, /Not found/],
    ['NOT_FOUND project', grpcError(5, 'Project "p1" not found or deleted.'), InvalidSpecError, /check spec\.project/],
    ['ALREADY_EXISTS', grpcError(6, 'Already exists: projects/p1/locations/us-west1-a/clusters/c1.'), ConflictError, /Already exists/],
    ['INVALID_ARGUMENT', grpcError(3, 'Invalid value for field "cluster.name"'), InvalidSpecError, /check the cluster in the spec/],
    ['UNIMPLEMENTED', grpcError(12, 'unknown method'), InvalidSpecError, /KFED_GKE_ENDPOINT/],
    ['no status at all', new Error('socket hang up'), TransientError, /unreachable/],
  ])('%s', (_label, err, type, text) => {
    const mapped = classifyGkeError(err, gkeCtx);
    expect(mapped).toBeInstanceOf(type);
    expect(mapped.message).toMatch(text);
    expect(mapped.message).toContain('GKE: create cluster projects/p1/locations/us-west1-a/clusters/c1 failed:');
    expect(mapped.retryable).toBe(type === TransientError);
    expect(mapped.cause).toBe(err);
  });

  it('uses the server text (details), not the gRPC prefix, in the message', () => {
    const mapped = classifyGkeError(grpcError(3, 'bad name'), gkeCtx);
    expect(mapped.message).toContain('failed: bad name');
    expect(mapped.message).not.toContain('3 STATUS');
  });
});
