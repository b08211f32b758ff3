import { describe, expect, it } from 'vitest';
import { chunkChange, cloudDnsChangeLimits, planRecordChange, type ServiceRecordSets } from '../../src/providers/gcp/record-changes.js';
import {
  parseRegistryEntry,
  readRegistry,
  registryEntry,
  registryName,
  registryRecordSet,
  toTxtRrdata,
  txtText,
  zoneOwnership,
} from '../../src/providers/gcp/record-registry.js';
import type { RecordSet } from '../../src/providers/gcp/types.js';

const apex = 'example.com.';
const soa: RecordSet = { name: apex, type: 'SOA', ttl: 21600, rrdatas: ['ns-cloud-a1.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300'] };
const ns: RecordSet = { name: apex, type: 'NS', ttl: 21600, rrdatas: ['ns-cloud-a1.googledomains.com.'] };

const a = (name: string, ...ips: string[]): RecordSet => ({ name, type: 'A', ttl: 30, rrdatas: ips });
const cname = (name: string, target: string): RecordSet => ({ name, type: 'CNAME', ttl: 30, rrdatas: [target] });

const web = 'web.default.fed.svc.example.com.';
const webWest = 'web.default.fed.svc.us-west1.example.com.';
const webService = (ip = '10.0.0.1'): ServiceRecordSets => ({ anchor: web, rrsets: [a(web, ip), a(webWest, ip)] });

/** The zone after applying a planned change (deletions, then additions), as Cloud DNS does. */
function applied(current: readonly RecordSet[], desired: readonly ServiceRecordSets[], federation = 'fed'): RecordSet[] {
  const plan = planRecordChange(current, desired, federation, apex);
  let zone = [...current];
  for (const g of plan.groups) {
    zone = zone.filter((r) => !g.deletions.includes(r));
    zone.push(...g.additions);
  }
  return zone;
}

