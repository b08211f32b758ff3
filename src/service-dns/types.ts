/**
 * The data of the service-DNS sync: what a pass observed in each cluster and what it did to the
 * zone. Plain, secret-free data (it travels through workflow history); workflow-safe.
 */
import type { RecordSet } from '../providers/gcp/types.js';

/** Where a cluster's nodes are, from their topology labels (what kube-dns puts in its CNAMEs). */
export interface ClusterTopology {
  /** `topology.kubernetes.io/region` (or the failure-domain.beta label) of its nodes. */
  readonly region?: string;
  /** Every `topology.kubernetes.io/zone` among its nodes (a regional cluster has several). */
  readonly zones: readonly string[];
}

/** One selected Service in one cluster. */
export interface ServiceObservation {
  readonly namespace: string;
  readonly name: string;
  /** Its load-balancer IP addresses (`status.loadBalancer.ingress[].ip`), IPv4 and IPv6. */
  readonly addresses: readonly string[];
  /** Ready endpoints in its EndpointSlices. */
  readonly readyEndpoints: number;
}

/** What a pass saw in one cluster. */
export interface ClusterObservation {
  readonly cluster: string;
  /** False when its API did not answer; then `services` is empty and `topology` the last known. */
  readonly reachable: boolean;
  readonly error?: string;
  readonly topology: ClusterTopology;
  readonly services: readonly ServiceObservation[];
}

/** Why a cluster's copy of a Service does not serve it. */
export type ShardState = 'healthy' | 'no address' | 'no ready endpoints';

/** A Service across the federation, as `kfed status` shows it. */
export interface ServiceHealth {
  /** `namespace/name`. */
  readonly service: string;
  /** Per cluster that has it. */
  readonly clusters: readonly { readonly cluster: string; readonly state: ShardState; readonly addresses: readonly string[] }[];
  /** Set when the Service gets no records at all, with the reason. */
  readonly skipped?: string;
}

/** One pass of the sync: observe, compute, apply. */
export interface ServiceDnsPass {
  /** Epoch milliseconds at the start of the pass (worker clock). */
  readonly at: number;
  readonly durationMs: number;
  readonly clusters: readonly { readonly cluster: string; readonly reachable: boolean; readonly error?: string; readonly services: number }[];
  /** Topology per cluster as now known (the last known for one that did not answer). */
  readonly topology: Readonly<Record<string, ClusterTopology>>;
  readonly services: readonly ServiceHealth[];
  /** Record sets kfed owns after the pass (address and alias records), the first {@link maxReportedRecords}. */
  readonly records: readonly RecordSet[];
  readonly recordCount: number;
  /** Record sets added and deleted (registry records included), and the Cloud DNS change calls made. */
  readonly additions: number;
  readonly deletions: number;
  readonly changeCalls: number;
  /** Names kfed left alone because they hold someone else's records. */
  readonly conflicts: readonly string[];
  /** Why the pass changed nothing on purpose (the zone is missing, no cluster answered). */
  readonly skipped?: string;
}

/** How many record sets a pass reports back (the rest are counted): keeps history small. */
export const maxReportedRecords = 100;
