/**
 * Every environment variable the worker reads, with what it is for. The worker reads the
 * environment only through {@link pickWorkerEnv}, so this list is complete by construction;
 * docker-compose.yml's worker service sets exactly these (a test checks).
 */
export const workerEnvVars = {
  TEMPORAL_ADDRESS: 'Temporal frontend host:port (default 127.0.0.1:7233)',
  TEMPORAL_NAMESPACE: 'Temporal namespace (default "default")',
  TEMPORAL_API_KEY: 'API key for Temporal Cloud or a secured server',
  TEMPORAL_TLS: 'use TLS to reach Temporal ("true")',
  TEMPORAL_TLS_CLIENT_CERT_PATH: 'mTLS client certificate file',
  TEMPORAL_TLS_CLIENT_KEY_PATH: 'mTLS client key file',
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: 'CA that signed the Temporal server certificate',
  TEMPORAL_TLS_SERVER_NAME: 'TLS server name override',
  TEMPORAL_PROFILE: 'profile in the Temporal TOML config file',
  TEMPORAL_CONFIG_FILE: 'path of the Temporal TOML config file',
  KFED_TASK_QUEUE: 'task queue to poll (default kfed)',
  KFED_WORKFLOW_BUNDLE: 'prebuilt workflow bundle (npm run build:workflows); default: bundle the sources at start',
  KFED_LOG_LEVEL: 'DEBUG, INFO (default), WARN or ERROR',
  GOOGLE_APPLICATION_CREDENTIALS: 'service-account key file for Application Default Credentials (unset: gcloud ADC or the metadata server)',
  KFED_DNS_ENDPOINT: 'Cloud DNS base URL override, e.g. http://127.0.0.1:8470/dns/v1 (the emulator)',
  KFED_GKE_ENDPOINT: 'GKE endpoint override; http://host:port means insecure gRPC (the emulator)',
  KFED_GCP_ACCESS_TOKEN_FILE: 'file holding a bearer token, read at each use, instead of ADC (the emulator writes one)',
  KFED_PAYLOAD_KEY_FILE: 'payload encryption keys (<id>:<base64 32 bytes> per line; the first encrypts); unset: payloads are not encrypted',
  KUBECONFIG: "the worker's own kubeconfig file(s), where existing clusters' contexts are read (default ~/.kube/config)",
  KFED_KUBECONFIG_DIRS: 'directories (":"-separated) whose kubeconfig files a spec may name in existing.kubeconfig; no other file is read',
} as const;

export type WorkerEnvName = keyof typeof workerEnvVars;
export type WorkerEnv = Readonly<Partial<Record<WorkerEnvName, string>>>;

/** The worker's view of the environment: only the variables listed above. */
export function pickWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const picked: Partial<Record<WorkerEnvName, string>> = {};
  for (const name of Object.keys(workerEnvVars) as WorkerEnvName[]) {
    const value = env[name];
    if (value !== undefined && value !== '') picked[name] = value;
  }
  return picked;
}
