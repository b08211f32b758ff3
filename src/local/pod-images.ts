/**
 * Container images the local substrate can run for real, each mapped to a binary built by
 * `npm run tools`. kwok only simulates pods; for these images {@link PodRunner} starts the
 * container's command as a local process, as a kubelet would start the container.
 */
import type { Toolchain } from './tools.js';
import { versions } from './tools.js';

/** What a container process gets from the substrate in place of the pod's environment. */
export interface ContainerSandbox {
  /** kubeconfig with the pod's ServiceAccount token, the API endpoint and CA (in-cluster config's facts). */
  readonly kubeconfigPath: string;
  /** The pod's namespace (in a pod: the ServiceAccount's `namespace` file). */
  readonly namespace: string;
  /** Free loopback ports the process may listen on, {@link LocalImage.ports} of them. */
  readonly ports: readonly number[];
}

/** One image the substrate runs, and how its container's command becomes a local command line. */
export interface LocalImage {
  readonly image: string;
  /** The container's `command[0]` this entry stands for (an image may hold several commands). */
  readonly command: string;
  readonly binary: (tools: Toolchain) => string;
  /** Loopback ports to allocate per container (they stay the same across restarts). */
  readonly ports: number;
  /**
   * Local arguments: the container's own (`command[1..]`, then `args`), then what in a pod comes
   * from the in-cluster environment. Later flags win, so the substrate's facts override.
   */
  readonly args: (containerArgs: readonly string[], sandbox: ContainerSandbox) => string[];
}

/** The KubeFed controller-manager image, at the version `npm run tools` builds. */
export const kubefedImage = `quay.io/kubernetes-multicluster/kubefed:v${versions.kubefed.version}`;

/** Every image the substrate runs; a pod of any other image stays simulated by kwok. */
export const localImages: readonly LocalImage[] = [
  {
    image: kubefedImage,
    command: '/hyperfed/controller-manager',
    binary: (tools) => tools.kubefedControllerManager,
    // healthz and metrics: the defaults :8080 and :9090 would collide between replicas.
    ports: 2,
    args: (containerArgs, sandbox) => {
      const [healthz, metrics] = sandbox.ports;
      return [
        ...containerArgs,
        // In a pod the controller uses in-cluster config and reads its namespace from the
        // ServiceAccount volume; out of one it needs both given explicitly.
        `--kubeconfig=${sandbox.kubeconfigPath}`,
        `--kubefed-namespace=${sandbox.namespace}`,
        `--healthz-addr=127.0.0.1:${String(healthz)}`,
        `--metrics-addr=127.0.0.1:${String(metrics)}`,
      ];
    },
  },
];

/** The entry for a container, or undefined when the substrate does not run it. */
export function localImageFor(container: { readonly image?: string; readonly command?: readonly string[] }): LocalImage | undefined {
  return localImages.find((entry) => entry.image === container.image && entry.command === container.command?.[0]);
}
