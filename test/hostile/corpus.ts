/**
 * The hostile-input corpus: files and command lines a careless user or an attacker could hand
 * the kfed CLI. None needs a server; each must end with its exit code (2: bad input) and a
 * message naming the field, flag or file, without a stack trace, a hang, unbounded memory, or
 * an echo of what it was given. run-corpus.ts runs each against the real CLI as a process.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { projectRoot } from '../../src/local/tools.js';

/** One hostile input. Paths in `argv` are relative to the case's scratch directory (the cwd). */
export interface HostileCase {
  readonly name: string;
  readonly argv: readonly string[];
  /** Creates the case's files in its scratch directory (also its HOME). */
  readonly prepare?: (dir: string) => void;
  /** Extra environment; `dir` is the scratch directory. */
  readonly env?: (dir: string) => Record<string, string>;
  /** Expected exit code. */
  readonly exit: number;
  /** A fragment the output (stderr and stdout) must hold: it names the field, flag or file. */
  readonly message: string;
  /** Text the output must never hold (a secret or the content of the file given). */
  readonly secret?: string;
  /** Checks the scratch directory afterwards; returns what is wrong, if anything. */
  readonly after?: (dir: string) => string | undefined;
}

export const seedSpec = join(projectRoot, 'examples', 'federation.yaml');
const seedText = readFileSync(seedSpec, 'utf8');

type Doc = Record<string, unknown> & {
  metadata: Record<string, unknown>;
  spec: Record<string, unknown> & { clusters: Record<string, unknown>[]; dns: Record<string, unknown> };
};

/** A fresh copy of the example federation as a document, for mutating one field per case. */
function seedDoc(): Doc {
  return {
    apiVersion: 'kfed.dev/v1alpha1',
    kind: 'Federation',
    metadata: { name: 'kfed' },
    spec: {
      project: 'my-project',
      dns: { zone: 'kfed', domain: 'infra.mycompany.com.' },
      host: 'west-cluster',
      clusters: [
        { name: 'west-cluster', context: 'west-coast', location: 'us-west1-a' },
        { name: 'east-cluster', context: 'east-coast', location: 'us-east1-b' },
      ],
    },
  };
}

function write(name: string, content: string | Buffer): (dir: string) => void {
  return (dir) => {
    writeFileSync(join(dir, name), content);
  };
}

/** A spec file `spec.yaml` made from the seed with one mutation. */
function mutated(mutate: (d: Doc) => void): (dir: string) => void {
  const doc = seedDoc();
  mutate(doc);
  return write('spec.yaml', stringify(doc));
}

function cluster(d: Doc, i: number): Record<string, unknown> {
  const c = d.spec.clusters[i];
  if (!c) throw new Error(`the seed has no cluster ${i}`);
  return c;
}

const billionLaughs = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...Array.from({ length: 9 }, (_, i) => {
    const [prev, name] = [String.fromCharCode(97 + i), String.fromCharCode(98 + i)];
    return `${name}: &${name} [${Array.from({ length: 9 }, () => `*${prev}`).join(',')}]`;
  }),
].join('\n');

const mergeBomb = [
  'a: &a {x: 1, y: 2}',
  ...Array.from({ length: 12 }, (_, i) => `k${i + 1}: &k${i + 1} {<<: [*${i === 0 ? 'a' : `k${i}`}, *${i === 0 ? 'a' : `k${i}`}], z${i}: 1}`),
].join('\n');

const fakeShadow = [
  'root:$6$Qw3rTy$hUnTeR2hunter2hunter2hunter2hunter2hunter2hunter2hunter2:19500:0:99999:7:::',
  'daemon:*:19500:0:99999:7:::',
  'alice:$6$s4lt$Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4:19500:0:99999:7:::',
].join('\n');

const privateKey = `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretsecretsecretsecretKEYMATERIAL\n-----END RSA PRIVATE KEY-----\n`;

