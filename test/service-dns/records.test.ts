import { describe, expect, it } from 'vitest';
import { addressType, canonicalAddress } from '../../src/service-dns/addresses.js';
import { computeServiceRecords, serviceRecordName, serviceRecordTtl } from '../../src/service-dns/records.js';
import type { ClusterObservation, ServiceObservation } from '../../src/service-dns/types.js';

const naming = { federation: 'kfed', domain: 'infra.mycompany.com.' };
const west = (services: ServiceObservation[], reachable = true): ClusterObservation => ({
  cluster: 'west-cluster',
  reachable,
  topology: { region: 'us-west1', zones: ['us-west1-a'] },
  services: reachable ? services : [],
});
const east = (services: ServiceObservation[]): ClusterObservation => ({ cluster: 'east-cluster', reachable: true, topology: { region: 'us-east1', zones: ['us-east1-b'] }, services });
const web = (addresses: string[], readyEndpoints = 1): ServiceObservation => ({ namespace: 'default', name: 'web', addresses, readyEndpoints });

const names = {
  global: 'web.default.kfed.svc.infra.mycompany.com.',
  west: 'web.default.kfed.svc.us-west1.infra.mycompany.com.',
  east: 'web.default.kfed.svc.us-east1.infra.mycompany.com.',
  westA: 'web.default.kfed.svc.us-west1-a.us-west1.infra.mycompany.com.',
  eastB: 'web.default.kfed.svc.us-east1-b.us-east1.infra.mycompany.com.',
};

/** `name TYPE rrdata,...` lines, for readable expectations. */
function lines(clusters: ClusterObservation[]): string[] {
  return computeServiceRecords(naming, clusters).services.flatMap((s) => s.rrsets.map((r) => `${r.name} ${r.type} ${r.rrdatas.join(',')}`));
}

