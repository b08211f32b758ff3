import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreV1Api } from '@kubernetes/client-node';
import { stringify } from 'yaml';

/** The pod facts its credentials are bound to. */
export interface PodIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly serviceAccountName: string;
}

/** Where the API server is, as in-cluster config finds it (service host/port and the CA file). */
export interface ApiServerAccess {
  readonly endpoint: string;
  readonly caCertificate: string;
}

/**
 * A pod's ServiceAccount credentials in a private directory, as a kubelet projects them: a
 * TokenRequest token bound to the pod (the API server rejects it once the pod is gone), renewed
 * after 80 % of its lifetime as the kubelet does, and a kubeconfig that names the token *file*,
 * which client-go re-reads, so a running process picks up the renewed token.
 */
export class PodCredentials {
  readonly kubeconfigPath: string;
  private readonly tokenPath: string;
  private renewAt = 0;

  constructor(
    private readonly core: CoreV1Api,
    readonly dir: string,
    private readonly pod: PodIdentity,
    access: ApiServerAccess,
    private readonly expirationSeconds: number,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.tokenPath = join(dir, 'token');
    this.kubeconfigPath = join(dir, 'kubeconfig');
    const caPath = join(dir, 'ca.crt');
    writeFileSync(caPath, access.caCertificate, { mode: 0o600 });
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'in-cluster', cluster: { server: access.endpoint, 'certificate-authority': caPath } }],
      users: [{ name: pod.serviceAccountName, user: { tokenFile: this.tokenPath } }],
      contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: pod.serviceAccountName, namespace: pod.namespace } }],
      'current-context': 'in-cluster',
    };
    writeFileSync(this.kubeconfigPath, stringify(kubeconfig), { mode: 0o600 });
  }

  /** True once a token was written. */
  get issued(): boolean {
    return this.renewAt > 0;
  }

  /** Requests a token when there is none or the current one is due for renewal. */
  async ensureFresh(now = Date.now()): Promise<void> {
    if (now < this.renewAt) return;
    const request = await this.core.createNamespacedServiceAccountToken({
      name: this.pod.serviceAccountName,
      namespace: this.pod.namespace,
      body: {
        spec: {
          // Empty: the API server's own audience, as for a default projected token.
          audiences: [],
          expirationSeconds: this.expirationSeconds,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: this.pod.name, uid: this.pod.uid },
        },
      },
    });
    const token = request.status?.token;
    if (!token) throw new Error(`TokenRequest for ServiceAccount ${this.pod.namespace}/${this.pod.serviceAccountName} returned no token`);
    const expiresAt = request.status?.expirationTimestamp.getTime() ?? now + this.expirationSeconds * 1000;
    // Write and rename: a reader never sees a half-written token.
    const partial = `${this.tokenPath}.partial`;
    writeFileSync(partial, token, { mode: 0o600 });
    renameSync(partial, this.tokenPath);
    this.renewAt = now + 0.8 * (expiresAt - now);
  }
}
