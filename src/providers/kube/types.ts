import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterTarget, PlanItem } from '../types.js';

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

/** What {@link ControlPlane.verifyJoin} proved. */
export interface VerifyResult {
  /** The member's `/readyz` answered `ok`. */
  readonly ready: boolean;
  /** Namespaces the joined token can list (`Namespaced` scope: 1, the plane namespace). */
  readonly namespaces: number;
  /** Who the joined token is, e.g. `system:serviceaccount:kube-federation-system:east-west`. */
  readonly user: string;
}

/** What {@link ControlPlane.unjoin} did. */
export interface UnjoinResult {
  /** Whether anything was deleted (false when nothing of the join was left). */
  readonly changed: boolean;
  /**
   * `removed`: the member side is gone too. `unreachable`: the member's API server could not be
   * reached (e.g. the cluster was deleted); the host side is clean, the member side was not touched.
   */
  readonly member: 'removed' | 'unreachable';
}

/** What {@link ControlPlane.init} installed (or found installed). */
export interface PlaneStatus {
  readonly namespace: string;
  readonly crds: readonly string[];
  readonly deployment: string;
  readonly image: string;
  readonly changed: boolean;
}

/** What {@link ControlPlane.uninstall} did. */
export interface UninstallResult {
  /** Whether anything was deleted (false when nothing of kfed's plane was left). */
  readonly changed: boolean;
  /**
   * `removed`: kfed's KubeFed CRDs are gone (or were never there). `kept`: another plane on the
   * cluster still has KubeFedClusters or a KubeFedConfig, and the CRDs are shared by all planes.
   * CRDs kfed did not label are never touched either way.
   */
  readonly crds: 'removed' | 'kept';
}

/**
 * A federation control plane. KubeFed is the first; the interface leaves room for Karmada.
 * Every method is idempotent and safe to re-run after a crash at any point.
 */
export interface ControlPlane {
  /** Installs the plane on the host and waits until its CRDs are Established and its controller Available. */
  init(host: ClusterTarget, options: { readonly namespace: string; readonly timeoutMs?: number }): Promise<PlaneStatus>;
  join(host: ClusterTarget, member: ClusterTarget, names: JoinNames): Promise<JoinResult>;
  /** Uses only the joined token and CA to reach the member: /readyz, who the token is, and a namespace list. */
  verifyJoin(host: ClusterTarget, names: JoinNames): Promise<VerifyResult>;
  /**
   * Removes exactly what join created, in both clusters; missing objects are fine. The host side
   * goes first and always; an unreachable member is reported, not thrown.
   */
  unjoin(host: ClusterTarget, member: ClusterTarget, names: JoinNames): Promise<UnjoinResult>;
  /**
   * Read-only: what {@link ControlPlane.init} would do on the host. KubeFed gives one item,
   * `plane on <host>` (`create`, `unchanged`, or `update` naming what differs); a list leaves
   * room for planes that report per component.
   */
  planInit(host: ClusterTarget, options: { readonly namespace: string }): Promise<PlanItem[]>;
  /**
   * Read-only: what {@link ControlPlane.join} would do, as one item `join <member>` (`create`,
   * `unchanged`, `update` for a partial join, `conflict` when the name is taken by another endpoint).
   */
  planJoin(host: ClusterTarget, member: ClusterTarget, names: JoinNames): Promise<PlanItem>;
  /**
   * Removes what init installed, for a host that must survive the federation; refuses
   * (ConflictError) while members are joined. Missing objects are fine.
   */
  uninstall(host: ClusterTarget, options: { readonly namespace: string }): Promise<UninstallResult>;
}
