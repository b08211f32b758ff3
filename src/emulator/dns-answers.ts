/**
 * How an authoritative name server answers from Cloud DNS zones (RFC 1034 4.3.2, RFC 2308):
 * records of the asked type; a CNAME, followed within the zone into the answer; NODATA or
 * NXDOMAIN with the zone's SOA in the authority section; a referral below a delegation; and
 * REFUSED for names in no zone it serves. Pure: it reads the zones it is given.
 */
import type { Rcode, PresentationRecord } from './dns-wire.js';
import { encodable } from './dns-wire.js';
import type { RrsetState } from './state.js';

/** The part of a zone the name server reads. */
export interface ServedZone {
  /** Fully qualified, lower case. */
  readonly dnsName: string;
  readonly rrsets: readonly RrsetState[];
}

/** What to send back. */
export interface Answer {
  readonly rcode: Rcode;
  readonly authoritative: boolean;
  readonly answers: readonly PresentationRecord[];
  readonly authority: readonly PresentationRecord[];
}

/** How many CNAMEs an answer follows (a loop ends there too). */
const maxChain = 8;

function fqdn(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

function inZone(name: string, apex: string): boolean {
  return name === apex || name.endsWith(`.${apex}`);
}

function records(rrset: RrsetState): PresentationRecord[] {
  return rrset.rrdatas.map((rdata) => ({ name: rrset.name, type: rrset.type, ttl: rrset.ttl, rdata }));
}

/** The zone's SOA for a negative answer: its TTL is the lesser of the SOA's and its minimum (RFC 2308 5). */
function negativeSoa(zone: ServedZone): PresentationRecord[] {
  const soa = zone.rrsets.find((r) => r.type === 'SOA' && r.name === zone.dnsName);
  const rdata = soa?.rrdatas[0];
  if (!soa || !rdata) return [];
  const minimum = Number(rdata.trim().split(/\s+/)[6] ?? soa.ttl);
  return [{ name: soa.name, type: 'SOA', ttl: Math.min(soa.ttl, Number.isFinite(minimum) ? minimum : soa.ttl), rdata }];
}

/** The zone that holds `name`: the served zone with the longest matching DNS name. */
export function zoneFor(zones: readonly ServedZone[], name: string): ServedZone | undefined {
  let best: ServedZone | undefined;
  for (const z of zones) if (inZone(name, z.dnsName) && (!best || z.dnsName.length > best.dnsName.length)) best = z;
  return best;
}

/** The delegation (NS below the apex) at or above `name`, if any. */
function delegationFor(zone: ServedZone, name: string): RrsetState | undefined {
  return zone.rrsets.find((r) => r.type === 'NS' && r.name !== zone.dnsName && inZone(name, r.name));
}

/** Answers a question about `qname` (type `qtype`, e.g. `A`, or `ANY`). */
export function answerQuestion(zones: readonly ServedZone[], qname: string, qtype: string): Answer {
  let name = fqdn(qname);
  const zone = zoneFor(zones, name);
  if (!zone) return { rcode: 'REFUSED', authoritative: false, answers: [], authority: [] };
  const answers: PresentationRecord[] = [];
  const seen = new Set<string>();
  for (let hop = 0; hop <= maxChain; hop++) {
    const cut = delegationFor(zone, name);
    if (cut) {
      // Below a delegation the child zone's servers answer: refer the client there.
      return { rcode: 'NOERROR', authoritative: answers.length > 0, answers, authority: records(cut) };
    }
    const here = zone.rrsets.filter((r) => r.name === name && encodable(r.type));
    const match = here.filter((r) => qtype === 'ANY' || r.type === qtype);
    if (match.length > 0) return { rcode: 'NOERROR', authoritative: true, answers: [...answers, ...match.flatMap(records)], authority: [] };
    const alias = here.find((r) => r.type === 'CNAME');
    if (alias && qtype !== 'CNAME') {
      answers.push(...records(alias));
      const target = fqdn(alias.rrdatas[0] ?? '.');
      seen.add(name);
      // A target outside this zone (or a loop) is the resolver's to follow.
      if (!inZone(target, zone.dnsName) || seen.has(target)) return { rcode: 'NOERROR', authoritative: true, answers, authority: [] };
      name = target;
      continue;
    }
    const exists = here.length > 0 || zone.rrsets.some((r) => r.name.endsWith(`.${name}`));
    // NODATA (the name exists, or is an empty non-terminal) or NXDOMAIN; the rcode of a CNAME
    // chain is that of its last name (RFC 6604).
    return { rcode: exists ? 'NOERROR' : 'NXDOMAIN', authoritative: true, answers, authority: negativeSoa(zone) };
  }
  return { rcode: 'SERVFAIL', authoritative: false, answers, authority: [] };
}
