/**
 * A suite's results as a whole (date, machine, figures) and how they read: the check of their
 * shape, the console table and the README's Markdown table, misses first.
 */
import { cpus, totalmem } from 'node:os';
import { meets, type Figure } from './figures.js';

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

/** Checks that a results object has the results files' shape; returns the problems (empty = well-formed). */
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
