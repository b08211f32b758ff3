import type { KubeConfig } from '@kubernetes/client-node';
import type { DnsProvider, GkeProvider } from '../providers/gcp/types.js';
import type { ControlPlane, KubeConnector } from '../providers/kube/types.js';
import type { ClusterTarget, PlanItem } from '../providers/types.js';

/** The kube-dns `federations` ConfigMap steps (src/providers/kube/dns-configmap.ts). */
export interface ClusterDnsConfig {
  ensureDefaultNamespace(kc: KubeConfig): Promise<{ readonly changed: boolean }>;
  apply(kc: KubeConfig, federation: string, domain: string): Promise<{ readonly changed: boolean }>;
  remove(kc: KubeConfig, federation: string): Promise<{ readonly changed: boolean }>;
  /** Read-only: what apply would do to this federation's entry. */
  plan(kc: KubeConfig, federation: string, domain: string, clusterName: string): Promise<PlanItem>;
}

/** Reading an existing cluster through the worker's kubeconfig (src/providers/kube). */
export interface ExistingClusters {
  /**
   * Endpoint and base64 CA of a reachable cluster; no credentials. `transportWarning` when the
   * spec accepted a kubeconfig without verified TLS (plans and steps show it).
   */
  describe(target: ClusterTarget): Promise<{ readonly endpoint: string; readonly caCertificate: string; readonly transportWarning?: string }>;
}

/** Everything the activities touch, injected by the worker (Google or emulator endpoints alike). */
export interface ActivityDeps {
  readonly dns: DnsProvider;
  readonly gke: GkeProvider;
  readonly kube: KubeConnector;
  readonly plane: ControlPlane;
  readonly clusterDns: ClusterDnsConfig;
  readonly existing: ExistingClusters;
}
