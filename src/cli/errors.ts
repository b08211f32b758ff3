/** Exit codes of the kfed CLI (documented in `kfed --help` and the README). */
export const ExitCode = {
  Ok: 0,
  /** The run failed or was cancelled, or kfed itself failed unexpectedly (a stack trace, or "please report"). */
  RunFailed: 1,
  /** Bad input: invalid spec, unknown flag, missing argument. */
  BadInput: 2,
  /** The Temporal server could not be reached. */
  TemporalUnreachable: 3,
  /** Stopped by Ctrl-C (128 + SIGINT, as shells report it); a run being followed goes on. */
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Thrown by commands to end with an exit code. The entry prints `userMessage` (when given) on
 * stderr, then exits with `code`: commands never print an error and exit themselves, and only
 * the entry point calls process.exit. An expected failure is one throw of this, with its message.
 */
export class ExitError extends Error {
  override name = 'ExitError';
  constructor(
    readonly code: ExitCode,
    /** What to tell the user; omitted when the command already printed everything. */
    readonly userMessage?: string,
  ) {
    super(userMessage ?? `exit ${code}`);
  }
}

/**
 * A state kfed should never reach (a completed run without a result, an unknown run status): a
 * bug in kfed, not in the user's input. The entry prints it with "please report", without a stack.
 */
export class InternalError extends Error {
  override name = 'InternalError';
}

/** A usage error (a flag, an argument): printed with the command's help, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
