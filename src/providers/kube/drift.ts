/**
 * Read-only drift detection for plans: does a live object already hold every field kfed's
 * manifest sets? That is the question server-side apply answers by writing; a plan must answer
 * it by reading only (and with read-only credentials).
 *
 * Why "desired ⊆ live" and not equality: the API server adds defaults (`protocol: TCP`, a
 * probe's `scheme`, a CRD's `conversion`) and other managers add their own fields, none of
 * which an apply of kfed's manifest would change.
 */
import type { KubeClient } from './client.js';
import { describeRef, refOf, type KubeObject } from './resources.js';

/** The first field where a live object differs from the manifest. */
export interface Difference {
  /** Dotted path, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly want: unknown;
  /** undefined when the field is missing. */
  readonly live: unknown;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `a.b`, or `a["app.kubernetes.io/name"]` for keys that are not identifiers (labels, annotations). */
function join(path: string, key: string): string {
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

/** Depth-first: the first field of `want` that `live` does not hold. */
function firstDifference(want: unknown, live: unknown, path: string): Difference | undefined {
  if (Array.isArray(want)) {
    // NOTE: lists kfed sets are atomic or fully owned by kfed (rules, containers, versions):
    // an apply would replace a longer or shorter live list, so the length must match too.
    if (!Array.isArray(live) || live.length !== want.length) return { path, want, live };
    for (const [i, item] of want.entries()) {
      const found = firstDifference(item, live[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (isRecord(want)) {
    // A missing map (the server drops empty ones) reads as empty: the difference is then named
    // by its first missing key, e.g. `metadata.labels["app.kubernetes.io/managed-by"]`.
    if (live === undefined) return firstDifference(want, {}, path);
    if (!isRecord(live)) return { path, want, live };
    for (const [key, value] of Object.entries(want)) {
      if (value === undefined) continue;
      const found = firstDifference(value, live[key], join(path, key));
      if (found) return found;
    }
    return undefined;
  }
  return want === live ? undefined : { path, want, live };
}

/**
 * Where `live` misses or contradicts a field of `desired`; undefined when applying `desired`
 * would change nothing. Only labels and annotations of the metadata count (name and namespace
 * are the same by construction, the rest is the server's).
 */
export function driftOf(desired: KubeObject, live: KubeObject): Difference | undefined {
  const { metadata, apiVersion: _v, kind: _k, ...rest } = desired;
  const meta = { labels: metadata.labels, annotations: metadata.annotations };
  return firstDifference(meta, { labels: live.metadata.labels, annotations: live.metadata.annotations }, 'metadata') ?? firstDifference(rest, live, '');
}

/** A value for a message: short JSON, `missing` for undefined. */
function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The difference in words. With `secret`, values are never shown (a Secret's data is a
 * credential, and plan output is printed and stored): only the path.
 */
export function describeDifference(diff: Difference, options: { readonly secret?: boolean } = {}): string {
  if (options.secret) return `${diff.path} differs`;
  if (diff.live === undefined) return `${diff.path} missing (want ${show(diff.want)})`;
  return `${diff.path} is ${show(diff.live)}, want ${show(diff.want)}`;
}

/** Differences listed in full in a plan reason; the rest are counted. */
const maxListed = 5;

/** A plan reason's list of differences: the first few, then how many more. */
export function listDifferences(found: readonly string[]): string {
  const shown = found.slice(0, maxListed).join('; ');
  return found.length > maxListed ? `${shown}; and ${found.length - maxListed} more` : shown;
}

/** Whether a manifest's object exists, and what it lacks (`problem` undefined: an apply would change nothing). GET only. */
export async function objectDrift(client: KubeClient, desired: KubeObject): Promise<{ readonly exists: boolean; readonly problem?: string }> {
  const live = await client.get(refOf(desired));
  const what = describeRef(refOf(desired));
  if (!live) return { exists: false, problem: `${what} missing` };
  const diff = driftOf(desired, live);
  return { exists: true, problem: diff ? `${what}: ${describeDifference(diff, { secret: desired.kind === 'Secret' })}` : undefined };
}