const tokenKubeconfig = 'apiVersion: v1\nkind: Config\nusers:\n- name: me\n  user:\n    token: sekrit-bearer-token-0123\n   broken: [\n';

const utf16le = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

/** Names that must be RFC1123 labels, for every command that takes one. */
const badNames: readonly [string, string][] = [
  ['status', 'Prod'],
  ['status', 'a/b'],
  ['status', 'kfed.prod'],
  ['down', 'UPPER'],
  ['down', '../../etc'],
  ['cancel', 'a/b'],
  ['cancel', '-'],
  ['watch', 'Kfed'],
  ['watch', 'x'.repeat(64)],
  ['kubeconfig', 'Kfed'],
  ['kubeconfig', 'a b'],
];

const fileCases: HostileCase[] = [
  { name: 'a billion-laughs alias bomb', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', billionLaughs), exit: 2, message: 'uses YAML aliases that expand too far' },
  { name: 'a merge-key alias bomb', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', mergeBomb), exit: 2, message: 'spec.yaml' },
  { name: 'an alias bomb given to up', argv: ['up', '-f', 'spec.yaml', '--wait'], prepare: write('spec.yaml', billionLaughs), exit: 2, message: 'uses YAML aliases that expand too far' },
  { name: 'a megabyte of "["', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', '['.repeat(1024 * 1024 - 1)), exit: 2, message: 'is nested too deeply' },
  { name: 'deep flow sequences', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}`), exit: 2, message: 'is nested too deeply' },
  { name: 'deep flow mappings', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', `${'{a: '.repeat(50_000)}1${'}'.repeat(50_000)}`), exit: 2, message: 'is nested too deeply' },
  { name: 'deep compact block sequences', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', `${'- '.repeat(200_000)}x`), exit: 2, message: 'is nested too deeply' },
  { name: 'deep indentation', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', `a:\n${Array.from({ length: 1400 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')}\n`), exit: 2, message: 'is nested too deeply' },
  { name: 'data 30 levels deep', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', `metadata: ${'['.repeat(30)}${']'.repeat(30)}\n`), exit: 2, message: 'is nested too deeply' },
  { name: 'deep nesting given to plan', argv: ['plan', '-f', 'spec.yaml'], prepare: write('spec.yaml', `a: ${'['.repeat(100_000)}`), exit: 2, message: 'is nested too deeply' },
  { name: 'two YAML documents', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', `${seedText}---\n${seedText}`), exit: 2, message: 'holds 2 YAML documents' },
  { name: 'a thousand YAML documents', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', 'a: 1\n---\n'.repeat(1000)), exit: 2, message: 'YAML documents' },
  { name: 'a UTF-16 LE spec', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', utf16le(seedText)), exit: 2, message: 'spec.yaml: is UTF-16 (little-endian) text' },
  { name: 'a UTF-16 BE spec', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(seedText, 'utf16le').swap16()])), exit: 2, message: 'is UTF-16 (big-endian) text' },
  { name: 'a UTF-16 spec without a byte-order mark', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', Buffer.from(seedText, 'utf16le')), exit: 2, message: 'is UTF-16 (little-endian) text' },
  { name: 'a UTF-32 spec', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0])), exit: 2, message: 'is UTF-32 (little-endian) text' },
  { name: 'a UTF-16 spec given to schedule create', argv: ['schedule', 'create', 'kfed', '-f', 'spec.yaml', '--every', '12h'], prepare: write('spec.yaml', utf16le(seedText)), exit: 2, message: 'is UTF-16' },
  { name: 'an executable as a spec', argv: ['validate', '-f', 'a.out'], prepare: write('a.out', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0])), exit: 2, message: 'a.out: holds binary data (NUL bytes), not text' },
  { name: 'a NUL byte inside a spec', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', seedText.replace('kfed', 'kf\u0000ed')), exit: 2, message: 'holds binary data' },
  { name: 'Latin-1 text', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', Buffer.from('metadata:\n  name: caf\xe9\n', 'latin1')), exit: 2, message: 'is not UTF-8 text' },
  { name: 'a FIFO', argv: ['validate', '-f', 'fifo'], prepare: (dir) => { execFileSync('mkfifo', [join(dir, 'fifo')]); }, exit: 2, message: 'fifo: is a FIFO (named pipe), not a regular file' },
  { name: 'a FIFO given to local up', argv: ['local', 'up', '-f', 'fifo'], prepare: (dir) => { execFileSync('mkfifo', [join(dir, 'fifo')]); }, exit: 2, message: 'is a FIFO' },
  { name: '/dev/zero', argv: ['validate', '-f', '/dev/zero'], exit: 2, message: '/dev/zero: is a character device, not a regular file' },
  { name: '/dev/urandom given to up', argv: ['up', '-f', '/dev/urandom'], exit: 2, message: '/dev/urandom: is a character device' },
  { name: '/dev/stdin', argv: ['validate', '-f', '/dev/stdin'], exit: 2, message: '/dev/stdin' },
  { name: 'a symlink to /dev/zero', argv: ['validate', '-f', 'zero.yaml'], prepare: (dir) => { symlinkSync('/dev/zero', join(dir, 'zero.yaml')); }, exit: 2, message: 'zero.yaml: is a character device' },
  { name: 'a directory', argv: ['validate', '-f', '.'], exit: 2, message: '.: is a directory' },
  { name: 'a missing file', argv: ['validate', '-f', 'nowhere.yaml'], exit: 2, message: 'nowhere.yaml: no such file' },
  { name: 'a symlink loop', argv: ['validate', '-f', 'loop'], prepare: (dir) => { symlinkSync('loop', join(dir, 'loop')); }, exit: 2, message: 'loop: too many levels of symbolic links' },
  { name: 'a path through a file', argv: ['validate', '-f', 'spec.yaml/x'], prepare: write('spec.yaml', seedText), exit: 2, message: 'a part of the path is not a directory' },
  { name: 'an 8 GiB sparse file', argv: ['validate', '-f', 'huge.yaml'], prepare: (dir) => { writeFileSync(join(dir, 'huge.yaml'), ''); truncateSync(join(dir, 'huge.yaml'), 8 * 1024 ** 3); }, exit: 2, message: 'huge.yaml: is 8192 MiB; kfed reads files of at most 1 MiB' },
  { name: 'one byte over the size cap', argv: ['validate', '-f', 'big.yaml'], prepare: write('big.yaml', `${seedText}${' '.repeat(1024 * 1024 + 1 - seedText.length)}`), exit: 2, message: 'big.yaml: is 1.0 MiB; kfed reads files of at most 1 MiB' },
  { name: 'a path of 5000 characters', argv: ['validate', '-f', 'a'.repeat(5000)], exit: 2, message: 'the path is too long' },
  { name: 'a path with terminal escapes', argv: ['validate', '-f', '\u001b[2J\u001b[31mx\ny.yaml'], exit: 2, message: 'no such file', secret: '\u001b[' },
  { name: '/etc/shadow', argv: ['validate', '-f', '/etc/shadow'], exit: 2, message: '/etc/shadow' },
  { name: 'a shadow-format file', argv: ['validate', '-f', 'shadow'], prepare: write('shadow', fakeShadow), exit: 2, message: 'shadow:', secret: 'hunter2' },
  { name: '/etc/passwd', argv: ['validate', '-f', '/etc/passwd'], exit: 2, message: '/etc/passwd', secret: '/bin/' },
  { name: 'a private key', argv: ['validate', '-f', 'id_rsa'], prepare: write('id_rsa', privateKey), exit: 2, message: 'must hold a Federation object', secret: 'KEYMATERIAL' },
  { name: 'an env file of secrets', argv: ['validate', '-f', '.env'], prepare: write('.env', 'DB_PASSWORD: hunter2-db\nAPI_KEY: sk-live-abcdef\n'), exit: 2, message: 'is not a Federation spec', secret: 'sk-live' },
  { name: 'a JSON array', argv: ['validate', '-f', 'spec.json'], prepare: write('spec.json', '[1, 2, 3]'), exit: 2, message: 'must hold a Federation object' },
  { name: 'an empty file', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', ''), exit: 2, message: 'must hold a Federation object' },
  { name: 'only comments', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', '# nothing\n# here\n'), exit: 2, message: 'must hold a Federation object' },
  { name: 'a bare scalar', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', 'hello\n'), exit: 2, message: 'must hold a Federation object' },
  { name: 'an undefined alias', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', seedText.replace('name: kfed', 'name: *nowhere')), exit: 2, message: 'whose anchor (&name) is not defined' },
  { name: 'a YAML syntax error next to a token', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', `${seedText}  token: "sekrit-token-42\n`), exit: 2, message: 'spec.yaml', secret: 'sekrit-token-42' },
  { name: 'tab indentation', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', seedText.replace('  name: kfed', '\tname: kfed')), exit: 2, message: 'line ' },
  { name: 'duplicate keys', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', `${seedText}kind: Federation\n`), exit: 2, message: 'Map keys must be unique' },
  { name: 'two hundred thousand duplicate keys', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', 'a: 1\n'.repeat(200_000)), exit: 2, message: 'holds too many values' },
  { name: 'an unknown tag', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', seedText.replace('name: kfed', 'name: !!js/function "function(){}"')), exit: 2, message: 'spec.yaml' },
  { name: 'a __proto__ field', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', `${seedText}__proto__: {polluted: true}\n`), exit: 2, message: '__proto__: unknown field' },
  { name: 'a constructor field', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', seedText.replace('spec:\n', 'spec:\n  constructor: 1\n')), exit: 2, message: 'spec.constructor: unknown field' },
  { name: 'thousands of unknown fields', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', `${seedText}${Array.from({ length: 4000 }, (_, i) => `field${i}: 1`).join('\n')}\n`), exit: 2, message: '3995 more unknown fields (not shown)' },
  { name: 'an unknown field named like a secret', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', `${seedText}"sk_live_0123456789abcdef:secret": 1\n`), exit: 2, message: '<a field name of 31 characters>: unknown field', secret: 'sk_live' },
  { name: 'a megabyte-long name', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', seedText.replace('name: kfed', `name: ${'a'.repeat(1_000_000)}`)), exit: 2, message: 'metadata.name: must be at most 63 characters' },
  { name: 'terminal escapes in a name', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { d.metadata.name = '\u001b]0;pwned\u0007\u001b[2J'; }), exit: 2, message: 'metadata.name: "\\u001b]0;pwned', secret: '\u001b' },
  { name: 'a right-to-left override in a context', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { cluster(d, 0).context = 'west\u202eevil'; }), exit: 2, message: 'spec.clusters[0].context: "west\\u202eevil"', secret: '\u202e' },
  { name: 'a junk host', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { d.spec.host = `${'h'.repeat(500)}\u001b[0m`; }), exit: 2, message: 'spec.host: "hhhh', secret: '\u001b' },
  { name: 'nine thousand empty clusters', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', `${seedText}${'    - {}\n'.repeat(9000)}`), exit: 2, message: 'spec.clusters: has 9002 clusters; at most 50' },
  { name: 'a 305-character domain', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { d.spec.dns.domain = `${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.`; }), exit: 2, message: 'spec.dns.domain: is 305 characters long; a DNS name is at most 253 characters' },
  { name: 'a domain label of 1000 characters', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { d.spec.dns.domain = `${'b'.repeat(1000)}.com.`; }), exit: 2, message: 'spec.dns.domain: is 1005 characters long' },
  { name: 'a 0s poll interval', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { d.spec.pollInterval = '0s'; }), exit: 2, message: "spec.pollInterval: 0s is too short: at least 5s for GKE (a 0 interval breaks Temporal's retry policy" },
  { name: 'a 0ms poll interval on the emulator', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { d.spec.project = 'local'; d.spec.pollInterval = '0ms'; }), exit: 2, message: 'spec.pollInterval: 0ms is too short: at least 1s for project local' },
  { name: 'a 1s poll interval on GKE', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { d.spec.pollInterval = '1s'; }), exit: 2, message: 'burns the project' },
  { name: 'a poll interval of years', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { d.spec.pollInterval = '99999h'; }), exit: 2, message: 'spec.pollInterval: 99999h is too long: at most 5m' },
  { name: 'a negative poll interval', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { d.spec.pollInterval = '-1s'; }), exit: 2, message: 'spec.pollInterval: "-1s" is not a duration' },
  { name: '1001 nodes', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { cluster(d, 0).nodes = 1001; }), exit: 2, message: 'spec.clusters[0].nodes: must be at most 1000: GKE allows at most 1000 nodes per node pool' },
  { name: 'infinite nodes', argv: ['validate', '-f', 'spec.yaml'], prepare: write('spec.yaml', seedText.replace('      location: us-west1-a', '      location: us-west1-a\n      nodes: .inf')), exit: 2, message: 'spec.clusters[0].nodes: must be a positive integer' },
  { name: 'negative nodes', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { cluster(d, 1).nodes = -1; }), exit: 2, message: 'spec.clusters[1].nodes: must be a positive integer' },
  { name: '51 clusters', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { d.spec.clusters = Array.from({ length: 51 }, (_, i) => ({ name: `c${i}`, context: `x${i}`, location: 'us-west1-a' })); d.spec.host = 'c0'; }), exit: 2, message: 'spec.clusters: has 51 clusters; at most 50' },
  ...['kube-system', 'kube-public', 'kube-node-lease', 'default'].map((namespace): HostileCase => ({
    name: `the plane in ${namespace}`,
    argv: ['validate', '-f', 'spec.yaml'],
    prepare: mutated((d) => { d.spec.plane = { namespace }; }),
    exit: 2,
    message: `spec.plane.namespace: "${namespace}" is reserved: kfed installs the plane there and deletes that namespace on teardown`,
  })),
  { name: 'an uppercase federation name', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { d.metadata.name = 'Prod'; }), exit: 2, message: 'metadata.name: "Prod" is not an RFC1123 label' },
  { name: 'a slashed federation name', argv: ['validate', '-f', 'spec.yaml'], prepare: mutated((d) => { d.metadata.name = 'a/b'; }), exit: 2, message: 'metadata.name: "a/b" is not an RFC1123 label' },
  { name: 'a spec for another federation given to down', argv: ['down', 'other', '-f', seedSpec], exit: 2, message: 'describes federation kfed, not other' },
  { name: 'a deep spec given to down', argv: ['down', 'kfed', '-f', 'spec.yaml'], prepare: write('spec.yaml', `a: ${'['.repeat(100_000)}`), exit: 2, message: 'is nested too deeply' },
];

const argumentCases: HostileCase[] = [
  { name: '-o yaml for validate', argv: ['validate', '-f', seedSpec, '-o', 'yaml'], exit: 2, message: 'unknown output format "yaml" for -o (allowed: table, wide, json)' },
  { name: '-o yaml for status', argv: ['status', '-o', 'yaml'], exit: 2, message: 'unknown output format "yaml"' },
  { name: '-o yaml for up', argv: ['up', '-f', seedSpec, '-o', 'yaml'], exit: 2, message: 'unknown output format "yaml"' },
  { name: 'an empty -o', argv: ['validate', '-f', seedSpec, '-o', ''], exit: 2, message: 'unknown output format ""' },
  { name: '-o __proto__', argv: ['validate', '-f', seedSpec, '-o', '__proto__'], exit: 2, message: 'unknown output format "__proto__"' },
  { name: '-o with terminal escapes', argv: ['schedule', 'list', '-o', '\u001b[31mred'], exit: 2, message: 'unknown output format "\\u001b[31mred"', secret: '\u001b[31m' },
  { name: 'an unknown command with escapes', argv: ['\u001b[2Jfrob'], exit: 2, message: 'unknown command "\\u001b[2Jfrob"', secret: '\u001b[2J' },
  { name: 'the command __proto__', argv: ['__proto__'], exit: 2, message: 'unknown command __proto__' },
  { name: 'the command constructor', argv: ['constructor'], exit: 2, message: 'unknown command constructor' },
  { name: 'a 100 000-character flag', argv: ['status', `--${'x'.repeat(100_000)}`], exit: 2, message: 'Unknown option' },
  { name: 'an unknown flag', argv: ['up', '--colour'], exit: 2, message: "Unknown option '--colour'" },
  { name: 'two names for status', argv: ['status', 'a', 'b'], exit: 2, message: 'unexpected argument b' },
  { name: 'a missing name for kubeconfig', argv: ['kubeconfig'], exit: 2, message: 'missing NAME' },
  { name: 'a missing -f for validate', argv: ['validate'], exit: 2, message: 'missing -f FILE' },
  ...badNames.map(([command, name]): HostileCase => ({
    name: `the name ${JSON.stringify(name.length > 20 ? `${name.slice(0, 10)}…` : name)} for ${command}`,
    argv: [command, name],
    exit: 2,
    message: 'is not a federation name: metadata.name is an RFC1123 label',
  })),
  { name: 'an uppercase name for schedule delete', argv: ['schedule', 'delete', 'Kfed'], exit: 2, message: 'NAME "Kfed" is not a federation name' },
  { name: 'a slashed name for schedule trigger', argv: ['schedule', 'trigger', 'a/b'], exit: 2, message: 'NAME "a/b" is not a federation name' },
  { name: 'an uppercase name for schedule create', argv: ['schedule', 'create', 'Kfed', '-f', seedSpec, '--every', '12h'], exit: 2, message: 'NAME "Kfed" is not a federation name' },
  { name: '--every 0s', argv: ['schedule', 'create', 'kfed', '-f', seedSpec, '--every', '0s'], exit: 2, message: '--every 0s is too short: at least 1m' },
  { name: '--every 5s', argv: ['schedule', 'create', 'kfed', '-f', seedSpec, '--every', '5s'], exit: 2, message: '--every 5s is too short' },
  { name: '--every 1.5h', argv: ['schedule', 'create', 'kfed', '-f', seedSpec, '--every', '1.5h'], exit: 2, message: '--every "1.5h" is not a duration' },
  { name: '--every of 10^20 days', argv: ['schedule', 'create', 'kfed', '-f', seedSpec, '--every', '100000000000000000000d'], exit: 2, message: 'is too long: at most 366d' },
  { name: '--cron "a b c d e"', argv: ['schedule', 'create', 'kfed', '-f', seedSpec, '--cron', 'a b c d e'], exit: 2, message: '--cron "a b c d e": the minute field "a" is not valid' },
  { name: '--cron @garbage', argv: ['schedule', 'create', 'kfed', '-f', seedSpec, '--cron', '@garbage'], exit: 2, message: '--cron "@garbage" is not a cron shorthand; Temporal accepts @yearly @annually @monthly @weekly @daily @midnight @hourly' },
  { name: '--cron with four fields', argv: ['schedule', 'create', 'kfed', '-f', seedSpec, '--cron', '0 3 * *'], exit: 2, message: 'has 4 fields; a cron expression has 5' },
  { name: '--cron minute 61', argv: ['schedule', 'create', 'kfed', '-f', seedSpec, '--cron', '61 3 * * *'], exit: 2, message: 'the minute field "61" is not valid' },
  { name: '--cron month 13', argv: ['schedule', 'create', 'kfed', '-f', seedSpec, '--cron', '0 3 * 13 *'], exit: 2, message: 'the month field "13" is not valid' },
  { name: '--cron @every 0s', argv: ['schedule', 'create', 'kfed', '-f', seedSpec, '--cron', '@every 0s'], exit: 2, message: '--cron @every 0s is too short' },
  { name: '--cron and --every together', argv: ['schedule', 'create', 'kfed', '-f', seedSpec, '--cron', '@daily', '--every', '1d'], exit: 2, message: 'give exactly one of --cron EXPR or --every DURATION' },
  { name: '--overlap __proto__', argv: ['schedule', 'create', 'kfed', '-f', seedSpec, '--every', '12h', '--overlap', '__proto__'], exit: 2, message: '--overlap "__proto__" is not one of skip' },
  { name: 'a schedule spec of another federation', argv: ['schedule', 'create', 'other', '-f', seedSpec, '--every', '12h'], exit: 2, message: 'describes federation kfed, not other' },
  { name: 'emulator --port 70000', argv: ['emulator', '--port', '70000'], exit: 2, message: '--port must be an integer from 1 to 65534 (the GKE API listens on port P+1), got 70000' },
  { name: 'emulator --port 65535', argv: ['emulator', '--port', '65535'], exit: 2, message: '--port must be an integer from 1 to 65534' },
  { name: 'emulator --port 0', argv: ['emulator', '--port', '0'], exit: 2, message: 'got 0' },
  { name: 'emulator --port -1', argv: ['emulator', '--port=-1'], exit: 2, message: 'got -1' },
  { name: 'emulator --port 1e3', argv: ['emulator', '--port', '1e3'], exit: 2, message: 'got 1e3' },
  { name: 'emulator --port http', argv: ['emulator', '--port', 'http'], exit: 2, message: 'got http' },
  { name: 'emulator --provisioning-delay-ms of a day', argv: ['emulator', '--provisioning-delay-ms', '86400000'], exit: 2, message: '--provisioning-delay-ms must be an integer from 0 to 600000' },
  { name: 'an unknown local command', argv: ['local', 'explode'], exit: 2, message: 'unknown local command "explode"' },
  { name: 'an unknown schedule command', argv: ['schedule', 'pause'], exit: 2, message: 'unknown schedule command "pause"' },
];

const plantedState = JSON.stringify({
  temporal: { address: '203.0.113.9:7233', namespace: 'default', uiUrl: 'http://203.0.113.9', pid: 999999999, dbFile: '/x' },
  emulator: { port: 1, dnsEndpoint: 'http://203.0.113.9/dns/v1', gkeEndpoint: 'http://203.0.113.9', tokenFile: '/etc/shadow', pid: 999999999, stateDir: '/' },
  worker: { pid: 999999999, logFile: '/x' },
});

/** A `.kfed/` as a repository checkout leaves it: directory 0755, files 0644. */
function planted(dirMode: number, fileMode: number): (dir: string) => void {
  return (dir) => {
    const kfed = join(dir, '.kfed');
    mkdirSync(kfed);
    chmodSync(kfed, dirMode);
    writeFileSync(join(kfed, 'local.json'), plantedState);
    chmodSync(join(kfed, 'local.json'), fileMode);
    writeFileSync(join(dir, 'bad.yaml'), 'kind: Nope\n');
  };
}

/** A directory of the user's own work, which `--purge` must never delete. */
function userDirectory(dir: string): void {
  mkdirSync(join(dir, 'work'));
  writeFileSync(join(dir, 'work', 'thesis.tex'), 'years of work');
}

function stillThere(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, 'work', 'thesis.tex'), 'utf8') === 'years of work' ? undefined : 'the user\'s file changed';
  } catch {
    return 'the user\'s file was deleted';
  }
}

const localFileCases: HostileCase[] = [
  { name: 'purge of a directory kfed did not make', argv: ['local', 'down', '--purge'], prepare: userDirectory, env: (dir) => ({ KFED_LOCAL_DIR: join(dir, 'work') }), exit: 2, message: 'refusing to purge', after: stillThere },
  {
    name: 'purge with a planted marker',
    argv: ['local', 'down', '--purge'],
    prepare: (dir) => { userDirectory(dir); writeFileSync(join(dir, 'work', '.kfed-local-dir'), 'x'); chmodSync(join(dir, 'work', '.kfed-local-dir'), 0o644); },
    env: (dir) => ({ KFED_LOCAL_DIR: join(dir, 'work') }),
    exit: 2,
    message: 'marker has mode 0644',
    after: stillThere,
  },
  {
    name: 'purge through a symlink',
    argv: ['local', 'down', '--purge'],
    prepare: (dir) => { userDirectory(dir); symlinkSync(join(dir, 'work'), join(dir, 'link')); },
    env: (dir) => ({ KFED_LOCAL_DIR: join(dir, 'link') }),
    exit: 2,
    message: 'it is a symbolic link',
    after: stillThere,
  },
  { name: 'purge of the home directory', argv: ['local', 'down', '--purge'], prepare: userDirectory, env: (dir) => ({ KFED_LOCAL_DIR: dir }), exit: 2, message: 'holds no .kfed-local-dir marker', after: stillThere },
  { name: 'a checked-out .kfed/local.json', argv: ['validate', '-f', 'bad.yaml'], prepare: planted(0o755, 0o644), exit: 2, message: 'ignoring', secret: '203.0.113.9' },
  { name: 'a private local.json in an open directory', argv: ['validate', '-f', 'bad.yaml'], prepare: planted(0o755, 0o600), exit: 2, message: 'its directory has mode 0755' },
  { name: 'a malformed ~/.kube/config holding a token', argv: ['kubeconfig', 'kfed'], prepare: (dir) => { mkdirSync(join(dir, '.kube')); writeFileSync(join(dir, '.kube', 'config'), tokenKubeconfig); }, exit: 2, message: 'is not valid YAML (line', secret: 'sekrit-bearer' },
  { name: 'a kubeconfig that is a list', argv: ['kubeconfig', 'kfed', '--out', 'config'], prepare: write('config', '- token: sekrit-list-token\n'), exit: 2, message: 'is not a kubeconfig (its top level is not a mapping)', secret: 'sekrit-list' },
  { name: 'a kubeconfig whose contexts are not a list', argv: ['kubeconfig', 'kfed', '--out', 'config'], prepare: write('config', 'contexts: {token: sekrit-map-token}\n'), exit: 2, message: 'contexts must be a list of entries with a name', secret: 'sekrit-map' },
  { name: 'a kubeconfig that is a FIFO', argv: ['kubeconfig', 'kfed', '--out', 'fifo'], prepare: (dir) => { execFileSync('mkfifo', [join(dir, 'fifo')]); }, exit: 2, message: 'fifo cannot be used: is a FIFO' },
  { name: 'a kubeconfig of 20 GiB', argv: ['kubeconfig', 'kfed', '--out', 'config'], prepare: (dir) => { writeFileSync(join(dir, 'config'), ''); truncateSync(join(dir, 'config'), 20 * 1024 ** 3); }, exit: 2, message: 'is 20480 MiB' },
  { name: 'a UTF-16 kubeconfig', argv: ['kubeconfig', 'kfed', '--out', 'config'], prepare: write('config', utf16le('apiVersion: v1\n')), exit: 2, message: 'is UTF-16' },
  { name: 'KUBECONFIG naming /dev/zero', argv: ['kubeconfig', 'kfed'], env: () => ({ KUBECONFIG: '/dev/zero' }), exit: 2, message: '/dev/zero cannot be used: is a character device' },
  { name: 'KUBECONFIG naming a directory', argv: ['kubeconfig', 'kfed'], env: (dir) => ({ KUBECONFIG: dir }), exit: 2, message: 'is a directory' },
];

/** Every hostile input, in a stable order. */
export const hostileCases: readonly HostileCase[] = [...fileCases, ...argumentCases, ...localFileCases];
