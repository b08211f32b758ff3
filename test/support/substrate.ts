import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
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

/** Status code of a namespace list with the given client: 200, or the API's error code (401, 403). */
export async function namespaceListStatus(kc: k8s.KubeConfig): Promise<number> {
  try {
    await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
    return 200;
  } catch (err) {
    if (err instanceof k8s.ApiException) return err.code;
    throw err;
  }
}
