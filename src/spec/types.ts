import type { PlaneScope } from '../providers/kube/types.js';

export type { PlaneScope };

/**
 * The validated, normalized federation: every default filled in. This plain object is the
 * input of the workflows, so it must stay JSON-serializable and free of secrets.
 */
export interface FederationSpec {
  /** metadata.name: the federation's name and the host's kube context name. */
  readonly name: string;
  /** GCP project id, or `local` for the offline emulator. */
  readonly project: string;
  readonly dns: { readonly zone: string; readonly domain: string };
  /** Name of the cluster that runs the control plane (one of {@link clusters}). */
  readonly host: string;
  readonly clusters: readonly ClusterSpec[];
  readonly plane: PlaneSpec;
  readonly onFailure: 'keep' | 'teardown';
  /** How often to poll a provisioning cluster, e.g. `15s`. */
  readonly pollInterval: string;
}

export interface ClusterSpec {
  readonly name: string;
  /** kube context name written to kubeconfigs. */
  readonly context: string;
  /** GCP region or zone; for an existing kubeconfig cluster, `''`. */
  readonly location: string;
  readonly nodes: number;
  readonly machineType: string;
  /** Set when kfed adopts this cluster instead of creating it. */
  readonly existing?: ExistingCluster;
}

/** A cluster kfed did not create: it is joined and configured, never deleted. */
export type ExistingCluster =
  | {
      readonly kind: 'kubeconfig';
      readonly context: string;
      readonly kubeconfig?: string;
      /** The spec accepts that the kubeconfig skips TLS verification (set only when true). */
      readonly insecureSkipTLSVerify?: true;
      /** The spec accepts an `http://` server (set only when true). */
      readonly insecureHTTP?: true;
    }
  | { readonly kind: 'gke'; readonly project: string; readonly location: string; readonly name: string };

/** Where a cluster is, for people: its location, or the context it is reached through. */
export function describeLocation(cluster: ClusterSpec): string {
  if (cluster.existing?.kind === 'kubeconfig') return `context ${cluster.existing.context}`;
  return cluster.location;
}

export interface PlaneSpec {
  readonly type: 'kubefed';
  readonly namespace: string;
  /**
   * What the plane federates and what joins grant on members (see the schema). Validation
   * always sets it. NOTE: optional because runs recorded before this field existed carry none in
   * their input; whatever reads it treats a missing scope as `Cluster`, what those runs installed.
   */
  readonly scope?: PlaneScope;
}
