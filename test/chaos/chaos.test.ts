import { describe, expect, it } from 'vitest';
import { chaosFigures } from '../../chaos/figures.js';
import { chaosSuite } from '../../chaos/suite.js';
import { quiet } from '../../suite/log.js';
import { machine, shapeProblems, type Results } from '../../suite/report.js';
import { runGroups } from '../../suite/run-groups.js';

describe('npm run chaos --quick on the real substrate', () => {
  it('produces every figure, well-formed, from real fault runs', { timeout: 1_200_000 }, async () => {
    const { figures } = await runGroups(chaosSuite, { quick: true, log: quiet });
    const results: Results = { date: new Date().toISOString(), machine: machine(), figures };
    expect(shapeProblems(results)).toEqual([]);
    expect(Object.keys(figures).sort()).toEqual(chaosFigures.ids.sort());
    for (const [id, f] of Object.entries(figures)) {
      expect(f.value, `${id}: ${f.note}`).toEqual(expect.any(Number));
      // Goals are the registry's, except "all of N completed", which counts quick mode's 1 trial.
      expect(f.goal).toBe(id.endsWith('_completed') ? '== 1' : chaosFigures.def(id).goal);
    }
    // Sanity, not goals: counts stay within their trials.
    expect(figures.R1_completed?.value).toBeLessThanOrEqual(1);
    expect(figures.R7_runs_started?.value).toBeGreaterThanOrEqual(1);
    expect(figures.R6_credentials_found?.runs).toBeGreaterThan(0);
  });
});
