/** Thrown by {@link waitFor} when the condition did not hold in time. */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

/**
 * Polls `check` until it returns true. An error thrown by `check` stops the wait at once
 * (it means the thing will never become ready, e.g. the process died).
 */
export async function waitFor(what: string, check: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new WaitTimeoutError(`timed out after ${options.timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, options.intervalMs));
  }
}
