/**
 * The baseline of the speed-up figures: the same activity functions (`createActivities(deps)`
 * with the deps a worker builds from the environment, `createDepsFromEnv` of
 * src/worker-deps.ts) called one after another without Temporal, as a plain script would: each
 * cluster created and waited for in turn, then the zone, the plane, each join, each kube-dns
 * change, each verification. Polls and retries follow the workflows' policies (poll every
 * `spec.pollInterval`; transient errors after 1 s doubling to 30 s; non-retryable failures stop
 * the run).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../src/activities/index.js';
import type { ClusterTarget } from '../../src/providers/types.js';
import type { FederationSpec } from '../../src/spec/types.js';
import { createDepsFromEnv } from '../../src/worker-deps.js';
import { pickWorkerEnv } from '../../src/worker-env.js';
import { nonRetryableErrorTypes } from '../../src/contract.js';
import type { Lab } from '../../suite/lab.js';
import { cleanUp } from '../../suite/leftovers.js';
import type { Log } from '../../suite/log.js';
import { durationMs } from '../../suite/specs.js';

/** The substrate under the run broke (a backing cluster lost a process): the run is lost, not failed. */
class SubstrateBroke extends Error {
  override name = 'SubstrateBroke';
  constructor(why: string, cause: unknown) {
    super(`substrate: ${why}`, { cause });
  }
}

const pollTypes = new Set(['OperationPending', 'ClusterNotReady', 'ClusterNotGone']);

/** Calls `fn` until it succeeds, as the activity's retry policy would, until the deadline or `broken()` says why not. */
async function retrying<T>(fn: () => Promise<T>, pollMs: number, deadline: number, broken: () => string | undefined): Promise<T> {
  let backoff = 1000;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ApplicationFailure && (err.nonRetryable || nonRetryableErrorTypes.includes(err.type ?? ''))) throw err;
      if (Date.now() > deadline) throw err;
      const why = broken();
      if (why) throw new SubstrateBroke(why, err);
      if (err instanceof ApplicationFailure && pollTypes.has(err.type ?? '')) {
        await sleep(pollMs);
        continue;
      }
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 30_000);
    }
  }
}

/**
 * Runs the federation without Temporal; returns its wall time in ms. Gives up (throws) after
 * `timeoutMs`, or on a retry when `broken()` reports the substrate broken.
 */
export async function federateSequentially(env: Readonly<Record<string, string>>, spec: FederationSpec, timeoutMs: number, broken: () => string | undefined = () => undefined): Promise<number> {
  // The worker's own wiring: the same providers a worker builds from the same environment.
  const deps = createDepsFromEnv(pickWorkerEnv(env));
  const a = createActivities(deps);
  const pollMs = durationMs(spec.pollInterval);
  const started = Date.now();
  const call = <T>(fn: () => Promise<T>): Promise<T> => retrying(fn, pollMs, started + timeoutMs, broken);
  try {
    const targets = new Map<string, ClusterTarget>();
    for (const cluster of spec.clusters) {
      const where = { project: spec.project, location: cluster.location, name: cluster.name };
      const created = await call(() => a.ensureCluster({ project: spec.project, federation: spec.name, role: cluster.name === spec.host ? 'host' : 'member', cluster }));
      const operation = created.operation;
      if (operation) await call(() => a.awaitOperation({ operation, what: `create cluster ${cluster.name}` }));
      await call(() => a.awaitClusterRunning(where));
      const access = await call(() => a.clusterAccess(where));
      targets.set(cluster.name, { kind: 'gke', name: cluster.name, endpoint: access.endpoint, caCertificate: access.caCertificate });
    }
    await call(() => a.ensureZone({ project: spec.project, zone: spec.dns.zone, domain: spec.dns.domain }));
    const target = (name: string): ClusterTarget => {
      const t = targets.get(name);
      if (!t) throw new Error(`no target for ${name}`);
      return t;
    };
    const host = target(spec.host);
    await call(() => a.initPlane({ host, namespace: spec.plane.namespace }));
    const names = (context: string) => ({ member: context, host: spec.name, namespace: spec.plane.namespace });
    for (const c of spec.clusters) await call(() => a.joinCluster({ host, member: target(c.name), names: names(c.context) }));
    for (const c of spec.clusters) {
      await call(() => a.ensureDefaultNamespace({ target: target(c.name) }));
      await call(() => a.applyDnsConfig({ target: target(c.name), federation: spec.name, domain: spec.dns.domain }));
    }
    for (const c of spec.clusters) await call(() => a.verifyJoin({ host, names: names(c.context) }));
    return Date.now() - started;
  } finally {
    // The GKE provider holds a gRPC channel; close it when the provider can.
    const gke: object = deps.gke;
    if ('close' in gke && typeof gke.close === 'function') await (gke.close as () => Promise<void>).call(gke);
  }
}

/** The sequential baseline of one spec in the lab's environment, then its teardown. */
export async function measureSequential(lab: Lab, spec: FederationSpec, log: Log, timeoutMs: number): Promise<{ ms?: number; reason?: string; lost?: boolean }> {
  try {
    const broken = (): string | undefined => lab.unhealthyBacking(true).join('; ') || undefined;
    return { ms: await federateSequentially(lab.h.env(), spec, timeoutMs, broken) };
  } catch (err) {
    const sick = lab.unhealthyBacking();
    const reason = `sequential failed: ${err instanceof Error ? err.message : String(err)}${sick.length ? `; substrate: ${sick.join('; ')}` : ''}`;
    log(`  ${spec.name}: ${reason}`);
    return { reason, lost: err instanceof SubstrateBroke };
  } finally {
    await cleanUp(lab, spec, log);
  }
}
