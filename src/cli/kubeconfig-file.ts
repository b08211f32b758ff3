import type { FederationSummary } from '../contract.js';

interface Named<T> {
  readonly name: string;
  readonly [key: string]: unknown;
  readonly cluster?: T;
}

/** The parts of a kubeconfig file kfed writes (kubectl's own field names). */
export interface KubeconfigDocument {
  apiVersion: string;
  kind: string;
  'current-context'?: string;
  clusters: Named<unknown>[];
  users: Named<unknown>[];
  contexts: Named<unknown>[];
  [key: string]: unknown;
}

/**
 * A kubeconfig for a federation: one context per cluster named as in the spec, plus the host
 * context named after the federation. No credential is copied into the file: with a token file
 * (the local emulator) the user points at it; otherwise GKE's exec plugin fetches tokens.
 */
export function buildKubeconfig(summary: FederationSummary, tokenFile: string | undefined): KubeconfigDocument {
  const userName = `kfed-${summary.federation}`;
  const user = tokenFile
    ? // `tokenFile` is kubectl's field; @kubernetes/client-node reads `token-file`.
      { tokenFile, 'token-file': tokenFile }
    : {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'gke-gcloud-auth-plugin',
          provideClusterInfo: true,
          installHint: 'Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin',
          interactiveMode: 'IfAvailable',
        },
      };
  // Existing clusters reached through a kubeconfig context keep their own credentials there.
  const reachable = summary.clusters.filter((c) => c.existing !== 'kubeconfig');
  const clusters = reachable.map((c) => ({
    name: `kfed-${summary.federation}-${c.name}`,
    cluster: { server: c.endpoint, 'certificate-authority-data': c.caCertificate },
  }));
  const contexts = reachable.map((c) => ({ name: c.context, context: { cluster: `kfed-${summary.federation}-${c.name}`, user: userName } }));
  if (reachable.some((c) => c.name === summary.host)) {
    contexts.push({ name: summary.federation, context: { cluster: `kfed-${summary.federation}-${summary.host}`, user: userName } });
  }
  return { apiVersion: 'v1', kind: 'Config', 'current-context': summary.federation, clusters, users: [{ name: userName, user }], contexts };
}

function mergeNamed<T extends { name: string }>(existing: readonly T[] | undefined, fresh: readonly T[]): T[] {
  const names = new Set(fresh.map((e) => e.name));
  return [...(existing ?? []).filter((e) => !names.has(e.name)), ...fresh];
}

/** Merges kfed's entries into an existing kubeconfig: same-named entries are replaced, others kept. */
export function mergeKubeconfig(existing: KubeconfigDocument, fresh: KubeconfigDocument): KubeconfigDocument {
  return {
    ...existing,
    apiVersion: existing.apiVersion || fresh.apiVersion,
    kind: existing.kind || fresh.kind,
    clusters: mergeNamed(existing.clusters, fresh.clusters),
    users: mergeNamed(existing.users, fresh.users),
    contexts: mergeNamed(existing.contexts, fresh.contexts),
    'current-context': existing['current-context'] ?? fresh['current-context'],
  };
}

/** Names of `fresh`'s contexts that `existing` already has: the ones a merge replaces. */
export function replacedContexts(existing: KubeconfigDocument | undefined, fresh: KubeconfigDocument): string[] {
  const had = new Set((existing?.contexts ?? []).map((c) => c.name));
  return fresh.contexts.map((c) => c.name).filter((name) => had.has(name));
}
