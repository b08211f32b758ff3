import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { workflowIds } from '../../contract.js';
import type { FederationSummary } from '../../contract.js';
import { parseCommand, requireName } from '../args.js';
import { connectClient } from '../connect.js';
import { ExitCode, ExitError } from '../errors.js';
import { buildKubeconfig, mergeKubeconfig, type KubeconfigDocument } from '../kubeconfig-file.js';

export const help = `kfed kubeconfig NAME [--out FILE]

Writes (or merges into) a kubeconfig with one context per cluster, named as in the spec, plus
the host context named after the federation (metadata.name). Credentials are not copied into
the file: GKE clusters use gke-gcloud-auth-plugin; the local emulator's clusters read the token
file named by KFED_GCP_ACCESS_TOKEN_FILE. The file is written with mode 0600.
Default FILE: $KUBECONFIG or ~/.kube/config.`;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(argv, { out: { type: 'string' } });
  const name = requireName(positionals);
  const out = values.out ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
  const { client, close } = await connectClient();
  let summary: FederationSummary;
  try {
    const handle = client.workflow.getHandle(workflowIds.federation(name));
    const description = await handle.describe().catch(() => undefined);
    if (description?.status.name !== 'COMPLETED') {
      console.error(`kfed: federation ${name} has no completed run${description ? ` (last run ${description.status.name})` : ''}; run kfed up -f FILE --wait first`);
      throw new ExitError(ExitCode.BadInput);
    }
    summary = (await handle.result()) as FederationSummary;
  } finally {
    await close();
  }
  const fresh = buildKubeconfig(summary, process.env.KFED_GCP_ACCESS_TOKEN_FILE);
  const existing = existsSync(out) ? (parse(readFileSync(out, 'utf8')) as KubeconfigDocument | null) : null;
  const merged = existing ? mergeKubeconfig(existing, fresh) : fresh;
  writeFileSync(out, stringify(merged), { mode: 0o600 });
  chmodSync(out, 0o600);
  const contexts = fresh.contexts.map((c) => c.name).join(', ');
  console.log(`wrote contexts ${contexts} to ${out}`);
  for (const c of summary.clusters.filter((x) => x.existing === 'kubeconfig')) {
    console.log(`${c.name}: existing cluster; use your own kubeconfig context for it`);
  }
}
