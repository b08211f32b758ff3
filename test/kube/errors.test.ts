import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ConflictError, InvalidSpecError, NotFoundError, PermissionError, TransientError, type ProviderError } from '../../src/providers/errors.js';
import { classifyKubeError, StaleObjectError, UnreachableError } from '../../src/providers/kube/errors.js';

const ctx = { endpoint: 'https://10.0.0.1:6443', action: 'apply', target: 'Secret kube-federation-system/east-credentials', timeoutMs: 5_000 };

/** A Kubernetes Status answer as client-node raises it (body as the response text). */
function status(code: number, reason: string, message: string, causes?: { reason: string }[]): ApiException<string> {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code, details: causes ? { causes } : {} });
  return new ApiException(code, 'Unsuccessful HTTP Request', body, {});
}

/** An error shaped as node-fetch raises it for a socket or TLS failure. */
function systemError(code: string): Error {
  return Object.assign(new Error(`request to ${ctx.endpoint}/api failed, reason: ${code}`), { name: 'FetchError', type: 'system', code });
}

type ErrorClass = abstract new (...args: never[]) => ProviderError;

const cases: readonly [string, unknown, ErrorClass, RegExp][] = [
  ['connection refused', systemError('ECONNREFUSED'), UnreachableError, /cannot reach the Kubernetes API at https:\/\/10\.0\.0\.1:6443 \(ECONNREFUSED\) while trying to apply Secret/],
  ['connection reset', systemError('ECONNRESET'), UnreachableError, /\(ECONNRESET\)/],
  ['unknown host', systemError('ENOTFOUND'), UnreachableError, /\(ENOTFOUND\)/],
  ['request deadline', Object.assign(new Error('The user aborted a request.'), { name: 'AbortError' }), UnreachableError, /did not answer within 5s/],
  ['untrusted certificate', systemError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), PermissionError, /cannot verify the TLS certificate of https:\/\/10\.0\.0\.1:6443.*CA certificate/],
  ['401', new ApiException(401, 'Unauthorized', undefined, {}), PermissionError, /failed: Unauthorized \(HTTP 401\).*rejected the credentials/],
  ['403 forbidden', status(403, 'Forbidden', 'secrets is forbidden: User "x" cannot patch'), PermissionError, /cannot patch \(HTTP 403\).*RBAC/],
  ['403 namespace terminating', status(403, 'Forbidden', 'namespace is being terminated', [{ reason: 'NamespaceTerminating' }]), TransientError, /being terminated.*retry once it is gone/],
  ['404', status(404, 'NotFound', 'secrets "x" not found'), NotFoundError, /not found \(HTTP 404\)/],
  ['409 already exists', status(409, 'AlreadyExists', 'secrets "x" already exists'), ConflictError, /already exists \(HTTP 409\)/],
  ['409 modified', status(409, 'Conflict', 'the object has been modified'), StaleObjectError, /has been modified/],
  ['422 invalid', status(422, 'Invalid', 'Secret "x" is invalid: type: Invalid value'), InvalidSpecError, /is invalid.*\(HTTP 422\)/],
  ['400 bad request', status(400, 'BadRequest', 'strict decoding error: unknown field "spec.x"'), InvalidSpecError, /unknown field/],
  ['500 bad apply', status(500, 'InternalError', 'failed to create typed patch object: .spec.bogus: field not declared in schema'), InvalidSpecError, /not declared/],
  ['429 throttled', status(429, 'TooManyRequests', 'storage is (re)initializing'), TransientError, /\(HTTP 429\)/],
  ['500 internal', status(500, 'InternalError', 'etcdserver: request timed out'), TransientError, /etcdserver/],
  ['503 unavailable', new ApiException(503, 'Unsuccessful HTTP Request', '<html>upstream down</html>', {}), TransientError, /<html>upstream down<\/html> \(HTTP 503\)/],
];

describe('classifyKubeError', () => {
  it.each(cases)('%s', (_name, error, expected, message) => {
    const classified = classifyKubeError(error, ctx);
    expect(classified).toBeInstanceOf(expected);
    expect((classified as ProviderError).message).toMatch(message);
    expect((classified as ProviderError).resource).toBe(`${ctx.endpoint} ${ctx.target}`);
    expect((classified as ProviderError).cause).toBe(error);
  });

  it('keeps the failure types the workflows know: network and lock conflicts are TransientError', () => {
    expect((classifyKubeError(systemError('ETIMEDOUT'), ctx) as Error).name).toBe('TransientError');
    expect((classifyKubeError(status(409, 'Conflict', 'modified'), ctx) as Error).name).toBe('TransientError');
    expect((classifyKubeError(status(401, 'Unauthorized', 'no'), ctx) as ProviderError).retryable).toBe(false);
  });

  it('passes provider errors and non-API errors through unchanged', () => {
    const provider = new ConflictError('already classified', { resource: 'x' });
    expect(classifyKubeError(provider, ctx)).toBe(provider);
    const bug = new TypeError('not an API error');
    expect(classifyKubeError(bug, ctx)).toBe(bug);
  });
});
