import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitError } from '../../src/cli/errors.js';
import { buildKubeconfig, replacedContexts } from '../../src/cli/kubeconfig-file.js';
import { readKubeconfig } from '../../src/cli/kubeconfig-read.js';
import { writePrivateFile } from '../../src/cli/private-file.js';
import { readLimitedFile, readTextFile, UnreadableFileError } from '../../src/cli/read-file.js';
import type { FederationSummary } from '../../src/contract.js';
import { ensureLocalDir, localDirMarker, localDirOwnership, readLocalState, writeLocalState, type LocalState } from '../../src/local/state.js';

const root = mkdtempSync(join(tmpdir(), 'kfed-files-'));
let count = 0;
const scratch = (): string => {
  const dir = join(root, String(count++));
  mkdirSync(dir);
  return dir;
};
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function reasonOf(read: () => unknown): string {
  try {
    read();
  } catch (err) {
    if (err instanceof UnreadableFileError) return err.reason;
    throw err;
  }
  return '';
}

describe('reading a file the user names', () => {
  it('refuses FIFOs without opening them, devices and directories', () => {
    const fifo = join(scratch(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(reasonOf(() => readLimitedFile(fifo, 1024))).toBe('is a FIFO (named pipe), not a regular file');
    expect(reasonOf(() => readLimitedFile('/dev/zero', 1024))).toBe('is a character device, not a regular file');
    expect(reasonOf(() => readLimitedFile(root, 1024))).toBe('is a directory, not a regular file');
    expect(reasonOf(() => readLimitedFile(join(root, 'missing'), 1024))).toBe('no such file');
  });

  it('refuses a file over the cap before reading it', () => {
    const big = join(scratch(), 'big');
    writeFileSync(big, Buffer.alloc(3 * 1024 * 1024, 0x61));
    expect(reasonOf(() => readLimitedFile(big, 1024 * 1024))).toBe('is 3 MiB; kfed reads files of at most 1 MiB');
  });

  it('names the encoding of UTF-16 and UTF-32 files, and refuses binary and invalid UTF-8', () => {
    const dir = scratch();
    const cases: [string, Buffer, string][] = [
      ['utf16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('kind: x\n', 'utf16le')]), 'is UTF-16 (little-endian) text'],
      ['utf16be', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('kind: x\n', 'utf16le').swap16()]), 'is UTF-16 (big-endian) text'],
      ['utf16le-nobom', Buffer.from('apiVersion: kfed.dev/v1alpha1\n', 'utf16le'), 'is UTF-16 (little-endian) text'],
      ['utf32le', Buffer.from([0xff, 0xfe, 0, 0, 0x6b, 0, 0, 0]), 'is UTF-32 (little-endian) text'],
      ['binary', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0, 0, 9]), 'holds binary data (NUL bytes), not text'],
      ['latin1', Buffer.from('name: caf\xe9\n', 'latin1'), 'is not UTF-8 text'],
    ];
    for (const [name, bytes, expected] of cases) {
      writeFileSync(join(dir, name), bytes);
      expect(reasonOf(() => readTextFile(join(dir, name), 1024)), name).toContain(expected);
    }
    writeFileSync(join(dir, 'bom'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('kind: x\n')]));
    expect(readTextFile(join(dir, 'bom'), 1024)).toBe('kind: x\n');
  });
});

describe('writing a kubeconfig', () => {
  const summary: FederationSummary = {
    federation: 'kfed',
    project: 'local',
    zone: { name: 'kfed', dnsName: 'x.', nameServers: [], created: true },
    host: 'west',
    plane: { type: 'kubefed', namespace: 'kube-federation-system', image: 'i' },
    clusters: [{ name: 'west', context: 'west-coast', location: 'us-west1-a', endpoint: 'https://1.2.3.4', caCertificate: 'Q0E=', caFingerprint: 'ab', created: true }],
    timings: {},
    startedAt: 0,
    finishedAt: 1,
  };

  it('writes mode 0600 atomically, through a symlink to the file it points at', () => {
    const dir = scratch();
    const real = join(dir, 'real-config');
    writeFileSync(real, 'old', { mode: 0o644 });
    const link = join(dir, 'config');
    symlinkSync(real, link);
    writePrivateFile(link, 'new');
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, 'utf8')).toBe('new');
    expect(statSync(real).mode & 0o777).toBe(0o600);
    const fresh = join(dir, 'sub', 'config');
    writePrivateFile(fresh, 'x');
    expect([statSync(fresh).mode & 0o777, statSync(join(dir, 'sub')).mode & 0o777]).toEqual([0o600, 0o700]);
  });

  it('refuses a malformed kubeconfig without quoting a line of it', () => {
    const file = join(scratch(), 'config');
    writeFileSync(file, 'users:\n- name: me\n  user:\n    token: sekrit-token-123\n   bad: [\n');
    let thrown: unknown;
    try {
      readKubeconfig(file);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ExitError);
    const message = (thrown as ExitError).userMessage ?? '';
    expect(message).toMatch(/is not valid YAML \(line \d+, column \d+: [A-Z_]+\); kfed left it unchanged/);
    expect(message).not.toContain('sekrit');
    expect((thrown as ExitError).code).toBe(2);
  });

  it('refuses a file whose lists are not kubeconfig lists, and treats a missing or empty one as new', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'lists'), 'contexts: {a: 1}\n');
    expect(() => readKubeconfig(join(dir, 'lists'))).toThrow(ExitError);
    writeFileSync(join(dir, 'empty'), '');
    expect(readKubeconfig(join(dir, 'empty'))).toBeUndefined();
    expect(readKubeconfig(join(dir, 'missing'))).toBeUndefined();
  });

  it('says which contexts a merge replaces', () => {
    const fresh = buildKubeconfig(summary, undefined);
    const existing = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [{ name: 'west-coast' }, { name: 'mine' }] };
    expect(replacedContexts(existing, fresh)).toEqual(['west-coast']);
    expect(replacedContexts(undefined, fresh)).toEqual([]);
  });
});

