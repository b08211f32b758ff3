/** Reading Temporal failure chains in workflow code (deterministic, no Node modules). */

/**
 * The innermost message of a failure chain: an ActivityFailure or ChildWorkflowFailure says
 * only "Activity task failed"; the provider's message is in its cause.
 */
export function rootMessage(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  for (let depth = 0; depth < 10 && current instanceof Error; depth++) {
    if (current.message) message = current.message;
    current = current.cause;
  }
  return message;
}
