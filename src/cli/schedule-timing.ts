import { quote } from '../spec/quote.js';

/**
 * The timing of a scheduled rebuild (`--cron`, `--every`), checked before anything is sent to
 * Temporal: the server accepts some nonsense (an interval of 0) and answers other nonsense with
 * an error far from the flag that caused it.
 */

/** Bounds of `--every` and `@every`: a rebuild takes minutes, and a year is the longest sane gap. */
export const everyBounds = { minMs: 60_000, maxMs: 366 * 86_400_000 } as const;

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const everyPattern = /^([0-9]+)(ms|s|m|h|d)$/;

/** A Temporal interval in the form the SDK takes (`30m`, `12h`, `1d`). */
export type Every = `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

/**
 * What is wrong with an interval (`30m`, `12h`, `1d`), or undefined when it is one within
 * {@link everyBounds}. `what` names the flag in the message.
 */
export function everyProblem(value: string, what = '--every'): string | undefined {
  const match = everyPattern.exec(value);
  if (!match) return `${what} ${quote(value, 40)} is not a duration (e.g. 30m, 12h, 1d)`;
  const [, amount = '', unit = ''] = match;
  const ms = Number(amount) * (unitMs[unit] ?? Number.NaN);
  if (ms < everyBounds.minMs) return `${what} ${value} is too short: at least 1m (a rebuild tears the federation down and builds it again, which takes minutes)`;
  if (ms > everyBounds.maxMs) return `${what} ${value} is too long: at most 366d`;
  return undefined;
}

/** The shorthands Temporal's cron parser accepts besides `@every`. */
export const cronDescriptors: readonly string[] = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Three-letter names (jan, mon) standing for min, min+1, …; case-insensitive. */
  readonly names?: readonly string[];
  /** Whether `?` ("no specific value") is allowed. */
  readonly any?: boolean;
}

const cronFields: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, any: true },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // 7 is Sunday too, as in most crons.
  { name: 'day-of-week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], any: true },
];

function fieldValue(text: string, field: CronField): number | undefined {
  if (/^[0-9]{1,2}$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  const index = field.names?.indexOf(text.toLowerCase()) ?? -1;
  return index >= 0 ? field.min + index : undefined;
}

/** Whether one comma-separated item of a field is `*`, `?`, `N`, `A-B`, each optionally `/STEP`. */
function validItem(item: string, field: CronField): boolean {
  const [base = '', step, extra] = item.split('/');
  if (extra !== undefined) return false;
  if (step !== undefined && !(/^[0-9]{1,2}$/.test(step) && Number(step) >= 1 && Number(step) <= field.max - field.min + 1)) return false;
  if (base === '*') return true;
  if (base === '?') return field.any === true && step === undefined;
  const [from = '', to, more] = base.split('-');
  if (more !== undefined) return false;
  const start = fieldValue(from, field);
  if (start === undefined) return false;
  if (to === undefined) return true;
  const end = fieldValue(to, field);
  return end !== undefined && start <= end;
}

/**
 * What is wrong with a cron expression, or undefined when Temporal will accept it: five fields
 * (minute hour day-of-month month day-of-week) of `*`, numbers, ranges, lists and steps, or one
 * of {@link cronDescriptors}, or `@every DURATION`.
 */
export function cronProblem(cron: string): string | undefined {
  const expression = cron.trim();
  const shown = quote(cron, 60);
  const forms = `${cronDescriptors.join(' ')}, or @every DURATION (e.g. @every 12h)`;
  if (expression.startsWith('@')) {
    const [descriptor = '', argument, extra] = expression.split(/\s+/);
    if (descriptor === '@every') {
      if (argument === undefined || extra !== undefined) return `--cron ${shown}: @every takes one duration (e.g. @every 12h)`;
      return everyProblem(argument, '--cron @every');
    }
    if (cronDescriptors.includes(descriptor.toLowerCase()) && argument === undefined) return undefined;
    return `--cron ${shown} is not a cron shorthand; Temporal accepts ${forms}`;
  }
  const parts = expression.split(/\s+/).filter(Boolean);
  if (parts.length !== cronFields.length) {
    return `--cron ${shown} has ${parts.length} field${parts.length === 1 ? '' : 's'}; a cron expression has 5 (minute hour day-of-month month day-of-week, e.g. "0 3 * * *"), or is one of ${forms}`;
  }
  for (const [i, field] of cronFields.entries()) {
    const part = parts[i] ?? '';
    if (!part.split(',').every((item) => validItem(item, field))) {
      return `--cron ${shown}: the ${field.name} field ${quote(part, 20)} is not valid (${field.min}-${field.max}${field.names ? ` or ${field.names[0] ?? ''}-${field.names.at(-1) ?? ''}` : ''}, *, a range like 1-5, a list like 1,15 or a step like */15)`;
    }
  }
  return undefined;
}
