import type { IncomingMessage, ServerResponse } from 'node:http';
import { z, ZodError } from 'zod';
import { bearerMatches } from './auth.js';
import type { CallLog } from './call-log.js';
import { EmulatorError } from './codes.js';
import type { FaultInjector } from './faults.js';
import type { GkeClusters } from './gke-clusters.js';
import { readJson, sendError, sendJson } from './http-util.js';

/** Prefix of the emulator's own control API (same port as Cloud DNS). */
export const adminBasePath = '/emulator/v1';

/** Body of `PUT /emulator/v1/cluster-health`: which cluster, and DEGRADED (with a message) or RUNNING again. */
export const clusterHealthSchema = z.object({
  project: z.string().min(1),
  location: z.string().min(1),
  name: z.string().min(1),
  status: z.enum(['DEGRADED', 'RUNNING']),
  message: z.string().optional(),
});

export type ClusterHealth = z.infer<typeof clusterHealthSchema>;

/**
 * The control API another process (benchmarks, the CLI) uses, with the same bearer token as
 * the cloud APIs:
 * - `GET /emulator/v1/calls` → `{calls: CallLogEntry[]}`; `DELETE` clears the log
 * - `GET /emulator/v1/faults` → the FaultConfig; `PUT` replaces it (400 on an invalid one)
 * - `PUT /emulator/v1/cluster-health` → marks a RUNNING cluster DEGRADED, or back to RUNNING
 *   ({@link ClusterHealth}); answers with the cluster
 * - `POST /emulator/v1/reset` → clears faults and the call log (state stays)
 * - `GET /emulator/v1/info` → endpoints and counts
 */
export class AdminHttpApi {
  constructor(
    private readonly log: CallLog,
    private readonly faults: FaultInjector,
    private readonly token: string,
    private readonly info: () => unknown,
    private readonly clusters: Pick<GkeClusters, 'setHealth'>,
  ) {}

  /** Serves the request when it is an admin path; returns false otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!url.pathname.startsWith(`${adminBasePath}/`)) return false;
    if (!bearerMatches(req.headers.authorization, this.token)) {
      sendError(res, new EmulatorError('UNAUTHENTICATED', 'the emulator admin API needs the emulator access token (Bearer)'));
      return true;
    }
    const route = `${req.method ?? ''} ${url.pathname.slice(adminBasePath.length)}`;
    try {
      switch (route) {
        case 'GET /calls':
          sendJson(res, 200, { calls: this.log.list() });
          break;
        case 'DELETE /calls':
          this.log.clear();
          sendJson(res, 200, {});
          break;
        case 'GET /faults':
          sendJson(res, 200, this.faults.current());
          break;
        case 'PUT /faults':
          this.faults.set((await readJson(req)) as Parameters<FaultInjector['set']>[0]);
          sendJson(res, 200, this.faults.current());
          break;
        case 'PUT /cluster-health': {
          const health = clusterHealthSchema.parse(await readJson(req));
          sendJson(res, 200, this.clusters.setHealth(health.project, health.location, health.name, health.status, health.message));
          break;
        }
        case 'POST /reset':
          this.faults.clear();
          this.log.clear();
          sendJson(res, 200, {});
          break;
        case 'GET /info':
          sendJson(res, 200, this.info());
          break;
        default:
          sendError(res, new EmulatorError('NOT_FOUND', `no admin route ${route}`));
      }
    } catch (err) {
      if (err instanceof ZodError) sendError(res, new EmulatorError('INVALID_ARGUMENT', `invalid ${route === 'PUT /faults' ? 'fault config' : 'request'}: ${err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`));
      else sendError(res, err instanceof EmulatorError ? err : new EmulatorError('INTERNAL', String(err)));
    }
    return true;
  }
}
