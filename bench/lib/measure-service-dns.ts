/**
 * The service-DNS sync, measured on a federation of the lab (P9 and its idle cost): a Service
 * federated with KubeFed (FederatedDeployment + FederatedService on the host's member) gets its
 * address from the emulated cloud controller; from that moment to its federation-level name
 * answering through the emulator's name servers is one sample. Then, with its records in place
 * and nothing moving, the Cloud DNS change calls of some passes are counted.
 */
import { Resolver } from 'node:dns/promises';
import { serviceDnsStatusQuery, workflowIds } from '../../src/contract.js';
import { joinNames } from '../../src/domain.js';
import type { KubeClient } from '../../src/providers/kube/client.js';
import type { KubeObject } from '../../src/providers/kube/resources.js';
import type { FederationSpec } from '../../src/spec/types.js';
import type { Lab } from '../../suite/lab.js';
import { cleanUp } from '../../suite/leftovers.js';
import type { Log } from '../../suite/log.js';
import { federatedDeployment, federatedKinds, federatedNamespace, federatedService, namespaceObject, type Placement } from '../../test/support/federated-service.js';

export interface ServiceDnsOptions {
  /** P9 samples (one FederatedService each, created and deleted in turn). @default 5 */
  readonly samples?: number;
  /** Passes watched for change calls once nothing moves. @default 5 */
  readonly idlePasses?: number;
}

export interface ServiceDnsMeasurement {
  /** Why nothing (or not everything) was measured. */
  readonly reason?: string;
  /** The sync's pass interval. */
  readonly intervalSeconds?: number;
  /** Address on the member → federation-level name answering with it, per sample. */
  readonly samplesMs: readonly number[];
  readonly idle?: { readonly passes: number; readonly changeCalls: number; readonly listCalls: number };
}

const namespace = 'p9';

interface ServiceJson extends KubeObject {
  readonly status?: { readonly loadBalancer?: { readonly ingress?: readonly { readonly ip?: string }[] } };
}

/** Polls `check` every `everyMs` until it returns a value: when it did, and the value. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000, everyMs = 20): Promise<{ readonly at: number; readonly value: T }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return { at: Date.now(), value };
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function answers(resolver: Resolver, name: string): Promise<string[] | undefined> {
  try {
    const found = await resolver.resolve4(name);
    return found.length > 0 ? found : undefined;
  } catch {
    return undefined;
  }
}

/** The address the emulated cloud controller gave the member's copy of Service `name`. */
async function address(member: KubeClient, name: string): Promise<string | undefined> {
  const service = await member.get<ServiceJson>({ apiVersion: 'v1', kind: 'Service', plural: 'services', namespaced: true, namespace, name });
  return service?.status?.loadBalancer?.ingress?.[0]?.ip;
}

/** Federates the spec, measures on its host (a member too), then tears it down. */
export async function measureServiceDns(lab: Lab, spec: FederationSpec, log: Log, options: ServiceDnsOptions = {}): Promise<ServiceDnsMeasurement> {
  const up = await lab.federate(spec);
  if (up.status !== 'completed') {
    await cleanUp(lab, spec, log);
    return { reason: `federate ${up.status}: ${up.error ?? ''}`, samplesMs: [] };
  }
  try {
    return await measure(lab, spec, log, options);
  } finally {
    // The secrets scan of this environment's histories looks for the join tokens too.
    await lab.collectJoinTokens(spec);
    await cleanUp(lab, spec, log);
  }
}

async function measure(lab: Lab, spec: FederationSpec, log: Log, options: ServiceDnsOptions): Promise<ServiceDnsMeasurement> {
  const sync = lab.client.workflow.getHandle(workflowIds.serviceDns(spec.name));
  const intervalSeconds = (await sync.query(serviceDnsStatusQuery)).intervalSeconds;
  const hostSpec = spec.clusters.find((c) => c.name === spec.host);
  const host = lab.kube(spec.host);
  if (!hostSpec || !host) return { reason: `host ${spec.host} does not serve its API`, intervalSeconds, samplesMs: [] };
  const placements: Placement[] = [{ member: joinNames(spec, hostSpec).member }];
  const domain = spec.dns.domain.replace(/\.$/, '');
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([lab.h.emulator.dnsServer.address]);

  await host.apply(namespaceObject(namespace));
  await host.apply(federatedNamespace(namespace, placements), federatedKinds.namespace);
  await host.apply(federatedDeployment(namespace, 'web', placements), federatedKinds.deployment);

  const samplesMs: number[] = [];
  const samples = options.samples ?? 5;
  for (let i = 0; i < samples; i++) {
    const name = `web-${i}`;
    const fqdn = `${name}.${namespace}.${spec.name}.svc.${domain}`;
    // Each sample its own Service in front of the one Deployment: a new name, never a cached answer.
    await host.apply(federatedService(namespace, name, placements, 'web'), federatedKinds.service);
    const assigned = await until(`${name}'s load-balancer address`, () => address(host, name));
    const answered = await until(`${fqdn} answering`, () => answers(resolver, fqdn));
    if (!answered.value.includes(assigned.value)) throw new Error(`${fqdn} answered ${answered.value.join(',')}, not ${assigned.value}`);
    samplesMs.push(answered.at - assigned.at);
    log(`  P9 sample ${i + 1}/${samples}: ${answered.at - assigned.at} ms`);
    if (i < samples - 1) {
      await host.delete({ ...federatedKinds.service, namespace, name });
      await until(`${fqdn} gone`, async () => ((await answers(resolver, fqdn)) ? undefined : true), 90_000, 100);
    }
  }

  // Idle: the last Service stays with its records in place, and nothing moves. Two passes
  // first, so the pass that wrote the last records is behind the window.
  const idlePasses = options.idlePasses ?? 5;
  const passes = async (): Promise<number> => (await sync.query(serviceDnsStatusQuery)).passes;
  const start = await passes();
  await until('two passes', async () => ((await passes()) >= start + 2 ? true : undefined), 60_000, 200);
  const from = await passes();
  const before = lab.calls().length;
  await until(`${idlePasses} idle passes`, async () => ((await passes()) >= from + idlePasses ? true : undefined), 120_000, 200);
  const to = await passes();
  const window = lab.calls().slice(before);
  const idle = {
    passes: to - from,
    changeCalls: window.filter((c) => c.method === 'changes.create').length,
    listCalls: window.filter((c) => c.method === 'resourceRecordSets.list').length,
  };
  log(`  idle: ${idle.passes} passes, ${idle.changeCalls} change calls, ${idle.listCalls} list calls`);
  return { intervalSeconds, samplesMs, idle };
}
