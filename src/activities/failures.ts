/**
 * How activities report: provider errors become Temporal failures (typed, secret-free), polling
 * misses are quiet, and steps that wait inside the activity heartbeat.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { NotFoundError, ProviderError } from '../providers/errors.js';

/**
 * Runs a provider call and re-throws its provider errors as Temporal failures with the
 * provider's type, message and hint, WITHOUT the SDK error as cause: causes can carry response
 * bodies and headers, and failures are stored in workflow history in clear.
 */
export async function callProvider<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ProviderError) throw asFailure(err);
    throw err;
  }
}

/** A provider error as a Temporal failure: its type, message and hint, never its SDK cause. */
export function asFailure(err: ProviderError): ApplicationFailure {
  return ApplicationFailure.create({
    message: err.message,
    type: err.name,
    // NotFound is retryable here: right after a create, a read may not see the resource yet.
    nonRetryable: !err.retryable && !(err instanceof NotFoundError),
    details: [{ resource: err.resource, hint: err.hint ?? null }],
  });
}

/**
 * Heartbeats every few seconds while `fn` runs, for steps that wait inside the activity (plane
 * init, token Secret). A worker that dies mid-step is then noticed within the heartbeat
 * timeout instead of the much longer start-to-close timeout.
 */
export async function heartbeating<T>(fn: () => Promise<T>): Promise<T> {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    // Called outside an activity (direct calls in tests): nothing to heartbeat to.
  }
  const timer = context ? setInterval(() => { context.heartbeat(); }, 3000) : undefined;
  try {
    return await fn();
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** An expected polling miss: retried on the poll interval, logged quietly (BENIGN). */
export function notYet(message: string, type: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type, category: ApplicationFailureCategory.BENIGN });
}
