import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerMatches } from './auth.js';
import { EmulatorError } from './codes.js';
import type { ChangeBody, CreateZoneBody, DnsZones } from './dns-zones.js';
import type { CallGate, CallNote } from './gate.js';
import { readJson, sendEmpty, sendError, sendJson } from './http-util.js';

/** Prefix of the Cloud DNS v1 REST API, as the client library builds it. */
export const dnsBasePath = '/dns/v1';

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** API method name, as in the call log and fault rules. */
  readonly name: string;
  /** Answers with [HTTP status, body]; status 204 sends no body. */
  readonly handle: (ctx: RouteContext, note: CallNote) => Promise<[number, unknown]> | [number, unknown];
}

interface RouteContext {
  readonly project: string;
  readonly zone: string;
  readonly url: URL;
  /** The parsed JSON body of a POST (read before the gate, so the log can name the zone). */
  readonly body: unknown;
}

const zones = String.raw`^/dns/v1/projects/([^/]+)/managedZones`;

/**
 * Cloud DNS v1 over node:http: managedZones create/get/list/delete, changes.create and
 * resourceRecordSets.list, with `clientOperationId` idempotency on the mutating calls.
 */
export class DnsHttpApi {
  private readonly routes: readonly Route[];

  constructor(
    private readonly zonesModel: DnsZones,
    private readonly gate: CallGate,
    private readonly token: string,
  ) {
    this.routes = [
      { method: 'POST', pattern: new RegExp(`${zones}$`), name: 'managedZones.create', handle: (c, n) => this.createZone(c, n) },
      { method: 'GET', pattern: new RegExp(`${zones}$`), name: 'managedZones.list', handle: (c) => this.listZones(c) },
      { method: 'GET', pattern: new RegExp(`${zones}/([^/]+)$`), name: 'managedZones.get', handle: (c) => [200, this.zonesModel.get(c.project, c.zone)] },
      {
        method: 'DELETE',
        pattern: new RegExp(`${zones}/([^/]+)$`),
        name: 'managedZones.delete',
        handle: (c, note) => {
          this.zonesModel.delete(c.project, c.zone);
          note.httpStatus = 204;
          return [204, undefined];
        },
      },
      { method: 'POST', pattern: new RegExp(`${zones}/([^/]+)/changes$`), name: 'changes.create', handle: (c, n) => this.createChange(c, n) },
      {
        method: 'GET',
        pattern: new RegExp(`${zones}/([^/]+)/rrsets$`),
        name: 'resourceRecordSets.list',
        handle: (c) => {
          const q = c.url.searchParams;
          const maxResults = q.get('maxResults');
          const page = this.zonesModel.rrsets(c.project, c.zone, {
            name: q.get('name') ?? undefined,
            type: q.get('type') ?? undefined,
            pageToken: q.get('pageToken') ?? undefined,
            ...(maxResults ? { maxResults: Number(maxResults) } : {}),
          });
          return [200, { kind: 'dns#resourceRecordSetsListResponse', ...page }];
        },
      },
    ];
  }

  /** Serves the request when it is a Cloud DNS path; returns false otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!url.pathname.startsWith(`${dnsBasePath}/`)) return false;
    const found = this.match(req.method ?? '', url.pathname);
    if (!found) {
      sendError(res, new EmulatorError('NOT_FOUND', `Not Found: ${req.method ?? ''} ${url.pathname}`));
      return true;
    }
    const [route, groups] = found;
    const project = decodeURIComponent(groups[1] ?? '');
    const zone = decodeURIComponent(groups[2] ?? '');
    let body: unknown;
    let bodyError: Error | undefined;
    if (req.method === 'POST') {
      try {
        body = (await readJson(req)) ?? {};
      } catch (err) {
        bodyError = err instanceof Error ? err : new EmulatorError('INVALID_ARGUMENT', String(err));
      }
    }
    // A create names its zone in the body: the log and fault rules see the zone's full name.
    const created = route.name === 'managedZones.create' ? nameIn(body) : '';
    const target = zone || created;
    const resource = target ? `projects/${project}/managedZones/${target}` : `projects/${project}`;
    try {
      const [status, answer] = await this.gate.run(
        { api: 'dns', method: route.name, resource, authorized: bearerMatches(req.headers.authorization, this.token) },
        (note) => {
          if (bodyError !== undefined) throw bodyError;
          return route.handle({ project, zone, url, body }, note);
        },
      );
      if (status === 204) sendEmpty(res, 204);
      else sendJson(res, status, answer);
    } catch (err) {
      sendError(res, err instanceof EmulatorError ? err : new EmulatorError('INTERNAL', String(err)));
    }
    return true;
  }

  private match(method: string, path: string): [Route, readonly (string | undefined)[]] | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (m) return [route, m];
    }
    return undefined;
  }

  private createZone(c: RouteContext, note: CallNote): [number, unknown] {
    const body = c.body as CreateZoneBody;
    const result = this.zonesModel.idempotent(
      c.project,
      c.url.searchParams.get('clientOperationId') ?? undefined,
      fingerprint('create', c.url.pathname, body),
      nameIn(body),
      () => this.zonesModel.create(c.project, body),
      () => (note.replayed = true),
    );
    return [200, result];
  }

  private listZones(c: RouteContext): [number, unknown] {
    const dnsName = c.url.searchParams.get('dnsName') ?? undefined;
    return [200, { kind: 'dns#managedZonesListResponse', managedZones: this.zonesModel.list(c.project, dnsName) }];
  }

  private createChange(c: RouteContext, note: CallNote): [number, unknown] {
    const body = c.body as ChangeBody;
    const result = this.zonesModel.idempotent(
      c.project,
      c.url.searchParams.get('clientOperationId') ?? undefined,
      fingerprint('change', c.url.pathname, body),
      c.zone,
      () => this.zonesModel.change(c.project, c.zone, body),
      () => (note.replayed = true),
    );
    return [200, result];
  }
}

function nameIn(body: unknown): string {
  const name = (typeof body === 'object' && body !== null ? body : {}) as { name?: unknown };
  return typeof name.name === 'string' ? name.name : '';
}

function fingerprint(kind: string, path: string, body: unknown): string {
  return createHash('sha256').update(`${kind}\0${path}\0${JSON.stringify(body)}`).digest('hex');
}
