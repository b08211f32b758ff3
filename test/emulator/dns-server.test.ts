import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordSet } from '../../src/providers/gcp/types.js';
import { buildQuery, decodeResponse, tcpExchange, udpExchange } from './dns-client.js';
import { startTestCloud, thrown, type TestCloud } from './support.js';

const project = 'kfed-dns-server';
const apex = 'served.example.com.';

describe('emulated Cloud DNS name servers (real queries over UDP and TCP)', () => {
  let cloud: TestCloud;
  let resolver: Resolver;

  const add = (...rrsets: RecordSet[]) => cloud.gcp.dns.changeRecordSets(project, 'served', { additions: rrsets, deletions: [] });

  beforeAll(async () => {
    cloud = await startTestCloud({ projects: [project, 'elsewhere'] });
    await cloud.gcp.dns.ensureZone(project, 'served', apex);
    await add(
      { name: `www.${apex}`, type: 'A', ttl: 30, rrdatas: ['203.0.113.10', '203.0.113.11'] },
      { name: `www.${apex}`, type: 'AAAA', ttl: 30, rrdatas: ['2001:db8::10'] },
      { name: `zone.${apex}`, type: 'CNAME', ttl: 30, rrdatas: [`region.${apex}`] },
      { name: `region.${apex}`, type: 'CNAME', ttl: 30, rrdatas: [`www.${apex}`] },
      { name: `out.${apex}`, type: 'CNAME', ttl: 30, rrdatas: ['target.elsewhere.example.net.'] },
      { name: `txt.${apex}`, type: 'TXT', ttl: 300, rrdatas: ['"heritage=kfed" "second string"', '"another"'] },
      { name: `deep.ent.${apex}`, type: 'A', ttl: 30, rrdatas: ['203.0.113.30'] },
      { name: `big.${apex}`, type: 'TXT', ttl: 30, rrdatas: Array.from({ length: 20 }, (_, i) => `"${String(i).padStart(2, '0')} ${'x'.repeat(100)}"`) },
    );
    resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([cloud.emulator.dnsServer.address]);
  });

  afterAll(async () => {
    await cloud.destroy();
  });

  it('is exposed on the Emulator object on loopback', () => {
    expect(cloud.emulator.dnsServer.host).toBe('127.0.0.1');
    expect(cloud.emulator.dnsServer.address).toBe(`127.0.0.1:${cloud.emulator.dnsServer.port}`);
  });

  it('answers A and AAAA with their TTLs', async () => {
    expect((await resolver.resolve4(`www.${apex}`, { ttl: true })).sort((a, b) => a.address.localeCompare(b.address))).toEqual([
      { address: '203.0.113.10', ttl: 30 },
      { address: '203.0.113.11', ttl: 30 },
    ]);
    expect(await resolver.resolve6(`WWW.Served.Example.COM`)).toEqual(['2001:db8::10']);
  });

  it('follows CNAMEs within the zone into the answer section', async () => {
    expect(await resolver.resolveCname(`zone.${apex}`)).toEqual([`region.${apex.replace(/\.$/, '')}`]);
    expect((await resolver.resolve4(`zone.${apex}`)).sort()).toEqual(['203.0.113.10', '203.0.113.11']);
    const raw = decodeResponse(await udpExchange(cloud.emulator.dnsServer.port, buildQuery(7, `zone.${apex}`, 1)));
    expect(raw).toMatchObject({ id: 7, authoritative: true, rcode: 0 });
    expect(raw.answers.map((r) => [r.name, r.type])).toEqual([
      [`zone.${apex}`, 5],
      [`region.${apex}`, 5],
      [`www.${apex}`, 1],
      [`www.${apex}`, 1],
    ]);
  });

  it('answers a CNAME out of the zone with the CNAME only (the resolver follows it)', async () => {
    const raw = decodeResponse(await udpExchange(cloud.emulator.dnsServer.port, buildQuery(8, `out.${apex}`, 1)));
    expect(raw.answers.map((r) => r.type)).toEqual([5]);
    expect(raw.rcode).toBe(0);
  });

  it('answers TXT with every character-string, NS and SOA at the apex', async () => {
    expect((await resolver.resolveTxt(`txt.${apex}`)).sort()).toEqual([['another'], ['heritage=kfed', 'second string']]);
    const zone = await cloud.gcp.dns.getZone(project, 'served');
    expect((await resolver.resolveNs(apex)).sort()).toEqual([...(zone?.nameServers ?? [])].map((n) => n.replace(/\.$/, '')).sort());
    expect(await resolver.resolveSoa(apex)).toMatchObject({ hostmaster: 'cloud-dns-hostmaster.google.com', serial: 1, minttl: 300 });
  });

  it('answers NXDOMAIN with the SOA in the authority section, TTL capped by its minimum', async () => {
    expect((await thrown(() => resolver.resolve4(`nope.${apex}`)) as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
    const raw = decodeResponse(await udpExchange(cloud.emulator.dnsServer.port, buildQuery(9, `nope.${apex}`, 1)));
    expect(raw).toMatchObject({ authoritative: true, rcode: 3, answers: [] });
    expect(raw.authority.map((r) => [r.name, r.type, r.ttl])).toEqual([[apex, 6, 300]]);
  });

  it('answers NODATA (NOERROR, SOA) for a missing type and for an empty non-terminal', async () => {
    expect((await thrown(() => resolver.resolve6(`deep.ent.${apex}`)) as NodeJS.ErrnoException).code).toBe('ENODATA');
    for (const name of [`deep.ent.${apex}`, `ent.${apex}`]) {
      const raw = decodeResponse(await udpExchange(cloud.emulator.dnsServer.port, buildQuery(10, name, 28)));
      expect(raw).toMatchObject({ authoritative: true, rcode: 0, answers: [] });
      expect(raw.authority.map((r) => r.type)).toEqual([6]);
    }
  });

  it('refuses names in no zone it serves', async () => {
    expect((await thrown(() => resolver.resolve4('www.example.org')) as NodeJS.ErrnoException).code).toBe('EREFUSED');
    const raw = decodeResponse(await udpExchange(cloud.emulator.dnsServer.port, buildQuery(11, 'www.example.org', 1)));
    expect(raw).toMatchObject({ authoritative: false, rcode: 5 });
  });

  it('truncates a large UDP answer (TC) and answers it in full over TCP; Node retries over TCP by itself', async () => {
    const udp = decodeResponse(await udpExchange(cloud.emulator.dnsServer.port, buildQuery(12, `big.${apex}`, 16)));
    expect(udp).toMatchObject({ truncated: true, answers: [] });
    // With EDNS (1232 bytes offered) the answer (about 2.3 KB) still does not fit.
    expect(decodeResponse(await udpExchange(cloud.emulator.dnsServer.port, buildQuery(13, `big.${apex}`, 16, 4096))).truncated).toBe(true);
    const [tcp] = await tcpExchange(cloud.emulator.dnsServer.port, [buildQuery(14, `big.${apex}`, 16)]);
    expect(decodeResponse(tcp ?? Buffer.alloc(0))).toMatchObject({ truncated: false, rcode: 0 });
    expect(decodeResponse(tcp ?? Buffer.alloc(0)).answers).toHaveLength(20);
    expect(await resolver.resolveTxt(`big.${apex}`)).toHaveLength(20);
  });

  it('answers several queries on one TCP connection', async () => {
    const answers = await tcpExchange(cloud.emulator.dnsServer.port, [buildQuery(21, `www.${apex}`, 1), buildQuery(22, `nope.${apex}`, 1), buildQuery(23, apex, 6)]);
    expect(answers.map((a) => decodeResponse(a)).map((r) => [r.id, r.rcode, r.answers.length])).toEqual([
      [21, 0, 2],
      [22, 3, 0],
      [23, 0, 1],
    ]);
  });

  it('echoes an EDNS OPT record when the query has one', async () => {
    const raw = decodeResponse(await udpExchange(cloud.emulator.dnsServer.port, buildQuery(24, `www.${apex}`, 1, 1232)));
    expect(raw.additional.map((r) => r.type)).toEqual([41]);
  });

  it('answers FORMERR to a query without a question and ignores garbage', async () => {
    const noQuestion = Buffer.from([0, 42, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeResponse(await udpExchange(cloud.emulator.dnsServer.port, noQuestion))).toMatchObject({ id: 42, rcode: 1 });
    const broken = Buffer.from([0, 43, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 60]);
    expect(decodeResponse(await udpExchange(cloud.emulator.dnsServer.port, broken))).toMatchObject({ id: 43, rcode: 1 });
    // Still serving after that.
    expect(await resolver.resolve4(`deep.ent.${apex}`)).toEqual(['203.0.113.30']);
  });

  it('sees a change at once, and serves the longest matching zone of any project', async () => {
    await add({ name: `new.${apex}`, type: 'A', ttl: 30, rrdatas: ['203.0.113.40'] });
    expect(await resolver.resolve4(`new.${apex}`)).toEqual(['203.0.113.40']);
    await cloud.gcp.dns.ensureZone('elsewhere', 'child', `child.${apex}`);
    await cloud.gcp.dns.changeRecordSets('elsewhere', 'child', { additions: [{ name: `host.child.${apex}`, type: 'A', ttl: 30, rrdatas: ['198.51.100.1'] }], deletions: [] });
    expect(await resolver.resolve4(`host.child.${apex}`)).toEqual(['198.51.100.1']);
  });

  it('refers the client to a delegated subdomain\'s name servers', async () => {
    await add({ name: `sub.${apex}`, type: 'NS', ttl: 300, rrdatas: ['ns1.elsewhere.example.net.'] });
    const raw = decodeResponse(await udpExchange(cloud.emulator.dnsServer.port, buildQuery(30, `host.sub.${apex}`, 1)));
    expect(raw).toMatchObject({ authoritative: false, rcode: 0, answers: [] });
    expect(raw.authority.map((r) => [r.name, r.type])).toEqual([[`sub.${apex}`, 2]]);
  });
});
