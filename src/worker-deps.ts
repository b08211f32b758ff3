import type { ActivityDeps } from './activities/index.js';
import { gcpFromEnv } from './providers/gcp/config.js';
import { KubeTargetConnector } from './providers/kube/connector.js';
import { describeTarget } from './providers/kube/describe-target.js';
import { kubeDnsConfig } from './providers/kube/kube-dns/configmap.js';
import { KubeFedPlane } from './providers/kube/kubefed-plane.js';
import type { WorkerEnv } from './worker-env.js';

/**
 * The one place that picks implementations: Google's client libraries, pointed at Google Cloud
 * or (through the KFED_* endpoint variables) at the emulator; the same Google access token
 * reaches GKE clusters' Kubernetes APIs.
 */
export function createDepsFromEnv(env: WorkerEnv): ActivityDeps {
  const gcp = gcpFromEnv(env);
  const kube = new KubeTargetConnector({ tokens: gcp.tokens, env });
  return {
    dns: gcp.dns,
    gke: gcp.gke,
    kube,
    plane: new KubeFedPlane({ connector: kube }),
    clusterDns: kubeDnsConfig,
    existing: { describe: (target) => describeTarget(kube, target) },
  };
}
