import type { RunOutcome } from '../client/runs.js';
import type { FailureInfo } from '../contract.js';
import { ExitCode, ExitError, InternalError } from './errors.js';

/** Run statuses as a sentence says them. */
const statusWords: Record<string, string> = { FAILED: 'failed', CANCELLED: 'was cancelled', TERMINATED: 'was terminated', TIMED_OUT: 'timed out' };

/** A run status as a sentence says it (`TIMED_OUT` → `timed out`). */
export function statusWord(status: string): string {
  return statusWords[status] ?? status.toLowerCase();
}

/**
 * A failure for people: its message, then its type and hint, e.g.
 * `GKE: permission denied (PermissionError; hint: grant roles/container.admin ...)`. Providers
 * often end the message with the hint in parentheses already; it is said once.
 */
export function describeFailure(failure: FailureInfo): string {
  let message = failure.message;
  if (failure.hint) {
    const suffix = `(${failure.hint})`;
    if (message.endsWith(suffix)) message = message.slice(0, -suffix.length).trimEnd();
  }
  const notes = [failure.type, failure.hint ? `hint: ${failure.hint}` : undefined].filter((n): n is string => Boolean(n));
  return notes.length > 0 ? `${message} (${notes.join('; ')})` : message;
}

type Outcome<T> = RunOutcome<T>;
type Failed = Exclude<Outcome<unknown>, { status: 'COMPLETED' }>;

/** The one line that says how a run ended badly: `kfed: kfed-prod failed: <failure>`. */
export function failureLine(workflowId: string, outcome: Failed): string {
  return `kfed: ${workflowId} ${statusWord(outcome.status)}: ${describeFailure(outcome.failure)}`;
}

/**
 * The result of a run that ended: its result when it completed, else an ExitError(1) with
 * {@link failureLine}. A completed run without a result is a bug in kfed (InternalError).
 */
export function resultOf<T>(workflowId: string, outcome: Outcome<T>): T {
  if (outcome.status !== 'COMPLETED') throw new ExitError(ExitCode.RunFailed, failureLine(workflowId, outcome));
  if (outcome.result === undefined || outcome.result === null) throw new InternalError(`${workflowId} completed without a result`);
  return outcome.result;
}
