import type { WorkflowHandle } from '@temporalio/client';
import { followRun } from '../client/runs.js';
import { resultOf } from './outcome.js';
import type { OutputFormat } from './output.js';
import { printJson } from './output.js';
import { ProgressPrinter } from './progress-view.js';

/**
 * What `up --wait` and `down --wait` do: follow the run with live progress (or silently for
 * `-o json`, then print the outcome, failure type and hint included, as JSON), and end with exit
 * 1 and the failure when the run did not complete. Returns the result for the command's summary.
 */
export async function followToEnd<T>(handle: WorkflowHandle, runId: string, format: OutputFormat): Promise<T> {
  const printer = format === 'json' ? undefined : new ProgressPrinter();
  const outcome = await followRun<T>(handle, printer ? (p) => { printer.update(p); } : undefined);
  if (format === 'json') printJson({ workflowId: handle.workflowId, runId, ...outcome });
  return resultOf(handle.workflowId, outcome);
}
