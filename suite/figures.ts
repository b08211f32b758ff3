/**
 * Figures of the benchmarks and the fault suite: one value per id (the median of its runs), its
 * unit, its goal as a comparison, the spread and a note; and the registry of a suite's figures,
 * which holds what each id means, so a group names only the id and what it measured.
 */

/** A goal: `<=`, `>=` or `==` against a number, e.g. `<= 1.05`. */
export type Goal = `${'<=' | '>=' | '=='} ${number}`;

/** What a figure means, its unit and its goal. */
export interface FigureDef {
  readonly title: string;
  readonly unit: string;
  readonly goal: Goal;
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

/** What a group measured for one figure; unit and goal come from the registry. */
export interface Measured {
  readonly samples: readonly number[];
  readonly note: string;
  readonly runs?: number;
  readonly decimals?: number;
  /** Another goal than the registry's, e.g. "all of N completed" when quick mode runs fewer trials. */
  readonly goal?: Goal;
}

/** The figures of one suite, in the order its tables list them. */
export class FigureRegistry {
  constructor(private readonly defs: Readonly<Record<string, FigureDef>>) {}

  /** Every id, in table order. */
  get ids(): string[] {
    return Object.keys(this.defs);
  }

  def(id: string): FigureDef {
    const f = this.defs[id];
    if (!f) throw new Error(`unknown figure ${id}`);
    return f;
  }

  /** Figure id → title, for the tables. */
  titles(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.defs).map(([id, f]) => [id, f.title]));
  }

  /** The figure `id` from what was measured. */
  measured(id: string, m: Measured): Figure {
    const { unit, goal } = this.def(id);
    return figure({ ...m, unit, goal: m.goal ?? goal });
  }

  /** The figure `id`, not measured, with the reason. */
  notMeasured(id: string, reason: string, runs = 0): Figure {
    const { unit, goal } = this.def(id);
    return notMeasured(unit, goal, reason, runs);
  }
}
