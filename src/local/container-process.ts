import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { trackChild } from './child-registry.js';

/** How one container's process is run and restarted. */
export interface ContainerProcessOptions {
  readonly binary: string;
  readonly args: readonly string[];
  /** The whole environment of the process (nothing is inherited). */
  readonly env: Readonly<Record<string, string>>;
  /** stdout and stderr of every run, appended, with a line per start and exit. */
  readonly logPath: string;
  /** First restart delay, doubled per crash. @default 1000 */
  readonly initialBackoffMs?: number;
  /** Longest restart delay. @default 10000 */
  readonly maxBackoffMs?: number;
  /** A run at least this long counts as healthy and resets the delay. @default 30000 */
  readonly stableAfterMs?: number;
  /** Time between SIGTERM and SIGKILL on stop. @default 10000 */
  readonly gracePeriodMs?: number;
}

/**
 * One container as a supervised local process: restarted when it exits, with a doubling delay
 * capped at {@link ContainerProcessOptions.maxBackoffMs} (a kubelet's CrashLoopBackOff, shorter
 * because local tests wait for it), until {@link stop}.
 */
export class ContainerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private backoffMs: number;
  private startedAt = 0;
  /** How many times the process was started. */
  starts = 0;

  constructor(private readonly options: ContainerProcessOptions) {
    this.backoffMs = options.initialBackoffMs ?? 1000;
    mkdirSync(dirname(options.logPath), { recursive: true });
  }

  /** The pid of the running process, if one runs now (not between a crash and its restart). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process (no-op while one runs or after {@link stop}). */
  start(): void {
    if (this.stopping || this.child) return;
    this.restartTimer = undefined;
    this.starts++;
    this.startedAt = Date.now();
    this.note(`start ${String(this.starts)}: ${[this.options.binary, ...this.options.args].join(' ')}`);
    const out = openSync(this.options.logPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(this.options.binary, [...this.options.args], { env: { ...this.options.env }, stdio: ['ignore', out, out] });
    } finally {
      // The child holds its own copy of the descriptor.
      closeSync(out);
    }
    this.child = child;
    trackChild(child);
    this.exited = new Promise((resolve) => {
      let done = false;
      const onEnd = (code: number | null, signal: NodeJS.Signals | null, error?: Error): void => {
        if (done) return;
        done = true;
        this.child = undefined;
        this.onExit(code, signal, error);
        resolve();
      };
      child.once('exit', (code, signal) => { onEnd(code, signal); });
      child.once('error', (err) => { onEnd(null, null, err); });
    });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, error?: Error): void {
    const how = error ? `failed to start: ${error.message}` : `exited (${signal ? `signal ${signal}` : `code ${String(code)}`})`;
    if (this.stopping) {
      this.note(`${how}; stopped`);
      return;
    }
    if (Date.now() - this.startedAt >= (this.options.stableAfterMs ?? 30_000)) this.backoffMs = this.options.initialBackoffMs ?? 1000;
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 10_000);
    this.note(`${how}; restarting in ${(delay / 1000).toFixed(1)}s`);
    this.restartTimer = setTimeout(() => {
      this.start();
    }, delay);
    this.restartTimer.unref();
  }

  /** Stops for good: SIGTERM, then SIGKILL after the grace period; no restart follows. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const kill = setTimeout(() => {
      child.kill('SIGKILL');
    }, this.options.gracePeriodMs ?? 10_000);
    await this.exited;
    clearTimeout(kill);
  }

  private note(line: string): void {
    appendFileSync(this.options.logPath, `--- kfed pod-runner ${new Date().toISOString()} ${line}\n`);
  }
}
