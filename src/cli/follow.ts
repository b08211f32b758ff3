import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { progressQuery } from '../shared.js';
import { rootMessage } from '../workflows/failures.js';
import type { FederationProgress } from '../workflows/progress.js';
import type { ProgressPrinter } from './progress-view.js';

export type RunOutcome<T> =
  | { readonly status: 'COMPLETED'; readonly result: T; readonly progress?: FederationProgress }
  | { readonly status: 'FAILED' | 'CANCELLED' | 'TERMINATED' | 'TIMED_OUT'; readonly error: string; readonly progress?: FederationProgress };

/** The progress of a run, or undefined when no worker can answer the query right now. */
export async function queryProgress(handle: WorkflowHandle): Promise<FederationProgress | undefined> {
  try {
    return await handle.query(progressQuery);
  } catch {
    return undefined;
  }
}

/**
 * Follows a run until it closes, feeding each progress snapshot to the printer, and returns
 * how it ended. Ctrl-C only stops following: the run continues on the workers.
 */
export async function followRun<T>(handle: WorkflowHandle, printer?: ProgressPrinter, pollMs = 500): Promise<RunOutcome<T>> {
  let progress: FederationProgress | undefined;
  for (;;) {
    progress = (await queryProgress(handle)) ?? progress;
    if (progress) printer?.update(progress);
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  progress = (await queryProgress(handle)) ?? progress;
  if (progress) printer?.update(progress);
  try {
    const result = (await handle.result()) as T;
    return { status: 'COMPLETED', result, progress };
  } catch (err) {
    const description = await handle.describe();
    const status = description.status.name;
    const closed = status === 'CANCELLED' || status === 'TERMINATED' || status === 'TIMED_OUT' ? status : 'FAILED';
    const error = err instanceof WorkflowFailedError ? rootMessage(err.cause ?? err) : rootMessage(err);
    return { status: closed, error, progress };
  }
}
