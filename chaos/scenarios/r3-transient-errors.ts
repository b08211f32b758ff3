/** Runs under 20% UNAVAILABLE on every emulator method plus 429 bursts, 5 times (R3). */
import { allActivities, pollingActivities, readRunTree, type RunHistory } from '../../suite/history.js';
import { tearDown } from '../../suite/leftovers.js';
import { secs } from '../../suite/log.js';
import { keepTrials } from '../../suite/lost-runs.js';
import { describeProfile, profiles } from '../../suite/profiles.js';
import type { Group } from '../../suite/run-groups.js';
import { federationSpec } from '../../suite/specs.js';
import { duplicateCreates } from '../checks.js';
import { FaultSchedule } from '../fault-schedule.js';
import { allOf, chaosFigures } from '../figures.js';
import { trialSize } from '../trial-size.js';

/** Extra attempts of a run tree: retries of ordinary activities, and polls of the polling ones. */
function retriesOf(runs: readonly RunHistory[]): { activityRetries: number; polls: number } {
  let activityRetries = 0;
  let polls = 0;
  for (const a of allActivities(runs)) {
    if (pollingActivities.has(a.type)) polls += a.attempt - 1;
    else activityRetries += a.attempt - 1;
  }
  return { activityRetries, polls };
}

interface FaultyRun {
  readonly lost: boolean;
  readonly completed: boolean;
  readonly injected: number;
  readonly quota: number;
  readonly retries: number;
  readonly line: string;
}

export const transientErrorsScenario: Group = {
  id: 'R3',
  figures: ['R3_completed'],
  async run(ctx) {
    const { quick, log } = ctx;
    const { runs, clusters } = trialSize(quick, 5);
    await ctx.inLab(profiles.fast, async (lab) => {
      log(`R3: ${runs} run(s) of ${clusters} cluster(s) under 20% UNAVAILABLE + 429 bursts; ${describeProfile(lab.profile)}`);
      const { trials, lost } = await keepTrials(
        runs,
        async (i): Promise<FaultyRun> => {
          const spec = federationSpec(`r3-${i}`, { clusters });
          const from = lab.calls().length;
          const schedule = new FaultSchedule(lab, i);
          schedule.start();
          let out;
          try {
            out = await lab.federate(spec, 900_000);
          } finally {
            schedule.stop();
          }
          if (out.status === 'lost') {
            await tearDown(lab, spec);
            log(`  run ${i}: lost to the substrate: ${out.error ?? ''}; replaced`);
            return { lost: true, completed: false, injected: 0, quota: 0, retries: 0, line: `run ${i}: ${out.error ?? ''}` };
          }
          const calls = lab.callsSince(from);
          const inj = calls.filter((c) => c.injected);
          const q = inj.filter((c) => c.result === 'RESOURCE_EXHAUSTED').length;
          const r = retriesOf(await readRunTree(lab.client, out.workflowId, out.runId));
          const dup = duplicateCreates(calls);
          const sick = out.status === 'completed' ? [] : lab.unhealthyBacking();
          if (out.status === 'completed') await lab.collectJoinTokens(spec);
          const down = await tearDown(lab, spec);
          const line = `run ${i}: ${out.status} in ${secs(out.endedAt - out.startedAt)}; ${calls.length} calls, ${inj.length} failed by injection (${q} RESOURCE_EXHAUSTED); ${r.activityRetries} activity retries, ${r.polls} polls${dup.count ? `; duplicates ${dup.what.join(', ')}` : ''}${down.left ? `; left ${down.what}` : ''}${out.error ? `; ${out.error}` : ''}${sick.length ? ` [substrate: ${sick.join('; ')}]` : ''}`;
          log(`  ${line}`);
          return { lost: false, completed: out.status === 'completed', injected: inj.length, quota: q, retries: r.activityRetries, line };
        },
        (r) => r.lost,
      );
      const sum = (key: 'injected' | 'quota' | 'retries'): number => trials.reduce((n, t) => n + t[key], 0);
      ctx.figures.R3_completed = chaosFigures.measured('R3_completed', {
        samples: [trials.filter((t) => t.completed).length],
        goal: allOf(runs),
        runs,
        note: `${clusters}-cluster runs; every emulator method (GKE + Cloud DNS) fails 20% of calls with UNAVAILABLE (seeded), and every 8 s (from the start) the next 5 calls of any method within 2 s fail with RESOURCE_EXHAUSTED (429); faults cleared for teardown. In all: ${sum('injected')} injected failures (${sum('quota')} quota), ${sum('retries')} activity retries. ${trials.map((t) => t.line).join(' | ')}${lost.length ? ` | Lost to the substrate and replaced: ${lost.map((l) => l.line).join(' | ')}` : ''}`,
      });
    });
  },
};
