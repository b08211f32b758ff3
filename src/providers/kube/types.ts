import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterTarget, PlanItem } from '../types.js';

/** Turns a {@link ClusterTarget} into an authenticated client config, fetching credentials now. */
export interface KubeConnector {
  connect(target: ClusterTarget): Promise<KubeConfig>;
}

/**
 * What a KubeFed plane federates (its KubeFedConfig `scope`), and so what a join grants on a
 * member: `Cluster` every namespace, `Namespaced` the plane's own namespace only.
 */
export type PlaneScope = 'Cluster' | 'Namespaced';

/** The scope of a plane or join that names none: what kfed installed before scopes existed. */
export const defaultPlaneScope: PlaneScope = 'Cluster';

/** The scope that is not `scope` (to remove its grants when the scope changes). */
export function otherScope(scope: PlaneScope): PlaneScope {
  return scope === 'Cluster' ? 'Namespaced' : 'Cluster';
}

/** Names used by a join, decided by the workflow (kubefedctl: cluster name = context name). */
export interface JoinNames {
  /** The member's name in the federation (KubeFedCluster name), e.g. `east-coast`. */
  readonly member: string;
  /** The host cluster's name, e.g. `west-coast`; the member's ServiceAccount is `<member>-<host>`. */
  readonly host: string;
  /** Plane namespace on both clusters. @default kube-federation-system */
  readonly namespace: string;
  /** RBAC scope granted on the member. @default {@link defaultPlaneScope} */
  readonly scope?: PlaneScope;
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
   * `skipped`: no way to reach the member was given (a member kfed no longer knows how to reach).
   */
  readonly member: 'removed' | 'unreachable' | 'skipped';
}

/** Where a plane is and what it federates. */
export interface PlaneOptions {
  readonly namespace: string;
  /** @default {@link defaultPlaneScope} */
  readonly scope?: PlaneScope;
}

/** What {@link ControlPlane.init} installed (or found installed). */
export interface PlaneStatus {
  readonly namespace: string;
  /** The scope the plane now runs with. */
  readonly scope: PlaneScope;
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
  /**
   * Installs the plane on the host for its scope (default {@link defaultPlaneScope}) and waits
   * until its CRDs are Established and its controller Available; a plane of the other scope is
   * switched over (its grants removed, its controller restarted).
   */
  init(host: ClusterTarget, options: PlaneOptions & { readonly timeoutMs?: number }): Promise<PlaneStatus>;
  join(host: ClusterTarget, member: ClusterTarget, names: JoinNames): Promise<JoinResult>;
  /** Uses only the joined token and CA to reach the member: /readyz, who the token is, and a namespace list. */
  verifyJoin(host: ClusterTarget, names: JoinNames): Promise<VerifyResult>;
  /**
   * Removes exactly what join created, in both clusters; missing objects are fine. The host side
   * goes first and always; an unreachable member is reported, not thrown.
   */
  unjoin(host: ClusterTarget, member: ClusterTarget | undefined, names: JoinNames): Promise<UnjoinResult>;
  /**
   * Read-only: what {@link ControlPlane.init} would do on the host. KubeFed gives one item,
   * `plane on <host>` (`create`, `unchanged`, or `update` naming what differs); a list leaves
   * room for planes that report per component.
   */
  planInit(host: ClusterTarget, options: PlaneOptions): Promise<PlanItem[]>;
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
  /** Read-only: the members the host holds joins of for `federation` (by kfed's join labels). */
  joined(host: ClusterTarget, options: { readonly namespace: string; readonly federation: string }): Promise<JoinedMember[]>;
  /** Read-only: every member's health as the plane reports it. */
  health(host: ClusterTarget, options: { readonly namespace: string }): Promise<MemberHealth[]>;
  /** Read-only: one member's health; NotFoundError when it is not joined. */
  memberHealth(host: ClusterTarget, names: JoinNames): Promise<MemberHealth>;
  /**
   * Proves the plane propagates: places a canary on every member (Cluster scope: a federated
   * namespace holding a ConfigMap; Namespaced scope: a federated ConfigMap in the plane
   * namespace), waits until each member has it, removes it and waits until it is gone. Refuses
   * (ConflictError) when a member already has an object of the canary's name (its namespace, or
   * its ConfigMap in the plane namespace) that neither kfed nor KubeFed made.
   */
  canary(host: ClusterTarget, members: readonly CanaryMember[], options?: Partial<PlaneOptions> & { readonly timeoutMs?: number }): Promise<CanaryResult>;
  /** Read-only: the generations of a joined member's tokens (0 is the join's first). */
  memberTokens(member: ClusterTarget, names: JoinNames): Promise<MemberTokens>;
  /**
   * Mints the member's token of `generation` beside the current one and moves the host to it:
   * its Secret, then the KubeFedCluster (whose annotation makes KubeFed rebuild its clients).
   * The old token stays valid. NotFoundError when the member is not joined.
   */
  rotateToken(host: ClusterTarget, member: ClusterTarget, names: JoinNames, generation: number): Promise<RotatedToken>;
  /**
   * Deletes the member's tokens of every generation but `keep`, which revokes them, and waits
   * until the member's API server refuses them; refuses (ConflictError) unless the host holds
   * the token of `keep`.
   */
  revokeTokens(host: ClusterTarget, member: ClusterTarget, names: JoinNames, keep: number): Promise<RevokedTokens>;
  /**
   * Before the plane goes from a host that stays: removes every federated object on the host
   * while the controller still runs, so no KubeFed finalizer is left behind (and no namespace
   * stuck Terminating). The member copies of users' objects are kept (KubeFed's orphan
   * annotation); kfed's own canary goes with its copies.
   */
  releaseFederatedObjects(host: ClusterTarget, options: { readonly namespace: string; readonly timeoutMs?: number }): Promise<ReleaseResult>;
}

