import { createHash } from 'node:crypto';
import { EmulatorError } from './codes.js';
import type { RrsetState, StateStore, ZoneState } from './state.js';

/** Cloud DNS v1 `ManagedZone` as the API returns it. */
export interface ManagedZoneResource {
  kind: 'dns#managedZone';
  name: string;
  dnsName: string;
  description: string;
  id: string;
  nameServers: string[];
  creationTime: string;
  visibility: 'public';
  labels: Record<string, string>;
}

export interface RrsetResource extends RrsetState {
  kind: 'dns#resourceRecordSet';
}

export interface ChangeResource {
  kind: 'dns#change';
  id: string;
  startTime: string;
  status: 'done';
  additions: RrsetResource[];
  deletions: RrsetResource[];
}

/** Body of managedZones.create (fields kfed and the client library send). */
export interface CreateZoneBody {
  readonly name?: unknown;
  readonly dnsName?: unknown;
  readonly description?: unknown;
  readonly labels?: unknown;
}

/** Body of changes.create. */
export interface ChangeBody {
  readonly additions?: unknown;
  readonly deletions?: unknown;
}

const zoneNamePattern = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** Cloud DNS operation IDs (a given clientOperationId becomes the operation's ID). */
const operationIdPattern = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsLabel = /^(\*|_?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)$/;
const knownTypes = new Set(['A', 'AAAA', 'CAA', 'CNAME', 'DNSKEY', 'DS', 'MX', 'NAPTR', 'NS', 'PTR', 'SOA', 'SPF', 'SRV', 'SSHFP', 'TLSA', 'TXT']);
const defaultTtl = 21600;

/**
 * Cloud DNS's limits (cloud.google.com/dns/quotas), enforced as the real API does, so kfed's
 * chunking is tested against them: per change, per record set and per zone.
 */
export const cloudDnsLimits = { additionsPerChange: 1000, deletionsPerChange: 1000, rrdataBytesPerChange: 100_000, rrdatasPerRrset: 100, rrsetsPerZone: 10_000 } as const;

/** Page size of resourceRecordSets.list when the request names none. */
const defaultPageSize = 500;

/**
 * Cloud DNS v1 semantics over the emulator state: zones with their NS and SOA records,
 * atomic changes, and the API's refusals (invalid names, duplicates, non-empty zone deletes).
 * Messages follow the real API's wording.
 */
export class DnsZones {
  constructor(
    private readonly store: StateStore,
    /** When set, other projects do not exist. */
    private readonly projects?: readonly string[],
  ) {}

  create(project: string, body: CreateZoneBody): ManagedZoneResource {
    this.checkProject(project);
    const name = typeof body.name === 'string' ? body.name : '';
    if (!zoneNamePattern.test(name)) throw new EmulatorError('INVALID_ARGUMENT', `Invalid value for 'entity.managedZone.name': '${name}'`);
    const dnsName = typeof body.dnsName === 'string' ? body.dnsName.toLowerCase() : '';
    if (!validDnsName(dnsName)) throw new EmulatorError('INVALID_ARGUMENT', `Invalid value for 'entity.managedZone.dnsName': '${dnsName}'`);
    const key = zoneKey(project, name);
    if (this.store.state.zones[key]) throw new EmulatorError('ALREADY_EXISTS', `The resource 'entity.managedZone' named '${name}' already exists`);
    const nameServers = nameServersFor(project, name);
    const zone: ZoneState = {
      project,
      name,
      dnsName,
      description: typeof body.description === 'string' ? body.description : '',
      id: this.store.nextId(),
      creationTime: new Date().toISOString(),
      nameServers,
      labels: stringRecord(body.labels),
      rrsets: [
        { name: dnsName, type: 'NS', ttl: defaultTtl, rrdatas: nameServers },
        { name: dnsName, type: 'SOA', ttl: defaultTtl, rrdatas: [`${nameServers[0] ?? ''} cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300`] },
      ],
      changeCount: 0,
    };
    this.store.state.zones[key] = zone;
    this.store.save();
    return toResource(zone);
  }

  get(project: string, name: string): ManagedZoneResource {
    return toResource(this.zone(project, name));
  }

  /** The zone's current ID, or undefined (used to decide whether to replay an operation). */
  idOf(project: string, name: string): string | undefined {
    return this.store.state.zones[zoneKey(project, name)]?.id;
  }

  list(project: string, dnsName?: string): ManagedZoneResource[] {
    this.checkProject(project);
    return Object.values(this.store.state.zones)
      .filter((z) => z.project === project && (!dnsName || z.dnsName === dnsName.toLowerCase()))
      .map(toResource);
  }

  delete(project: string, name: string): void {
    const zone = this.zone(project, name);
    const extra = zone.rrsets.filter((r) => !isApexRecord(r, zone.dnsName));
    if (extra.length > 0) {
      throw new EmulatorError('FAILED_PRECONDITION', `The resource named '${name}' cannot be deleted because it is not empty`, 'containerNotEmpty');
    }
    // A remembered operation must not replay a zone that no longer exists.
    const state = this.store.state;
    state.clientOperations = Object.fromEntries(Object.entries(state.clientOperations).filter(([, op]) => op.zoneId !== zone.id));
    state.zones = Object.fromEntries(Object.entries(state.zones).filter(([key]) => key !== zoneKey(project, name)));
    this.store.save();
  }

  /** Applies deletions then additions atomically, as Cloud DNS does. */
  change(project: string, name: string, body: ChangeBody): ChangeResource {
    const zone = this.zone(project, name);
    const deletions = parseRrsets(body.deletions, 'deletions', zone.dnsName);
    const additions = parseRrsets(body.additions, 'additions', zone.dnsName);
    if (deletions.length + additions.length === 0) throw new EmulatorError('INVALID_ARGUMENT', 'The \'entity.change\' resource has no additions or deletions');
    checkChangeLimits(additions, deletions);
    const next = zone.rrsets.map((r) => ({ ...r, rrdatas: [...r.rrdatas] }));
    deletions.forEach((d, i) => {
      const index = next.findIndex((r) => r.name === d.name && r.type === d.type);
      const current = index >= 0 ? next[index] : undefined;
      const matchesCurrent = current?.ttl === d.ttl && sameSet(current.rrdatas, d.rrdatas);
      if (!matchesCurrent) {
        throw new EmulatorError('FAILED_PRECONDITION', `Precondition not met for 'entity.change.deletions[${i}]'`, 'conditionNotMet', 412);
      }
      next.splice(index, 1);
    });
    additions.forEach((a, i) => {
      if (next.some((r) => r.name === a.name && r.type === a.type)) {
        throw new EmulatorError('ALREADY_EXISTS', `The resource 'entity.change.additions[${i}]' named '${a.name} (${a.type})' already exists`);
      }
      next.push(a);
    });
    if (next.length > cloudDnsLimits.rrsetsPerZone) {
      throw new EmulatorError('PERMISSION_DENIED', `Quota exceeded for quota 'rrsetsPerManagedZone': the zone would hold ${next.length} record sets (limit ${cloudDnsLimits.rrsetsPerZone}).`, 'quotaExceeded');
    }
    for (const type of ['SOA', 'NS']) {
      if (!next.some((r) => r.type === type && r.name === zone.dnsName)) {
        throw new EmulatorError('INVALID_ARGUMENT', `The zone apex must keep its ${type} record set ('entity.change')`);
      }
    }
    zone.rrsets = next;
    zone.changeCount += 1;
    this.store.save();
    return {
      kind: 'dns#change',
      id: String(zone.changeCount),
      startTime: new Date().toISOString(),
      status: 'done',
      additions: additions.map(toRrsetResource),
      deletions: deletions.map(toRrsetResource),
    };
  }

  /**
   * One page of the zone's record sets (filtered by name and type), in the zone's order; the
   * page token is the offset of the next page, as opaque to clients as the real one.
   */
  rrsets(
    project: string,
    name: string,
    filter: { readonly name?: string; readonly type?: string; readonly maxResults?: number; readonly pageToken?: string },
  ): { rrsets: RrsetResource[]; nextPageToken?: string } {
    const zone = this.zone(project, name);
    const matching = zone.rrsets.filter((r) => (!filter.name || r.name === filter.name.toLowerCase()) && (!filter.type || r.type === filter.type.toUpperCase()));
    const start = filter.pageToken ? Number.parseInt(filter.pageToken, 36) : 0;
    if (!Number.isInteger(start) || start < 0) throw new EmulatorError('INVALID_ARGUMENT', `Invalid value for 'parameters.pageToken': '${filter.pageToken ?? ''}'`);
    const size = filter.maxResults && filter.maxResults > 0 ? filter.maxResults : defaultPageSize;
    const page = matching.slice(start, start + size).map(toRrsetResource);
    return start + size < matching.length ? { rrsets: page, nextPageToken: (start + size).toString(36) } : { rrsets: page };
  }

  /** Every zone in every project: what the emulated name servers serve. */
  served(): readonly ZoneState[] {
    return Object.values(this.store.state.zones);
  }

  /**
   * Runs a mutating request once per `clientOperationId`: a repeat of the same request while
   * its zone still exists gets the first answer again (how a retried create stays single);
   * the same key on a different request is refused.
   */
  idempotent<T>(
    project: string,
    clientOperationId: string | undefined,
    fingerprint: string,
    zoneName: string,
    perform: () => T,
    onReplay: () => void,
  ): T {
    if (!clientOperationId) return perform();
    if (!operationIdPattern.test(clientOperationId)) {
      throw new EmulatorError('INVALID_ARGUMENT', `Invalid value for 'parameters.clientOperationId': '${clientOperationId}'`);
    }
    const key = `${project}/${clientOperationId}`;
    const prior = this.store.state.clientOperations[key];
    if (prior) {
      if (prior.fingerprint !== fingerprint) {
        throw new EmulatorError('INVALID_ARGUMENT', `Invalid value for 'parameters.clientOperationId': '${clientOperationId}' was already used for another request`);
      }
      if (this.idOf(project, zoneName) === prior.zoneId) {
        onReplay();
        return prior.response as T;
      }
    }
    const response = perform();
    const zoneId = this.idOf(project, zoneName);
    if (zoneId) {
      this.store.state.clientOperations[key] = { fingerprint, zoneId, response };
      this.store.save();
    }
    return response;
  }

  private zone(project: string, name: string): ZoneState {
    this.checkProject(project);
    const zone = this.store.state.zones[zoneKey(project, name)];
    if (!zone) throw new EmulatorError('NOT_FOUND', `The 'parameters.managedZone' resource named '${name}' does not exist.`);
    return zone;
  }

  private checkProject(project: string): void {
    if (this.projects && !this.projects.includes(project)) {
      throw new EmulatorError('NOT_FOUND', `The 'parameters.project' resource named '${project}' does not exist.`);
    }
  }
}

function zoneKey(project: string, name: string): string {
  return `${project}/${name}`;
}

function validDnsName(name: string): boolean {
  if (!name.endsWith('.') || name.length > 253) return false;
  const labels = name.slice(0, -1).split('.');
  return labels.length > 0 && labels.every((l) => dnsLabel.test(l) && l !== '*');
}

/** Deterministic per zone, shaped like Cloud DNS's name-server sets. */
function nameServersFor(project: string, zone: string): string[] {
  const shard = (createHash('sha256').update(`${project}/${zone}`).digest()[0] ?? 0) % 26;
  const letter = String.fromCharCode(97 + shard);
  return [1, 2, 3, 4].map((n) => `ns-cloud-${letter}${n}.googledomains.com.`);
}

function isApexRecord(r: RrsetState, apex: string): boolean {
  return r.name === apex && (r.type === 'SOA' || r.type === 'NS');
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function parseRrsets(value: unknown, field: string, apex: string): RrsetState[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new EmulatorError('INVALID_ARGUMENT', `Invalid value for 'entity.change.${field}'`);
  return value.map((raw: unknown, i) => {
    const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<Record<'name' | 'type' | 'ttl' | 'rrdatas', unknown>>;
    const at = `'entity.change.${field}[${i}]`;
    const name = typeof r.name === 'string' ? r.name.toLowerCase() : '';
    if (!validDnsName(name.replace(/^\*\./, 'x.')) || (name !== apex && !name.endsWith(`.${apex}`))) {
      throw new EmulatorError('INVALID_ARGUMENT', `Invalid value for ${at}.name': '${name}'`);
    }
    const type = typeof r.type === 'string' ? r.type.toUpperCase() : '';
    if (!knownTypes.has(type)) throw new EmulatorError('INVALID_ARGUMENT', `Invalid value for ${at}.type': '${type}'`);
    const ttl = typeof r.ttl === 'number' ? r.ttl : Number(r.ttl ?? defaultTtl);
    if (!Number.isInteger(ttl) || ttl < 0) throw new EmulatorError('INVALID_ARGUMENT', `Invalid value for ${at}.ttl': '${String(r.ttl)}'`);
    const rrdatas = Array.isArray(r.rrdatas) ? r.rrdatas.filter((d): d is string => typeof d === 'string') : [];
    if (rrdatas.length === 0) throw new EmulatorError('INVALID_ARGUMENT', `The resource record set ${at}' has no rrdatas`);
    return { name, type, ttl, rrdatas };
  });
}

function checkChangeLimits(additions: readonly RrsetState[], deletions: readonly RrsetState[]): void {
  const quota = (metric: string, value: number, limit: number): EmulatorError =>
    new EmulatorError('PERMISSION_DENIED', `Quota exceeded for quota '${metric}': ${value} (limit ${limit}).`, 'quotaExceeded');
  if (additions.length > cloudDnsLimits.additionsPerChange) throw quota('rrsetAdditionsPerChange', additions.length, cloudDnsLimits.additionsPerChange);
  if (deletions.length > cloudDnsLimits.deletionsPerChange) throw quota('rrsetDeletionsPerChange', deletions.length, cloudDnsLimits.deletionsPerChange);
  const bytes = [...additions, ...deletions].reduce((sum, r) => sum + r.rrdatas.reduce((s, d) => s + d.length, 0), 0);
  if (bytes > cloudDnsLimits.rrdataBytesPerChange) throw quota('totalRrdataSizePerChange', bytes, cloudDnsLimits.rrdataBytesPerChange);
  const crowded = additions.find((r) => r.rrdatas.length > cloudDnsLimits.rrdatasPerRrset);
  if (crowded) throw quota('resourceRecordsPerRrset', crowded.rrdatas.length, cloudDnsLimits.rrdatasPerRrset);
}

function toRrsetResource(r: RrsetState): RrsetResource {
  return { kind: 'dns#resourceRecordSet', name: r.name, type: r.type, ttl: r.ttl, rrdatas: [...r.rrdatas] };
}

function toResource(z: ZoneState): ManagedZoneResource {
  return {
    kind: 'dns#managedZone',
    name: z.name,
    dnsName: z.dnsName,
    description: z.description,
    id: z.id,
    nameServers: [...z.nameServers],
    creationTime: z.creationTime,
    visibility: 'public',
    labels: { ...z.labels },
  };
}
