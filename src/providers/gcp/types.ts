/**
 * The Google Cloud operations kfed needs, as small interfaces (CAPG style: only what is used).
 * Implementations use the real @google-cloud clients; tests point them at the emulator.
 * Every method maps SDK errors to the typed errors in ../errors.ts.
 */

/** A Cloud DNS managed zone as kfed sees it. */
export interface ZoneInfo {
  readonly name: string;
  /** Fully qualified, with the trailing dot. */
  readonly dnsName: string;
  readonly nameServers: readonly string[];
  /** Resource labels; `managed-by: kfed` marks zones kfed created. */
  readonly labels: Readonly<Record<string, string>>;
}

export interface DnsProvider {
  /**
   * Creates the zone, or adopts an existing zone of that name with the same DNS name.
   * A retried create never makes two zones. Throws ConflictError when a zone of that name has
   * another DNS name. Zones kfed creates carry the label `managed-by: kfed`.
   * `requestId` (e.g. the workflow ID) goes into the create's idempotency key: retries must
   * share it, a deliberate re-creation after a delete should not. `labels` go on a created zone
   * (kfed's ownership labels, see ownership.ts).
   */
  ensureZone(
    project: string,
    zone: string,
    domain: string,
    options?: { readonly requestId?: string; readonly labels?: Readonly<Record<string, string>> },
  ): Promise<ZoneInfo & { readonly created: boolean }>;
  /** The zone, or undefined when it does not exist (read-only; used by plans). */
  getZone(project: string, zone: string): Promise<ZoneInfo | undefined>;
  /**
   * Deletes the records `federation` owns (see record-registry.ts) and the zone. An absent zone
   * is success (`deleted: false, reason: 'absent'`). A zone without the `managed-by: kfed` label
   * is left alone (`reason: 'not-owned'`), like clusters: an adopted zone may hold a user's
   * records. Throws ZoneNotEmptyError, deleting nothing, while records kfed did not write remain,
   * unless `deleteForeignRecords` says to delete them too.
   */
  deleteZone(project: string, zone: string, options?: DeleteZoneOptions): Promise<{ readonly deleted: boolean; readonly reason?: 'absent' | 'not-owned' }>;
  /** Every record set of the zone (all pages); undefined when the zone does not exist. Read-only. */
  listRecordSets(project: string, zone: string): Promise<readonly RecordSet[] | undefined>;
  /**
   * One atomic Cloud DNS change: the deletions (which must match the current record sets
   * exactly) and the additions apply together or not at all. A change that lost a race (a
   * deletion no longer matches, an addition already exists) throws TransientError: read again.
   */
  changeRecordSets(project: string, zone: string, change: RecordChange): Promise<void>;
}

/** How {@link DnsProvider.deleteZone} treats the records in the zone. */
export interface DeleteZoneOptions {
  /** Whose records kfed may delete (the registry's `kfed/federation`). */
  readonly federation?: string;
  /** Delete records kfed did not write too (`kfed down --delete-foreign-records`). @default false */
  readonly deleteForeignRecords?: boolean;
}

/** A Cloud DNS resource record set (`ResourceRecordSet`), as the API stores it. */
export interface RecordSet {
  /** Fully qualified, lower case, with the trailing dot. */
  readonly name: string;
  /** `A`, `AAAA`, `CNAME`, `TXT`, ... */
  readonly type: string;
  readonly ttl: number;
  /** Presentation format: `10.0.0.1`, `target.example.com.`, `"a TXT string"`. */
  readonly rrdatas: readonly string[];
}

/** One Cloud DNS change: record sets to delete (exactly as they are) and to add. */
export interface RecordChange {
  readonly additions: readonly RecordSet[];
  readonly deletions: readonly RecordSet[];
}

/** GKE cluster status values (google.container.v1.Cluster.Status). */
export type GkeClusterStatus = 'STATUS_UNSPECIFIED' | 'PROVISIONING' | 'RUNNING' | 'RECONCILING' | 'STOPPING' | 'ERROR' | 'DEGRADED';

/** What kfed asks GKE to create. */
export interface ClusterRequest {
  readonly name: string;
  /** Region or zone. */
  readonly location: string;
  readonly nodes: number;
  readonly machineType: string;
  /** Resource labels; kfed marks what it creates (`managed-by: kfed`, `kfed-federation: <name>`). */
  readonly labels: Readonly<Record<string, string>>;
}

export interface ClusterInfo {
  readonly name: string;
  readonly location: string;
  readonly status: GkeClusterStatus;
  readonly statusMessage: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Present once the control plane is up. */
  readonly endpoint?: string;
  /** Nodes over all node pools (as created). */
  readonly nodes: number;
  /** The node pools' machine types. */
  readonly machineTypes: readonly string[];
}

export interface GkeProvider {
  /**
   * Creates the cluster, or adopts an existing cluster of that name (ALREADY_EXISTS → adopt,
   * never a second create). Returns the pending operation's name when one was started.
   */
  ensureCluster(project: string, request: ClusterRequest): Promise<{ readonly created: boolean; readonly status: GkeClusterStatus; readonly operation?: string }>;
  /** Every cluster of the project, in all locations (read-only). */
  listClusters(project: string): Promise<ClusterInfo[]>;
  /** The cluster, or undefined when it does not exist (read-only; used by plans and teardown). */
  getCluster(project: string, location: string, name: string): Promise<ClusterInfo | undefined>;
  /**
   * Current status for polling. Throws ResourceFailedError (with GKE's status message) on
   * ERROR/DEGRADED and NotFoundError when the cluster does not exist.
   */
  clusterStatus(project: string, location: string, name: string): Promise<{ readonly status: GkeClusterStatus; readonly message: string }>;
  /**
   * One poll of a long-running operation (`projects/P/locations/L/operations/ID`, as returned
   * by ensureCluster/deleteCluster). `error` carries GKE's message when it finished badly.
   */
  operationStatus(operation: string): Promise<{ readonly done: boolean; readonly status: string; readonly error?: string }>;
  /** API endpoint (`https://host[:port]`) and base64 PEM CA. No credentials. */
  clusterAccess(project: string, location: string, name: string): Promise<{ readonly endpoint: string; readonly caCertificate: string }>;
  /**
   * Starts deleting the cluster (or finds its deletion already running). Never deletes a
   * cluster kfed did not create: one without the `managed-by: kfed` label is left alone
   * (`reason: 'not-owned'`). Absent → `deleted: false, reason: 'absent'`.
   */
  deleteCluster(
    project: string,
    location: string,
    name: string,
  ): Promise<{ readonly deleted: boolean; readonly reason?: 'absent' | 'not-owned'; readonly operation?: string }>;
}

/** Where the bearer token for Google APIs (and GKE clusters' Kubernetes APIs) comes from. */
export interface AccessTokenSource {
  /** A current access token. Called at use time; never stored in workflow data. */
  getAccessToken(): Promise<string>;
}
