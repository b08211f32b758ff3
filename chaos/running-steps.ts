/** The step(s) a run is in at a moment (its progress query), for the notes of the kill scenarios. */
import type { WorkflowHandle } from '@temporalio/client';
import { queryProgress } from '../src/client/runs.js';

export async function runningSteps(handle: WorkflowHandle): Promise<string> {
  const p = await queryProgress(handle);
  if (!p) return 'unknown';
  const running = p.steps.filter((s) => s.state === 'Running').map((s) => s.id.split(':')[0] ?? s.id);
  return [...new Set(running)].join('+') || (p.phase === 'Running' ? 'between steps' : p.phase.toLowerCase());
}
