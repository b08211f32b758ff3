/**
 * The emulator profiles of the benchmarks and the fault suite: fixed call latencies shared by
 * all, plus how long a GKE create and delete take, so runs compare across groups and suites.
 */

/** Fixed emulator latencies (ms per call) of every benchmark and fault run. */
export const apiLatencyMs: Readonly<Record<string, number>> = {
  CreateCluster: 400,
  GetCluster: 100,
  GetOperation: 100,
  DeleteCluster: 300,
  ListClusters: 100,
  ListOperations: 100,
  'managedZones.create': 300,
  'managedZones.get': 100,
  'managedZones.list': 100,
  'managedZones.delete': 200,
  'changes.create': 200,
  'resourceRecordSets.list': 100,
};

/** An emulator profile: how long a GKE create/delete takes, on top of the fixed call latencies. */
export interface Profile {
  readonly name: string;
  readonly provisioningDelayMs: number;
  readonly deletionDelayMs: number;
}

/**
 * `gke`: GKE creates compressed from 3–15 min to 60 s, so the overlap of parallel creates shows
 * as it would; the machine-wide serialized kwok cluster creation (~6 s each) stays under it up to
 * ~8 clusters. `fast`: crash, fault and scale runs, where provisioning time does not matter (kwok
 * cluster creation usually dominates). `quick`: the reduced runs inside npm test.
 */
export const profiles = {
  gke: { name: 'gke', provisioningDelayMs: 60_000, deletionDelayMs: 1000 },
  fast: { name: 'fast', provisioningDelayMs: 3000, deletionDelayMs: 500 },
  quick: { name: 'quick', provisioningDelayMs: 1500, deletionDelayMs: 300 },
} as const satisfies Record<string, Profile>;

/** The call latencies as one line, for the READMEs and logs. */
export function describeLatencies(): string {
  return Object.entries(apiLatencyMs)
    .map(([m, ms]) => `${m} ${ms}`)
    .join(', ');
}

export function describeProfile(p: Profile): string {
  return `profile ${p.name}: provisioning ${p.provisioningDelayMs / 1000} s, deletion ${p.deletionDelayMs / 1000} s, call latencies (ms) ${describeLatencies()}`;
}
