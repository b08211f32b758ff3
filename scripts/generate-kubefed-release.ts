// Writes the pinned KubeFed release manifests (src/providers/kube/kubefed-release/*.json) from the
// release's Helm chart in the Go module cache (`npm run generate:kubefed`).
import { writeFileSync } from 'node:fs';
import { kubefedModuleDir, releaseFiles } from './kubefed-chart.js';

const dir = await kubefedModuleDir();
for (const [name, file] of Object.entries(releaseFiles(dir))) {
  const path = new URL(`../src/providers/kube/kubefed-release/${name}`, import.meta.url);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  console.log(`wrote ${path.pathname} (${file.objects.length} objects from ${file.source.files.join(', ')})`);
}
