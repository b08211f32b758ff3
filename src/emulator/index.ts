/**
 * The offline Google Cloud: Cloud DNS v1 REST and GKE ClusterManager v1 gRPC, with GKE clusters
 * backed by real local clusters. In-process: {@link startEmulator}; as a process: {@link runEmulator}.
 */
export { startEmulator, type Emulator, type EmulatorOptions, type FaultControl } from './emulator.js';
export { runEmulator, banner, type RunEmulatorOptions } from './main.js';
export { quotaBurst, seededRandom, faultConfigSchema, type FaultConfig, type FaultRule } from './faults.js';
export { errorCodes, type ErrorCode } from './codes.js';
export type { CallLogEntry, EmulatedApi } from './call-log.js';
export { adminBasePath, type ClusterHealth } from './admin-http.js';
export { dnsBasePath } from './dns-http.js';
export { loadBalancerFinalizer } from './cloud-controller.js';
export { dualStackApiserverArgs } from './dual-stack.js';
export { topologyLabelKeys } from './node-topology.js';
