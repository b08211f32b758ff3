/** Speed-up against the activities run one after another (P2), for 3 and 8 clusters, gke profile. */
import type { Figure } from '../../suite/figures.js';
import { secs } from '../../suite/log.js';
import { keepTrials } from '../../suite/lost-runs.js';
import { describeProfile, profiles, type Profile } from '../../suite/profiles.js';
import type { Group } from '../../suite/run-groups.js';
import { federationSpec } from '../../suite/specs.js';
import { benchFigures } from '../figures.js';
import { measureFederate } from '../lib/measure-federate.js';
import { measureSequential } from '../lib/sequential.js';

/** One pair: the workflow's wall time and the sequential baseline's, when each finished. */
export interface SpeedupPair {
  readonly temporalMs?: number;
  readonly sequentialMs?: number;
  /** Why a side did not finish. */
  readonly reason?: string;
  readonly lost?: boolean;
}

/** Sets P2_<n> from its pairs (lost ones listed in the note). */
export function setSpeedupFigure(figures: Record<string, Figure>, n: number, pairs: readonly SpeedupPair[], profile: Profile, lost: readonly SpeedupPair[] = []): void {
  const done = pairs.flatMap((p) => (p.temporalMs !== undefined && p.sequentialMs !== undefined ? [{ t: p.temporalMs, s: p.sequentialMs }] : []));
  const unfinished = pairs.filter((p) => p.reason).map((p) => p.reason ?? '');
  figures[`P2_${n}`] = benchFigures.measured(`P2_${n}`, {
    samples: done.map((p) => p.s / p.t),
    runs: pairs.length,
    note: `sequential ÷ temporal wall time (client start → result), ${n} cluster(s), ${profile.name} profile (provisioning ${profile.provisioningDelayMs / 1000} s); sequential = createActivities(deps) called one after another in-process with the same providers and emulator. Pairs (sequential / temporal): ${done.map((p) => `${secs(p.s, 0)} / ${secs(p.t, 0)}`).join('; ')}.${unfinished.length ? ` Pairs that did not finish: ${unfinished.join(' | ')}.` : ''}${lost.length ? ` Pairs lost to the substrate and replaced: ${lost.map((p) => p.reason ?? '').join(' | ')}.` : ''}`,
  });
}

export const speedupGroup: Group = {
  id: 'P2',
  figures: ['P2_3', 'P2_8'],
  async run(ctx) {
    const profile = profiles.gke;
    const runs = 3;
    ctx.log(`P2: ${runs} pairs for each N; ${describeProfile(profile)}`);
    // `--only P2_8` runs one size.
    const sizes = [3, 8].filter((n) => !ctx.only || ctx.only.has('P2') || ctx.only.has(`P2_${n}`));
    await ctx.inLab(profile, async (lab) => {
      for (const n of sizes) {
        const { trials, lost } = await keepTrials(
          runs,
          async (i): Promise<SpeedupPair> => {
            const t = await measureFederate(lab, federationSpec(`p2n${n}t${i}`, { clusters: n }), ctx.log, { timeoutMs: 900_000 });
            const s = t.out.status === 'completed' ? await measureSequential(lab, federationSpec(`p2n${n}s${i}`, { clusters: n }), ctx.log, n * 150_000 + 300_000) : {};
            const temporalMs = t.out.status === 'completed' ? t.out.endedAt - t.out.startedAt : undefined;
            ctx.log(`  N=${n} pair ${i}: sequential ${s.ms === undefined ? 'not run/failed' : secs(s.ms)}, temporal ${temporalMs === undefined ? t.out.status : secs(temporalMs)}`);
            const reason = t.reason ?? s.reason;
            return { ...(temporalMs !== undefined ? { temporalMs } : {}), ...(s.ms !== undefined ? { sequentialMs: s.ms } : {}), ...(reason ? { reason } : {}), lost: t.out.status === 'lost' || s.lost === true };
          },
          (p) => p.lost === true,
        );
        setSpeedupFigure(ctx.figures, n, trials, profile, lost);
      }
    });
  },
};
