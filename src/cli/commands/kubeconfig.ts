import { homedir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runOutcome, findRun } from '../../client/runs.js';
import type { FederationSummary } from '../../contract.js';
import { shown } from '../../spec/quote.js';
import { parseCommand, requireName } from '../args.js';
import { connectClient } from '../connect.js';
import { ExitCode, ExitError } from '../errors.js';
import { buildKubeconfig, mergeKubeconfig, replacedContexts } from '../kubeconfig-file.js';
import { readKubeconfig } from '../kubeconfig-read.js';
import { resultOf } from '../outcome.js';
import { writePrivateFile } from '../private-file.js';

export const help = `kfed kubeconfig NAME [--out FILE]

Writes (or merges into) a kubeconfig with one context per cluster, named as in the spec, plus
the host context named after the federation (metadata.name). Credentials are not copied into
the file: GKE clusters use gke-gcloud-auth-plugin; the local emulator's clusters read the token
file named by KFED_GCP_ACCESS_TOKEN_FILE. Same-named contexts, clusters and users are replaced
(the command says which contexts); everything else in the file is kept. The file is written
atomically (a temporary file renamed over it) with mode 0600; a file kfed cannot parse is left
unchanged (exit 2). Default FILE: $KUBECONFIG or ~/.kube/config.`;

/** The summary of the federation's completed run (exit 2 when it has none). */
async function completedSummary(name: string): Promise<FederationSummary> {
  const { client, close } = await connectClient();
  try {
    const handle = await findRun(client, name, 'federation');
    const description = await handle.describe().catch(() => undefined);
    if (description?.status.name !== 'COMPLETED') {
      throw new ExitError(
        ExitCode.BadInput,
        `kfed: federation ${name} has no completed run${description ? ` (last run ${description.status.name})` : ''}; run kfed up -f FILE --wait first`,
      );
    }
    return resultOf(handle.workflowId, await runOutcome<FederationSummary>(handle));
  } finally {
    await close();
  }
}

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(argv, { out: { type: 'string' } });
  const name = requireName(positionals);
  const out = values.out ?? process.env.KUBECONFIG?.split(':')[0] ?? join(homedir(), '.kube', 'config');
  // Read before asking Temporal: a file kfed cannot merge into fails the command untouched.
  const existing = readKubeconfig(out);
  const summary = await completedSummary(name);
  const fresh = buildKubeconfig(summary, process.env.KFED_GCP_ACCESS_TOKEN_FILE);
  const replaced = replacedContexts(existing, fresh);
  try {
    writePrivateFile(out, stringify(existing ? mergeKubeconfig(existing, fresh) : fresh));
  } catch (err) {
    throw new ExitError(ExitCode.RunFailed, `kfed: cannot write ${shown(out)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const added = fresh.contexts.map((c) => c.name).filter((c) => !replaced.includes(c));
  const parts = [added.length ? `added contexts ${added.join(', ')}` : '', replaced.length ? `replaced contexts ${replaced.join(', ')}` : ''].filter(Boolean);
  console.log(`${shown(out)}: ${parts.join('; ') || 'no contexts written'}`);
  for (const c of summary.clusters.filter((x) => x.existing === 'kubeconfig')) {
    console.log(`${c.name}: existing cluster; use your own kubeconfig context for it`);
  }
}
