import { execOk } from '../../src/local/exec.js';
import { kubeLabelKeys, managedByValue } from '../../src/ownership.js';

/** What a teardown may not leave on a cluster it keeps, each entry as `<kind> <namespace/>name`. */
export interface Leftovers {
  /** Objects being deleted (a namespace stuck Terminating, a CRD waiting for its objects, ...). */
  readonly deleting: string[];
  /** Objects that still carry a KubeFed finalizer (`kubefed.io/...`, `core.kubefed.io/...`). */
  readonly kubefedFinalizers: string[];
  /** Objects that carry kfed's managed-by label. */
  readonly kfedObjects: string[];
}

interface Listed {
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly finalizers?: string[];
    readonly deletionTimestamp?: string;
  };
}

/**
 * Every object of every listable resource on the cluster (kubectl's discovery), checked for what
 * a teardown must not leave behind: read with kubectl as an admin, so nothing is hidden by RBAC.
 */
export async function clusterLeftovers(kubectl: string, kubeconfig: string): Promise<Leftovers> {
  const run = async (args: readonly string[]): Promise<string> => (await execOk(kubectl, ['--kubeconfig', kubeconfig, ...args], { timeoutMs: 60_000 })).stdout;
  // Events only report; they are never deleted by anyone and carry no finalizers.
  const resources = (await run(['api-resources', '--verbs=list', '-o', 'name'])).split('\n').map((r) => r.trim()).filter((r) => r && !r.startsWith('events'));
  const items = (JSON.parse(await run(['get', resources.join(','), '--all-namespaces', '-o', 'json'])) as { items: Listed[] }).items;
  const name = (o: Listed): string => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
  return {
    deleting: items.filter((o) => o.metadata.deletionTimestamp).map(name),
    kubefedFinalizers: items.filter((o) => o.metadata.finalizers?.some((f) => f.includes('kubefed.io'))).map(name),
    kfedObjects: items.filter((o) => o.metadata.labels?.[kubeLabelKeys.managedBy] === managedByValue).map(name),
  };
}
