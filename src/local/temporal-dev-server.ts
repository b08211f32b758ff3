import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { trackChild } from './child-registry.js';
import { freePorts } from './ports.js';
import { waitFor } from './wait.js';

/** Ports the dev server listens on (all on 127.0.0.1). */
export interface DevServerPorts {
  readonly grpc: number;
  readonly ui: number;
  readonly http: number;
  readonly metrics: number;
}

export interface TemporalDevServerOptions {
  /** The `temporal` CLI binary (see {@link ensureTools}). */
  readonly binary: string;
  /** SQLite file that keeps workflow state across restarts. */
  readonly dbFile: string;
  /** Fixed ports; free ports are picked when omitted. */
  readonly ports?: DevServerPorts;
  /** @default 'default' */
  readonly namespace?: string;
  /** Server output goes here; @default discarded */
  readonly logFile?: string;
  /**
   * Keep the server running after this process exits (used by `npm start`, which leaves the
   * local environment up). Detached servers are not killed at exit.
   * @default false
   */
  readonly detached?: boolean;
  /** @default 60_000 */
  readonly startTimeoutMs?: number;
}

/**
 * A Temporal CLI dev server (`temporal server start-dev`) with its UI, on loopback. State lives
 * in a SQLite file so {@link restart} keeps every workflow, which durability tests rely on.
 */
export class TemporalDevServer {
  private child: ChildProcess | undefined;
  private currentPorts: DevServerPorts | undefined;

  constructor(private readonly options: TemporalDevServerOptions) {}

  get ports(): DevServerPorts {
    if (!this.currentPorts) throw new Error('TemporalDevServer has not been started');
    return this.currentPorts;
  }

  /** gRPC address for clients and workers, e.g. `127.0.0.1:7233`. */
  get address(): string {
    return `127.0.0.1:${this.ports.grpc}`;
  }

  get namespace(): string {
    return this.options.namespace ?? 'default';
  }

  get uiUrl(): string {
    return `http://127.0.0.1:${this.ports.ui}`;
  }

  /** Process id of the running server, if this object started it. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Starts the server (on free ports unless given) and waits until it answers. With picked
   * ports, a start that loses a port race is retried on new ports.
   */
  async start(): Promise<void> {
    const picked = !this.options.ports && !this.currentPorts;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.startOnce();
        return;
      } catch (err) {
        if (!picked || attempt >= 3 || !(err instanceof Error) || !err.message.includes('exited')) throw err;
        this.child = undefined;
        this.currentPorts = undefined;
      }
    }
  }

  private async startOnce(): Promise<void> {
    if (this.child) throw new Error('TemporalDevServer already started');
    if (!this.currentPorts) {
      const [grpc, ui, http, metrics] = this.options.ports
        ? [this.options.ports.grpc, this.options.ports.ui, this.options.ports.http, this.options.ports.metrics]
        : await freePorts(4);
      this.currentPorts = { grpc: grpc ?? 0, ui: ui ?? 0, http: http ?? 0, metrics: metrics ?? 0 };
    }
    const ports = this.currentPorts;
    mkdirSync(dirname(this.options.dbFile), { recursive: true });
    const args = [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(ports.grpc),
      '--ui-port', String(ports.ui),
      '--http-port', String(ports.http),
      '--metrics-port', String(ports.metrics),
      '--db-filename', this.options.dbFile,
      '--namespace', this.namespace,
      '--log-level', 'warn',
    ];
    let logFd: number | undefined;
    if (this.options.logFile) {
      mkdirSync(dirname(this.options.logFile), { recursive: true });
      logFd = openSync(this.options.logFile, 'a', 0o600);
    }
    const stdio = logFd ?? 'ignore';
    const child = spawn(this.options.binary, args, {
      stdio: ['ignore', stdio, stdio],
      detached: this.options.detached ?? false,
    });
    if (logFd !== undefined) closeSync(logFd);
    if (this.options.detached) child.unref();
    else trackChild(child);
    this.child = child;
    let exited: string | undefined;
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? `code ${String(code)}`}`;
    });
    await waitFor(
      `Temporal dev server on ${this.address}`,
      async () => {
        if (exited) throw new Error(`temporal server ${exited}${this.options.logFile ? ` (see ${this.options.logFile})` : ''}`);
        return isTemporalServing(this.address, this.namespace);
      },
      { timeoutMs: this.options.startTimeoutMs ?? 60_000, intervalMs: 200 },
    );
  }

  /** Stops the server: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child?.exitCode !== null || child.signalCode !== null) return;
    await terminate(child, graceMs);
  }

  /** Kills the server without letting it shut down cleanly (crash tests). */
  async kill(): Promise<void> {
    await this.stop(0);
  }

  /** Stops and starts again on the same ports with the same database. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

/** True when a Temporal frontend answers on `address` and the namespace exists. */
export async function isTemporalServing(address: string, namespace: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1000 });
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** Sends SIGTERM (or SIGKILL when graceMs is 0) and waits for the process to exit. */
export function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(graceMs === 0 ? 'SIGKILL' : 'SIGTERM');
  });
}
