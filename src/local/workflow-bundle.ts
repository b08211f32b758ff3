/**
 * The one workflow bundler: webpack's bundle of src/workflows/index.ts, as a worker would build
 * it at start. Workers given a prebuilt bundle (KFED_WORKFLOW_BUNDLE) start in about a second
 * instead of bundling for several, which matters for `npm start`, every test that starts a
 * worker process, and the benchmarks that restart workers.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { projectRoot } from './tools.js';

/** The workflows' entry module, the root of every bundle. */
const workflowsEntry = join(projectRoot, 'src', 'workflows', 'index.ts');

/** Bundles the workflows now; returns the bundle's code. */
export async function bundleWorkflows(): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsEntry, logger: new DefaultLogger('WARN') });
  return code;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * Where cached bundles live when the caller names no directory: the machine's temporary
 * directory, shared by the test processes (each would otherwise bundle again).
 */
const defaultBundleDir = join(tmpdir(), 'kfed-workflow-bundles');

/**
 * The path of a bundle of today's sources in `dir`, built only when none is there: a hash of
 * every file under src/ (paths and contents) names it, so any change of the sources builds a new
 * one and an unchanged tree reuses it (a second `npm start` skips webpack).
 */
export async function cachedWorkflowBundle(dir: string = defaultBundleDir): Promise<string> {
  const hash = createHash('sha256');
  for (const file of filesUnder(join(projectRoot, 'src')).sort()) hash.update(file).update(readFileSync(file));
  const path = join(dir, `workflow-bundle-${hash.digest('hex').slice(0, 16)}.js`);
  if (existsSync(path) && statSync(path).size > 0) return path;
  const code = await bundleWorkflows();
  mkdirSync(dir, { recursive: true });
  // Written aside and renamed: processes bundling at the same time never read half a file.
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, code);
  renameSync(partial, path);
  return path;
}
