/**
 * How kfed marks what it creates, and how it recognises its own: the one home of every
 * ownership label. Deletes check these marks, so kfed never removes what a user (or another
 * federation) made. Workflow-safe (pure), so workflows, activities and providers share it.
 *
 * Two label sets, because the two APIs allow different keys: Google Cloud resource labels are
 * lowercase letters, digits, `_` and `-` only; Kubernetes labels take a `prefix/` (CAPG's
 * ownership marker; kubectl's `app.kubernetes.io/managed-by` convention).
 */

/** The value of every `managed-by` label kfed sets. */
export const managedByValue = 'kfed';

/** Role of a cluster in its federation. */
export type ClusterRole = 'host' | 'member';

/** Google Cloud resource label keys (zones and clusters). */
export const cloudLabelKeys = {
  managedBy: 'managed-by',
  federation: 'kfed-federation',
  /** `host` or `member`: members run no workloads of kfed's (the emulator then skips their scheduler). */
  role: 'kfed-role',
  /**
   * The id of the federate run that created the resource: a failed or cancelled run cleans up
   * only what carries its own run id, never what an earlier run made.
   */
  createdBy: 'kfed-run',
} as const;

/** Resource labels of a zone or cluster kfed creates for `federation` in run `createdBy`. */
export function cloudOwnerLabels(federation: string, role?: ClusterRole, createdBy?: string): Record<string, string> {
  return {
    [cloudLabelKeys.managedBy]: managedByValue,
    ...(federation ? { [cloudLabelKeys.federation]: federation } : {}),
    ...(role ? { [cloudLabelKeys.role]: role } : {}),
    ...(createdBy ? { [cloudLabelKeys.createdBy]: createdBy.toLowerCase() } : {}),
  };
}

/**
 * Who owns a cloud resource, seen from `federation`: `this` (kfed made it for this federation),
 * `other` (kfed made it for another federation, named in `federation`), `foreign` (not kfed's, or
 * made by a kfed that did not record the federation: kfed cannot prove it is this one's).
 */
export type CloudOwnership = { readonly owner: 'this'; readonly createdBy?: string } | { readonly owner: 'other'; readonly federation: string } | { readonly owner: 'foreign' };

export function cloudOwnership(labels: Readonly<Record<string, string>> | undefined, federation: string): CloudOwnership {
  const of = cloudOwnerFederation(labels);
  if (of === undefined || of === '') return { owner: 'foreign' };
  if (of !== federation) return { owner: 'other', federation: of };
  const createdBy = labels?.[cloudLabelKeys.createdBy];
  return createdBy ? { owner: 'this', createdBy } : { owner: 'this' };
}

/** Whether kfed made this cloud resource (for any federation). */
export function cloudManagedByKfed(labels: Readonly<Record<string, string>> | undefined): boolean {
  return labels?.[cloudLabelKeys.managedBy] === managedByValue;
}

/** The federation a kfed-made cloud resource belongs to; undefined when not kfed's or unlabelled. */
export function cloudOwnerFederation(labels: Readonly<Record<string, string>> | undefined): string | undefined {
  return cloudManagedByKfed(labels) ? labels?.[cloudLabelKeys.federation] : undefined;
}

/** The label pair that marks a member cluster (a backing cluster for it needs no scheduler). */
export const memberRoleLabel = { key: cloudLabelKeys.role, value: 'member' } as const satisfies { key: string; value: ClusterRole };

/** Kubernetes label keys on objects kfed creates. */
export const kubeLabelKeys = {
  managedBy: 'app.kubernetes.io/managed-by',
  /** On join objects: the member's federation name. */
  member: 'kfed.dev/member',
  /** On join objects: the host's name (the second half of the ServiceAccount name). */
  host: 'kfed.dev/host',
  /** Which half of a join an object belongs to. */
  component: 'app.kubernetes.io/component',
} as const;

/** Labels on every Kubernetes object kfed creates. */
export const kubeManagedLabels: Readonly<Record<string, string>> = { [kubeLabelKeys.managedBy]: managedByValue };

/** Whether kfed made this Kubernetes object (its labels carry kfed's managed-by mark). */
export function kubeManagedByKfed(labels: Readonly<Record<string, string>> | undefined): boolean {
  return labels?.[kubeLabelKeys.managedBy] === managedByValue;
}
