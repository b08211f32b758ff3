/**
 * KubeFed v2 (v0.10.0) as kfed's {@link ControlPlane}: install on the host (Cluster or
 * Namespaced scope), join/unjoin as kubefedctl does, verify joins with the plane's own
 * credentials, and rotate those credentials.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterTarget, PlanItem } from '../types.js';
import { KubeClient } from './client.js';
import { apiAccessOf } from './connector.js';
import { InvalidSpecError } from '../errors.js';
import { UnreachableError } from './errors.js';
import { checkHost, prepareMember, registerOnHost, type TokenWaitOptions } from './join/join.js';
import { revokeTokens, rotateToken, tokenGenerations } from './join/rotate.js';
import { joinedMembers } from './join/joined.js';
import { planJoin } from './join/plan.js';
import { planeNamespaceUid, removeFromHost, removeFromMember } from './join/unjoin.js';
import { verifyJoin } from './join/verify.js';
import { hostSecretName, serviceAccountName, validateJoinNames } from './names.js';
import { initPlane } from './plane/init.js';
import { planInit } from './plane/plan.js';
import { runCanary } from './plane/canary.js';
import { releaseFederatedObjects } from './plane/federated-objects.js';
import { memberHealth, planeHealth } from './plane/health.js';
import { uninstallPlane } from './plane/uninstall.js';
import {
  defaultPlaneScope,
  type CanaryMember,
  type CanaryResult,
  type ControlPlane,
  type JoinedMember,
  type JoinNames,
  type JoinResult,
  type MemberTokens,
  type PlaneOptions,
  type KubeConnector,
  type MemberHealth,
  type PlaneStatus,
  type ReleaseResult,
  type RevokedTokens,
  type RotatedToken,
  type UninstallResult,
  type UnjoinResult,
  type VerifyResult,
} from './types.js';

/** Dependencies and timings of a {@link KubeFedPlane}. */
export interface KubeFedPlaneOptions {
  readonly connector: KubeConnector;
  /** Deadline of each API request. @default 15 s */
  readonly requestTimeoutMs?: number;
  /** Default of `init`'s `timeoutMs`. @default 180 s */
  readonly initTimeoutMs?: number;
  /** How long the member's token controller may take to fill the token Secret. @default 30 s */
  readonly tokenTimeoutMs?: number;
  /** Interval of readiness and token polls. @default 500 ms */
  readonly pollIntervalMs?: number;
  /**
   * How long a member's API server may go on accepting a revoked token (kube-apiserver caches a
   * successful token authentication for 10 s). @default 60 s
   */
  readonly revocationTimeoutMs?: number;
  /** How long KubeFed may take to propagate (and remove) the canary, or to release federated objects. @default 120 s */
  readonly propagationTimeoutMs?: number;
}

/** The KubeFed control plane. Every method is idempotent and safe to re-run after a crash. */
export class KubeFedPlane implements ControlPlane {
  private readonly pollIntervalMs: number;

  constructor(private readonly options: KubeFedPlaneOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
  }

  private client(kc: KubeConfig): KubeClient {
    return new KubeClient(kc, { timeoutMs: this.options.requestTimeoutMs });
  }

  private async connect(target: ClusterTarget): Promise<{ kc: KubeConfig; client: KubeClient }> {
    const kc = await this.options.connector.connect(target);
    return { kc, client: this.client(kc) };
  }

  async init(host: ClusterTarget, options: PlaneOptions & { readonly timeoutMs?: number }): Promise<PlaneStatus> {
    const { client } = await this.connect(host);
    return initPlane(client, {
      namespace: options.namespace,
      scope: options.scope ?? defaultPlaneScope,
      timeoutMs: options.timeoutMs ?? this.options.initTimeoutMs ?? 180_000,
      pollIntervalMs: this.pollIntervalMs,
    });
  }

  async join(host: ClusterTarget, member: ClusterTarget, names: JoinNames): Promise<JoinResult> {
    validateJoinNames(names);
    const hostSide = await this.connect(host);
    const memberSide = await this.connect(member);
    const endpoint = apiAccessOf(memberSide.kc);
    await checkHost(hostSide.client, names, endpoint.apiEndpoint);
    const credentials = await prepareMember(memberSide.client, endpoint, names, this.tokenWait());
    const hostChanged = await registerOnHost(hostSide.client, names, credentials);
    return {
      kubeFedCluster: names.member,
      secret: hostSecretName(names),
      serviceAccount: serviceAccountName(names),
      apiEndpoint: endpoint.apiEndpoint,
      changed: credentials.changed || hostChanged,
    };
  }

  /** How long and how often to look for a member's token. */
  private tokenWait(): TokenWaitOptions {
    return { timeoutMs: this.options.tokenTimeoutMs ?? 30_000, intervalMs: Math.min(this.pollIntervalMs, 250) };
  }

  async memberTokens(member: ClusterTarget, names: JoinNames): Promise<MemberTokens> {
    validateJoinNames(names);
    const { client } = await this.connect(member);
    return { generations: await tokenGenerations(client, names) };
  }

