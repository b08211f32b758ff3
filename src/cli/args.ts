import { parseArgs, type ParseArgsConfig } from 'node:util';
import { rfc1123Label } from '../spec/schema.js';
import { printable, quote, shown } from '../spec/quote.js';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's flags strictly: an unknown flag is a usage error (exit 2), not ignored. */
export function parseCommand<O extends Options>(argv: string[], options: O, maxPositionals = 1) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs quotes the offending argument: the user's own, but it may hold anything.
    throw new UsageError(printable(err instanceof Error ? err.message : String(err)));
  }
  if (parsed.positionals.length > maxPositionals) throw new UsageError(`unexpected argument ${shown(parsed.positionals[maxPositionals] ?? '', 60)}`);
  return parsed;
}

/** Common flags. */
export const fileFlag = { file: { type: 'string', short: 'f' } } as const;
export const outputFlag = { output: { type: 'string', short: 'o' } } as const;
export const waitFlag = { wait: { type: 'boolean', short: 'w' } } as const;

/** Longest federation name: metadata.name is a Kubernetes label. */
const maxNameLength = 63;

/**
 * A federation name given on the command line, checked as metadata.name is (an RFC1123 label)
 * before any server is contacted: no spec can have made a federation of another name.
 */
export function federationName(value: string): string {
  if (value.length > maxNameLength || !rfc1123Label.test(value)) {
    throw new UsageError(
      `NAME ${quote(value, 60)} is not a federation name: metadata.name is an RFC1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${maxNameLength} characters)`,
    );
  }
  return value;
}

/** The NAME argument, required and valid (see {@link federationName}). */
export function requireName(positionals: string[], what = 'NAME'): string {
  const name = positionals[0];
  if (name === undefined) throw new UsageError(`missing ${what} (the federation's metadata.name)`);
  return federationName(name);
}