describe('service records (federation v1 names)', () => {
  it('builds the names kube-dns asks for: svc.ns.fed.svc[.zone.region].domain', () => {
    expect(serviceRecordName(naming, 'default', 'web')).toBe(names.global);
    expect(serviceRecordName(naming, 'default', 'web', 'us-west1-a', 'us-west1')).toBe(names.westA);
  });

  it('gives every level A records when every cluster is healthy', () => {
    expect(lines([west([web(['203.0.113.10'])]), east([web(['203.0.113.20'])])])).toEqual([
      `${names.global} A 203.0.113.10,203.0.113.20`,
      `${names.east} A 203.0.113.20`,
      `${names.west} A 203.0.113.10`,
      `${names.eastB} A 203.0.113.20`,
      `${names.westA} A 203.0.113.10`,
    ]);
    const [service] = computeServiceRecords(naming, [west([web(['203.0.113.10'])])]).services;
    expect(service?.anchor).toBe(names.global);
    expect(service?.rrsets.every((r) => r.ttl === serviceRecordTtl)).toBe(true);
  });

  it('points a zone and region without a healthy endpoint one level up (CNAME)', () => {
    // East has the Service but no ready endpoint: its zone → its region → the federation name.
    expect(lines([west([web(['203.0.113.10'])]), east([web(['203.0.113.20'], 0)])])).toEqual([
      `${names.global} A 203.0.113.10`,
      `${names.east} CNAME ${names.global}`,
      `${names.west} A 203.0.113.10`,
      `${names.eastB} CNAME ${names.east}`,
      `${names.westA} A 203.0.113.10`,
    ]);
  });

  it('writes records for the zones of clusters that lack the Service, so their kube-dns CNAMEs resolve', () => {
    expect(lines([west([web(['203.0.113.10'])]), east([])])).toContain(`${names.eastB} CNAME ${names.east}`);
  });

  it('treats a Service without an address like one without endpoints', () => {
    const computed = computeServiceRecords(naming, [west([web(['203.0.113.10'])]), east([web([])])]);
    expect(computed.health[0]?.clusters.find((c) => c.cluster === 'east-cluster')?.state).toBe('no address');
    expect(lines([west([web(['203.0.113.10'])]), east([web([])])])).toContain(`${names.east} CNAME ${names.global}`);
  });

  it('writes nothing for a Service healthy nowhere, and says why', () => {
    const computed = computeServiceRecords(naming, [west([web([])]), east([web(['203.0.113.20'], 0)])]);
    expect(computed.services).toEqual([]);
    expect(computed.health).toEqual([
      {
        service: 'default/web',
        clusters: [
          { cluster: 'east-cluster', state: 'no ready endpoints', addresses: ['203.0.113.20'] },
          { cluster: 'west-cluster', state: 'no address', addresses: [] },
        ],
        skipped: 'no healthy endpoint in any cluster',
      },
    ]);
  });

  it('writes AAAA for IPv6 addresses (canonical form) next to A for IPv4', () => {
    expect(lines([west([web(['2001:DB8:0:0::10', '203.0.113.10'])]), east([])]).slice(0, 2)).toEqual([
      `${names.global} A 203.0.113.10`,
      `${names.global} AAAA 2001:db8::10`,
    ]);
    // An IPv6-only zone is healthy: AAAA only there, no CNAME.
    expect(lines([west([web(['2001:db8::10'])]), east([web(['203.0.113.20'])])])).toContain(`${names.westA} AAAA 2001:db8::10`);
  });

  it('counts an unreachable cluster as unhealthy, keeping its zone (last known topology) pointed upwards', () => {
    expect(lines([west([], false), east([web(['203.0.113.20'])])])).toEqual([
      `${names.global} A 203.0.113.20`,
      `${names.east} A 203.0.113.20`,
      `${names.west} CNAME ${names.global}`,
      `${names.eastB} A 203.0.113.20`,
      `${names.westA} CNAME ${names.west}`,
    ]);
  });

  it('puts a regional cluster\'s address in each of its zones', () => {
    const regional: ClusterObservation = { cluster: 'r', reachable: true, topology: { region: 'us-west1', zones: ['us-west1-a', 'us-west1-b'] }, services: [web(['203.0.113.10'])] };
    const out = lines([regional]);
    expect(out).toContain(`${names.westA} A 203.0.113.10`);
    expect(out).toContain('web.default.kfed.svc.us-west1-b.us-west1.infra.mycompany.com. A 203.0.113.10');
  });

  it('uses only the federation level for a cluster without topology labels', () => {
    const bare: ClusterObservation = { cluster: 'bare', reachable: true, topology: { zones: [] }, services: [web(['203.0.113.30'])] };
    expect(lines([bare])).toEqual([`${names.global} A 203.0.113.30`]);
  });

  it('ignores hostnames and garbage in load-balancer ingress, and caps a record set at 100 addresses', () => {
    expect(lines([west([web(['lb.example.net', 'not-an-ip', '203.0.113.10'])])])[0]).toBe(`${names.global} A 203.0.113.10`);
    const many = Array.from({ length: 150 }, (_, i) => `10.0.${Math.floor(i / 100)}.${i % 100}`);
    const [service] = computeServiceRecords(naming, [west([web(many)])]).services;
    expect(service?.rrsets[0]?.rrdatas).toHaveLength(100);
  });

  it('is deterministic: the same observation in another order gives the same records', () => {
    const a = computeServiceRecords(naming, [west([web(['203.0.113.10']), { ...web(['203.0.113.11']), name: 'api' }]), east([web(['203.0.113.20'])])]);
    const b = computeServiceRecords(naming, [east([web(['203.0.113.20'])]), west([{ ...web(['203.0.113.11']), name: 'api' }, web(['203.0.113.10'])])]);
    expect(a).toEqual(b);
  });

  it('skips a Service whose names would exceed 253 characters', () => {
    const long: ServiceObservation = { namespace: 'n'.repeat(63), name: 's'.repeat(63), addresses: ['203.0.113.10'], readyEndpoints: 1 };
    const computed = computeServiceRecords({ federation: 'f'.repeat(63), domain: `${'d'.repeat(40)}.example.com.` }, [west([long])]);
    expect(computed.services).toEqual([]);
    expect(computed.health[0]?.skipped).toMatch(/longer than 253 characters/);
  });
});

describe('addresses', () => {
  it.each([
    ['203.0.113.10', 'A', '203.0.113.10'],
    ['2001:db8::1', 'AAAA', '2001:db8::1'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', 'AAAA', '2001:db8::1'],
    ['2001:db8:0:1:0:0:0:1', 'AAAA', '2001:db8:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', 'AAAA', '2001:db8::1:0:0:1'],
    ['::ffff:192.0.2.1', 'AAAA', '::ffff:c000:201'],
    ['::', 'AAAA', '::'],
    ['fe80::1:2:3:4:5:6', 'AAAA', 'fe80:0:1:2:3:4:5:6'],
  ] as const)('%s is %s, written %s', (input, type, canonical) => {
    expect(addressType(input)).toBe(type);
    expect(canonicalAddress(input)).toBe(canonical);
  });

  it.each(['256.1.1.1', '1.2.3', '2001:db8::1::2', 'lb.example.net', '12345::', ':::'])('%s is not an address', (input) => {
    expect(addressType(input)).toBeUndefined();
    expect(canonicalAddress(input)).toBeUndefined();
  });
});
