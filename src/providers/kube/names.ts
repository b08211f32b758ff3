/**
 * Names and labels of the Kubernetes objects kfed makes. Deterministic names are what make every
 * step idempotent: a re-run after a crash finds what the first run made instead of adding more.
 */
import { kubeLabelKeys, kubeManagedLabels } from '../../ownership.js';
import { InvalidSpecError } from '../errors.js';
import type { JoinNames } from './types.js';

/** Server-side apply field manager of everything kfed writes. */
export const fieldManager = 'kfed';

/** Which half of a join an object belongs to (`app.kubernetes.io/component`). */
export type JoinSide = 'member-access' | 'host-registration';

/** Labels of the objects one join creates on one side. */
export function joinLabels(names: JoinNames, side: JoinSide): Record<string, string> {
  return { ...kubeManagedLabels, [kubeLabelKeys.member]: names.member, [kubeLabelKeys.host]: names.host, [kubeLabelKeys.component]: side };
}

/** Selects the objects one join created on one side. */
export function joinSelector(names: JoinNames, side: JoinSide): string {
  return Object.entries(joinLabels(names, side))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** The member's ServiceAccount for the plane, as kubefedctl names it: `<member>-<host>`. */
export function serviceAccountName(names: JoinNames): string {
  return `${names.member}-${names.host}`;
}

/**
 * Label on a member token Secret, and annotation on the KubeFedCluster: which generation of the
 * member's token it is (the first, made by the join, is 0 and carries no such mark). Each
 * `kfed rotate` mints the next; the KubeFedCluster's annotation changing is what makes KubeFed
 * rebuild its clients for the member with the new token.
 */
export const tokenGenerationKey = 'kfed.dev/token-generation';

/**
 * The member's token Secret of a generation: kubefedctl's name `<member>-<host>` for the first,
 * `<member>-<host>.token-<N>` after N rotations. The dot cannot occur in a member or federation
 * name (RFC1123 labels), so no other join's Secret can have this name.
 */
export function memberTokenSecretName(names: JoinNames, generation: number): string {
  const sa = serviceAccountName(names);
  return generation === 0 ? sa : `${sa}.token-${generation}`;
}

/** kubefedctl's name of the (Cluster)Role and its binding for a ServiceAccount. */
export function roleName(serviceAccount: string): string {
  return `kubefed-controller-manager:${serviceAccount}`;
}

/** kubefedctl's name of the health-check ClusterRole used with namespaced scope. */
export function healthCheckRoleName(serviceAccount: string, namespace: string): string {
  return `kubefed-controller-manager:${namespace}:healthcheck-${serviceAccount}`;
}

/**
 * The host Secret holding a member's token. kubefedctl uses `generateName: <member>-`, which
 * makes a new Secret on every retried create; a fixed name lets a re-run find and update it.
 * NOTE: it must differ from the member-side token Secret `<member>-<host>`, which lives in the
 * same namespace of the same cluster when the host joins itself.
 */
export function hostSecretName(names: JoinNames): string {
  return `${names.member}-credentials`;
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Throws InvalidSpecError unless the names make valid object names and label values. */
export function validateJoinNames(names: JoinNames): void {
  for (const [field, value] of [
    ['member', names.member],
    ['host', names.host],
    ['namespace', names.namespace],
  ] as const) {
    if (value.length > 63 || !dnsLabel.test(value)) {
      throw new InvalidSpecError(`join ${field} name "${value}" is not a DNS label (lowercase letters, digits and "-", at most 63)`, {
        resource: `${names.member} -> ${names.host}`,
      });
    }
  }
}
