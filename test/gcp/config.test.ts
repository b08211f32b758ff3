import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PermissionError } from '../../src/providers/errors.js';
import {
  AdcTokenSource,
  FileTokenSource,
  GoogleDnsProvider,
  GoogleGkeProvider,
  StaticTokenSource,
  TokenSourceAuthClient,
  gcpFromEnv,
  parseGkeEndpoint,
} from '../../src/providers/gcp/index.js';
import { scratchDir } from '../support/substrate.js';
import { thrown } from '../emulator/support.js';

const dir = scratchDir('gcp-config');
afterAll(() => {
  dir.remove();
});

describe('parseGkeEndpoint', () => {
  it.each([
    ['http://127.0.0.1:8081', { host: '127.0.0.1', port: 8081, insecure: true }],
    ['https://container.googleapis.com', { host: 'container.googleapis.com', port: 443, insecure: false }],
    ['https://gke.internal:9443/', { host: 'gke.internal', port: 9443, insecure: false }],
    ['http://[::1]:7000', { host: '::1', port: 7000, insecure: true }],
  ])('%s', (value, expected) => {
    expect(parseGkeEndpoint(value)).toEqual(expected);
  });

  it.each([
    ['127.0.0.1:8081', /is not a URL/],
    ['http://127.0.0.1', /needs a port/],
    ['grpc://127.0.0.1:1', /must start with http/],
  ])('rejects %s', (value, message) => {
    expect(() => parseGkeEndpoint(value)).toThrow(message);
  });
});

describe('gcpFromEnv', () => {
  it('uses Application Default Credentials without a token file, and the public endpoints', async () => {
    const gcp = gcpFromEnv({});
    expect(gcp.tokens).toBeInstanceOf(AdcTokenSource);
    expect(gcp.dns).toBeInstanceOf(GoogleDnsProvider);
    expect(gcp.gke).toBeInstanceOf(GoogleGkeProvider);
    await gcp.close();
  });

  it('reads the token file named by KFED_GCP_ACCESS_TOKEN_FILE', async () => {
    const file = join(dir.path, 'token');
    writeFileSync(file, 'from-file\n');
    const gcp = gcpFromEnv({ KFED_GCP_ACCESS_TOKEN_FILE: file, KFED_GKE_ENDPOINT: 'http://127.0.0.1:1', KFED_DNS_ENDPOINT: 'http://127.0.0.1:2/dns/v1' });
    expect(gcp.tokens).toBeInstanceOf(FileTokenSource);
    expect(await gcp.tokens.getAccessToken()).toBe('from-file');
    await gcp.close();
  });

  it('names the variable when an endpoint is malformed', () => {
    expect(() => gcpFromEnv({ KFED_GKE_ENDPOINT: '127.0.0.1:8081' })).toThrow(/KFED_GKE_ENDPOINT: .*is not a URL/);
    expect(() => gcpFromEnv({ KFED_DNS_ENDPOINT: 'localhost/dns/v1' })).toThrow(/KFED_DNS_ENDPOINT="localhost\/dns\/v1" must be a URL/);
  });

  it('refuses plaintext to anything but loopback: the bearer token would cross the network in clear', () => {
    expect(() => gcpFromEnv({ KFED_GKE_ENDPOINT: 'http://10.0.0.5:8081' })).toThrow(/KFED_GKE_ENDPOINT="http:\/\/10.0.0.5:8081": plaintext http:\/\/ is allowed only to loopback/);
    expect(() => gcpFromEnv({ KFED_DNS_ENDPOINT: 'http://dns.example.com/dns/v1' })).toThrow(/KFED_DNS_ENDPOINT=.*only to loopback/);
    for (const ok of ['http://127.0.0.1:1', 'http://localhost:2', 'http://[::1]:3', 'https://gke.internal:9443']) {
      expect(() => gcpFromEnv({ KFED_GKE_ENDPOINT: ok })).not.toThrow();
    }
  });
});

describe('token sources', () => {
  it('FileTokenSource reads the file at every use, so a refreshed token is picked up', async () => {
    const file = join(dir.path, 'rotating');
    const source = new FileTokenSource(file);
    writeFileSync(file, 'first\n');
    expect(await source.getAccessToken()).toBe('first');
    writeFileSync(file, 'second');
    expect(await source.getAccessToken()).toBe('second');
  });

  it('FileTokenSource fails with PermissionError on a missing or empty file', async () => {
    const missing = await thrown(() => new FileTokenSource(join(dir.path, 'absent')).getAccessToken());
    expect(missing).toBeInstanceOf(PermissionError);
    expect(missing.message).toContain('KFED_GCP_ACCESS_TOKEN_FILE');
    const emptyFile = join(dir.path, 'empty');
    writeFileSync(emptyFile, '  \n');
    const empty = await thrown(() => new FileTokenSource(emptyFile).getAccessToken());
    expect(empty).toBeInstanceOf(PermissionError);
    expect(empty.message).toContain('is empty');
  });

  it('AdcTokenSource without usable credentials fails with PermissionError saying how to log in', async () => {
    const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = join(dir.path, 'no-such-credentials.json');
    try {
      const err = await thrown(() => new AdcTokenSource().getAccessToken());
      expect(err).toBeInstanceOf(PermissionError);
      expect(err.message).toContain('gcloud auth application-default login');
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
    }
  });

  it('TokenSourceAuthClient puts the current token of its source into each request', async () => {
    let n = 0;
    const client = new TokenSourceAuthClient({ getAccessToken: () => Promise.resolve(`token-${++n}`) });
    expect((await client.getRequestHeaders()).get('authorization')).toBe('Bearer token-1');
    expect((await client.getRequestHeaders()).get('authorization')).toBe('Bearer token-2');
    expect(await new StaticTokenSource('s').getAccessToken()).toBe('s');
  });
});
