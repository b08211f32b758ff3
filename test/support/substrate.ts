import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTools, type Toolchain } from '../../src/local/tools.js';

let toolchain: Promise<Toolchain> | undefined;

/** The tools built by `npm run tools` (npm test runs it first); never builds inside a test. */
export function testToolchain(): Promise<Toolchain> {
  toolchain ??= ensureTools({ build: false });
  return toolchain;
}

/** A scratch directory removed by the returned cleanup. */
export function scratchDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `kfed-${prefix}-`));
  return { path, remove: () => { rmSync(path, { recursive: true, force: true }); } };
}
