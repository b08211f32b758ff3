/** Small terminal output helpers shared by the commands. */
import { quote } from '../spec/quote.js';
import { UsageError } from './errors.js';

/** Output format chosen with `-o`. */
export type OutputFormat = 'table' | 'json';

/** The values `-o` takes (`wide` is kubectl's habit; kfed's tables are already wide). */
const outputFormats: Record<string, OutputFormat> = { table: 'table', wide: 'table', json: 'json' };

/** The `-o` value as a format; anything else is a usage error (exit 2) naming the allowed values. */
export function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined) return 'table';
  const format = Object.hasOwn(outputFormats, value) ? outputFormats[value] : undefined;
  if (!format) throw new UsageError(`unknown output format ${quote(value, 40)} for -o (allowed: ${Object.keys(outputFormats).join(', ')})`);
  return format;
}

/** Left-aligned columns like kubectl: header row, then one row per item. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('   ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Human age like kubectl: 45s, 12m, 3h, 2d. */
export function age(fromMs: number, nowMs: number = Date.now()): string {
  const s = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}
