import { readFileSync, statSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { startTestCloud, successful, thrown, type TestCloud } from './support.js';

const project = 'kfed-rest';

interface GoogleErrorBody {
  error: { code: number; message: string; errors: { reason: string }[] };
}

describe('emulator: Cloud DNS v1 REST wire behaviour and the admin API', () => {
  let cloud: TestCloud;

  /** A raw HTTP call, as any client would make it. */
  async function call(method: string, path: string, body?: unknown, token: string | null = cloud.emulator.accessToken): Promise<{ status: number; body: unknown }> {
    const base = path.startsWith('/emulator/') ? cloud.emulator.adminEndpoint.replace(/\/emulator\/v1$/, '') : cloud.emulator.dnsEndpoint.replace(/\/dns\/v1$/, '');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }
  const zones = `/dns/v1/projects/${project}/managedZones`;

  beforeAll(async () => {
    cloud = await startTestCloud();
  });

  afterAll(async () => {
    await cloud.destroy();
  });

  beforeEach(async () => {
    await call('POST', '/emulator/v1/reset');
  });

  it('answers 401 with Google\'s error shape without the bearer token, and logs the call', async () => {
    const res = await call('GET', zones, undefined, null);
    expect(res.status).toBe(401);
    expect((res.body as GoogleErrorBody).error).toMatchObject({ code: 401, errors: [{ reason: 'authError' }] });
    expect(cloud.emulator.calls()).toEqual([expect.objectContaining({ api: 'dns', method: 'managedZones.list', result: 'UNAUTHENTICATED', httpStatus: 401 })]);
  });

  it('replays a create with a repeated clientOperationId and refuses the key for another request', async () => {
    const body = { name: 'replayed', dnsName: 'replayed.example.com.', description: '' };
    const first = await call('POST', `${zones}?clientOperationId=op-1`, body);
    const second = await call('POST', `${zones}?clientOperationId=op-1`, body);
    expect(first.status).toBe(200);
    expect(second).toEqual(first);
    const other = await call('POST', `${zones}?clientOperationId=op-1`, { ...body, name: 'other' });
    expect(other.status).toBe(400);
    expect((await call('POST', `${zones}?clientOperationId=Not_Valid`, { ...body, name: 'other' })).status).toBe(400);
    const withoutKey = await call('POST', zones, body);
    expect(withoutKey.status).toBe(409);
    expect((withoutKey.body as GoogleErrorBody).error.errors[0]?.reason).toBe('alreadyExists');
    const creates = cloud.emulator.calls().filter((c) => c.method === 'managedZones.create');
    expect(creates.map((c) => [c.result, c.replayed ?? false])).toEqual([
      ['ok', false],
      ['ok', true],
      ['INVALID_ARGUMENT', false],
      ['INVALID_ARGUMENT', false],
      ['ALREADY_EXISTS', false],
    ]);
    expect(successful(creates, 'managedZones.create')).toHaveLength(1);
  });

  it('applies changes atomically and refuses stale deletions, duplicates and apex removal', async () => {
    await call('POST', zones, { name: 'changes', dnsName: 'changes.example.com.' });
    const www = { name: 'www.changes.example.com.', type: 'A', ttl: 300, rrdatas: ['10.0.0.1'] };
    expect((await call('POST', `${zones}/changes/changes`, { additions: [www] })).status).toBe(200);
    expect((await call('POST', `${zones}/changes/changes`, { additions: [www] })).status).toBe(409);
    const stale = await call('POST', `${zones}/changes/changes`, { deletions: [{ ...www, rrdatas: ['10.9.9.9'] }] });
    expect(stale.status).toBe(412);
    expect((stale.body as GoogleErrorBody).error.errors[0]?.reason).toBe('conditionNotMet');
    const soa = ((await call('GET', `${zones}/changes/rrsets?type=SOA`)).body as { rrsets: unknown[] }).rrsets[0];
    expect((await call('POST', `${zones}/changes/changes`, { deletions: [soa] })).status).toBe(400);
    const outside = await call('POST', `${zones}/changes/changes`, { additions: [{ ...www, name: 'www.elsewhere.com.' }] });
    expect(outside.status).toBe(400);
    const listed = (await call('GET', `${zones}/changes/rrsets`)).body as { rrsets: { type: string }[] };
    expect(listed.rrsets.map((r) => r.type).sort()).toEqual(['A', 'NS', 'SOA']);
  });

  it('refuses to delete a zone with records (containerNotEmpty) and deletes it once emptied (204)', async () => {
    await call('POST', zones, { name: 'full', dnsName: 'full.example.com.' });
    const txt = { name: 'full.example.com.', type: 'TXT', ttl: 60, rrdatas: ['"x"'] };
    await call('POST', `${zones}/full/changes`, { additions: [txt] });
    const refused = await call('DELETE', `${zones}/full`);
    expect(refused.status).toBe(400);
    expect((refused.body as GoogleErrorBody).error.errors[0]?.reason).toBe('containerNotEmpty');
    await call('POST', `${zones}/full/changes`, { deletions: [txt] });
    expect((await call('DELETE', `${zones}/full`)).status).toBe(204);
    expect((await call('GET', `${zones}/full`)).status).toBe(404);
  });

  it('lets another process read the call log and set faults over the admin API', async () => {
    const put = await call('PUT', '/emulator/v1/faults', { seed: 3, rules: [{ method: 'managedZones.get', failNext: 1, code: 'UNAVAILABLE' }] });
    expect(put.status).toBe(200);
    expect((await call('GET', `${zones}/anything`)).status).toBe(503);
    expect((await call('GET', '/emulator/v1/faults')).body).toEqual({ seed: 3, rules: [{ method: 'managedZones.get', failNext: 0, code: 'UNAVAILABLE' }] });
    const calls = (await call('GET', '/emulator/v1/calls')).body as { calls: { method: string; result: string; injected?: boolean }[] };
    expect(calls.calls).toEqual([expect.objectContaining({ method: 'managedZones.get', result: 'UNAVAILABLE', injected: true })]);
    const invalid = await call('PUT', '/emulator/v1/faults', { rules: [{ method: 'x', errorRate: 5 }] });
    expect(invalid.status).toBe(400);
    expect((await call('GET', '/emulator/v1/calls', undefined, 'wrong')).status).toBe(401);
    expect((await call('GET', '/emulator/v1/info')).body).toMatchObject({ dnsEndpoint: cloud.emulator.dnsEndpoint, gkeEndpoint: cloud.emulator.gkeEndpoint });
  });

  it('adds the configured per-method latency', async () => {
    await cloud.restart({ latencyMs: { 'managedZones.list': 150 } });
    const started = Date.now();
    expect((await call('GET', zones)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(cloud.emulator.calls().at(-1)?.durationMs).toBeGreaterThanOrEqual(150);
  });

  it('keeps zones and its access token (mode 0600) across a restart, and one emulator per state', async () => {
    await call('POST', zones, { name: 'durable', dnsName: 'durable.example.com.' });
    const token = cloud.emulator.accessToken;
    expect(statSync(cloud.emulator.tokenFile).mode & 0o777).toBe(0o600);
    const second = await thrown(() => startEmulator({ stateDir: cloud.dir }));
    expect(second.message).toContain('is using this state');
    await cloud.restart();
    expect(cloud.emulator.accessToken).toBe(token);
    expect(readFileSync(cloud.emulator.tokenFile, 'utf8').trim()).toBe(token);
    expect(await cloud.gcp.dns.getZone(project, 'durable')).toMatchObject({ dnsName: 'durable.example.com.' });
  });
});
