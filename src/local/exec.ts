import { spawn } from 'node:child_process';

/** Output of a finished child process. */
export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Thrown when a command exits non-zero (or cannot be spawned) and the caller asked for success. */
export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: ExecResult,
  ) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-15).join('\n');
    super(`${command} exited with code ${result.code}${tail ? `:\n${tail}` : ''}`);
    this.name = 'CommandError';
  }
}

export interface ExecOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Stream the child's output lines through this callback as they arrive. */
  readonly onLine?: (line: string) => void;
  readonly timeoutMs?: number;
}

/** Runs a command to completion and collects its output; never throws for a non-zero exit. */
export function exec(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    const onData = (chunk: Buffer, sink: 'out' | 'err'): void => {
      const text = chunk.toString('utf8');
      if (sink === 'out') stdout += text;
      else stderr += text;
      if (options.onLine) for (const line of text.split('\n')) if (line.trim()) options.onLine(line);
    };
    child.stdout.on('data', (c: Buffer) => { onData(c, 'out'); });
    child.stderr.on('data', (c: Buffer) => { onData(c, 'err'); });
    child.on('error', (err: NodeJS.ErrnoException) => {
      resolve({ code: err.code === 'ENOENT' ? 127 : 1, stdout, stderr: stderr + err.message });
    });
    child.on('close', (code, signal) => {
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** Like {@link exec} but throws {@link CommandError} unless the command exits 0. */
export async function execOk(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const result = await exec(command, args, options);
  if (result.code !== 0) throw new CommandError([command, ...args].join(' '), result);
  return result;
}
