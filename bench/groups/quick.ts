/**
 * Quick mode (npm test runs it to keep the harness from rotting): a reduced version of each
 * benchmark in the one shared environment: one 1-cluster federation (P1, P7, P8 and P5 with its
 * memory), the same spec sequentially (P2_1), one SIGKILL during join (P3, P4). P6 is not run
 * (it measures a whole local environment); the service-DNS figures (P9) have a reduced run of
 * their own in test/bench/service-dns.test.ts, which keeps this one inside its time.
 */
import { describeProfile, profiles } from '../../suite/profiles.js';
import type { Group } from '../../suite/run-groups.js';
import { federationSpec } from '../../suite/specs.js';
import { benchFigures } from '../figures.js';
import { measureFederate, memoryLine } from '../lib/measure-federate.js';
import { measureKill } from '../lib/measure-kill.js';
import { measureSequential } from '../lib/sequential.js';
import { setCriticalPathFigures } from './p1-critical-path.js';
import { setSpeedupFigure } from './p2-speedup.js';
import { setKillFigures } from './p3-worker-kill.js';

export const quickGroup: Group = {
  id: 'quick',
  figures: benchFigures.ids.filter((id) => !['P2_3', 'P2_8', 'P9', 'P9_idle_changes'].includes(id)),
  async run(ctx) {
    const profile = profiles.quick;
    ctx.log(`quick: 1-cluster federations; ${describeProfile(profile)}`);
    await ctx.inLab(profile, async (lab) => {
      const fed = await measureFederate(lab, federationSpec('q-fed', { clusters: 1 }), ctx.log, { memory: true });
      setCriticalPathFigures(ctx.figures, [fed], [], profile, 1);
      ctx.figures.P5 = benchFigures.measured('P5', { samples: [fed.out.status === 'completed' ? 1 : 0], runs: 1, note: `quick: ${memoryLine(1, fed)}` });
      const seq = await measureSequential(lab, federationSpec('q-seq', { clusters: 1 }), ctx.log, 600_000);
      const temporalMs = fed.out.status === 'completed' ? fed.out.endedAt - fed.out.startedAt : undefined;
      setSpeedupFigure(ctx.figures, 1, [{ ...(temporalMs !== undefined ? { temporalMs } : {}), ...(seq.ms !== undefined ? { sequentialMs: seq.ms } : {}) }], profile);
      setKillFigures(ctx.figures, [await measureKill(lab, federationSpec('q-kill', { clusters: 1 }), ctx.log)], [], 1);
    });
    ctx.figures.P6 = benchFigures.notMeasured('P6', 'quick mode does not run npm start (it measures a whole local environment)');
  },
};
