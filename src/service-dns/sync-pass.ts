/**
 * One pass of the service-DNS sync, on the worker: observe every member (in parallel), compute
 * the records (pure), apply them (one Cloud DNS change, none when nothing differs). The whole
 * pass runs inside one activity so the observation, which grows with the number of Services,
 * never enters workflow history: the workflow gets a short report back.
 */
import type { DnsProvider } from '../providers/gcp/types.js';
import type { ClusterTarget } from '../providers/types.js';
import { applyServiceRecords, type ApplyResult } from './apply.js';
import { computeServiceRecords } from './records.js';
import type { SyncCluster } from './sync-model.js';
import { maxReportedRecords, type ClusterObservation, type ClusterTopology, type ServiceDnsPass, type ServiceObservation } from './types.js';

/** What a pass needs from the world. */
export interface SyncPassDeps {
  readonly dns: Pick<DnsProvider, 'listRecordSets' | 'changeRecordSets'>;
  /** Reads one cluster (see providers/kube/services.ts). */
  observe(target: ClusterTarget): Promise<{ readonly topology: ClusterTopology; readonly services: readonly ServiceObservation[] }>;
}

/** Which zone, whose records, which clusters; `topology` is the last known per cluster. */
export interface SyncPassInput {
  readonly federation: string;
  readonly project: string;
  readonly zone: string;
  readonly domain: string;
  readonly clusters: readonly SyncCluster[];
  readonly topology: Readonly<Record<string, ClusterTopology>>;
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 300);
}

async function observeAll(deps: SyncPassDeps, input: SyncPassInput): Promise<ClusterObservation[]> {
  return Promise.all(
    input.clusters.map(async (c): Promise<ClusterObservation> => {
      try {
        const seen = await deps.observe(c.target);
        return { cluster: c.name, reachable: true, ...seen };
      } catch (err) {
        // Unreachable: unhealthy this pass, but its zone keeps its (CNAME) records.
        return { cluster: c.name, reachable: false, error: message(err), topology: input.topology[c.name] ?? { zones: [] }, services: [] };
      }
    }),
  );
}

/**
 * Runs one pass. When no cluster answers at all, the records stay as they are: a worker cut off
 * from every cluster must not take the federation's names down with it.
 */
export async function syncPass(deps: SyncPassDeps, input: SyncPassInput, now: () => number = Date.now): Promise<ServiceDnsPass> {
  const at = now();
  const observed = await observeAll(deps, input);
  const topology = Object.fromEntries(observed.map((o) => [o.cluster, o.topology]));
  const clusters = observed.map((o) => ({ cluster: o.cluster, reachable: o.reachable, ...(o.error ? { error: o.error } : {}), services: o.services.length }));
  const report = (applied: ApplyResult | undefined, services: ServiceDnsPass['services'], skipped?: string): ServiceDnsPass => ({
    at,
    durationMs: now() - at,
    clusters,
    topology,
    services,
    records: (applied?.records ?? []).slice(0, maxReportedRecords),
    recordCount: applied?.records.length ?? 0,
    additions: applied?.additions ?? 0,
    deletions: applied?.deletions ?? 0,
    changeCalls: applied?.changeCalls ?? 0,
    conflicts: (applied?.conflicts ?? []).slice(0, 20).map((c) => `${c.name} ${c.reason}`),
    ...(skipped ? { skipped } : {}),
  });
  if (observed.length > 0 && observed.every((o) => !o.reachable)) return report(undefined, [], 'no cluster answered; the records are kept as they are');
  const computed = computeServiceRecords({ federation: input.federation, domain: input.domain }, observed);
  const applied = await applyServiceRecords(deps.dns, { project: input.project, zone: input.zone, apex: input.domain, federation: input.federation }, computed.services);
  return report(applied, computed.health, applied.zoneMissing ? `zone ${input.zone} does not exist` : undefined);
}