describe('ownership registry (TXT, one record set per Service)', () => {
  it('writes one entry per owned name beside the anchor, and reads it back', () => {
    const rrset = registryRecordSet(web, 'fed', [webWest, web]);
    expect(rrset).toEqual({
      name: `_kfed-owner.${web}`,
      type: 'TXT',
      ttl: 300,
      rrdatas: [`"heritage=kfed,kfed/federation=fed,kfed/record=${web}"`, `"heritage=kfed,kfed/federation=fed,kfed/record=${webWest}"`],
    });
    expect(readRegistry(rrset)).toMatchObject({ anchor: web, federation: 'fed', records: [web, webWest] });
  });

  it('splits a long entry into 255-character strings and joins them when reading', () => {
    const long = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(50)}.example.com.`;
    const rrdata = registryEntry('fed', long);
    const strings = [...rrdata.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? '');
    expect(strings.length).toBe(2);
    expect(strings.every((p) => p.length <= 255)).toBe(true);
    expect(parseRegistryEntry(rrdata)).toEqual({ federation: 'fed', record: long });
    expect(txtText(toTxtRrdata('say "hi" \\ there'))).toBe('say "hi" \\ there');
  });

  it.each([
    ['a user TXT at the registry name', { name: registryName(web), type: 'TXT', ttl: 300, rrdatas: ['"v=spf1 -all"'] }],
    ['a TXT elsewhere', { name: web, type: 'TXT', ttl: 300, rrdatas: [registryEntry('fed', web)] }],
    ['mixed federations', { name: registryName(web), type: 'TXT', ttl: 300, rrdatas: [registryEntry('fed', web), registryEntry('other', web)] }],
    ['a kfed string next to a user string', { name: registryName(web), type: 'TXT', ttl: 300, rrdatas: [registryEntry('fed', web), '"mine"'] }],
  ])('does not take %s for a registry', (_label, rrset) => {
    expect(readRegistry(rrset)).toBeUndefined();
  });

  it('sorts a zone into what the federation owns and what it must leave alone', () => {
    const current = applied([soa, ns], [webService()]);
    const team = [a('www.example.com.', '192.0.2.1'), { name: apex, type: 'MX', ttl: 300, rrdatas: ['10 mail.example.com.'] }];
    const other = applied([soa, ns], [{ anchor: 'db.default.other.svc.example.com.', rrsets: [a('db.default.other.svc.example.com.', '10.9.9.9')] }], 'other');
    const { owned, foreign } = zoneOwnership([...current, ...team, ...other.filter((r) => r.type !== 'SOA' && r.type !== 'NS')], apex, 'fed');
    expect(owned.map((r) => `${r.name} ${r.type}`).sort()).toEqual([`_kfed-owner.${web} TXT`, `${web} A`, `${webWest} A`]);
    expect(foreign.map((r) => `${r.name} ${r.type}`).sort()).toEqual([
      '_kfed-owner.db.default.other.svc.example.com. TXT',
      'db.default.other.svc.example.com. A',
      'example.com. MX',
      'www.example.com. A',
    ]);
  });

  it('owns only A, AAAA and CNAME at a registered name, never a user record added there', () => {
    const current = [...applied([soa, ns], [webService()]), { name: web, type: 'MX', ttl: 300, rrdatas: ['10 mail.example.com.'] }];
    expect(zoneOwnership(current, apex, 'fed').foreign).toEqual([{ name: web, type: 'MX', ttl: 300, rrdatas: ['10 mail.example.com.'] }]);
  });
});

describe('planning a change', () => {
  it('adds the records and their registry in one group for a new Service', () => {
    const plan = planRecordChange([soa, ns], [webService()], 'fed', apex);
    expect(plan.groups).toHaveLength(1);
    expect(plan.groups[0]?.additions.map((r) => `${r.name} ${r.type}`)).toEqual([`${web} A`, `${webWest} A`, `_kfed-owner.${web} TXT`]);
    expect(plan.groups[0]?.deletions).toEqual([]);
    expect(plan.records).toEqual([a(web, '10.0.0.1'), a(webWest, '10.0.0.1')]);
  });

  it('plans nothing when the zone already holds what is wanted', () => {
    const zone = applied([soa, ns], [webService()]);
    const plan = planRecordChange(zone, [webService()], 'fed', apex);
    expect(plan.groups).toEqual([]);
    expect(plan.records).toHaveLength(2);
    expect(chunkChange(plan.groups)).toEqual([]);
  });

  it('replaces a changed address with a deletion of the old set and an addition of the new (registry unchanged)', () => {
    const zone = applied([soa, ns], [webService()]);
    const plan = planRecordChange(zone, [webService('10.0.0.2')], 'fed', apex);
    expect(plan.groups[0]?.deletions).toEqual([a(web, '10.0.0.1'), a(webWest, '10.0.0.1')]);
    expect(plan.groups[0]?.additions).toEqual([a(web, '10.0.0.2'), a(webWest, '10.0.0.2')]);
  });

  it('switches a region from A to CNAME and shrinks the registry when a name goes', () => {
    const zone = applied([soa, ns], [{ anchor: web, rrsets: [a(web, '10.0.0.1'), a(webWest, '10.0.0.1'), a('web.default.fed.svc.us-east1.example.com.', '10.0.0.1')] }]);
    const next = applied(zone, [{ anchor: web, rrsets: [a(web, '10.0.0.1'), cname(webWest, web)] }]);
    expect(next.filter((r) => r.name.includes('us-east1'))).toEqual([]);
    expect(next.find((r) => r.name === webWest)).toEqual(cname(webWest, web));
    expect(readRegistry(next.find((r) => r.type === 'TXT') ?? soa)?.records).toEqual([web, webWest]);
  });

  it('removes every record of a Service that is no longer wanted, registry included', () => {
    const zone = applied([soa, ns], [webService()]);
    expect(applied(zone, [])).toEqual([soa, ns]);
  });

  it('leaves names holding records kfed did not write alone, and reports them', () => {
    const team = a(webWest, '192.0.2.7');
    const plan = planRecordChange([soa, ns, team], [webService()], 'fed', apex);
    expect(plan.conflicts).toEqual([{ anchor: web, name: webWest, reason: `holds ${webWest} A kfed did not write` }]);
    const zone = applied([soa, ns, team], [webService()]);
    expect(zone).toContainEqual(team);
    // The registry claims only the name kfed wrote.
    expect(readRegistry(zone.find((r) => r.type === 'TXT') ?? soa)?.records).toEqual([web]);
    // Removing the Service later still leaves the team's record.
    expect(applied(zone, [])).toEqual([soa, ns, team]);
  });

  it('does not write a CNAME where a user keeps any record, nor an A beside a user CNAME', () => {
    const mx: RecordSet = { name: webWest, type: 'MX', ttl: 300, rrdatas: ['10 mail.example.com.'] };
    expect(planRecordChange([soa, ns, mx], [{ anchor: web, rrsets: [a(web, '10.0.0.1'), cname(webWest, web)] }], 'fed', apex).conflicts.map((c) => c.name)).toEqual([webWest]);
    expect(planRecordChange([soa, ns, mx], [webService()], 'fed', apex).conflicts).toEqual([]);
    expect(planRecordChange([soa, ns, cname(webWest, 'elsewhere.example.net.')], [webService()], 'fed', apex).conflicts.map((c) => c.name)).toEqual([webWest]);
  });

  it('writes nothing for a Service whose registry name holds a user TXT', () => {
    const squat: RecordSet = { name: registryName(web), type: 'TXT', ttl: 300, rrdatas: ['"mine"'] };
    const plan = planRecordChange([soa, ns, squat], [webService()], 'fed', apex);
    expect(plan.groups).toEqual([]);
    expect(plan.conflicts).toEqual([{ anchor: web, name: registryName(web), reason: `holds ${registryName(web)} TXT kfed did not write` }]);
  });

  it('never touches another federation\'s records, even for the same names', () => {
    const theirs = applied([soa, ns], [webService('10.7.7.7')], 'other');
    const plan = planRecordChange(theirs, [], 'fed', apex);
    expect(plan.groups).toEqual([]);
  });

  it('refuses names outside the zone', () => {
    const plan = planRecordChange([soa, ns], [{ anchor: 'web.default.fed.svc.elsewhere.org.', rrsets: [a('web.default.fed.svc.elsewhere.org.', '10.0.0.1')] }], 'fed', apex);
    expect(plan.conflicts[0]?.reason).toBe('is outside the zone example.com.');
    expect(plan.groups).toEqual([]);
  });
});

describe('1000 Services in one pass', () => {
  /** 1000 Services in a 2-cluster federation: the federation name, two regions and two zones each. */
  const services: ServiceRecordSets[] = Array.from({ length: 1000 }, (_, i) => {
    const base = `svc-${i}.team-${i % 7}.fed.svc`;
    const global = `${base}.example.com.`;
    return {
      anchor: global,
      rrsets: [
        a(global, `10.1.${i % 250}.1`, `10.2.${i % 250}.1`),
        a(`${base}.us-west1.example.com.`, `10.1.${i % 250}.1`),
        a(`${base}.us-east1.example.com.`, `10.2.${i % 250}.1`),
        a(`${base}.us-west1-a.us-west1.example.com.`, `10.1.${i % 250}.1`),
        a(`${base}.us-east1-b.us-east1.example.com.`, `10.2.${i % 250}.1`),
      ],
    };
  });

  it('creates them in changes within Cloud DNS limits, each Service whole in one change', () => {
    const plan = planRecordChange([soa, ns], services, 'fed', apex);
    expect(plan.groups).toHaveLength(1000);
    const changes = chunkChange(plan.groups);
    // 6 record sets per Service (5 names + the registry): 6000 additions, 166 Services (996
    // additions) per change, the last one taking the remaining 4.
    expect(changes.map((c) => c.additions.length)).toEqual([996, 996, 996, 996, 996, 996, 24]);
    for (const c of changes) {
      expect(c.additions.length).toBeLessThanOrEqual(cloudDnsChangeLimits.additions);
      expect(c.additions.reduce((n, r) => n + r.rrdatas.join('').length, 0)).toBeLessThanOrEqual(cloudDnsChangeLimits.rrdataBytes);
    }
    expect(changes.reduce((n, c) => n + c.additions.length, 0)).toBe(6000);
    // A Service's record sets and its registry never straddle two changes.
    for (const s of services) {
      const holding = changes.filter((c) => c.additions.some((r) => r.name === s.anchor || r.name === registryName(s.anchor)));
      expect(holding).toHaveLength(1);
    }
    // 6000 + apex records fit a zone's 10,000 record sets (one registry per name would not: 10,002).
    expect(6000 + 2).toBeLessThanOrEqual(10_000);
  });

  it('makes no change once they are in place, and one small change when one of them moves', () => {
    const zone = applied([soa, ns], services);
    expect(planRecordChange(zone, services, 'fed', apex).groups).toEqual([]);
    const moved = services.map((s, i) => (i === 500 ? { anchor: s.anchor, rrsets: s.rrsets.map((r) => (r.name === s.anchor ? a(s.anchor, '10.3.3.3') : r)) } : s));
    const changes = chunkChange(planRecordChange(zone, moved, 'fed', apex).groups);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.additions).toEqual([a(services[500]?.anchor ?? '', '10.3.3.3')]);
    expect(changes[0]?.deletions).toHaveLength(1);
  });

  it('removes them all in as few changes as the deletion limit allows', () => {
    const zone = applied([soa, ns], services);
    const changes = chunkChange(planRecordChange(zone, [], 'fed', apex).groups);
    expect(changes.reduce((n, c) => n + c.deletions.length, 0)).toBe(6000);
    expect(changes.every((c) => c.deletions.length <= 1000 && c.additions.length === 0)).toBe(true);
    expect(changes.length).toBe(7);
  });
});
