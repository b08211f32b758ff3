import { readFileSync } from 'node:fs';
import { formatIssue, parseSpec, SpecError } from '../spec/parse.js';
import type { FederationSpec } from '../spec/types.js';
import { ExitCode, ExitError } from './errors.js';

/**
 * Reads and validates a spec file; spec.project defaults to GOOGLE_CLOUD_PROJECT. On any problem prints every issue with its field path and
 * throws ExitError(2); nothing else (no API, no Temporal) has been contacted at that point.
 */
export function readSpecFile(path: string | undefined): FederationSpec {
  if (!path) {
    console.error('kfed: missing -f FILE (the federation spec; see examples/federation.yaml)');
    throw new ExitError(ExitCode.BadInput);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    console.error(`kfed: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    throw new ExitError(ExitCode.BadInput);
  }
  try {
    return parseSpec(text, path, process.env.GOOGLE_CLOUD_PROJECT ? { defaultProject: process.env.GOOGLE_CLOUD_PROJECT } : {});
  } catch (err) {
    if (err instanceof SpecError) {
      console.error(`${path}: ${err.issues.length} problem${err.issues.length === 1 ? '' : 's'}:`);
      for (const issue of err.issues) console.error(`  ${formatIssue(issue)}`);
      throw new ExitError(ExitCode.BadInput);
    }
    throw err;
  }
}
