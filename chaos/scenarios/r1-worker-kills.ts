/** The worker SIGKILLed at a random moment of a run and a new one started at once, 20 times (R1). */
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../../src/emulator/index.js';
import { tearDown } from '../../suite/leftovers.js';
import { secs } from '../../suite/log.js';
import { keepTrials } from '../../suite/lost-runs.js';
import { describeProfile, profiles } from '../../suite/profiles.js';
import type { Group } from '../../suite/run-groups.js';
import { federationSpec } from '../../suite/specs.js';
import { duplicateCreates, orphans } from '../checks.js';
import { allOf, chaosFigures } from '../figures.js';
import { trialSize } from '../trial-size.js';
import { runningSteps } from '../running-steps.js';

interface KillRun {
  readonly lost: boolean;
  readonly completed: boolean;
  readonly phase: string;
  readonly duplicates: number;
  readonly orphans: number;
  /** The run's line, kept in the note when something went wrong. */
  readonly line: string;
  readonly problem: boolean;
}

export const workerKillsScenario: Group = {
  id: 'R1',
  figures: ['R1_completed', 'R1_duplicate_creates', 'R1_orphans'],
  async run(ctx) {
    const { quick, log } = ctx;
    const { runs, clusters } = trialSize(quick, 20);
    const draw = seededRandom(20261126);
    await ctx.inLab(profiles.fast, async (lab) => {
      log(`R1: ${runs} run(s) of ${clusters} cluster(s), SIGKILL at a random moment + new worker; ${describeProfile(lab.profile)}`);
      // A run without faults first: its length bounds the random kill moments.
      let typicalMs = 10_000;
      if (!quick) {
        const base = federationSpec('r1-base', { clusters });
        const out = await lab.federate(base);
        typicalMs = out.endedAt - out.startedAt;
        log(`  baseline run: ${out.status} in ${secs(typicalMs)}`);
        await lab.collectJoinTokens(base);
        await tearDown(lab, base);
      }
      const { trials, lost } = await keepTrials(
        runs,
        async (i): Promise<KillRun> => {
          const spec = federationSpec(`r1-${String(i).padStart(2, '0')}`, { clusters });
          const from = lab.calls().length;
          const killAfter = Math.round(300 + draw() * (typicalMs * 0.95 - 300));
          const startedAt = Date.now();
          const run = await lab.startFederate(spec);
          await sleep(Math.max(0, killAfter - (Date.now() - startedAt)));
          const phase = await runningSteps(run.handle);
          await lab.killWorker();
          await lab.startWorker();
          const out = await lab.outcome(run, startedAt, 900_000);
          if (out.status === 'lost') {
            const down = await tearDown(lab, spec);
            log(`  run ${i}: lost to the substrate: ${out.error ?? ''}; replaced`);
            return { lost: true, completed: false, phase, duplicates: 0, orphans: 0, problem: true, line: `run ${i} (kill at ${secs(killAfter)}, ${phase}): ${out.error ?? ''}${down.left ? `; left ${down.what}` : ''}` };
          }
          const sick = out.status === 'completed' ? [] : lab.unhealthyBacking();
          const dup = duplicateCreates(lab.callsSince(from));
          const orphaned = out.status === 'completed' ? await orphans(lab, spec) : [];
          if (out.status === 'completed') await lab.collectJoinTokens(spec);
          const down = await tearDown(lab, spec);
          const line = `run ${i}: kill at ${secs(killAfter)} (${phase}) → ${out.status} in ${secs(out.endedAt - out.startedAt)}${out.error ? ` (${out.error})` : ''}${sick.length ? ` [substrate: ${sick.join('; ')}]` : ''}${dup.count ? `; duplicates ${dup.what.join(', ')}` : ''}${orphaned.length ? `; orphans ${orphaned.join(', ')}` : ''}${down.left || !down.ok ? `; after teardown: ${down.what}` : ''}`;
          log(`  ${line}`);
          const problem = out.status !== 'completed' || dup.count > 0 || orphaned.length > 0 || down.left > 0;
          return { lost: false, completed: out.status === 'completed', phase, duplicates: dup.count, orphans: orphaned.length + down.left, line, problem };
        },
        (r) => r.lost,
      );
      const phases = new Map<string, number>();
      for (const t of trials) phases.set(t.phase, (phases.get(t.phase) ?? 0) + 1);
      const where = [...phases].map(([p, n]) => `${n}× ${p}`).join(', ');
      const problems = trials.filter((t) => t.problem).map((t) => t.line);
      const setup = `${clusters}-cluster runs, ${lab.profile.name} profile, kill moments uniform in [0.3 s, 0.95 × ${secs(typicalMs)}] (seeded), killed during: ${where}`;
      ctx.figures.R1_completed = chaosFigures.measured('R1_completed', {
        samples: [trials.filter((t) => t.completed).length],
        goal: allOf(runs),
        runs,
        note: `${setup}.${problems.length ? ` Problems: ${problems.join(' | ')}.` : ''}${lost.length ? ` Lost to the substrate and replaced: ${lost.map((l) => l.line).join(' | ')}.` : ''}`,
      });
      ctx.figures.R1_duplicate_creates = chaosFigures.measured('R1_duplicate_creates', {
        samples: [trials.reduce((n, t) => n + t.duplicates, 0)],
        runs,
        note: 'successful, non-replayed CreateCluster / managedZones.create beyond the first per resource (emulator call log).',
      });
      ctx.figures.R1_orphans = chaosFigures.measured('R1_orphans', {
        samples: [trials.reduce((n, t) => n + t.orphans, 0)],
        runs,
        note: 'after each completed run: GKE clusters, zones, kwok clusters not in its spec and host KubeFedClusters / join Secrets of unknown members; plus anything left after its teardown.',
      });
    });
  },
};
