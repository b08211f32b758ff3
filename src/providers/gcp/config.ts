import { GoogleDnsProvider } from './dns-provider.js';
import { gcpEnvVars } from './env-vars.js';
import { defaultGkeEndpoint, GoogleGkeProvider, parseGkeEndpoint } from './gke-provider.js';
import { AdcTokenSource, FileTokenSource } from './tokens.js';
import type { AccessTokenSource, DnsProvider, GkeProvider } from './types.js';

export { gcpEnvVars };

/** The Google Cloud side of a worker: both providers and the token source they share. */
export interface GcpProviders {
  readonly dns: DnsProvider;
  readonly gke: GkeProvider;
  /**
   * The bearer-token source for Google APIs, also the token for the Kubernetes API of GKE
   * clusters (ClusterTarget kind `gke`): GKE accepts the same Google access token.
   */
  readonly tokens: AccessTokenSource;
  /** Closes the GKE gRPC channel (call at worker shutdown). */
  close(): Promise<void>;
}

/**
 * Builds the providers from the environment ({@link gcpEnvVars}). Without a token file,
 * Application Default Credentials are used (cloud-platform scope).
 * @throws Error when an endpoint variable is malformed (checked now, not at the first call).
 */
export function gcpFromEnv(env: NodeJS.ProcessEnv = process.env): GcpProviders {
  const tokenFile = env[gcpEnvVars.accessTokenFile];
  const tokens: AccessTokenSource = tokenFile ? new FileTokenSource(tokenFile) : new AdcTokenSource();
  const dnsEndpoint = env[gcpEnvVars.dnsEndpoint];
  if (dnsEndpoint && !/^https?:\/\/[^/]+/.test(dnsEndpoint)) {
    throw new Error(`${gcpEnvVars.dnsEndpoint}="${dnsEndpoint}" must be a URL such as http://127.0.0.1:8080/dns/v1`);
  }
  if (dnsEndpoint) requireTlsUnlessLoopback(gcpEnvVars.dnsEndpoint, dnsEndpoint);
  const gkeEndpoint = env[gcpEnvVars.gkeEndpoint];
  if (gkeEndpoint) requireTlsUnlessLoopback(gcpEnvVars.gkeEndpoint, gkeEndpoint);
  const endpoint = gkeEndpoint ? parseEnvEndpoint(gkeEndpoint) : defaultGkeEndpoint;
  const gke = new GoogleGkeProvider({ tokens, endpoint });
  return {
    dns: new GoogleDnsProvider(dnsEndpoint ? { tokens, baseUrl: dnsEndpoint } : { tokens }),
    gke,
    tokens,
    close: () => gke.close(),
  };
}

/** Hosts that plaintext may reach: the bearer token must never cross a network in clear. */
const loopbackHosts = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * Plaintext (`http://`) only to loopback: every request carries the Google access token, which
 * grants container.admin and dns.admin.
 * @throws Error naming the variable.
 */
export function requireTlsUnlessLoopback(variable: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return; // the endpoint's own parser names the malformed value
  }
  if (url.protocol === 'http:' && !loopbackHosts.has(url.hostname) && !/^127\.\d+\.\d+\.\d+$/.test(url.hostname)) {
    throw new Error(`${variable}="${value}": plaintext http:// is allowed only to loopback (localhost, 127.0.0.1, ::1), since every request carries the Google access token; use https://`);
  }
}

function parseEnvEndpoint(value: string): ReturnType<typeof parseGkeEndpoint> {
  try {
    return parseGkeEndpoint(value);
  } catch (err) {
    throw new Error(`${gcpEnvVars.gkeEndpoint}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
