/**
 * Environment variables that point kfed at Google Cloud or at the emulator. Product code reaches
 * the emulator only through these (the emulator prints them), never through test-only wiring.
 * Kept apart from config.ts so the emulator can name them without loading the client libraries.
 */
export const gcpEnvVars = {
  /** Cloud DNS v1 base URL, e.g. `http://127.0.0.1:8080/dns/v1`. Default: the public API. */
  dnsEndpoint: 'KFED_DNS_ENDPOINT',
  /** GKE gRPC endpoint: `http://host:port` (plaintext) or `https://host[:port]`. Default: the public API. */
  gkeEndpoint: 'KFED_GKE_ENDPOINT',
  /** A file holding a bearer token, read at each use (like CLOUDSDK_AUTH_ACCESS_TOKEN_FILE). Default: ADC. */
  accessTokenFile: 'KFED_GCP_ACCESS_TOKEN_FILE',
} as const;
