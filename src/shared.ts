/**
 * Names shared by the worker, the client and the workflows. Safe to import from workflow code
 * (no Node modules).
 */
import { defineQuery } from '@temporalio/workflow';
import type { ClusterTarget } from './providers/types.js';
import type { FederationProgress } from './workflows/progress.js';

/** Default task queue of kfed workers. @default 'kfed' (override: KFED_TASK_QUEUE) */
export const defaultTaskQueue = 'kfed';

/** Business workflow ids: one open run per federation, so a second `kfed up` attaches. */
export const workflowIds = {
  federation: (name: string): string => `kfed-${name}`,
  cluster: (federation: string, cluster: string): string => `kfed-${federation}-cluster-${cluster}`,
  teardown: (name: string): string => `kfed-${name}-teardown`,
  plan: (name: string): string => `kfed-${name}-plan`,
  /** Schedule ids and the workflow ids of the runs they start. */
  schedule: (name: string): string => `kfed-${name}-rebuild`,
} as const;

/** Per-step and per-cluster progress of a run (see workflows/progress.ts). */
export const progressQuery = defineQuery<FederationProgress>('progress');

/** Search-friendly memo key under which runs record their federation name. */
export const memoKeys = { federation: 'kfedFederation', operation: 'kfedOperation' } as const;

/**
 * How the kube steps reach an existing cluster named by a kubeconfig context: the worker reads
 * the context at run time, so only the names travel through workflow history.
 */
export function kubeconfigTarget(name: string, existing: { readonly context: string; readonly kubeconfig?: string }): Extract<ClusterTarget, { kind: 'kubeconfig' }> {
  return { kind: 'kubeconfig', name, context: existing.context, ...(existing.kubeconfig ? { kubeconfig: existing.kubeconfig } : {}) };
}
