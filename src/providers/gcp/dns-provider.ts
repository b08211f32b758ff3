import { createHash } from 'node:crypto';
import { DNS } from '@google-cloud/dns';
import { ConflictError, NotFoundError, TransientError } from '../errors.js';
import { TokenSourceAuthClient } from './auth-client.js';
import { classifyDnsError, type ErrorContext } from './errors.js';
import { cloudLabelKeys, cloudManagedByKfed, managedByValue } from '../../ownership.js';
import { chunkChange } from './record-changes.js';
import { zoneNotEmptyError, zoneOwnership } from './record-registry.js';
import type { AccessTokenSource, DeleteZoneOptions, DnsProvider, RecordChange, RecordSet, ZoneInfo } from './types.js';

export interface GoogleDnsProviderOptions {
  /** Bearer tokens for every request (read at each use). */
  readonly tokens: AccessTokenSource;
  /**
   * Base URL of the Cloud DNS v1 API; set for the emulator (`http://127.0.0.1:P/dns/v1`).
   * @default https://dns.googleapis.com/dns/v1
   */
  readonly baseUrl?: string;
  /** Timeout of each HTTP request. @default 30000 */
  readonly timeoutMs?: number;
}

type DnsRequest = Parameters<DNS['request']>[0];
type DnsAuthClient = NonNullable<ConstructorParameters<typeof DNS>[0]>['authClient'];

/** The managed-zone fields kfed reads (Cloud DNS v1 `ManagedZone`). */
interface ManagedZoneBody {
  readonly name?: string;
  readonly dnsName?: string;
  readonly nameServers?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** A page of `resourceRecordSets.list`. */
interface RecordSetsPage {
  readonly rrsets?: readonly { readonly name?: string; readonly type?: string; readonly ttl?: number | string; readonly rrdatas?: readonly string[] }[];
  readonly nextPageToken?: string;
}

function toApiRecordSet(r: RecordSet): Record<string, unknown> {
  return { kind: 'dns#resourceRecordSet', name: r.name, type: r.type, ttl: r.ttl, rrdatas: [...r.rrdatas] };
}

/**
 * {@link DnsProvider} on @google-cloud/dns. One client per project (the library binds a client
 * to a project). Library-level retries are off: Temporal's activity retry policy is the one
 * retry layer, so a transient failure surfaces as {@link TransientError} at once.
 */
export class GoogleDnsProvider implements DnsProvider {
  private readonly clients = new Map<string, DNS>();
  private readonly authClient: TokenSourceAuthClient;

  constructor(private readonly options: GoogleDnsProviderOptions) {
    this.authClient = new TokenSourceAuthClient(options.tokens);
  }

  /**
   * Creates the zone, or adopts one of that name with the same DNS name.
   *
   * Idempotency: a GET comes first, so a re-run adopts instead of creating; the create carries a
   * deterministic `clientOperationId` (from project, zone, DNS name and `requestId`), and a 409
   * from a create that raced another is answered by reading the zone. Zone names are unique per
   * project, so the API itself can never hold two.
   *
   * @param options.requestId distinguishes deliberate re-creations (e.g. a workflow ID) from
   *   retries, which must share it.
   */
  async ensureZone(
    project: string,
    zone: string,
    domain: string,
    options: { readonly requestId?: string; readonly labels?: Readonly<Record<string, string>> } = {},
  ): Promise<ZoneInfo & { readonly created: boolean }> {
    const dnsName = toFqdn(domain);
    const ctx = context('create managed zone', project, zone);
    const existing = await this.readZone(project, zone);
    if (existing) return { ...adopt(existing, dnsName, ctx), created: false };
    try {
      const body = (await this.request(project, {
        method: 'POST',
        uri: '/managedZones',
        qs: { clientOperationId: clientOperationId(project, zone, dnsName, options.requestId) },
        json: { name: zone, dnsName, description: 'Managed by kfed', labels: { [cloudLabelKeys.managedBy]: managedByValue, ...options.labels } },
      })) as ManagedZoneBody;
      return { ...toZoneInfo(body, zone), created: true };
    } catch (err) {
      const error = classifyDnsError(err, ctx);
      if (!(error instanceof ConflictError)) throw error;
      // Another create won the race (or an earlier attempt succeeded): adopt what is there.
      const raced = await this.readZone(project, zone);
      if (!raced) throw new TransientError(`Cloud DNS: zone ${ctx.resource} was reported to exist but cannot be read yet`, { resource: ctx.resource, cause: err });
      return { ...adopt(raced, dnsName, ctx), created: false };
    }
  }

