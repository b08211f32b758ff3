/**
 * The Google Cloud providers: Cloud DNS and GKE through the real @google-cloud clients, the
 * token sources they share with the Kubernetes side, and the environment wiring.
 */
export * from './types.js';
export { gcpEnvVars, gcpFromEnv, type GcpProviders } from './config.js';
export { GoogleDnsProvider, createDnsClient, clientOperationId, toFqdn, type GoogleDnsProviderOptions } from './dns-provider.js';
export { GoogleGkeProvider, defaultGkeEndpoint, parseGkeEndpoint, type GkeEndpoint, type GoogleGkeProviderOptions } from './gke-provider.js';
export { AdcTokenSource, FileTokenSource, StaticTokenSource, cloudPlatformScope } from './tokens.js';
export { TokenSourceAuthClient } from './auth-client.js';
export { classifyDnsError, classifyGkeError, type ErrorContext } from './errors.js';
