import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterTarget } from '../types.js';

/** Turns a {@link ClusterTarget} into an authenticated client config, fetching credentials now. */
export interface KubeConnector {
  connect(target: ClusterTarget): Promise<KubeConfig>;
}

/** Names used by a join, decided by the workflow (kubefedctl: cluster name = context name). */
export interface JoinNames {
  /** The member's name in the federation (KubeFedCluster name), e.g. `east-coast`. */
  readonly member: string;
  /** The host cluster's name, e.g. `west-coast`; the member's ServiceAccount is `<member>-<host>`. */
  readonly host: string;
  /** Plane namespace on both clusters. @default kube-federation-system */
  readonly namespace: string;
  /** RBAC scope granted on the member. @default 'Cluster' */
  readonly scope?: 'Cluster' | 'Namespaced';
}

/** What a join created or found; no token, only references. */
export interface JoinResult {
  readonly kubeFedCluster: string;
  readonly secret: string;
  readonly serviceAccount: string;
  readonly apiEndpoint: string;
  /** Whether anything was created or changed (false on an idempotent re-run). */
  readonly changed: boolean;
}

export interface PlaneStatus {
  readonly namespace: string;
  readonly crds: readonly string[];
  readonly deployment: string;
  readonly image: string;
  readonly changed: boolean;
}

/**
 * A federation control plane. KubeFed is the first; the interface leaves room for Karmada.
 * Every method is idempotent and safe to re-run after a crash at any point.
 */
export interface ControlPlane {
  /** Installs the plane on the host and waits until its CRDs are Established and its controller Available. */
  init(host: ClusterTarget, options: { readonly namespace: string; readonly timeoutMs?: number }): Promise<PlaneStatus>;
  join(host: ClusterTarget, member: ClusterTarget, names: JoinNames): Promise<JoinResult>;
  /** Uses only the joined token and CA to reach the member: /readyz and a namespace list. */
  verifyJoin(host: ClusterTarget, names: JoinNames): Promise<{ readonly ready: boolean; readonly namespaces: number }>;
  /** Removes exactly what join created, in both clusters; missing objects are fine. */
  unjoin(host: ClusterTarget, member: ClusterTarget, names: JoinNames): Promise<void>;
}
