/**
 * A Service federated the KubeFed way, to be found through the federation's zone: a namespace,
 * a Deployment and a LoadBalancer Service, each a Federated* object on the host placed on some
 * members. KubeFed's controller propagates them; the emulator's cloud controller gives each
 * member's Service its address. For the service-DNS end-to-end test and benchmark.
 *
 * NOTE: member clusters run no kube-scheduler on the substrate, so a placement can pin the pods
 * to a node by name (an override of the pod template's `nodeName`); kwok then marks them Ready.
 */
import type { KindRef, KubeObject } from '../../src/providers/kube/resources.js';

/** The REST facts of the federated kinds used here (outside kfed's own table). */
export const federatedKinds = {
  namespace: { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedNamespace', plural: 'federatednamespaces', namespaced: true },
  deployment: { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedDeployment', plural: 'federateddeployments', namespaced: true },
  service: { apiVersion: 'types.kubefed.io/v1beta1', kind: 'FederatedService', plural: 'federatedservices', namespaced: true },
} as const satisfies Record<string, KindRef>;

/** A member (its KubeFedCluster name) and, for one without a scheduler, the node its pods run on. */
export interface Placement {
  readonly member: string;
  readonly node?: string;
}

const placementOf = (placements: readonly Placement[]) => ({ clusters: placements.map((p) => ({ name: p.member })) });

/** The plain namespace on the host (KubeFed's federated objects live in it). */
export function namespaceObject(namespace: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } };
}

/** The namespace on the members: KubeFed propagates a namespaced object only where its namespace is placed. */
export function federatedNamespace(namespace: string, placements: readonly Placement[]): KubeObject {
  return { apiVersion: federatedKinds.namespace.apiVersion, kind: federatedKinds.namespace.kind, metadata: { name: namespace, namespace }, spec: { placement: placementOf(placements) } };
}

/** One replica of nginx per member, labelled `app: <name>` (the Service's selector). */
export function federatedDeployment(namespace: string, name: string, placements: readonly Placement[]): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: federatedKinds.deployment.apiVersion,
    kind: federatedKinds.deployment.kind,
    metadata: { name, namespace },
    spec: {
      template: { spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] } } } },
      placement: placementOf(placements),
      overrides: placements.flatMap((p) => (p.node ? [{ clusterName: p.member, clusterOverrides: [{ path: '/spec/template/spec/nodeName', value: p.node }] }] : [])),
    },
  };
}

/** A Service of type LoadBalancer in front of the Deployment `app`, on the `placements`' members. */
export function federatedService(namespace: string, name: string, placements: readonly Placement[], app = name): KubeObject {
  return {
    apiVersion: federatedKinds.service.apiVersion,
    kind: federatedKinds.service.kind,
    metadata: { name, namespace },
    spec: {
      template: { spec: { type: 'LoadBalancer', selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 80 }] } },
      placement: placementOf(placements),
    },
  };
}
