import { parseAllDocuments } from 'yaml';
import { shown } from '../spec/quote.js';
import { ExitCode, ExitError } from './errors.js';
import type { KubeconfigDocument } from './kubeconfig-file.js';
import { readTextFile, UnreadableFileError } from './read-file.js';

/** Largest kubeconfig kfed merges into; real ones with hundreds of contexts are a few MiB. */
const maxKubeconfigBytes = 16 * 1024 * 1024;

const leftAlone = 'kfed left it unchanged; fix it, or write elsewhere with --out FILE';

/**
 * The kubeconfig at `path` to merge into, or undefined when there is none. A file kfed cannot
 * use ends the command with exit 2 before anything is written. Messages give a position at
 * most: a kubeconfig holds tokens and keys, and the YAML library's messages quote the lines
 * around an error.
 */
export function readKubeconfig(path: string): KubeconfigDocument | undefined {
  const source = shown(path);
  const refuse = (why: string): ExitError => new ExitError(ExitCode.BadInput, `kfed: ${source} ${why}; ${leftAlone}`);
  let text: string;
  try {
    text = readTextFile(path, maxKubeconfigBytes);
  } catch (err) {
    if (err instanceof UnreadableFileError) {
      if (err.reason === 'no such file') return undefined;
      throw refuse(`cannot be used: ${err.reason}`);
    }
    throw err;
  }
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents) || documents.length === 0) return undefined;
  if (documents.length > 1) throw refuse(`holds ${documents.length} YAML documents, not one kubeconfig`);
  const [doc] = documents;
  const error = doc?.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    throw refuse(`is not valid YAML (${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${error.code})`);
  }
  let raw: unknown;
  try {
    raw = doc?.toJS({ maxAliasCount: 100 });
  } catch {
    throw refuse('cannot be read as YAML data (aliases or nesting beyond what a kubeconfig uses)');
  }
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw refuse('is not a kubeconfig (its top level is not a mapping)');
  const config = raw as Record<string, unknown>;
  for (const list of ['clusters', 'users', 'contexts']) {
    const entries = config[list];
    if (entries === undefined || entries === null) continue;
    const named = Array.isArray(entries) && entries.every((e) => typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string');
    if (!named) throw refuse(`is not a kubeconfig (${list} must be a list of entries with a name)`);
  }
  return {
    ...config,
    apiVersion: typeof config.apiVersion === 'string' ? config.apiVersion : '',
    kind: typeof config.kind === 'string' ? config.kind : '',
    clusters: (config.clusters ?? []) as KubeconfigDocument['clusters'],
    users: (config.users ?? []) as KubeconfigDocument['users'],
    contexts: (config.contexts ?? []) as KubeconfigDocument['contexts'],
  };
}
