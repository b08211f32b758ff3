import { maxSpecFileBytes } from '../spec/bounds.js';
import { formatIssue, parseSpec, SpecError } from '../spec/parse.js';
import { shown } from '../spec/quote.js';
import type { FederationSpec } from '../spec/types.js';
import { ExitCode, ExitError } from './errors.js';
import { readTextFile, UnreadableFileError } from './read-file.js';

/** The ExitError of an invalid spec: every problem with its field path, under the file's name. */
export function specProblems(source: string, err: SpecError): ExitError {
  const count = `${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}`;
  return new ExitError(ExitCode.BadInput, [`${source}: ${count}:`, ...err.issues.map((i) => `  ${formatIssue(i)}`)].join('\n'));
}

/**
 * Reads and validates a spec file; spec.project defaults to GOOGLE_CLOUD_PROJECT. Any problem
 * (the file, its YAML, its fields) throws ExitError(2) naming the file; nothing else (no API, no
 * Temporal) has been contacted at that point.
 */
export function readSpecFile(path: string | undefined): FederationSpec {
  if (!path) throw new ExitError(ExitCode.BadInput, 'kfed: missing -f FILE (the federation spec; see examples/federation.yaml)');
  const source = shown(path);
  let text: string;
  try {
    text = readTextFile(path, maxSpecFileBytes);
  } catch (err) {
    if (err instanceof UnreadableFileError) throw new ExitError(ExitCode.BadInput, `kfed: ${source}: ${err.reason}`);
    throw err;
  }
  try {
    return parseSpec(text, source, process.env.GOOGLE_CLOUD_PROJECT ? { defaultProject: process.env.GOOGLE_CLOUD_PROJECT } : {});
  } catch (err) {
    if (err instanceof SpecError) throw specProblems(source, err);
    throw err;
  }
}