  /** See {@link rotateToken}: the token goes from the member to the host Secret and nowhere else. */
  async rotateToken(host: ClusterTarget, member: ClusterTarget, names: JoinNames, generation: number): Promise<RotatedToken> {
    validateJoinNames(names);
    const hostSide = await this.connect(host);
    const memberSide = await this.connect(member);
    return rotateToken(hostSide.client, memberSide.client, apiAccessOf(memberSide.kc), names, generation, this.tokenWait());
  }

  async revokeTokens(host: ClusterTarget, member: ClusterTarget, names: JoinNames, keep: number): Promise<RevokedTokens> {
    validateJoinNames(names);
    const hostSide = await this.connect(host);
    const memberSide = await this.connect(member);
    return revokeTokens(hostSide.client, memberSide.client, apiAccessOf(memberSide.kc), names, keep, {
      timeoutMs: this.options.revocationTimeoutMs ?? 60_000,
      intervalMs: this.pollIntervalMs,
    });
  }

  async verifyJoin(host: ClusterTarget, names: JoinNames): Promise<VerifyResult> {
    const { client } = await this.connect(host);
    return verifyJoin(client, names, client.timeoutMs);
  }

  /**
   * Host side first (the plane stops using the member, and the credentials leave the host),
   * then the member side. A member whose API server cannot be reached — typically a cluster
   * deleted before its unjoin — leaves the host clean and is reported as `unreachable`; any other
   * member failure (e.g. permission) is thrown so a retry can finish the job.
   */
  async unjoin(host: ClusterTarget, member: ClusterTarget | undefined, names: JoinNames): Promise<UnjoinResult> {
    validateJoinNames(names);
    const hostSide = await this.connect(host);
    const hostChanged = await removeFromHost(hostSide.client, names);
    if (!member) return { changed: hostChanged, member: 'skipped' };
    const hostUid = await planeNamespaceUid(hostSide.client, names.namespace);
    try {
      const memberSide = await this.connect(member);
      const memberChanged = await removeFromMember(memberSide.client, names, hostUid);
      return { changed: hostChanged || memberChanged, member: 'removed' };
    } catch (err) {
      if (err instanceof UnreachableError) return { changed: hostChanged, member: 'unreachable' };
      throw err;
    }
  }

  /** Read-only (GETs only, so read-only credentials suffice): see {@link planInit}. */
  async planInit(host: ClusterTarget, options: PlaneOptions): Promise<PlanItem[]> {
    const { client } = await this.connect(host);
    return [await planInit(client, host.name, options.namespace, options.scope ?? defaultPlaneScope)];
  }

  /** Read-only: see {@link planJoin}. The member is reached only when the plane is installed. */
  async planJoin(host: ClusterTarget, member: ClusterTarget, names: JoinNames): Promise<PlanItem> {
    validateJoinNames(names);
    const { client } = await this.connect(host);
    return planJoin(
      client,
      async () => {
        const memberSide = await this.connect(member);
        return { access: apiAccessOf(memberSide.kc), client: memberSide.client };
      },
      names,
    );
  }

  /** See {@link uninstallPlane}: only kfed-labelled objects, refused while members are joined. */
  async uninstall(host: ClusterTarget, options: { readonly namespace: string }): Promise<UninstallResult> {
    const { client } = await this.connect(host);
    return uninstallPlane(client, options.namespace, { timeoutMs: this.options.propagationTimeoutMs ?? 120_000, intervalMs: this.pollIntervalMs });
  }

  async joined(host: ClusterTarget, options: { readonly namespace: string; readonly federation: string }): Promise<JoinedMember[]> {
    const { client } = await this.connect(host);
    return joinedMembers(client, options.namespace, options.federation);
  }

  async health(host: ClusterTarget, options: { readonly namespace: string }): Promise<MemberHealth[]> {
    const { client } = await this.connect(host);
    return planeHealth(client, options.namespace);
  }

  async memberHealth(host: ClusterTarget, names: JoinNames): Promise<MemberHealth> {
    validateJoinNames(names);
    const { client } = await this.connect(host);
    return memberHealth(client, names);
  }

  async canary(host: ClusterTarget, members: readonly CanaryMember[], options: Partial<PlaneOptions> & { readonly timeoutMs?: number } = {}): Promise<CanaryResult> {
    const { client } = await this.connect(host);
    const connected = await Promise.all(members.map(async (m) => ({ member: m.member, client: (await this.connect(m.target)).client })));
    const scope = options.scope ?? defaultPlaneScope;
    if (scope === 'Namespaced' && !options.namespace) {
      throw new InvalidSpecError('the canary of a Namespaced plane needs the plane namespace', { resource: `${host.name} canary` });
    }
    return runCanary(client, connected, {
      timeoutMs: options.timeoutMs ?? this.options.propagationTimeoutMs ?? 120_000,
      intervalMs: this.pollIntervalMs,
      plane: { scope, namespace: options.namespace ?? '' },
    });
  }

  async releaseFederatedObjects(host: ClusterTarget, options: { readonly namespace: string; readonly timeoutMs?: number }): Promise<ReleaseResult> {
    const { client } = await this.connect(host);
    return releaseFederatedObjects(client, options.namespace, { timeoutMs: options.timeoutMs ?? this.options.propagationTimeoutMs ?? 120_000, intervalMs: this.pollIntervalMs });
  }
}
