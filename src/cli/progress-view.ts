import type { FederationProgress, StepProgress } from '../workflows/progress.js';
import { conditions } from '../workflows/progress.js';
import { seconds } from './output.js';

const icons: Record<StepProgress['state'], string> = {
  Pending: '·',
  Running: '…',
  Succeeded: '✓',
  Failed: '✗',
  Skipped: '-',
};

function stepTime(step: StepProgress, now: number): string {
  if (step.startedAt === undefined) return '';
  return seconds((step.finishedAt ?? now) - step.startedAt);
}

/** The whole progress block (TTY view): one line per step, then the Ready condition. */
export function renderProgress(progress: FederationProgress, now: number): string[] {
  const width = Math.max(...progress.steps.map((s) => s.title.length));
  const lines = progress.steps.map((s) => {
    const note = s.message ? `  ${s.message}` : '';
    return `${icons[s.state]} ${s.title.padEnd(width)}  ${s.state.padEnd(9)} ${stepTime(s, now).padStart(6)}${note}`.slice(0, 160);
  });
  const ready = conditions(progress)[0];
  lines.push(`  ${progress.operation} ${progress.federation}: ${progress.phase} — ${ready?.message ?? ''} (${seconds((progress.finishedAt ?? now) - progress.startedAt)})`);
  return lines;
}

/**
 * Follows a run's progress on a terminal. On a TTY it redraws the block in place; otherwise it
 * prints one plain line per step state change (logs and CI stay readable).
 */
export class ProgressPrinter {
  private lastLines = 0;
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly tty = process.stdout.isTTY,
  ) {}

  update(progress: FederationProgress, now: number = Date.now()): void {
    if (this.tty) {
      const lines = renderProgress(progress, now);
      if (this.lastLines > 0) this.out.write(`\x1b[${this.lastLines}F\x1b[J`);
      this.out.write(`${lines.join('\n')}\n`);
      this.lastLines = lines.length;
      return;
    }
    for (const s of progress.steps) {
      const key = `${s.state}|${s.state === 'Running' ? '' : (s.message ?? '')}`;
      if (this.seen.get(s.id) === key || (s.state === 'Pending' && !this.seen.has(s.id))) continue;
      this.seen.set(s.id, key);
      const at = seconds((s.finishedAt ?? s.startedAt ?? now) - progress.startedAt);
      this.out.write(`[${at.padStart(6)}] ${s.title}: ${s.state}${s.message && s.state !== 'Running' ? ` (${s.message})` : ''}\n`);
    }
  }
}
