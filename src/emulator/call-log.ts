/** Which emulated API served a call. */
export type EmulatedApi = 'dns' | 'gke';

/**
 * One API call as the emulator saw it. Tests count these (e.g. "exactly one successful
 * CreateCluster"), benchmarks sum `durationMs`.
 */
export interface CallLogEntry {
  /** ISO time the call arrived. */
  readonly time: string;
  readonly api: EmulatedApi;
  /** `CreateCluster`, `GetOperation`, ... for GKE; `managedZones.create`, `changes.create`, ... for Cloud DNS. */
  readonly method: string;
  /** The resource named by the request, e.g. `projects/p/locations/l/clusters/c`. */
  readonly resource: string;
  /** `ok`, or the error code name (`ALREADY_EXISTS`, `UNAVAILABLE`, ...). */
  readonly result: string;
  /** HTTP status for Cloud DNS calls. */
  readonly httpStatus?: number;
  /** Whether the fault injector produced the result. */
  readonly injected?: boolean;
  /**
   * The answer was replayed for a repeated `clientOperationId` (nothing new was made). Count
   * creates as `result === 'ok' && !replayed`.
   */
  readonly replayed?: boolean;
  readonly durationMs: number;
}

/**
 * An in-memory, bounded call log. NOTE: not persisted; a restarted emulator starts a new log
 * (benchmarks read it before stopping the emulator).
 */
export class CallLog {
  private entries: CallLogEntry[] = [];

  constructor(private readonly limit = 100_000) {}

  record(entry: CallLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  list(): readonly CallLogEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
