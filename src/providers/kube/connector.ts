/**
 * Turns a {@link ClusterTarget} (plain, credential-free workflow data) into an authenticated
 * client-node `KubeConfig` at run time: a bearer token from the {@link AccessTokenSource} for GKE
 * clusters, the worker's kubeconfig file for the others (refused when it gives up TLS or its
 * verification and the spec did not accept that: see transport-security.ts).
 */
import { X509Certificate } from 'node:crypto';
import { delimiter, dirname } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { InvalidSpecError, ProviderError, TransientError } from '../errors.js';
import type { AccessTokenSource } from '../gcp/types.js';
import type { ClusterTarget } from '../types.js';
import { BoundedKubeConfig, defaultRequestTimeoutMs } from './bounded-kube-config.js';
import { endpointOf } from './client.js';
import { defaultKubeconfigFiles, expandHome, readBounded, readTrustedKubeconfig, workerKubeconfigTrust, type KubeconfigTrust } from './kubeconfig-files.js';
import { checkTransport } from './transport-security.js';
import type { KubeConnector } from './types.js';

export { expandHome };

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

/**
 * The current cluster's endpoint and CA. A CA file is read bounded and must hold PEM
 * certificates: its content goes into workflow history and the KubeFedCluster, so a file that
 * is anything else is refused without being echoed.
 * @throws InvalidSpecError for an unreadable or non-certificate CA file.
 */
export function apiAccessOf(kc: KubeConfig): ApiAccess {
  const cluster = kc.getCurrentCluster();
  const apiEndpoint = endpointOf(kc);
  let caBundle = cluster?.caData;
  if (!caBundle && cluster?.caFile) {
    const pem = readBounded(cluster.caFile, `CA certificate file ${cluster.caFile}`);
    if (!isCertificatePem(pem)) throw new InvalidSpecError(`CA certificate file ${cluster.caFile} holds no PEM certificate`, { resource: cluster.caFile });
    caBundle = Buffer.from(pem).toString('base64');
  }
  return { apiEndpoint, caBundle, insecure: cluster?.skipTLSVerify ?? false };
}

/** Whether the text is one or more PEM certificates and nothing else. */
function isCertificatePem(text: string): boolean {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0 || text.replace(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g, '').trim() !== '') return false;
  try {
    for (const block of blocks) new X509Certificate(block);
    return true;
  } catch {
    return false;
  }
}

/** What the worker gives its {@link KubeTargetConnector}. */
export interface KubeTargetConnectorOptions {
  /** Where bearer tokens for `gke` targets come from; connecting to one without it is an error. */
  readonly tokens?: AccessTokenSource;
  /** Deadline of each request made with the returned KubeConfig. @default 15 s */
  readonly requestTimeoutMs?: number;
  /**
   * Where the worker's own kubeconfig is (KUBECONFIG) and which directories it trusts besides
   * (KFED_KUBECONFIG_DIRS). @default the process environment, read at each connect
   */
  readonly env?: Readonly<Partial<Record<'KUBECONFIG' | 'KFED_KUBECONFIG_DIRS', string>>>;
  /** Which kubeconfig files may be read. @default {@link workerKubeconfigTrust} of `env` */
  readonly trust?: KubeconfigTrust;
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
    const env = this.options.env ?? process.env;
    const trust = this.options.trust ?? workerKubeconfigTrust(env);
    const named = target.kubeconfig ? [target.kubeconfig] : defaultKubeconfigFiles(env);
    const files = named.map(expandHome);
    const kc = new BoundedKubeConfig(this.timeoutMs);
    for (const [i, file] of files.entries()) {
      const part = i === 0 ? kc : new KubeConfig();
      const text = readTrustedKubeconfig(file, trust, `kubeconfig ${file} for cluster ${target.name}`);
      try {
        part.loadFromString(text);
        // Relative certificate paths are relative to the file, as client-node's loadFromFile does.
        part.makePathsAbsolute(dirname(file));
        // Several files (KUBECONFIG=a:b) merge as in client-node's loadFromDefault; the first names the current context.
        if (part !== kc) kc.mergeConfig(part, true);
      } catch {
        // NOTE: no cause and no parser message: YAML errors quote the file, which holds credentials.
        throw new InvalidSpecError(`cannot read kubeconfig ${file} for cluster ${target.name}: not a valid kubeconfig`, {
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
    const cluster = kc.getCurrentCluster();
    if (!cluster?.server) {
      throw new InvalidSpecError(`kubeconfig context "${target.context}" names no cluster with a server`, { resource: files.join(delimiter) });
    }
    // Before any request: an unverified or plaintext connection would already carry the credentials.
    checkTransport({ server: cluster.server, skipTLSVerify: cluster.skipTLSVerify }, target, files.join(delimiter));
    return kc;
  }
}
