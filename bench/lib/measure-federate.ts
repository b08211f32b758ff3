/**
 * One federate run, measured: its critical path (P1), its GetOperation polls (P7) and, when
 * asked, the peak memory of everything it ran (P5); then its teardown.
 */
import type { FederationSummary } from '../../src/contract.js';
import type { FederationSpec } from '../../src/spec/types.js';
import { readRunTree } from '../../suite/history.js';
import type { Lab, MeasuredRun } from '../../suite/lab.js';
import { cleanUp } from '../../suite/leftovers.js';
import { secs, type Log } from '../../suite/log.js';
import { criticalPath, extraPolls, type CriticalPath } from './critical-path.js';
import { MemoryPeak, type MemorySample } from './memory.js';

export interface FederateMeasurement {
  readonly out: MeasuredRun<FederationSummary>;
  /** Why the run did not complete (with the substrate's state). */
  readonly reason?: string;
  readonly cp?: CriticalPath;
  readonly extraPolls: readonly number[];
  readonly memory?: { readonly peak: MemorySample | undefined; readonly machinePeakMiB: number; readonly controllerPeaksMiB: readonly number[] };
}

export async function measureFederate(lab: Lab, spec: FederationSpec, log: Log, opts: { memory?: boolean; timeoutMs?: number } = {}): Promise<FederateMeasurement> {
  const peak = opts.memory ? new MemoryPeak(lab.h.dir) : undefined;
  const out = await lab.federate(spec, opts.timeoutMs ?? 1_800_000);
  const memory = peak?.stop();
  if (out.status !== 'completed') {
    const sick = lab.unhealthyBacking();
    const reason = `${out.status}: ${out.error ?? ''}${sick.length ? `; substrate: ${sick.join('; ')}` : ''}`;
    log(`  ${spec.name}: ${reason}`);
    await cleanUp(lab, spec, log);
    return { out, extraPolls: [], reason, ...(memory ? { memory } : {}) };
  }
  const tree = await readRunTree(lab.client, out.workflowId, out.runId);
  const root = tree[0];
  if (!root) throw new Error(`no history for ${out.workflowId}`);
  const state = lab.state();
  const cp = criticalPath(spec, root, lab.calls(), state);
  const polls = extraPolls(spec, lab.calls(), state, root.startedAt, root.closedAt ?? Date.now());
  const p = cp.parts;
  log(
    `  ${spec.name}: wall ${secs(cp.wallMs, 2)}, critical path ${secs(cp.criticalMs, 2)} → ${cp.ratio.toFixed(3)} (zone ${secs(p.zoneMs)}, cluster ${secs(p.clusterMs)} of which provisioning ${secs(p.provisioningMs)}, plane ${secs(p.planeMs)}, join ${secs(p.joinMs)}, dns ${secs(p.dnsMs)}, verify ${secs(p.verifyMs)}, KubeFed Ready ${secs(p.kubeFedReadyMs)}, canary ${secs(p.canaryMs)}); GetOperation polls ${polls.map((x) => `${x.polls} in ${secs(x.provisioningMs)}`).join(', ')}`,
  );
  await lab.collectJoinTokens(spec);
  await cleanUp(lab, spec, log);
  return { out, cp, extraPolls: polls.map((x) => x.extra), ...(memory ? { memory } : {}) };
}

/** The P5 note of one size: outcome, time, peak RSS of its processes by kind, machine memory. */
export function memoryLine(n: number, m: FederateMeasurement): string {
  const kinds = Object.entries(m.memory?.peak?.byKind ?? {})
    .map(([k, c]) => `${c} ${k}`)
    .join(', ');
  const gib = (mib: number): string => (mib / 1024).toFixed(2);
  const controllers = m.memory?.controllerPeaksMiB ?? [];
  const controllerLine = `; KubeFed controller-manager processes (one per plane replica on the host): ${controllers.length ? `${controllers.length}, peak RSS ${controllers.join(', ')} MiB` : 'none seen'}`;
  const canary = m.cp ? `; the canary on all ${n} members and removed again in ${secs(m.cp.parts.canaryMs)}, the slowest member's wait for KubeFed's Ready ${secs(m.cp.parts.kubeFedReadyMs)}` : '';
  return `${n} clusters: ${m.out.status}${m.out.error ? ` (${m.out.error})` : ''} in ${secs(m.out.endedAt - m.out.startedAt, 0)}; peak RSS of all its processes ${gib(m.memory?.peak?.rssMiB ?? 0)} GiB over ${m.memory?.peak?.processes ?? 0} processes (${kinds}); machine memory in use peaked at ${gib(m.memory?.machinePeakMiB ?? 0)} GiB${controllerLine}${canary}`;
}
