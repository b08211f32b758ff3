/**
 * What GKE's cloud controller does for the emulated clusters: it labels every node with its
 * region and zone (see node-topology.ts) and gives each Service of type LoadBalancer an external
 * address from its cluster's pool (see address-pool.ts) in `status.loadBalancer.ingress`,
 * releasing it when the Service goes. It holds the `service.kubernetes.io/load-balancer-cleanup`
 * finalizer, as GKE does, so a deleted Service's address is released before the Service
 * disappears. It watches each cluster serving its API with the emulator's admin token.
 */
import type * as K8s from '@kubernetes/client-node';
import { allocate, ingressOf, poolFor, release, type IpFamily, type PoolState } from './address-pool.js';
import { topologyLabels } from './node-topology.js';
import type { ClusterState, StateStore } from './state.js';

/** GKE's load-balancer finalizer. */
export const loadBalancerFinalizer = 'service.kubernetes.io/load-balancer-cleanup';

export interface CloudControllerOptions {
  readonly store: StateStore;
  /** The emulator's bearer token (system:masters on every backing cluster). */
  readonly accessToken: string;
  readonly log: (line: string) => void;
  /** How often the watched clusters are matched with the state, and every object re-checked. @default 1000 */
  readonly intervalMs?: number;
}

type Client = typeof K8s;

/** client-node, loaded on first use (seconds on a busy machine; an emulator without clusters never needs it). */
let client: Promise<Client> | undefined;
function k8s(): Promise<Client> {
  client ??= import('@kubernetes/client-node');
  return client;
}

function clusterKey(c: ClusterState): string {
  return `${c.project}/${c.location}/${c.name}`;
}

/** A cluster whose API is up, as the controller reaches it. */
function serving(c: ClusterState): boolean {
  return Boolean(c.endpoint && c.caCertificate) && (c.status === 'RUNNING' || c.status === 'RECONCILING' || c.status === 'PROVISIONING');
}

async function adminConfig(c: ClusterState, token: string): Promise<K8s.KubeConfig> {
  const { KubeConfig } = await k8s();
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: c.backing, server: `https://${c.endpoint ?? ''}`, caData: c.caCertificate }],
    users: [{ name: 'kfed-emulator', token }],
    contexts: [{ name: c.backing, cluster: c.backing, user: 'kfed-emulator' }],
    currentContext: c.backing,
  });
  return kc;
}

