/** Progress lines with the elapsed time, to stdout (benchmarks run for a long time). */
const started = Date.now();

export type Log = (line: string) => void;

export const log: Log = (line) => {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(5);
  console.log(`[${s}s] ${line}`);
};

export const quiet: Log = () => undefined;

export function secs(ms: number, decimals = 1): string {
  return `${(ms / 1000).toFixed(decimals)} s`;
}
