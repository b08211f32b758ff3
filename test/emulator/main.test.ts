import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/ports.js';
import { projectRoot } from '../../src/local/tools.js';
import { NotFoundError, TransientError } from '../../src/providers/errors.js';
import { gcpFromEnv, type GcpProviders } from '../../src/providers/gcp/index.js';
import { scratchDir } from '../support/substrate.js';
import { thrown } from './support.js';

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => {
      resolve(false);
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => {
      resolve(true);
    }));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createSocket('udp4');
    probe.once('error', () => {
      probe.close();
      resolve(false);
    });
    probe.bind(port, '127.0.0.1', () => {
      probe.close(() => {
        resolve(true);
      });
    });
  });
}

/** A port P with P+1 and P+2 also free (REST on P, gRPC on P+1, DNS over UDP and TCP on P+2). */
async function portTriple(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if ((await tcpFree(port + 1)) && (await tcpFree(port + 2)) && (await udpFree(port + 2))) return port;
  }
}

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  readonly env: Record<string, string>;
  output: string;
}

/** Starts `kfed emulator ARGS` (the user's command) and waits for the exported variables. */
async function runMain(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src', 'cli', 'main.ts'), 'emulator', ...args], { cwd: projectRoot });
  const running: Running = { child, env: {}, output: '' };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`emulator did not print its variables:\n${running.output}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      running.output += chunk.toString('utf8');
      for (const m of running.output.matchAll(/^export (KFED_[A-Z_]+)=(.*)$/gm)) if (m[1] && m[2]) running.env[m[1]] = m[2];
      if (running.env.KFED_GCP_ACCESS_TOKEN_FILE) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${String(code)}:\n${running.output}`));
    });
  });
  return running;
}

function terminate(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    if (running.child.exitCode !== null) {
      resolve(running.child.exitCode);
      return;
    }
    running.child.once('exit', (code) => {
      resolve(code);
    });
    running.child.kill('SIGTERM');
  });
}

describe('emulator as its own process (runEmulator, what `kfed emulator --port P --state FILE` runs)', () => {
  const dir = scratchDir('emulator-main');
  const stateFile = join(dir.path, 'cloud', 'state.json');
  const started: Running[] = [];
  let gcp: GcpProviders | undefined;

  afterAll(async () => {
    await gcp?.close();
    for (const r of started) await terminate(r);
    dir.remove();
  });

  it('prints endpoints on P, P+1 and P+2, serves the APIs and DNS, and keeps state across a process restart', async () => {
    const port = await portTriple();
    const first = await runMain(['--port', String(port), '--state', stateFile]);
    started.push(first);
    expect(first.env).toEqual({
      KFED_DNS_ENDPOINT: `http://127.0.0.1:${port}/dns/v1`,
      KFED_GKE_ENDPOINT: `http://127.0.0.1:${port + 1}`,
      KFED_GCP_ACCESS_TOKEN_FILE: join(dir.path, 'cloud', 'access-token'),
    });
    // Product code reaches the emulator through these variables only.
    gcp = gcpFromEnv({ ...process.env, ...first.env });
    expect((await gcp.dns.ensureZone('p', 'zone-main', 'main.example.com')).created).toBe(true);
    expect(await gcp.gke.getCluster('p', 'us-west1-a', 'none')).toBeUndefined();
    // The zone's name servers answer on P+2, as the banner says.
    expect(first.output).toContain(`DNS        127.0.0.1:${port + 2} (UDP + TCP`);
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${port + 2}`]);
    expect(await resolver.resolveSoa('main.example.com')).toMatchObject({ hostmaster: 'cloud-dns-hostmaster.google.com' });

    // The admin API, from this (another) process, with the token from the file.
    const token = readFileSync(first.env.KFED_GCP_ACCESS_TOKEN_FILE ?? '', 'utf8').trim();
    const admin = `http://127.0.0.1:${port}/emulator/v1`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const calls = (await (await fetch(`${admin}/calls`, { headers })).json()) as { calls: { api: string; method: string; result: string }[] };
    expect(calls.calls.map((c) => `${c.api} ${c.method} ${c.result}`)).toEqual([
      'dns managedZones.get NOT_FOUND',
      'dns managedZones.create ok',
      'gke GetCluster NOT_FOUND',
    ]);
    const put = await fetch(`${admin}/faults`, { method: 'PUT', headers, body: JSON.stringify({ rules: [{ api: 'gke', method: 'GetCluster', failNext: 1, code: 'UNAVAILABLE' }] }) });
    expect(put.status).toBe(200);
    expect(await thrown(() => gcp?.gke.clusterStatus('p', 'us-west1-a', 'none') ?? Promise.resolve())).toBeInstanceOf(TransientError);
    expect(await thrown(() => gcp?.gke.clusterStatus('p', 'us-west1-a', 'none') ?? Promise.resolve())).toBeInstanceOf(NotFoundError);

    expect(await terminate(first)).toBe(0);
    expect(first.output).toContain('state saved');
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { zones: Record<string, unknown> };
    expect(Object.keys(saved.zones)).toEqual(['p/zone-main']);

    const second = await runMain(['--port', String(port), '--state', stateFile]);
    started.push(second);
    expect(second.env).toEqual(first.env);
    // The same provider instances keep working against the restarted process.
    expect(await gcp.dns.getZone('p', 'zone-main')).toMatchObject({ dnsName: 'main.example.com.' });
    expect(await gcp.gke.getCluster('p', 'us-west1-a', 'none')).toBeUndefined();
    expect(await terminate(second)).toBe(0);
  });
});
