/** Exit codes of the kfed CLI (documented in `kfed --help` and the README). */
export const ExitCode = {
  Ok: 0,
  /** The run failed (or was cancelled). */
  RunFailed: 1,
  /** Bad input: invalid spec, unknown flag, missing argument. */
  BadInput: 2,
  /** The Temporal server could not be reached. */
  TemporalUnreachable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Thrown by commands to end with an exit code. The entry prints `message` (when given) on
 * stderr, then exits with `code`: commands never print an error and exit themselves, and only
 * the entry point calls process.exit.
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

/** A bug in kfed, not in the user's input: the entry asks the user to report it. */
export class InternalError extends Error {
  override name = 'InternalError';
}

/** A usage error: printed with a pointer to --help, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
