import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's flags strictly: an unknown flag is a usage error (exit 2), not ignored. */
export function parseCommand<O extends Options>(argv: string[], options: O, maxPositionals = 1) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.positionals.length > maxPositionals) throw new UsageError(`unexpected argument "${parsed.positionals[maxPositionals] ?? ''}"`);
  return parsed;
}

/** Common flags. */
export const fileFlag = { file: { type: 'string', short: 'f' } } as const;
export const outputFlag = { output: { type: 'string', short: 'o' } } as const;
export const waitFlag = { wait: { type: 'boolean', short: 'w' } } as const;

export function requireName(positionals: string[], what = 'NAME'): string {
  const name = positionals[0];
  if (!name) throw new UsageError(`missing ${what} (the federation's metadata.name)`);
  return name;
}
