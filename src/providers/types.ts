/**
 * Plain data passed between activities and workflows. NOTE: nothing here may hold a credential
 * (tokens, keys): workflow inputs, results and history are stored by Temporal in clear.
 */

/** How to reach a cluster's Kubernetes API; credentials are resolved by the worker at run time. */
export type ClusterTarget =
  | {
      /** A GKE (or emulated GKE) cluster: the bearer token comes from the Google auth client. */
      readonly kind: 'gke';
      /** Cluster name as in the spec (used in messages and object names). */
      readonly name: string;
      /** `https://host:port` of the cluster's API server. */
      readonly endpoint: string;
      /** PEM CA certificate, base64-encoded as GKE returns it (`masterAuth.clusterCaCertificate`). */
      readonly caCertificate: string;
    }
  | {
      /** An existing cluster reached through a kubeconfig context read by the worker. */
      readonly kind: 'kubeconfig';
      readonly name: string;
      readonly context: string;
      /** Path of the kubeconfig file on the worker; @default KUBECONFIG or ~/.kube/config */
      readonly kubeconfig?: string;
      /** The spec accepts a kubeconfig that skips TLS verification (else the worker refuses it). */
      readonly insecureSkipTLSVerify?: boolean;
      /** The spec accepts an `http://` server (else the worker refuses it). */
      readonly insecureHTTP?: boolean;
    };

/**
 * What applying the spec would do to one resource (`kfed plan`). `unjoin` and `delete` are what
 * a run removes because the spec no longer names it.
 */
export type PlanAction = 'create' | 'adopt' | 'unchanged' | 'update' | 'conflict' | 'unjoin' | 'delete';

/** One line of a plan: a resource, the action a run would take on it, and why. */
export interface PlanItem {
  /** e.g. `zone kfed`, `cluster west-cluster`, `plane on west-cluster`, `join east-coast`. */
  readonly resource: string;
  readonly action: PlanAction;
  readonly reason: string;
}
