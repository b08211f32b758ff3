import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, InvalidSpecError, PermissionError, TransientError, ZoneNotEmptyError } from '../../src/providers/errors.js';
import { clientOperationId, createDnsClient, gcpFromEnv, StaticTokenSource } from '../../src/providers/gcp/index.js';
import { applyServiceRecords } from '../../src/service-dns/apply.js';
import { startTestCloud, successful, thrown, type TestCloud } from '../emulator/support.js';

const project = 'kfed-dns-test';

describe('GoogleDnsProvider (@google-cloud/dns against the emulator)', () => {
  let cloud: TestCloud;

  /** The real client library, for setting up records the provider itself never writes. */
  const library = (p = project) => createDnsClient(p, { tokens: new StaticTokenSource(cloud.emulator.accessToken), baseUrl: cloud.emulator.dnsEndpoint });

  beforeAll(async () => {
    cloud = await startTestCloud({ projects: [project, 'other-project'] });
  });

  afterAll(async () => {
    await cloud.destroy();
  });

  beforeEach(() => {
    cloud.emulator.faults.clear();
    cloud.emulator.clearCalls();
  });

  it('creates a zone with NS and SOA records and Cloud DNS name servers', async () => {
    const zone = await cloud.gcp.dns.ensureZone(project, 'fed-create', 'Create.Example.com');
    expect(zone).toMatchObject({ name: 'fed-create', dnsName: 'create.example.com.', created: true });
    expect(zone.nameServers).toHaveLength(4);
    expect(zone.nameServers[0]).toMatch(/^ns-cloud-[a-z]1\.googledomains\.com\.$/);
    const [records] = await library().zone('fed-create').getRecords();
    expect(records.map((r) => r.type).sort()).toEqual(['NS', 'SOA']);
    expect(successful(cloud.emulator.calls(), 'managedZones.create')).toHaveLength(1);
  });

  it('adopts an existing zone with the same DNS name without creating again', async () => {
    await cloud.gcp.dns.ensureZone(project, 'fed-adopt', 'adopt.example.com.');
    const again = await cloud.gcp.dns.ensureZone(project, 'fed-adopt', 'adopt.example.com');
    expect(again).toMatchObject({ created: false, dnsName: 'adopt.example.com.' });
    expect(successful(cloud.emulator.calls(), 'managedZones.create', 'kfed-dns-test')).toHaveLength(1);
    expect(await cloud.gcp.dns.getZone(project, 'fed-adopt')).toMatchObject({ name: 'fed-adopt', dnsName: 'adopt.example.com.' });
  });

  it('makes exactly one zone when the same create runs three times at once', async () => {
    const results = await Promise.all([1, 2, 3].map(() => cloud.gcp.dns.ensureZone(project, 'fed-race', 'race.example.com')));
    expect(new Set(results.map((r) => r.dnsName))).toEqual(new Set(['race.example.com.']));
    // The same clientOperationId is replayed by the API, never made twice.
    expect(successful(cloud.emulator.calls(), 'managedZones.create')).toHaveLength(1);
    const [zones] = await library().getZones();
    expect(zones.filter((z) => z.name === 'fed-race')).toHaveLength(1);
  });

  it('refuses a zone of that name with another DNS name, naming both', async () => {
    await cloud.gcp.dns.ensureZone(project, 'fed-conflict', 'one.example.com');
    const err = await thrown(() => cloud.gcp.dns.ensureZone(project, 'fed-conflict', 'two.example.com'));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toContain('one.example.com.');
    expect(err.message).toContain('two.example.com.');
    expect(err.message).toContain('projects/kfed-dns-test/managedZones/fed-conflict');
  });

  it.each([
    ['503 backendError', 'UNAVAILABLE', 503],
    ['429 rate limit', 'RESOURCE_EXHAUSTED', 429],
    ['403 rateLimitExceeded', 'RATE_LIMIT_EXCEEDED', 403],
  ] as const)('surfaces a %s on create as TransientError, and a retry creates the zone', async (_label, code, httpStatus) => {
    const zone = `fed-transient-${httpStatus}`;
    cloud.emulator.faults.add({ api: 'dns', method: 'managedZones.create', failNext: 1, code });
    const err = await thrown(() => cloud.gcp.dns.ensureZone(project, zone, `${zone}.example.com`));
    expect(err).toBeInstanceOf(TransientError);
    const retried = await cloud.gcp.dns.ensureZone(project, zone, `${zone}.example.com`);
    expect(retried.created).toBe(true);
    const creates = cloud.emulator.calls().filter((c) => c.method === 'managedZones.create');
    expect(creates.map((c) => [c.result, c.httpStatus, c.injected ?? false])).toEqual([
      [code, httpStatus, true],
      ['ok', 200, false],
    ]);
  });

  it('surfaces a permission error with the server message and the role to grant', async () => {
    cloud.emulator.faults.add({ method: 'managedZones.create', failNext: 1, code: 'PERMISSION_DENIED', message: "Forbidden: caller lacks 'dns.managedZones.create'" });
    const err = await thrown(() => cloud.gcp.dns.ensureZone(project, 'fed-denied', 'denied.example.com'));
    expect(err).toBeInstanceOf(PermissionError);
    expect(err.message).toContain("caller lacks 'dns.managedZones.create'");
    expect(err.message).toContain('projects/kfed-dns-test/managedZones/fed-denied');
    expect(err.message).toContain('roles/dns.admin');
  });

  it('says to enable the API when Cloud DNS is disabled in the project', async () => {
    cloud.emulator.faults.add({ method: 'managedZones.get', failNext: 1, code: 'PERMISSION_DENIED', message: 'Cloud DNS API has not been used in project kfed-dns-test before or it is disabled.' });
    const err = await thrown(() => cloud.gcp.dns.getZone(project, 'anything'));
    expect(err).toBeInstanceOf(PermissionError);
    expect(err.message).toContain('gcloud services enable dns.googleapis.com --project kfed-dns-test');
  });

  it('rejects an invalid zone name as InvalidSpecError with the API message', async () => {
    const err = await thrown(() => cloud.gcp.dns.ensureZone(project, 'Bad_Zone', 'bad.example.com'));
    expect(err).toBeInstanceOf(InvalidSpecError);
    expect(err.message).toContain("Invalid value for 'entity.managedZone.name': 'Bad_Zone'");
    expect(err.message).toContain('check spec.dns');
  });

  it('reports an unknown project as InvalidSpecError pointing at spec.project', async () => {
    const err = await thrown(() => cloud.gcp.dns.ensureZone('no-such-project', 'fed', 'x.example.com'));
    expect(err).toBeInstanceOf(InvalidSpecError);
    expect(err.message).toContain("'parameters.project' resource named 'no-such-project' does not exist");
    expect(err.message).toContain('check spec.project');
  });

  it('rejects a wrong bearer token with 401 as PermissionError', async () => {
    const tokenFile = join(cloud.dir, 'wrong-token');
    writeFileSync(tokenFile, 'not-the-token\n');
    const wrong = gcpFromEnv({ ...process.env, ...cloud.emulator.env, KFED_GCP_ACCESS_TOKEN_FILE: tokenFile });
    const err = await thrown(() => wrong.dns.getZone(project, 'fed-create'));
    await wrong.close();
    expect(err).toBeInstanceOf(PermissionError);
    expect(err.message).toContain('access token was rejected');
    expect(cloud.emulator.calls().at(-1)).toMatchObject({ method: 'managedZones.get', result: 'UNAUTHENTICATED', httpStatus: 401 });
  });

  it('picks up a rewritten token file without rebuilding the providers', async () => {
    const tokenFile = join(cloud.dir, 'rotating-token');
    writeFileSync(tokenFile, 'stale-token\n');
    const gcp = gcpFromEnv({ ...process.env, ...cloud.emulator.env, KFED_GCP_ACCESS_TOKEN_FILE: tokenFile });
    expect(await thrown(() => gcp.dns.getZone(project, 'fed-create'))).toBeInstanceOf(PermissionError);
    writeFileSync(tokenFile, `${cloud.emulator.accessToken}\n`);
    expect(await gcp.dns.getZone(project, 'fed-create')).toMatchObject({ name: 'fed-create' });
    expect(await gcp.gke.getCluster(project, 'us-west1-a', 'none')).toBeUndefined();
    await gcp.close();
  });

  /** Writes `services` Services' worth of kfed records (A at the anchor plus one CNAME each) the way the sync does. */
  async function writeOwnedRecords(zone: string, apex: string, federation: string, services: number): Promise<void> {
    const desired = Array.from({ length: services }, (_, i) => {
      const anchor = `svc${i}.default.${federation}.svc.${apex}`;
      return {
        anchor,
        rrsets: [
          { name: anchor, type: 'A', ttl: 30, rrdatas: [`10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`] },
          { name: `svc${i}.default.${federation}.svc.us-east1.${apex}`, type: 'CNAME', ttl: 30, rrdatas: [anchor] },
        ],
      };
    });
    const result = await applyServiceRecords(cloud.gcp.dns, { project, zone, apex, federation }, desired);
    expect(result.conflicts).toEqual([]);
  }

  it('deletes a zone holding only its own records: those and their registry, then the zone', async () => {
    await cloud.gcp.dns.ensureZone(project, 'fed-owned', 'owned.example.com', { labels: { 'managed-by': 'kfed' } });
    await writeOwnedRecords('fed-owned', 'owned.example.com.', 'fed', 2);
    const before = await cloud.gcp.dns.listRecordSets(project, 'fed-owned');
    // NS, SOA, and per Service an A, a CNAME and the registry TXT.
    expect(before?.map((r) => r.type).sort()).toEqual(['A', 'A', 'CNAME', 'CNAME', 'NS', 'SOA', 'TXT', 'TXT']);

    cloud.emulator.clearCalls();
    expect(await cloud.gcp.dns.deleteZone(project, 'fed-owned', { federation: 'fed' })).toEqual({ deleted: true });
    expect(cloud.emulator.calls().map((c) => `${c.method} ${c.result}`)).toEqual([
      'managedZones.get ok',
      'resourceRecordSets.list ok',
      'changes.create ok',
      'managedZones.delete ok',
    ]);
    expect(await cloud.gcp.dns.getZone(project, 'fed-owned')).toBeUndefined();
  });

  it('refuses to delete a zone holding records kfed did not write: names them, keeps the zone, deletes nothing', async () => {
    await cloud.gcp.dns.ensureZone(project, 'fed-records', 'records.example.com', { labels: { 'managed-by': 'kfed' } });
    await writeOwnedRecords('fed-records', 'records.example.com.', 'fed', 1);
    const zone = library().zone('fed-records');
    await zone.createChange({
      add: [
        zone.record('a', { name: 'www.records.example.com.', ttl: 300, data: ['10.0.0.1', '10.0.0.2'] }),
        zone.record('txt', { name: 'records.example.com.', ttl: 300, data: '"team verification"' }),
        zone.record('ns', { name: 'sub.records.example.com.', ttl: 300, data: 'ns1.elsewhere.example.' }),
      ],
    });
    // The API itself refuses to delete a non-empty zone.
    const refused = await thrown(() => zone.delete());
    expect((refused as Error & { code?: number }).code).toBe(400);
    expect(refused.message).toContain('not empty');
    const before = await cloud.gcp.dns.listRecordSets(project, 'fed-records');

    cloud.emulator.clearCalls();
    const err = await thrown(() => cloud.gcp.dns.deleteZone(project, 'fed-records', { federation: 'fed' }));
    expect(err).toBeInstanceOf(ZoneNotEmptyError);
    expect(err.message).toContain('zone projects/kfed-dns-test/managedZones/fed-records (records.example.com.) holds 3 record set(s) kfed did not write');
    expect(err.message).toContain('www.records.example.com. A, records.example.com. TXT, sub.records.example.com. NS');
    expect(err.message).toContain('kfed down fed --delete-foreign-records');
    expect((err as ZoneNotEmptyError).records).toEqual(['www.records.example.com. A', 'records.example.com. TXT', 'sub.records.example.com. NS']);
    // Read, then nothing: not even kfed's own records went.
    expect(cloud.emulator.calls().map((c) => c.method)).toEqual(['managedZones.get', 'resourceRecordSets.list']);
    expect(await cloud.gcp.dns.listRecordSets(project, 'fed-records')).toEqual(before);

    // Another federation's records are not this one's either.
    await writeOwnedRecords('fed-records', 'records.example.com.', 'other', 1);
    const foreign = await thrown(() => cloud.gcp.dns.deleteZone(project, 'fed-records', { federation: 'fed' }));
    expect(foreign.message).toContain('_kfed-owner.svc0.default.other.svc.records.example.com. TXT');
  });

  it('deletes records kfed did not write only when told to, then the zone', async () => {
    expect(await cloud.gcp.dns.deleteZone(project, 'fed-records', { federation: 'fed', deleteForeignRecords: true })).toEqual({ deleted: true });
    expect(await cloud.gcp.dns.getZone(project, 'fed-records')).toBeUndefined();
  });

  it('keeps to the per-change limit: 1,500 owned record sets go in two changes of at most 1,000', async () => {
    await cloud.gcp.dns.ensureZone(project, 'fed-many', 'many.example.com', { labels: { 'managed-by': 'kfed' } });
    cloud.emulator.clearCalls();
    await writeOwnedRecords('fed-many', 'many.example.com.', 'fed', 500);
    // 500 Services × 3 record sets, written in two changes (a Service is never split).
    expect(cloud.emulator.calls().filter((c) => c.method === 'changes.create').map((c) => c.result)).toEqual(['ok', 'ok']);
    cloud.emulator.clearCalls();
    const listed = await cloud.gcp.dns.listRecordSets(project, 'fed-many');
    expect(listed).toHaveLength(1502);
    // The emulator pages at 500 record sets, as Cloud DNS pages: four pages, following nextPageToken.
    expect(cloud.emulator.calls().map((c) => c.method)).toEqual(Array<string>(4).fill('resourceRecordSets.list'));
    cloud.emulator.clearCalls();
    expect(await cloud.gcp.dns.deleteZone(project, 'fed-many', { federation: 'fed' })).toEqual({ deleted: true });
    expect(cloud.emulator.calls().filter((c) => c.method === 'changes.create').map((c) => c.result)).toEqual(['ok', 'ok']);
  });

  it('surfaces a change that lost a race (a deletion that no longer matches) as TransientError', async () => {
    await cloud.gcp.dns.ensureZone(project, 'fed-race-change', 'race-change.example.com');
    const stale = { name: 'x.race-change.example.com.', type: 'A', ttl: 30, rrdatas: ['10.0.0.9'] };
    const err = await thrown(() => cloud.gcp.dns.changeRecordSets(project, 'fed-race-change', { additions: [], deletions: [stale] }));
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toContain('changed since kfed read them');
    await cloud.gcp.dns.changeRecordSets(project, 'fed-race-change', { additions: [stale], deletions: [] });
    const again = await thrown(() => cloud.gcp.dns.changeRecordSets(project, 'fed-race-change', { additions: [stale], deletions: [] }));
    expect(again).toBeInstanceOf(TransientError);
    expect(again.message).toContain('the zone changed since kfed read it');
  });

  it('treats deleting a missing zone as done', async () => {
    expect(await cloud.gcp.dns.deleteZone(project, 'never-made')).toEqual({ deleted: false, reason: 'absent' });
    expect(await cloud.gcp.dns.getZone(project, 'never-made')).toBeUndefined();
  });

  it('leaves a zone kfed did not create alone', async () => {
    await library().createZone('users-zone', { dnsName: 'users.example.com.' });
    const ensured = await cloud.gcp.dns.ensureZone(project, 'users-zone', 'users.example.com');
    expect(ensured.created).toBe(false);
    expect(await cloud.gcp.dns.deleteZone(project, 'users-zone')).toEqual({ deleted: false, reason: 'not-owned' });
    expect(await cloud.gcp.dns.getZone(project, 'users-zone')).toMatchObject({ dnsName: 'users.example.com.' });
  });

  it('sends a deterministic clientOperationId that Cloud DNS accepts as an operation ID', () => {
    const id = clientOperationId(project, 'fed', 'fed.example.com.', 'run-1');
    expect(id).toBe(clientOperationId(project, 'fed', 'fed.example.com.', 'run-1'));
    expect(id).not.toBe(clientOperationId(project, 'fed', 'fed.example.com.', 'run-2'));
    expect(id).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });

  it('keeps projects apart', async () => {
    await cloud.gcp.dns.ensureZone('other-project', 'fed-create', 'elsewhere.example.com');
    expect(await cloud.gcp.dns.getZone(project, 'fed-create')).toMatchObject({ dnsName: 'create.example.com.' });
    expect(await cloud.gcp.dns.getZone('other-project', 'fed-create')).toMatchObject({ dnsName: 'elsewhere.example.com.' });
  });
});
