/**
 * Benchmarks of the service-DNS sync, on the real substrate (Temporal dev server, the emulator
 * with its kwok clusters and its name servers, a worker process), self-contained so a suite can
 * call it:
 *
 * - P9: from a Service's load-balancer address appearing (the emulated cloud controller writes
 *   it) to its federation-level name answering through the emulator's DNS server; median, goal
 *   at most the sync interval + 2 s;
 * - Cloud DNS change calls in passes where nothing changed (records in place, nothing moving);
 *   goal 0.
 *
 * `npx tsx bench/service-dns.ts [samples]` prints the result as JSON.
 */
import { Resolver } from 'node:dns/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { serviceDnsStatusQuery, workflowIds } from '../src/contract.js';
import type { EmulatorOptions } from '../src/emulator/index.js';
import { tokenKubeConfig } from '../src/providers/kube/connector.js';
import { projectRoot, startHarness, type Harness } from '../test/support/harness.js';

export interface ServiceDnsBenchOptions {
  /** P9 samples (one Service each, created and deleted in turn). @default 5 */
  readonly samples?: number;
  /** Idle passes to watch for change calls. @default 5 */
  readonly idlePasses?: number;
  /** Emulator options (e.g. a benchmark latency profile). */
  readonly emulator?: Partial<EmulatorOptions>;
  /** Progress lines. @default silent */
  readonly log?: (line: string) => void;
}

export interface ServiceDnsBenchResult {
  readonly intervalSeconds: number;
  readonly p9: { readonly samplesMs: readonly number[]; readonly medianMs: number; readonly goalMs: number };
  readonly idle: { readonly passes: number; readonly changeCalls: number; readonly listCalls: number };
}

const federation = 'kfed';
const domain = 'infra.mycompany.com';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Polls `check` every `everyMs` until it returns a value; the time it did, and the value. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 20): Promise<{ at: number; value: T }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return { at: Date.now(), value };
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
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

/** Runs both figures on a fresh environment (the example's two clusters federated with kfed up). */
export async function benchServiceDns(options: ServiceDnsBenchOptions = {}): Promise<ServiceDnsBenchResult> {
  const log = options.log ?? ((): void => undefined);
  const samples = options.samples ?? 5;
  const h: Harness = await startHarness(options.emulator ?? {});
  try {
    await h.startWorker();
    const up = await h.cli(['up', '-f', resolve(projectRoot, 'examples', 'federation.yaml'), '--wait']);
    if (up.code !== 0) throw new Error(`kfed up failed: ${up.stderr}`);
    log('federated; measuring P9');
    const sync = h.client.workflow.getHandle(workflowIds.serviceDns(federation));
    const intervalSeconds = (await sync.query(serviceDnsStatusQuery)).intervalSeconds;

    // The west cluster (the host) through the emulator's token, as GKE's own clients reach it.
    const gke = await import('../src/providers/gcp/index.js');
    const gcp = gke.gcpFromEnv({ ...process.env, ...h.emulator.env });
    const access = await gcp.gke.clusterAccess('local', 'us-west1-a', 'west-cluster');
    await gcp.close();
    const kc = tokenKubeConfig({ name: 'west', endpoint: access.endpoint.startsWith('https://') ? access.endpoint : `https://${access.endpoint}`, caData: access.caCertificate, token: h.emulator.accessToken, timeoutMs: 15_000 });
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const node = (await core.listNode()).items[0]?.metadata?.name ?? '';
    const labels = { app: 'bench' };
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'bench' }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { nodeName: node, containers: [{ name: 'c', image: 'nginx:1.27' }] } } } },
    });
    const resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([h.emulator.dnsServer.address]);

    const service = (name: string): k8s.V1Service => ({
      metadata: { name, namespace: 'default', labels: { 'kubefed.io/managed': 'true' } },
      spec: { type: 'LoadBalancer', selector: labels, ports: [{ port: 80 }] },
    });
    const samplesMs: number[] = [];
    for (let i = 0; i < samples; i++) {
      const name = `bench-${i}`;
      await core.createNamespacedService({ namespace: 'default', body: service(name) });
      const address = await until(`${name} address`, async () => (await core.readNamespacedService({ name, namespace: 'default' })).status?.loadBalancer?.ingress?.[0]?.ip);
      const answered = await until(`${name} answering`, () => answers(resolver, `${name}.default.${federation}.svc.${domain}`));
      if (!answered.value.includes(address.value)) throw new Error(`${name}: DNS answered ${answered.value.join(',')}, not ${address.value}`);
      samplesMs.push(answered.at - address.at);
      log(`P9 sample ${i + 1}/${samples}: ${answered.at - address.at} ms`);
      if (i < samples - 1) {
        await core.deleteNamespacedService({ name, namespace: 'default' });
        await until(`${name} records gone`, async () => ((await answers(resolver, `${name}.default.${federation}.svc.${domain}`)) ? undefined : true), 60_000, 100);
      }
    }

    // Idle: the last Service stays, its records are in place, nothing moves.
    const idlePasses = options.idlePasses ?? 5;
    const settled = async (): Promise<number> => {
      const status = await sync.query(serviceDnsStatusQuery);
      return status.passes;
    };
    // Two passes first, so the pass that wrote the last records is behind us.
    const start = await settled();
    await until('two passes', async () => ((await settled()) >= start + 2 ? true : undefined), 60_000, 200);
    const from = await settled();
    const callsBefore = h.emulator.calls();
    await until(`${idlePasses} idle passes`, async () => ((await settled()) >= from + idlePasses ? true : undefined), 120_000, 200);
    const to = await settled();
    const window = h.emulator.calls().slice(callsBefore.length);
    const idle = {
      passes: to - from,
      changeCalls: window.filter((c) => c.method === 'changes.create').length,
      listCalls: window.filter((c) => c.method === 'resourceRecordSets.list').length,
    };
    log(`idle: ${idle.passes} passes, ${idle.changeCalls} change calls, ${idle.listCalls} list calls`);
    return { intervalSeconds, p9: { samplesMs, medianMs: median(samplesMs), goalMs: intervalSeconds * 1000 + 2000 }, idle };
  } finally {
    await h.stop();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const samples = Number(process.argv[2] ?? 5);
  benchServiceDns({ samples, log: (line) => { console.error(line); } }).then(
    (result) => {
      console.log(JSON.stringify(result, null, 2));
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
