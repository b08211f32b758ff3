/**
 * Turns a {@link ClusterTarget} (plain, credential-free workflow data) into an authenticated
 * client-node `KubeConfig` at run time: a bearer token from the {@link AccessTokenSource} for GKE
 * clusters, the worker's kubeconfig file for the others.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { InvalidSpecError, ProviderError, TransientError } from '../errors.js';
import type { AccessTokenSource } from '../gcp/types.js';
import type { ClusterTarget } from '../types.js';
import { BoundedKubeConfig, defaultRequestTimeoutMs } from './bounded-kube-config.js';
import { endpointOf } from './client.js';
import type { KubeConnector } from './types.js';

/** An API server reached with a bearer token only. */
export interface TokenAccess {
  /** Used as the cluster, user and context name inside the KubeConfig. */
  readonly name: string;
  readonly endpoint: string;
  /** Base64 PEM CA; without it the system CAs apply. */
  readonly caData?: string;
  /** Skip TLS verification (KubeFed's `disabledTLSValidations: ['*']`). */
  readonly insecure?: boolean;
  readonly token: string;
  readonly timeoutMs: number;
}

/** A KubeConfig that authenticates with a bearer token and nothing else. */
export function tokenKubeConfig(access: TokenAccess): BoundedKubeConfig {
  const kc = new BoundedKubeConfig(access.timeoutMs);
  kc.loadFromOptions({
    clusters: [{ name: access.name, server: access.endpoint, caData: access.caData, skipTLSVerify: access.insecure ?? false }],
    users: [{ name: access.name, token: access.token }],
    contexts: [{ name: access.name, cluster: access.name, user: access.name }],
    currentContext: access.name,
  });
  return kc;
}

/** How a KubeFed controller reaches a cluster: endpoint and CA, as kubefedctl takes them from the kubeconfig. */
export interface ApiAccess {
  readonly apiEndpoint: string;
  /** Base64 PEM CA, when the kubeconfig names one. */
  readonly caBundle?: string;
  /** The kubeconfig skips TLS verification. */
  readonly insecure: boolean;
}

/** The current cluster's endpoint and CA. */
export function apiAccessOf(kc: KubeConfig): ApiAccess {
  const cluster = kc.getCurrentCluster();
  const apiEndpoint = endpointOf(kc);
  let caBundle = cluster?.caData;
  if (!caBundle && cluster?.caFile) caBundle = readFileSync(cluster.caFile).toString('base64');
  return { apiEndpoint, caBundle, insecure: cluster?.skipTLSVerify ?? false };
}

/**
 * `~` or `~/…` → the worker's home directory (as a shell would expand it): spec files name
 * `~/.kube/config`, and no shell runs between the spec and the worker. Other paths are returned
 * as they are (`~user/` is not supported: the worker reads its own files only).
 */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/** What the worker gives its {@link KubeTargetConnector}. */
export interface KubeTargetConnectorOptions {
  /** Where bearer tokens for `gke` targets come from; connecting to one without it is an error. */
  readonly tokens?: AccessTokenSource;
  /** Deadline of each request made with the returned KubeConfig. @default 15 s */
  readonly requestTimeoutMs?: number;
}

/** The worker's {@link KubeConnector}. The returned KubeConfigs hold credentials: never log or return them. */
export class KubeTargetConnector implements KubeConnector {
  private readonly timeoutMs: number;

  constructor(private readonly options: KubeTargetConnectorOptions = {}) {
    this.timeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  }

  async connect(target: ClusterTarget): Promise<KubeConfig> {
    return target.kind === 'gke' ? this.connectGke(target) : this.connectKubeconfig(target);
  }

  private async connectGke(target: Extract<ClusterTarget, { kind: 'gke' }>): Promise<KubeConfig> {
    // GKE reports bare IPs; the API server always speaks HTTPS.
    const endpoint = /^https?:\/\//.test(target.endpoint) ? target.endpoint : `https://${target.endpoint}`;
    if (!this.options.tokens) {
      throw new InvalidSpecError(`cannot connect to GKE cluster ${target.name}: the worker has no access token source`, { resource: endpoint });
    }
    let token: string;
    try {
      token = await this.options.tokens.getAccessToken();
    } catch (err) {
      if (err instanceof ProviderError) throw err;
      throw new TransientError(`cannot get an access token for cluster ${target.name} (${endpoint})`, { resource: endpoint, cause: err });
    }
    return tokenKubeConfig({ name: target.name, endpoint, caData: target.caCertificate, token, timeoutMs: this.timeoutMs });
  }

  private connectKubeconfig(target: Extract<ClusterTarget, { kind: 'kubeconfig' }>): KubeConfig {
    const fromEnv = process.env.KUBECONFIG?.split(delimiter).filter((f) => f.length > 0) ?? [];
    const named = target.kubeconfig ? [target.kubeconfig] : fromEnv.length ? fromEnv : [join(homedir(), '.kube', 'config')];
    const files = named.map(expandHome);
    const kc = new BoundedKubeConfig(this.timeoutMs);
    for (const [i, file] of files.entries()) {
      const part = i === 0 ? kc : new KubeConfig();
      try {
        part.loadFromFile(file);
        // Several files (KUBECONFIG=a:b) merge as in client-node's loadFromDefault; the first names the current context.
        if (part !== kc) kc.mergeConfig(part, true);
      } catch (err) {
        // NOTE: no cause and no parser message: YAML errors quote the file, which holds credentials.
        const problem = (err as { code?: unknown }).code === 'ENOENT' ? 'no such file' : 'not a valid kubeconfig';
        throw new InvalidSpecError(`cannot read kubeconfig ${file} for cluster ${target.name}: ${problem}`, {
          resource: file,
          hint: "set the cluster's kubeconfig path, or KUBECONFIG on the worker",
        });
      }
    }
    if (!kc.getContextObject(target.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new InvalidSpecError(`kubeconfig ${files.join(delimiter)} has no context "${target.context}" for cluster ${target.name}`, {
        resource: files.join(delimiter),
        hint: known.length ? `contexts there: ${known.join(', ')}` : 'the file defines no contexts',
      });
    }
    kc.setCurrentContext(target.context);
    if (!kc.getCurrentCluster()?.server) {
      throw new InvalidSpecError(`kubeconfig context "${target.context}" names no cluster with a server`, { resource: files.join(delimiter) });
    }
    return kc;
  }
}