/** Patches the nodes whose topology labels differ from what the cluster's location says. */
async function labelNodes(core: K8s.CoreV1Api, location: string, nodes: readonly K8s.V1Node[]): Promise<number> {
  const { setHeaderOptions, PatchStrategy } = await k8s();
  const names = nodes.map((n) => n.metadata?.name ?? '').filter((n) => n).sort();
  let patched = 0;
  for (const [index, name] of names.entries()) {
    const node = nodes.find((n) => n.metadata?.name === name);
    const want = topologyLabels(location, index);
    if (Object.entries(want).every(([k, v]) => node?.metadata?.labels?.[k] === v)) continue;
    await core.patchNode({ name, body: { metadata: { labels: want } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    patched++;
  }
  return patched;
}

/** The watches of one cluster. */
class ClusterWatch {
  private readonly informers: (K8s.Informer<K8s.V1Service> | K8s.Informer<K8s.V1Node>)[] = [];
  private services?: K8s.Informer<K8s.V1Service> & K8s.ObjectCache<K8s.V1Service>;
  private nodes?: K8s.Informer<K8s.V1Node> & K8s.ObjectCache<K8s.V1Node>;
  private core?: K8s.CoreV1Api;
  /** Per Service (and `nodes`): the reconcile in flight, so one object is handled one at a time. */
  private readonly queue = new Map<string, Promise<void>>();
  private stopped = false;
  private resyncs = 0;

  private readonly startedAt: string | undefined;

  constructor(
    private readonly cluster: ClusterState,
    private readonly pool: PoolState,
    private readonly options: CloudControllerOptions,
  ) {
    this.startedAt = cluster.endpoint;
  }

  /** Whether the cluster's endpoint moved since the watch started. */
  moved(): boolean {
    return this.cluster.endpoint !== this.startedAt;
  }

  async start(): Promise<void> {
    const lib = await k8s();
    const kc = await adminConfig(this.cluster, this.options.accessToken);
    const core = kc.makeApiClient(lib.CoreV1Api);
    this.core = core;
    const services = lib.makeInformer<K8s.V1Service>(kc, '/api/v1/services', () => core.listServiceForAllNamespaces());
    const nodes = lib.makeInformer<K8s.V1Node>(kc, '/api/v1/nodes', () => core.listNode());
    this.services = services;
    this.nodes = nodes;
    for (const verb of ['add', 'update'] as const) {
      services.on(verb, (s) => {
        this.enqueue(s);
      });
      nodes.on(verb, () => {
        this.enqueueNodes();
      });
    }
    services.on('delete', (s) => {
      this.released(s);
    });
    for (const informer of [services, nodes] as const) {
      this.informers.push(informer);
      // A watch that breaks (API server restarting, connection reset) starts over after a pause.
      let pending: NodeJS.Timeout | undefined;
      const retry = (): void => {
        if (this.stopped || pending) return;
        pending = setTimeout(() => {
          pending = undefined;
          if (!this.stopped) informer.start().catch(retry);
        }, 1000);
        pending.unref();
      };
      informer.on('error', retry);
      await informer.start().catch(retry);
    }
  }



  /** Re-checks every cached object: catches a patch that failed with no event after it. */
  resync(): void {
    for (const s of this.services?.list() ?? []) this.enqueue(s);
    this.enqueueNodes();
    // Now and then: addresses of Services deleted while nobody watched go back to the pool.
    if (++this.resyncs % 10 === 1) {
      this.serial('pool', async () => {
        if (!this.core) return;
        // Only allocations older than the list can be judged by it.
        const before = Object.keys(this.pool.allocations);
        const live = new Set((await this.core.listServiceForAllNamespaces()).items.map((s) => s.metadata?.uid));
        for (const uid of before) if (!live.has(uid) && release(this.pool, uid)) this.options.store.save();
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.informers.map((i) => i.stop().catch(() => undefined)));
    await Promise.allSettled([...this.queue.values()]);
  }

  private serial(key: string, work: () => Promise<void>): void {
    if (this.stopped || this.queue.has(key)) return;
    const run = work()
      .catch((err: unknown) => {
        // Conflicts and blips: the next event or resync tries again.
        if (!this.stopped) this.options.log(`cloud controller ${this.cluster.name}: ${key}: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => this.queue.delete(key));
    this.queue.set(key, run);
  }

  private enqueueNodes(): void {
    this.serial('nodes', async () => {
      if (this.core && this.nodes) await labelNodes(this.core, this.cluster.location, this.nodes.list());
    });
  }

  private enqueue(s: K8s.V1Service): void {
    const ns = s.metadata?.namespace ?? '';
    const name = s.metadata?.name ?? '';
    this.serial(`${ns}/${name}`, () => this.reconcile(ns, name));
  }

  private released(s: K8s.V1Service): void {
    const uid = s.metadata?.uid;
    if (uid && release(this.pool, uid)) {
      this.options.store.save();
      this.options.log(`cloud controller ${this.cluster.name}: released the addresses of ${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`);
    }
  }

  /** Brings one Service in line: its finalizer, its addresses and its status. */
  private async reconcile(namespace: string, name: string): Promise<void> {
    const core = this.core;
    const s = this.services?.get(name, namespace);
    if (!core || !s?.metadata?.uid) return;
    const { setHeaderOptions, PatchStrategy } = await k8s();
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const uid = s.metadata.uid;
    const finalizers = s.metadata.finalizers ?? [];
    const balanced = s.spec?.type === 'LoadBalancer' && !s.metadata.deletionTimestamp;
    const have = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '');
    const guard = { resourceVersion: s.metadata.resourceVersion };
    if (balanced) {
      if (!finalizers.includes(loadBalancerFinalizer)) {
        await core.patchNamespacedService({ name, namespace, body: { metadata: { ...guard, finalizers: [...finalizers, loadBalancerFinalizer] } } }, merge);
        return;
      }
      const families = (s.spec?.ipFamilies ?? []).filter((f): f is IpFamily => f === 'IPv4' || f === 'IPv6');
      const { allocation, changed } = allocate(this.pool, uid, `${namespace}/${name}`, families);
      if (changed) this.options.store.save();
      const want = ingressOf(allocation, families);
      if (want.join(',') !== have.join(',')) {
        await core.patchNamespacedServiceStatus({ name, namespace, body: { status: { loadBalancer: { ingress: want.map((ip) => ({ ip, ipMode: 'VIP' })) } } } }, merge);
        this.options.log(`cloud controller ${this.cluster.name}: ${namespace}/${name} → ${want.join(', ')}`);
      }
      return;
    }
    // Deleted, or no longer of type LoadBalancer: the address goes back to the pool first.
    this.released(s);
    if (!s.metadata.deletionTimestamp && have.length > 0) {
      await core.patchNamespacedServiceStatus({ name, namespace, body: { status: { loadBalancer: { ingress: null } } } }, merge);
    }
    if (finalizers.includes(loadBalancerFinalizer)) {
      await core.patchNamespacedService({ name, namespace, body: { metadata: { ...guard, finalizers: finalizers.filter((f) => f !== loadBalancerFinalizer) } } }, merge);
    }
  }
}

/** The controller of every emulated cluster that serves its API. */
export class CloudController {
  private readonly watches = new Map<string, Promise<ClusterWatch>>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(private readonly options: CloudControllerOptions) {}

  private get pools(): Record<string, PoolState> {
    const state = this.options.store.state;
    state.loadBalancers ??= {};
    return state.loadBalancers;
  }

  /** Starts matching watches with the state every `intervalMs`. */
  start(): void {
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      void this.reconcileClusters().finally(() => {
        this.busy = false;
      });
    }, this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const watches = [...this.watches.values()];
    this.watches.clear();
    await Promise.all(watches.map(async (w) => (await w).stop()));
  }

  /**
   * Labels the cluster's nodes now: provisioning waits for this, so a cluster is RUNNING with
   * its topology labels in place, as on GKE. The watch keeps them so afterwards.
   */
  async prepareNodes(cluster: ClusterState): Promise<void> {
    const lib = await k8s();
    const core = (await adminConfig(cluster, this.options.accessToken)).makeApiClient(lib.CoreV1Api);
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await labelNodes(core, cluster.location, (await core.listNode()).items);
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async reconcileClusters(): Promise<void> {
    const wanted = new Map(Object.values(this.options.store.state.clusters).filter(serving).map((c) => [clusterKey(c), c]));
    for (const [key, pending] of this.watches) {
      const watch = await pending;
      // A backing cluster restarted on another port needs a new watch.
      if (wanted.has(key) && !watch.moved()) continue;
      this.watches.delete(key);
      await watch.stop();
    }
    // A cluster that is gone takes its pool with it.
    const known = new Set(Object.values(this.options.store.state.clusters).map(clusterKey));
    const pools = this.pools;
    const stale = Object.keys(pools).filter((k) => !known.has(k));
    if (stale.length > 0) {
      this.options.store.state.loadBalancers = Object.fromEntries(Object.entries(pools).filter(([k]) => known.has(k)));
      this.options.store.save();
    }
    for (const [key, cluster] of wanted) {
      const existing = this.watches.get(key);
      if (existing) {
        (await existing).resync();
        continue;
      }
      const watch = new ClusterWatch(cluster, poolFor(this.pools, key), this.options);
      this.watches.set(key, watch.start().then(() => watch));
    }
  }
}
