/**
 * Runs the hostile-input corpus against the real CLI (`bin/kfed.js`, as installed), one process
 * per case, and says for each whether it was handled: the expected exit code, the expected
 * message, no stack trace, no hang (a timeout), bounded memory (a heap cap and an RSS watch), a
 * bounded output that does not echo what it was given, and no connection to any server (every
 * endpoint points at a listener that counts connections). The fault suite reports the share
 * handled as figure R10.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/local/tools.js';
import { hostileCases, type HostileCase } from './corpus.js';

export interface CorpusOptions {
  readonly cases?: readonly HostileCase[];
  /** Cases run at once. @default 2 (the CI machine has two cores) */
  readonly concurrency?: number;
  /** A case still running after this is a hang. @default 30 000 */
  readonly timeoutMs?: number;
  /** The CLI's resident memory may not pass this. @default 400 */
  readonly rssLimitMb?: number;
}

export interface CaseResult {
  readonly name: string;
  readonly handled: boolean;
  /** What went wrong; empty when handled. */
  readonly problems: readonly string[];
  readonly code: number | null;
  readonly ms: number;
  readonly peakRssMb: number;
  readonly output: string;
}

export interface CorpusResult {
  readonly handled: number;
  readonly total: number;
  readonly results: readonly CaseResult[];
}

/** Most output a case may print: help text and a capped list of problems fit well within it. */
const maxOutputBytes = 16 * 1024;
/** The JS heap of the CLI; files are read into buffers outside it, which the RSS watch bounds. */
const heapLimitMb = 192;

const cli = join(projectRoot, 'bin', 'kfed.js');

/** A listener standing in for every server: the CLI must not connect to it for bad input. */
async function trap(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => connections };
}

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs one case in a scratch directory of its own (its cwd and HOME), then removes it. */
export async function runHostileCase(c: HostileCase, options: CorpusOptions = {}): Promise<CaseResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const rssLimitMb = options.rssLimitMb ?? 400;
  const dir = mkdtempSync(join(tmpdir(), 'kfed-hostile-'));
  const listener = await trap();
  const problems: string[] = [];
  const started = Date.now();
  let peak = 0;
  let output = '';
  let code: number | null = null;
  try {
    c.prepare?.(dir);
    const endpoint = `127.0.0.1:${listener.port}`;
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      TEMPORAL_ADDRESS: endpoint,
      KFED_DNS_ENDPOINT: `http://${endpoint}/dns/v1`,
      KFED_GKE_ENDPOINT: `http://${endpoint}`,
      METADATA_SERVER_DETECTION: 'none',
      ...c.env?.(dir),
    };
    const child = spawn(process.execPath, [`--max-old-space-size=${heapLimitMb}`, cli, ...c.argv], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let bytes = 0;
    const collect = (d: Buffer): void => {
      bytes += d.length;
      if (bytes <= maxOutputBytes * 4) chunks.push(d);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let killedFor: string | undefined;
    const watch = setInterval(() => {
      if (child.pid === undefined) return;
      peak = Math.max(peak, rssMb(child.pid));
      if (peak > rssLimitMb && !killedFor) {
        killedFor = `memory: resident set passed ${rssLimitMb} MB`;
        child.kill('SIGKILL');
      }
    }, 25);
    const timer = setTimeout(() => {
      killedFor ??= `hang: still running after ${timeoutMs / 1000}s`;
      child.kill('SIGKILL');
    }, timeoutMs);
    code = await new Promise<number | null>((resolve) => {
      child.on('close', (exit) => { resolve(exit); });
    });
    clearInterval(watch);
    clearTimeout(timer);
    output = Buffer.concat(chunks).toString('utf8');
    if (killedFor) problems.push(killedFor);
    if (code !== c.exit) problems.push(`exit ${String(code)}, expected ${c.exit}`);
    if (!output.includes(c.message)) problems.push(`output lacks ${JSON.stringify(c.message)}`);
    if (/^ {4}at /m.test(output)) problems.push('a stack trace was printed');
    if (bytes > maxOutputBytes) problems.push(`printed ${bytes} bytes (at most ${maxOutputBytes})`);
    if (c.secret !== undefined && output.includes(c.secret)) problems.push(`echoed ${JSON.stringify(c.secret)}`);
    if (listener.connections() > 0) problems.push(`connected to a server ${listener.connections()} time(s)`);
    const after = c.after?.(dir);
    if (after) problems.push(after);
  } catch (err) {
    problems.push(`the runner failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    listener.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { name: c.name, handled: problems.length === 0, problems, code, ms: Date.now() - started, peakRssMb: Math.round(peak), output };
}

/** Runs the whole corpus (or `options.cases`) and counts the cases handled. */
export async function runHostileCorpus(options: CorpusOptions = {}): Promise<CorpusResult> {
  const cases = options.cases ?? hostileCases;
  const results: CaseResult[] = new Array<CaseResult>(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < cases.length; i = next++) {
      const c = cases[i];
      if (c) results[i] = await runHostileCase(c, options);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  return { handled: results.filter((r) => r.handled).length, total: cases.length, results };
}
