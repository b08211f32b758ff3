import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { progressQuery } from '../shared.js';
import { rootMessage } from '../workflows/failures.js';
import type { FederationProgress } from '../workflows/progress.js';
import { ExitCode, ExitError } from './errors.js';
import type { OutputFormat } from './output.js';
import { printJson } from './output.js';
import { ProgressPrinter } from './progress-view.js';

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

/**
 * What `up --wait` and `down --wait` do: follow the run with live progress (or silently for
 * `-o json`, then print the outcome as JSON), and end with exit 1 when the run did not
 * complete. Returns the result for the command's own summary.
 */
export async function followToEnd<T>(handle: WorkflowHandle, runId: string, format: OutputFormat): Promise<T> {
  const outcome = await followRun<T>(handle, format === 'json' ? undefined : new ProgressPrinter());
  if (format === 'json') printJson({ workflowId: handle.workflowId, runId, ...outcome });
  if (outcome.status !== 'COMPLETED') {
    if (format !== 'json') console.error(`kfed: ${handle.workflowId} ${outcome.status.toLowerCase()}: ${outcome.error}`);
    throw new ExitError(ExitCode.RunFailed);
  }
  return outcome.result;
}