describe('the local directory', () => {
  const state: LocalState = {
    temporal: { address: '127.0.0.1:7233', namespace: 'default', uiUrl: 'http://127.0.0.1:8233', pid: 0, dbFile: 'db' },
    emulator: { port: 1, dnsEndpoint: 'http://127.0.0.1:1/dns/v1', gkeEndpoint: 'http://127.0.0.1:2', tokenFile: 't', pid: 0, stateDir: 's' },
    worker: { pid: 0, logFile: 'l' },
  };

  it('is created 0700 and marked, and its state file is written 0600 and read back', () => {
    const env = { KFED_LOCAL_DIR: join(scratch(), '.kfed') };
    writeLocalState(state, env);
    expect(lstatSync(env.KFED_LOCAL_DIR).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(env.KFED_LOCAL_DIR, 'local.json')).mode & 0o777).toBe(0o600);
    expect(lstatSync(join(env.KFED_LOCAL_DIR, localDirMarker)).mode & 0o777).toBe(0o600);
    expect(readLocalState(env)).toEqual(state);
    expect(localDirOwnership(env)).toEqual({ kind: 'kfed' });
  });

  it('ignores, with one warning, a state file that is not private (as a checkout would leave it)', () => {
    const dir = join(scratch(), '.kfed');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'local.json'), JSON.stringify(state), { mode: 0o644 });
    const warnings: string[] = [];
    expect(readLocalState({ KFED_LOCAL_DIR: dir }, (w) => warnings.push(w))).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('has mode 0644, but kfed makes it 0600');
    chmodSync(join(dir, 'local.json'), 0o600);
    expect(readLocalState({ KFED_LOCAL_DIR: dir }, (w) => warnings.push(w))).toBeUndefined();
    expect(warnings[1]).toContain('its directory has mode 0755');
  });

  it('ignores a symlinked or malformed state file', () => {
    const dir = join(scratch(), '.kfed');
    mkdirSync(dir, { mode: 0o700 });
    const elsewhere = join(root, `planted-${count}.json`);
    writeFileSync(elsewhere, JSON.stringify(state), { mode: 0o600 });
    symlinkSync(elsewhere, join(dir, 'local.json'));
    const warnings: string[] = [];
    expect(readLocalState({ KFED_LOCAL_DIR: dir }, (w) => warnings.push(w))).toBeUndefined();
    expect(warnings[0]).toContain('is a symbolic link');
    rmSync(join(dir, 'local.json'));
    writeFileSync(join(dir, 'local.json'), '{"temporal": 1}', { mode: 0o600 });
    expect(readLocalState({ KFED_LOCAL_DIR: dir }, (w) => warnings.push(w))).toBeUndefined();
    expect(warnings[1]).toContain('not a state file kfed wrote');
  });

  it('claims only a directory it creates or that is empty; purge refuses any other', () => {
    const mine = join(scratch(), 'empty');
    mkdirSync(mine);
    ensureLocalDir({ KFED_LOCAL_DIR: mine });
    expect(localDirOwnership({ KFED_LOCAL_DIR: mine })).toEqual({ kind: 'kfed' });

    const home = scratch();
    writeFileSync(join(home, 'thesis.tex'), 'years of work');
    ensureLocalDir({ KFED_LOCAL_DIR: home });
    expect(existsSync(join(home, localDirMarker))).toBe(false);
    expect(localDirOwnership({ KFED_LOCAL_DIR: home })).toMatchObject({ kind: 'foreign', reason: expect.stringContaining('holds no .kfed-local-dir marker') as unknown });

    const planted = scratch();
    writeFileSync(join(planted, localDirMarker), 'x', { mode: 0o644 });
    chmodSync(join(planted, localDirMarker), 0o644);
    expect(localDirOwnership({ KFED_LOCAL_DIR: planted })).toMatchObject({ kind: 'foreign', reason: expect.stringContaining('has mode 0644') as unknown });

    const link = join(scratch(), 'link');
    symlinkSync(mine, link);
    expect(localDirOwnership({ KFED_LOCAL_DIR: link })).toMatchObject({ kind: 'foreign', reason: 'it is a symbolic link' });
    expect(localDirOwnership({ KFED_LOCAL_DIR: join(root, 'absent') })).toEqual({ kind: 'absent' });
  });
});
