import { describe, expect, it } from 'vitest';
import { benchFigures } from '../../bench/figures.js';
import { benchSuite } from '../../bench/suite.js';
import { figure, meets, notMeasured } from '../../suite/figures.js';
import { quiet } from '../../suite/log.js';
import { machine, renderMarkdown, reportOrder, shapeProblems, type Results } from '../../suite/report.js';
import { runGroups } from '../../suite/run-groups.js';

describe('bench results format', () => {
  it('takes the median as the value and checks goals of every comparison', () => {
    const f = figure({ samples: [3, 1, 2, 10], unit: 's', goal: '<= 2', note: 'n' });
    expect(f).toMatchObject({ value: 2.5, median: 2.5, min: 1, max: 10, runs: 4 });
    expect(meets('<= 2', 2)).toBe(true);
    expect(meets('>= 7.2', 7.1)).toBe(false);
    expect(meets('== 0', 0)).toBe(true);
    expect(meets('== 0', null)).toBeUndefined();
  });

  it('lists misses first, then unmeasured figures, then the met ones', () => {
    const results: Results = {
      date: new Date().toISOString(),
      machine: machine(),
      figures: {
        A: figure({ samples: [1], unit: 'x', goal: '>= 1', note: '' }),
        B: notMeasured('s', '<= 60', 'broken'),
        C: figure({ samples: [5], unit: 's', goal: '<= 2', note: 'slow | really' }),
      },
    };
    expect(shapeProblems(results)).toEqual([]);
    expect(reportOrder(results)).toEqual(['C', 'B', 'A']);
    const md = renderMarkdown(results, {}, 'intro');
    expect(md.indexOf('| **miss** | C')).toBeLessThan(md.indexOf('| **not measured** | B'));
    expect(md).toContain('slow \\| really');
  });

  it('rejects results that are not in the results files\' shape', () => {
    expect(shapeProblems({ date: 'x', machine: {}, figures: { P1: { value: 2, median: 1, goal: '<1', unit: '', runs: -1, min: 0, max: 3, note: '' } } })).toEqual(
      expect.arrayContaining([expect.stringContaining('date'), expect.stringContaining('machine'), expect.stringContaining('goal'), expect.stringContaining('median'), expect.stringContaining('runs')]),
    );
  });
});

describe('npm run bench --quick on the real substrate', () => {
  it('produces every figure, well-formed, from real runs', { timeout: 420_000 }, async () => {
    const { figures, scans } = await runGroups(benchSuite, { quick: true, log: quiet });
    const results: Results = { date: new Date().toISOString(), machine: machine(), figures };
    expect(shapeProblems(results)).toEqual([]);
    expect(Object.keys(figures).sort()).toEqual(['P1', 'P2_1', 'P3_completed_rerun', 'P3_inflight_rerun', 'P4', 'P5', 'P6', 'P7', 'P8']);
    for (const id of ['P1', 'P2_1', 'P3_completed_rerun', 'P3_inflight_rerun', 'P4', 'P5', 'P7', 'P8']) {
      expect(figures[id]?.value, `${id}: ${figures[id]?.note ?? ''}`).toEqual(expect.any(Number));
    }
    // Sanity, not speed: a wall time is never far below the critical path it contains.
    expect(figures.P1?.value).toBeGreaterThan(0.8);
    // The federation became usable (the canary reached its member) before the run ended.
    expect(figures.P8?.value).toBeGreaterThan(0);
    expect(figures.P5?.value).toBe(1);
    expect(figures.P6?.value).toBeNull();
    expect(figures.P1?.goal).toBe(benchFigures.def('P1').goal);
    // The one join in flight at the kill runs again; nothing that had completed does.
    expect(figures.P3_completed_rerun?.value).toBe(0);
    expect(figures.P3_inflight_rerun?.value).toBeGreaterThan(0);
    expect(scans.quick?.histories).toBeGreaterThan(0);
    expect(scans.quick?.found).toEqual([]);
  });
});
