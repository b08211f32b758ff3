/**
 * The one step runner of every workflow with progress (federate, teardown): a step records its
 * start, end or failure in the progress model and republishes the Temporal UI's current
 * details. Step titles live in progress.ts; the runner hands each step its title, which the
 * step uses as its activities' summary, so the UI and `kfed status` say the same thing.
 */
import { isCancellation, setCurrentDetails } from '@temporalio/workflow';
import { rootMessage } from '../contract.js';
import { failStep, finishStep, renderDetails, skipStep, startStep, stepTitle, type FederationProgress } from './progress.js';

export interface StepRunner {
  /**
   * Runs step `id`: `fn` gets the step's title; `done` turns its result into the step's note.
   * A cancelled step is recorded as skipped (`cancelled`), any other error as failed with the
   * error's innermost message; either way the error is re-thrown.
   */
  run<T>(id: string, fn: (title: string) => Promise<T>, done?: (result: T) => string | undefined): Promise<T>;
  /** Records step `id` as skipped, with the reason. */
  skip(id: string, reason: string): void;
  /** Shows the current progress in the Temporal UI (the workflow's current details). */
  publish(): void;
}

/** A runner over `progress` (workflow time comes from Date.now(), which Temporal makes deterministic). */
export function stepRunner(progress: FederationProgress): StepRunner {
  const publish = (): void => {
    setCurrentDetails(renderDetails(progress, Date.now()));
  };
  return {
    async run<T>(id: string, fn: (title: string) => Promise<T>, done?: (result: T) => string | undefined): Promise<T> {
      startStep(progress, id, Date.now());
      publish();
      try {
        const result = await fn(stepTitle(progress, id));
        finishStep(progress, id, Date.now(), done?.(result));
        return result;
      } catch (err) {
        if (isCancellation(err)) skipStep(progress, id, Date.now(), 'cancelled');
        else failStep(progress, id, Date.now(), rootMessage(err));
        throw err;
      } finally {
        publish();
      }
    },
    skip(id: string, reason: string): void {
      skipStep(progress, id, Date.now(), reason);
    },
    publish,
  };
}
