import { dirname, join, resolve } from 'node:path';
import { startEmulator, type Emulator, type EmulatorOptions } from './emulator.js';

export interface RunEmulatorOptions {
  /** REST (Cloud DNS + admin) on `port`, GKE gRPC on `port + 1`, DNS (UDP + TCP) on `port + 2`. @default free ports */
  readonly port?: number;
  /** State directory (state.json, access-token, kwok/). @default dirname(stateFile), else `.kfed/emulator` */
  readonly stateDir?: string;
  /** State file. @default `<stateDir>/state.json` */
  readonly stateFile?: string;
  readonly host?: string;
  readonly provisioningDelayMs?: number;
  readonly deletionDelayMs?: number;
  /** See {@link EmulatorOptions.podLogsDir}. */
  readonly podLogsDir?: string;
  /** See {@link EmulatorOptions.unscheduledLabel}. */
  readonly unscheduledLabel?: EmulatorOptions['unscheduledLabel'];
  /** Delete every backing cluster on exit instead of keeping them for the next start. @default false */
  readonly deleteClustersOnExit?: boolean;
  /** Output lines. @default console.log */
  readonly out?: (line: string) => void;
  /** Stops the emulator when aborted (besides SIGINT/SIGTERM). */
  readonly signal?: AbortSignal;
}

/**
 * Runs the emulator until SIGINT/SIGTERM (or `signal`), printing its endpoints and the
 * environment variables that point kfed at it. What `kfed emulator --port P --state FILE` runs.
 * On exit the state is saved; backing clusters keep running and are re-attached on the next
 * start unless `deleteClustersOnExit`.
 */
export async function runEmulator(options: RunEmulatorOptions = {}): Promise<void> {
  const out = options.out ?? ((line: string): void => { console.log(line); });
  const stateFile = options.stateFile ? resolve(options.stateFile) : undefined;
  const stateDir = resolve(options.stateDir ?? (stateFile ? dirname(stateFile) : join('.kfed', 'emulator')));
  const emulatorOptions: EmulatorOptions = {
    stateDir,
    log: (line) => { out(line); },
    ...(stateFile ? { stateFile } : {}),
    ...(options.host ? { host: options.host } : {}),
    ...(options.port !== undefined ? { restPort: options.port, grpcPort: options.port + 1, dnsPort: options.port + 2 } : {}),
    ...(options.provisioningDelayMs !== undefined ? { provisioningDelayMs: options.provisioningDelayMs } : {}),
    ...(options.deletionDelayMs !== undefined ? { deletionDelayMs: options.deletionDelayMs } : {}),
    ...(options.unscheduledLabel ? { unscheduledLabel: options.unscheduledLabel } : {}),
    ...(options.podLogsDir !== undefined ? { podLogsDir: options.podLogsDir } : {}),
  };
  const emulator = await startEmulator(emulatorOptions);
  for (const line of banner(emulator)) out(line);
  await untilStopped(options.signal);
  out(options.deleteClustersOnExit ? 'stopping: deleting backing clusters' : 'stopping: state saved, backing clusters keep running for the next start');
  if (options.deleteClustersOnExit) await emulator.destroy();
  else await emulator.stop();
}

/** The startup lines: endpoints, then `export` lines a shell can evaluate. */
export function banner(emulator: Emulator): string[] {
  return [
    'kfed emulator (Cloud DNS v1 REST + GKE v1 gRPC, clusters backed by local kwok clusters)',
    `  Cloud DNS  ${emulator.dnsEndpoint}`,
    `  DNS        ${emulator.dnsServer.address} (UDP + TCP; the zones' name servers)`,
    `  GKE gRPC   ${emulator.gkeEndpoint} (plaintext)`,
    `  admin      ${emulator.adminEndpoint} (same bearer token)`,
    `  state      ${emulator.stateFile}`,
    ...Object.entries(emulator.env).map(([k, v]) => `export ${k}=${v}`),
  ];
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((done) => {
    const finish = (): void => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      signal?.removeEventListener('abort', finish);
      done();
    };
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    if (signal?.aborted) finish();
    else signal?.addEventListener('abort', finish, { once: true });
  });
}