/** A member's health as KubeFed itself reports it (its KubeFedCluster's status), like `kubectl get kubefedclusters`. */
export interface MemberHealth {
  /** KubeFedCluster name. */
  readonly member: string;
  /** KubeFed's Ready condition; `Unknown` until KubeFed has probed the cluster. */
  readonly ready: 'True' | 'False' | 'Unknown';
  /** KubeFed's Offline condition is True: the cluster did not answer its health check. */
  readonly offline: boolean;
  /** Reason and message of the condition that explains the state (Offline, else Ready). */
  readonly reason?: string;
  readonly message?: string;
  readonly kubernetesVersion?: string;
  /** When KubeFed last probed the cluster (RFC 3339). */
  readonly lastProbe?: string;
  readonly region?: string;
  readonly zones?: readonly string[];
}

/** A member a host holds a join of (its KubeFedCluster): public facts only. */
export interface JoinedMember {
  readonly member: string;
  readonly apiEndpoint: string;
  /** Base64 PEM CA the plane trusts for it. */
  readonly caBundle?: string;
}

/** What a canary round trip proved: every member received the canary, and lost it again. */
export interface CanaryResult {
  readonly members: readonly string[];
  /** From creating the canary on the host to seeing it on the last member. */
  readonly propagatedMs: number;
  /** From deleting it on the host to its removal from the last member. */
  readonly removedMs: number;
}

/** A member as the canary check reads it: its KubeFedCluster name and how kfed reaches it. */
export interface CanaryMember {
  readonly member: string;
  readonly target: ClusterTarget;
}

/** A joined member's tokens, by generation (oldest first): numbers only, never a token. */
export interface MemberTokens {
  readonly generations: readonly number[];
}

/** What {@link ControlPlane.rotateToken} did: references only. */
export interface RotatedToken {
  readonly generation: number;
  /** The member's token Secret of that generation. */
  readonly secret: string;
  readonly changed: boolean;
}

/** What {@link ControlPlane.revokeTokens} did. */
export interface RevokedTokens {
  /** The member's token Secrets deleted, by name. */
  readonly revoked: readonly string[];
  /** From deleting them until the member's API server refused each of their tokens (401). */
  readonly rejectedAfterMs: number;
}

/** What {@link ControlPlane.releaseFederatedObjects} did. */
export interface ReleaseResult {
  /** Federated objects removed from the host, their member copies kept (KubeFed's orphan annotation). */
  readonly orphaned: number;
  /** kfed's own federated objects (the canary) removed with their member copies. */
  readonly removed: number;
  /** Objects KubeFed did not release in time (no controller running), whose finalizer kfed removed. */
  readonly forced: number;
  /** Set when the plane in the namespace is not kfed's: nothing was touched. */
  readonly notKfedsPlane?: true;
}