  async getZone(project: string, zone: string): Promise<ZoneInfo | undefined> {
    const body = await this.readZone(project, zone);
    return body ? toZoneInfo(body, zone) : undefined;
  }

  /**
   * Deletes the records `options.federation` owns (its registry, see record-registry.ts), then
   * the zone. A zone kfed did not create is left alone (`not-owned`). Records kfed did not write
   * are never deleted unless `deleteForeignRecords`: while they remain, this throws
   * ZoneNotEmptyError and deletes nothing (Terraform's `force_destroy`, off by default).
   */
  async deleteZone(project: string, zone: string, options: DeleteZoneOptions = {}): Promise<{ readonly deleted: boolean; readonly reason?: 'absent' | 'not-owned' }> {
    const ctx = context('delete managed zone', project, zone);
    const existing = await this.readZone(project, zone);
    if (!existing) return { deleted: false, reason: 'absent' };
    if (!cloudManagedByKfed(existing.labels)) return { deleted: false, reason: 'not-owned' };
    const apex = toFqdn(existing.dnsName ?? '');
    // A second round only happens when records were added between emptying and deleting.
    for (let round = 0; ; round++) {
      try {
        const records = await this.listRecordSets(project, zone);
        if (!records) return { deleted: false, reason: 'absent' };
        const { owned, foreign } = zoneOwnership(records, apex, options.federation ?? '');
        if (foreign.length > 0 && !options.deleteForeignRecords) throw zoneNotEmptyError(ctx.resource, apex, foreign, options.federation, 'kept the zone and its records');
        const removable = [...owned, ...(options.deleteForeignRecords ? foreign : [])];
        // Deleting need not be atomic across record sets: one rrset per group, packed to the limits.
        for (const change of chunkChange(removable.map((r) => ({ anchor: r.name, additions: [], deletions: [r] })))) await this.changeRecordSets(project, zone, change);
        await this.client(project).zone(zone).delete();
        return { deleted: true };
      } catch (err) {
        const error = classifyDnsError(err, ctx);
        if (error instanceof NotFoundError) return { deleted: false, reason: 'absent' };
        if (error instanceof ConflictError && round < 2) continue;
        throw error;
      }
    }
  }

