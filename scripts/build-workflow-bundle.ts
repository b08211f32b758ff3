// Prebuilds the workflow bundle (`npm run build:workflows [OUT]`), so production workers and
// benchmarks load it with KFED_WORKFLOW_BUNDLE instead of bundling at start.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflows } from '../src/local/workflow-bundle.js';

const out = resolve(process.argv[2] ?? fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url)));
const code = await bundleWorkflows();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, code);
console.log(`wrote ${out} (${Math.round(code.length / 1024)} KiB)`);
