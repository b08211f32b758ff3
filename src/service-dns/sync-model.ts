/**
 * The service-DNS sync as its clients and its workflow see it: what it is started with, what it
 * answers when asked, and how often it runs. Plain data and pure functions; workflow-safe.
 */
import type { ClusterTarget } from '../providers/types.js';
import type { FederationSpec } from '../spec/types.js';
import type { ClusterTopology, ServiceDnsPass } from './types.js';

/** A member cluster, and how the sync's activities reach it (no credential: the worker adds it). */
export interface SyncCluster {
  readonly name: string;
  readonly target: ClusterTarget;
}

/** What the sync watches, and how often. */
export interface ServiceDnsUpdate {
  readonly clusters: readonly SyncCluster[];
  readonly intervalSeconds: number;
}

/** The sync's input (also what it continues as new with). */
export interface ServiceDnsInput extends ServiceDnsUpdate {
  readonly federation: string;
  readonly project: string;
  /** Cloud DNS zone name. */
  readonly zone: string;
  /** The zone's domain, fully qualified. */
  readonly domain: string;
  /** Carried over continue-as-new: the totals and the last pass. */
  readonly carried?: ServiceDnsCarried;
}

/** What one run of the sync hands to the next. */
export interface ServiceDnsCarried {
  readonly passes: number;
  readonly startedAt: number;
  readonly topology: Readonly<Record<string, ClusterTopology>>;
  readonly lastPass?: ServiceDnsPass;
  readonly lastChangeAt?: number;
}

/** What `kfed status` and the Temporal UI show of the sync. */
export interface ServiceDnsStatus {
  readonly federation: string;
  phase: 'Syncing' | 'Stopping' | 'Stopped';
  intervalSeconds: number;
  clusters: readonly string[];
  /** Passes since the sync started (over every continue-as-new). */
  passes: number;
  readonly startedAt: number;
  lastPass?: ServiceDnsPass;
  /** When a pass last changed the zone (epoch ms). */
  lastChangeAt?: number;
  /** The last pass that failed, until one succeeds again. */
  lastError?: { readonly at: number; readonly message: string };
}

/** What the sync returns when it is stopped. */
export interface ServiceDnsSummary {
  readonly federation: string;
  readonly passes: number;
  /** Record sets it removed on the way out (registry records included). */
  readonly removed: number;
}

/**
 * Seconds between passes: 10 s against Google Cloud (a pass costs one Cloud DNS read, far
 * inside its read quota, and failover then takes at most the interval plus the records' TTL),
 * 2 s for project `local` (the emulator), as its GKE polling is faster too.
 */
export function serviceDnsInterval(project: string): number {
  return project === 'local' ? 2 : 10;
}

/** The sync's input for a federation whose clusters are reachable as `targets`. */
export function serviceDnsInput(spec: FederationSpec, targets: readonly SyncCluster[]): ServiceDnsInput {
  const domain = spec.dns.domain.toLowerCase();
  return {
    federation: spec.name,
    project: spec.project,
    zone: spec.dns.zone,
    domain: domain.endsWith('.') ? domain : `${domain}.`,
    clusters: targets,
    intervalSeconds: serviceDnsInterval(spec.project),
  };
}