  /**
   * Every record set of the zone, following `nextPageToken`; undefined when the zone does not
   * exist. One `resourceRecordSets.list` call per page (the sync's whole read cost per pass).
   */
  async listRecordSets(project: string, zone: string): Promise<readonly RecordSet[] | undefined> {
    const ctx = context('list record sets of', project, zone);
    const rrsets: RecordSet[] = [];
    let pageToken: string | undefined;
    do {
      let page: RecordSetsPage;
      try {
        page = (await this.request(project, { method: 'GET', uri: `/managedZones/${encodeURIComponent(zone)}/rrsets`, qs: pageToken ? { pageToken } : {} })) as RecordSetsPage;
      } catch (err) {
        const error = classifyDnsError(err, ctx);
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
      for (const r of page.rrsets ?? []) rrsets.push({ name: toFqdn(r.name ?? ''), type: (r.type ?? '').toUpperCase(), ttl: Number(r.ttl ?? 0), rrdatas: [...(r.rrdatas ?? [])] });
      pageToken = page.nextPageToken;
    } while (pageToken);
    return rrsets;
  }

  /**
   * One atomic change. Losing a race (an addition that exists by now, a deletion that no longer
   * matches) is a {@link TransientError}: the caller reads the zone again and plans anew.
   */
  async changeRecordSets(project: string, zone: string, change: RecordChange): Promise<void> {
    const ctx = context('change record sets of', project, zone);
    const body = { additions: change.additions.map(toApiRecordSet), deletions: change.deletions.map(toApiRecordSet) };
    try {
      await this.request(project, { method: 'POST', uri: `/managedZones/${encodeURIComponent(zone)}/changes`, json: body });
    } catch (err) {
      const error = classifyDnsError(err, ctx);
      if (error instanceof ConflictError) {
        throw new TransientError(`${error.message}: the zone changed since kfed read it`, { resource: ctx.resource, hint: 'kfed reads the zone again and retries', cause: err });
      }
      throw error;
    }
  }

  /** The zone's resource body, or undefined on 404. */
  private async readZone(project: string, zone: string): Promise<ManagedZoneBody | undefined> {
    try {
      const [metadata] = (await this.client(project).zone(zone).getMetadata()) as [ManagedZoneBody, unknown];
      return metadata;
    } catch (err) {
      const error = classifyDnsError(err, context('get managed zone', project, zone));
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  private request(project: string, options: DnsRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.client(project).request(options, (err, body: unknown) => {
        if (err) reject(err);
        else resolve(body);
      });
    });
  }

  private client(project: string): DNS {
    let dns = this.clients.get(project);
    if (!dns) {
      dns = createDnsClient(project, this.options, this.authClient);
      this.clients.set(project, dns);
    }
    return dns;
  }
}

/**
 * A @google-cloud/dns client for one project, configured as kfed uses it: the token source's
 * bearer token, an optional base URL (the emulator), and no library-level retries (Temporal's
 * retry policy is the one retry layer; the library would otherwise retry 429/5xx itself).
 */
export function createDnsClient(project: string, options: GoogleDnsProviderOptions, authClient = new TokenSourceAuthClient(options.tokens)): DNS {
  // NOTE: @google-cloud/dns types its auth client with its own copy of google-auth-library,
  // ours comes from google-gax's copy; at run time GoogleAuth only calls getRequestHeaders
  // (and getUniverseDomain) on it, which TokenSourceAuthClient provides (tests prove it).
  const dns = new DNS({ projectId: project, authClient: authClient as unknown as DnsAuthClient });
  // The constructor always builds https://<apiEndpoint>/dns/v1; the field is the override.
  if (options.baseUrl) dns.baseUrl = options.baseUrl.replace(/\/+$/, '');
  // The timeout goes here too because DNSOptions does not type it.
  const timeout = options.timeoutMs ?? 30_000;
  dns.interceptors.push({ request: (opts) => Object.assign(opts, { maxRetries: 0, timeout }) as DnsRequest });
  return dns;
}

function context(action: string, project: string, zone: string): ErrorContext {
  return { action, project, resource: `projects/${project}/managedZones/${zone}` };
}

function adopt(body: ManagedZoneBody, dnsName: string, ctx: ErrorContext): ZoneInfo {
  const existing = toFqdn(body.dnsName ?? '');
  if (existing !== dnsName) {
    throw new ConflictError(`Cloud DNS: zone ${ctx.resource} already exists with DNS name ${existing}, but the spec asks for ${dnsName}`, {
      resource: ctx.resource,
      hint: 'choose another zone name in spec.dns.zone, or set spec.dns.domain to the existing DNS name',
    });
  }
  return toZoneInfo(body, ctx.resource.split('/').pop() ?? '');
}

function toZoneInfo(body: ManagedZoneBody, zone: string): ZoneInfo {
  return { name: body.name ?? zone, dnsName: toFqdn(body.dnsName ?? ''), nameServers: [...(body.nameServers ?? [])], labels: { ...body.labels } };
}

/** Lower-case, fully qualified (trailing dot), as Cloud DNS stores names. */
export function toFqdn(domain: string): string {
  const lower = domain.trim().toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/**
 * A stable idempotency key, so a retried create sends the same one. Hashed so the key has a
 * fixed length and format whatever the names are: Cloud DNS operation IDs are 1-63 characters
 * of lowercase letters, digits and dashes, starting with a letter (`kfed-` + a UUID-shaped hash).
 */
export function clientOperationId(project: string, zone: string, dnsName: string, requestId = ''): string {
  const hex = createHash('sha256').update([project, zone, dnsName, requestId].join('\0')).digest('hex');
  return `kfed-${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
