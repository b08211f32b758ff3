/**
 * Load-balancer addresses of the emulated clusters, as GKE's cloud controller hands out external
 * IPs: one pool per cluster, so a client can tell the clusters apart by address, an address per
 * Service (by its UID: a re-created Service is a new one), released when the Service goes.
 * Pure over the state it is given; the caller saves.
 *
 * Pool `k` (1, 2, ...) is IPv4 `10.(200 + k div 256).(k mod 256).1-254` and IPv6
 * `fdaa:6b66:6564:k::1-ffff` (a unique-local prefix: "kfed" in hex).
 */

/** One Service's addresses. */
export interface Allocation {
  /** `namespace/name`, for messages. */
  service: string;
  ipv4?: string;
  ipv6?: string;
}

/** A cluster's pool in the emulator state. */
export interface PoolState {
  index: number;
  /** By Service UID. */
  allocations: Record<string, Allocation>;
}

export type IpFamily = 'IPv4' | 'IPv6';

const maxV4Hosts = 254;
const maxV6Hosts = 0xffff;

/** The pool of cluster `key`, created with the smallest index no other pool uses. */
export function poolFor(pools: Record<string, PoolState>, key: string): PoolState {
  const existing = pools[key];
  if (existing) return existing;
  const used = new Set(Object.values(pools).map((p) => p.index));
  let index = 1;
  while (used.has(index)) index++;
  const pool: PoolState = { index, allocations: {} };
  pools[key] = pool;
  return pool;
}

export function ipv4Address(index: number, host: number): string {
  return `10.${200 + Math.floor(index / 256)}.${index % 256}.${host}`;
}

export function ipv6Address(index: number, host: number): string {
  return `fdaa:6b66:6564:${index.toString(16)}::${host.toString(16)}`;
}

function firstFree(taken: ReadonlySet<string>, make: (host: number) => string, max: number): string {
  for (let host = 1; host <= max; host++) {
    const address = make(host);
    if (!taken.has(address)) return address;
  }
  throw new Error(`load-balancer address pool exhausted (${max} addresses)`);
}

/**
 * The Service's addresses for the families it asks for (`spec.ipFamilies`, IPv4 when it names
 * none): kept when it has them, new ones otherwise. Returns the allocation and whether it changed.
 */
export function allocate(pool: PoolState, uid: string, service: string, families: readonly IpFamily[]): { allocation: Allocation; changed: boolean } {
  const current = pool.allocations[uid] ?? { service };
  const wants = new Set(families.length > 0 ? families : ['IPv4']);
  const others = Object.entries(pool.allocations).filter(([u]) => u !== uid).map(([, a]) => a);
  const next: Allocation = { service };
  if (wants.has('IPv4')) next.ipv4 = current.ipv4 ?? firstFree(new Set(others.flatMap((a) => a.ipv4 ?? [])), (h) => ipv4Address(pool.index, h), maxV4Hosts);
  if (wants.has('IPv6')) next.ipv6 = current.ipv6 ?? firstFree(new Set(others.flatMap((a) => a.ipv6 ?? [])), (h) => ipv6Address(pool.index, h), maxV6Hosts);
  const changed = next.ipv4 !== current.ipv4 || next.ipv6 !== current.ipv6 || !(uid in pool.allocations);
  pool.allocations[uid] = next;
  return { allocation: next, changed };
}

/** Releases the Service's addresses; false when it held none. */
export function release(pool: PoolState, uid: string): boolean {
  if (!(uid in pool.allocations)) return false;
  pool.allocations = Object.fromEntries(Object.entries(pool.allocations).filter(([u]) => u !== uid));
  return true;
}

/** The addresses in `status.loadBalancer.ingress` order: the primary family first, as GKE lists them. */
export function ingressOf(allocation: Allocation, families: readonly IpFamily[]): string[] {
  const order: IpFamily[] = families.length > 0 ? [...families] : ['IPv4'];
  return order.flatMap((f) => (f === 'IPv4' ? (allocation.ipv4 ?? []) : (allocation.ipv6 ?? [])));
}
