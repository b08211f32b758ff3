/**
 * Hostile inputs handled (R10): the share of the hostile-input corpus (test/hostile) that the
 * real CLI handles — the expected exit code and message, no stack trace, no hang, bounded memory
 * and output, nothing echoed, no server contacted. Quick mode runs every tenth case.
 */
import type { Group } from '../../suite/run-groups.js';
import { hostileCases } from '../../test/hostile/corpus.js';
import { runHostileCorpus } from '../../test/hostile/run-corpus.js';
import { chaosFigures } from '../figures.js';

export const hostileInputsScenario: Group = {
  id: 'R10',
  figures: ['R10_hostile_handled'],
  async run(ctx) {
    const cases = ctx.quick ? hostileCases.filter((_, i) => i % 10 === 0) : hostileCases;
    ctx.log(`R10: ${cases.length} hostile input(s) through the CLI, one process each`);
    const corpus = await runHostileCorpus({ cases });
    const missed = corpus.results.filter((r) => !r.handled);
    const slowest = [...corpus.results].sort((a, b) => b.ms - a.ms)[0];
    const peak = Math.max(...corpus.results.map((r) => r.peakRssMb));
    ctx.figures.R10_hostile_handled = chaosFigures.measured('R10_hostile_handled', {
      samples: [(100 * corpus.handled) / corpus.total],
      runs: corpus.total,
      note: `${corpus.handled} of ${corpus.total} cases of test/hostile/corpus.ts handled${ctx.quick ? ' (quick: every tenth)' : ''}: exit code and message as expected, no stack trace, no hang (30 s), resident memory under 400 MB (peak ${peak} MB), output under 16 KiB, nothing echoed, no server contacted; slowest ${slowest ? `${slowest.name} ${(slowest.ms / 1000).toFixed(1)} s` : 'none'}.${missed.length ? ` Not handled: ${missed.map((r) => `${r.name}: ${r.problems.join(', ')}`).join(' | ')}` : ''}`,
    });
  },
};
