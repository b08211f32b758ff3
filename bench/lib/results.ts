/**
 * The results files of `npm run bench` and `npm run chaos` (issue #7): one figure per id with its
 * median, its goal as a comparison, the spread of the runs and a note; plus the console table
 * and the Markdown table for the README, misses first.
 */
import { cpus, totalmem } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A goal: `<=`, `>=` or `==` against a number, e.g. `<= 1.05`. */
export type Goal = `${'<=' | '>=' | '=='} ${number}`;

/** What a figure means, its unit and its goal (the table of figures). */
export interface FigureDef {
  readonly title: string;
  readonly unit: string;
  readonly goal: Goal;
}

/** Figure id → title, for the tables. */
export function titlesOf(defs: Readonly<Record<string, FigureDef>>): Record<string, string> {
  return Object.fromEntries(Object.entries(defs).map(([id, f]) => [id, f.title]));
}

export interface Figure {
  /** The median of the runs; null when the figure could not be measured (the note says why). */
  readonly value: number | null;
  readonly unit: string;
  readonly goal: Goal;
  /** How many runs (trials) the figure comes from. */
  readonly runs: number;
  readonly min: number | null;
  readonly median: number | null;
  readonly max: number | null;
  readonly note: string;
}

export interface Machine {
  readonly cores: number;
  readonly memGiB: number;
  readonly node: string;
}

export interface Results {
  readonly date: string;
  readonly machine: Machine;
  readonly figures: Record<string, Figure>;
}

export function machine(): Machine {
  return { cores: cpus().length, memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10, node: process.version };
}

/** Median of the samples (mean of the middle two for an even count). */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) throw new Error('median of no samples');
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Rounds to a few significant decimals for the files (keeps integers as they are). */
export function round(value: number, decimals = 3): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/**
 * A figure from per-run samples: value = median. `runs` defaults to the number of samples; an
 * aggregate figure (a count over N trials) passes its one aggregate sample and `runs: N`.
 */
export function figure(args: { samples: readonly number[]; unit: string; goal: Goal; note: string; runs?: number; decimals?: number }): Figure {
  if (args.samples.length === 0) return notMeasured(args.unit, args.goal, args.note, args.runs ?? 0);
  const d = args.decimals ?? 3;
  const value = round(median(args.samples), d);
  return {
    value,
    unit: args.unit,
    goal: args.goal,
    runs: args.runs ?? args.samples.length,
    min: round(Math.min(...args.samples), d),
    median: value,
    max: round(Math.max(...args.samples), d),
    note: args.note,
  };
}

export function notMeasured(unit: string, goal: Goal, reason: string, runs = 0): Figure {
  return { value: null, unit, goal, runs, min: null, median: null, max: null, note: `not measured: ${reason}` };
}

/** True when the value meets the goal; undefined when there is no value. */
export function meets(goal: Goal, value: number | null): boolean | undefined {
  if (value === null) return undefined;
  const [op, raw] = goal.split(' ') as ['<=' | '>=' | '==', string];
  const target = Number(raw);
  switch (op) {
    case '<=':
      return value <= target;
    case '>=':
      return value >= target;
    case '==':
      return value === target;
  }
}

type Verdict = 'MISS' | 'NOT MEASURED' | 'ok';

function verdict(f: Figure): Verdict {
  const met = meets(f.goal, f.value);
  return met === undefined ? 'NOT MEASURED' : met ? 'ok' : 'MISS';
}

/** Figure ids in report order: misses, then not measured, then met; each group in id order. */
export function reportOrder(results: Results): string[] {
  const rank: Record<Verdict, number> = { MISS: 0, 'NOT MEASURED': 1, ok: 2 };
  return Object.keys(results.figures).sort((a, b) => {
    const fa = results.figures[a];
    const fb = results.figures[b];
    if (!fa || !fb) return 0;
    return rank[verdict(fa)] - rank[verdict(fb)] || a.localeCompare(b, 'en', { numeric: true });
  });
}

function show(f: Figure): string {
  return f.value === null ? '—' : `${f.value} ${f.unit}`;
}

/** The console table: figure, value, goal, verdict, spread; misses first. */
export function renderTable(results: Results, titles: Readonly<Record<string, string>>): string {
  const rows = reportOrder(results).map((id) => {
    const f = results.figures[id];
    if (!f) return [];
    return [verdict(f), id, titles[id] ?? '', show(f), f.goal, String(f.runs), f.min === null ? '—' : `${f.min}–${f.max}`];
  });
  const header = ['', 'figure', 'what', 'value', 'goal', 'runs', 'min–max'];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** A Markdown section body (table + notes) for the README; misses first, honestly labelled. */
export function renderMarkdown(results: Results, titles: Readonly<Record<string, string>>, intro: string, footer = ''): string {
  const lines = [
    intro,
    '',
    `Measured ${results.date.slice(0, 10)} on ${results.machine.cores} cores, ${results.machine.memGiB} GiB, Node ${results.machine.node}. Value = median of the runs.`,
    '',
    '| | figure | what | value | goal | runs | min–max | note |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const id of reportOrder(results)) {
    const f = results.figures[id];
    if (!f) continue;
    const v = verdict(f);
    const mark = v === 'ok' ? 'met' : v === 'MISS' ? '**miss**' : '**not measured**';
    const value = show(f);
    const spread = f.min === null ? '—' : `${f.min}–${f.max}`;
    const note = f.note.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    lines.push(`| ${mark} | ${id} | ${titles[id] ?? ''} | ${value} | ${f.goal} | ${f.runs} | ${spread} | ${note} |`);
  }
  if (footer) lines.push('', footer);
  return `${lines.join('\n')}\n`;
}

export function writeJson(path: string, data: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

/** Checks that a results object has the shape; returns the problems (empty = well-formed). */
export function shapeProblems(results: unknown): string[] {
  const problems: string[] = [];
  const r = results as Partial<Results> | null;
  if (!r || typeof r !== 'object') return ['not an object'];
  if (typeof r.date !== 'string' || Number.isNaN(Date.parse(r.date))) problems.push('date is not an ISO date');
  const m = r.machine;
  if (!m || typeof m.cores !== 'number' || typeof m.memGiB !== 'number' || typeof m.node !== 'string') problems.push('machine must have cores, memGiB, node');
  if (!r.figures || typeof r.figures !== 'object') return [...problems, 'figures missing'];
  for (const [id, f] of Object.entries(r.figures)) {
    if (!/^(<=|>=|==) -?\d+(\.\d+)?$/.test(f.goal)) problems.push(`${id}: goal "${f.goal}" is not a comparison`);
    for (const key of ['value', 'min', 'median', 'max'] as const) {
      const v = f[key];
      if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) problems.push(`${id}: ${key} is not a number`);
    }
    if (f.value !== f.median) problems.push(`${id}: value must be the median`);
    if (f.value !== null && f.min !== null && f.max !== null && (f.min > f.value || f.value > f.max)) problems.push(`${id}: median outside min..max`);
    if (typeof f.unit !== 'string' || !f.unit) problems.push(`${id}: unit missing`);
    if (!Number.isInteger(f.runs) || f.runs < 0) problems.push(`${id}: runs is not a count`);
    if (typeof f.note !== 'string') problems.push(`${id}: note missing`);
  }
  return problems;
}
