import { spawn } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local/ports.js';
import { projectRoot } from '../support/harness.js';

const example = readFileSync(join(projectRoot, 'examples', 'federation.yaml'), 'utf8');

function run(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/cli/main.ts'), ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      cwd: projectRoot,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => { resolve({ code: code ?? 1, stdout, stderr }); });
  });
}

/**
 * Bad input never reaches a server: Temporal's address and the emulator's endpoints point at
 * listeners that count every connection, and they must stay at zero.
 */
describe('kfed CLI input handling', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kfed-cli-'));
  let temporalTrap: Server;
  let apiTrap: HttpServer;
  let connections = 0;
  let env: Record<string, string>;

  beforeAll(async () => {
    temporalTrap = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    apiTrap = createHttpServer((_req, res) => {
      connections++;
      res.statusCode = 500;
      res.end();
    });
    const [tPort, aPort] = [await freePort(), await freePort()];
    await new Promise<void>((r) => temporalTrap.listen(tPort, '127.0.0.1', r));
    await new Promise<void>((r) => apiTrap.listen(aPort, '127.0.0.1', r));
    env = {
      TEMPORAL_ADDRESS: `127.0.0.1:${tPort}`,
      KFED_DNS_ENDPOINT: `http://127.0.0.1:${aPort}/dns/v1`,
      KFED_GKE_ENDPOINT: `http://127.0.0.1:${aPort}`,
      KFED_LOCAL_DIR: join(dir, 'none'),
    };
  });

  afterAll(() => {
    temporalTrap.close();
    apiTrap.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const badSpecs: [string, string, string][] = [
    ['GKE context name', example.replace('context: west-coast', 'context: gke_my-project_us-west1-a_west'), 'spec.clusters[0].context: "gke_my-project_us-west1-a_west" is not an RFC1123 label (kube context names from GKE must be renamed'],
    ['misspelled field', example.replace('      location: us-east1-b', '      location: us-east1-b\n      nodeCount: 3'), 'spec.clusters[1].nodeCount: unknown field'],
    ['domain without dot', example.replace('infra.mycompany.com.', 'infra.mycompany.com'), 'spec.dns.domain: "infra.mycompany.com" must end with "."'],
    ['unknown host', example.replace('host: west-cluster', 'host: north-cluster'), 'spec.host: "north-cluster" is not one of the clusters'],
    ['YAML syntax', example.replace('  host: west-cluster', '  host: [west-cluster'), 'line '],
  ];

  it.each(badSpecs)('validate and up reject a spec with a %s (exit 2, path named, no server contacted)', async (_name, text, expected) => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, text);
    for (const command of [['validate', '-f', file], ['up', '-f', file, '--wait']]) {
      const result = await run(command, env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(expected);
    }
    expect(connections).toBe(0);
  });

  it('validates the example spec offline and prints the normalized spec as JSON', async () => {
    const result = await run(['validate', '-f', join(projectRoot, 'examples', 'federation.yaml'), '-o', 'json'], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: 'kfed', host: 'west-cluster', pollInterval: '1s' });
    expect(connections).toBe(0);
  });

  it('exits 3 naming the address and how to start a server when Temporal is unreachable', async () => {
    const closed = await freePort();
    const result = await run(['up', '-f', join(projectRoot, 'examples', 'federation.yaml')], { ...env, TEMPORAL_ADDRESS: `127.0.0.1:${closed}` });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`cannot reach Temporal at 127.0.0.1:${closed}`);
    expect(result.stderr).toContain('npm start');
  });

  it('exits 2 with usage for unknown commands and flags, and shows help', async () => {
    expect((await run(['frobnicate'], env)).code).toBe(2);
    const badFlag = await run(['status', '--colour'], env);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain("Unknown option '--colour'");
    const help = await run(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 ok · 1 the run failed · 2 bad input · 3 Temporal unreachable');
    const upHelp = await run(['up', '--help'], env);
    expect(upHelp.stdout).toContain('kfed up -f FILE [--wait]');
    expect(connections).toBe(0);
  });
});
