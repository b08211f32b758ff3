/**
 * kube-apiserver flags that make a cluster dual-stack for Services, as a GKE dual-stack cluster
 * is: a Service may then ask for IPv6 (`ipFamilies: [IPv6]`) or both families, and the cloud
 * controller gives it an IPv6 load-balancer address (a single-stack apiserver refuses such a
 * Service outright). Pass as `LocalClusterOptions.apiserverArgs`.
 *
 * MAINTENANCE: the backing clusters of the emulator (backing-clusters.ts) do not pass these yet;
 * until they do, IPv6 load balancers are only available on clusters created with them.
 */
export const dualStackApiserverArgs: Readonly<Record<string, string>> = { 'service-cluster-ip-range': '10.96.0.0/16,fd00:10:96::/112' };
