/** The largest federation of real local clusters (P5): 5, 10, 20 in turn, each in a fresh environment, with peak memory. */
import { keepTrials } from '../../suite/lost-runs.js';
import { describeProfile, profiles } from '../../suite/profiles.js';
import type { Group } from '../../suite/run-groups.js';
import { federationSpec } from '../../suite/specs.js';
import { benchFigures } from '../figures.js';
import { measureFederate, memoryLine } from '../lib/measure-federate.js';

export const scaleGroup: Group = {
  id: 'P5',
  figures: ['P5'],
  async run(ctx) {
    const sizes = [5, 10, 20];
    const profile = profiles.fast;
    ctx.log(`P5: sizes ${sizes.join(', ')}; ${describeProfile(profile)}`);
    let largest = 0;
    const notes: string[] = [];
    for (const n of sizes) {
      const { trials } = await keepTrials(
        1,
        async () => {
          const m = await ctx.inLab(profile, (lab) => measureFederate(lab, federationSpec(`p5-n${n}`, { clusters: n }), ctx.log, { memory: true, timeoutMs: 3_600_000 }));
          const line = `${memoryLine(n, m)}${m.reason ? ` (${m.reason})` : ''}`;
          notes.push(line);
          ctx.log(`  ${line}`);
          return m;
        },
        (m) => m.out.status === 'lost',
      );
      if (trials[0]?.out.status !== 'completed') break;
      largest = n;
    }
    ctx.figures.P5 = benchFigures.measured('P5', {
      samples: [largest],
      runs: notes.length,
      note: `tried ${sizes.join(', ')} in turn (a run lost to the substrate is replaced), stopping at the first size that does not complete; each a fresh environment, ${profile.name} profile; kwok cluster creation is serialized machine-wide. ${notes.join('; ')}.`,
    });
  },
};
