import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { apiVersion, federationSchema, gkeClusterPath, kind, type FederationSpecInput } from './schema.js';
import { checkRules } from './rules.js';
import type { ClusterSpec, FederationSpec } from './types.js';

/** One problem in a spec, with the field path users see (`spec.clusters[0].context`). */
export interface SpecIssue {
  readonly path: string;
  readonly message: string;
}

/** Thrown when a spec is invalid; carries every problem found, not just the first. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(
    readonly issues: readonly SpecIssue[],
    readonly source = 'spec',
  ) {
    super(`${source} is invalid:\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
  }
}

export function formatIssue(issue: SpecIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/** `['spec', 'clusters', 0, 'context']` → `spec.clusters[0].context`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function zodIssues(error: z.ZodError, raw: unknown): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: formatPath([...issue.path, key]), message: 'unknown field (check its spelling against the spec reference)' });
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) {
      message = formatPath(issue.path) === 'spec.project' ? 'is required (or set GOOGLE_CLOUD_PROJECT)' : 'is required';
    }
    issues.push({ path: formatPath(issue.path), message });
  }
  return issues;
}

/**
 * Validates a spec object: schema (shapes, formats, unknown fields), then defaults, then
 * cross-field rules. Collects every problem and throws one {@link SpecError}.
 */
export function validateSpec(raw: unknown, source = 'spec'): FederationSpec {
  const parsed = federationSchema.safeParse(raw);
  if (!parsed.success) throw new SpecError(zodIssues(parsed.error, raw), source);
  const spec = normalize(parsed.data);
  const problems = checkRules(spec, parsed.data);
  if (problems.length > 0) throw new SpecError(problems, source);
  return spec;
}

function normalize(data: z.output<typeof federationSchema>): FederationSpec {
  const { spec } = data;
  return {
    name: data.metadata.name,
    project: spec.project,
    dns: { zone: spec.dns.zone, domain: spec.dns.domain },
    host: spec.host,
    clusters: spec.clusters.map(normalizeCluster),
    plane: { ...spec.plane },
    onFailure: spec.onFailure,
    pollInterval: spec.pollInterval ?? (spec.project === 'local' ? '1s' : '15s'),
  };
}

type ClusterInput = z.output<typeof federationSchema>['spec']['clusters'][number];

function normalizeCluster(c: ClusterInput): ClusterSpec {
  const base = { name: c.name, context: c.context, nodes: c.nodes ?? 1, machineType: c.machineType ?? 'e2-standard-2' };
  if (c.existing?.gke) {
    const [, project = '', location = '', name = ''] = gkeClusterPath.exec(c.existing.gke) ?? [];
    return { ...base, location, existing: { kind: 'gke', project, location, name } };
  }
  if (c.existing?.context) {
    return { ...base, location: '', existing: { kind: 'kubeconfig', context: c.existing.context, ...(c.existing.kubeconfig ? { kubeconfig: c.existing.kubeconfig } : {}) } };
  }
  return { ...base, location: c.location ?? '' };
}

export interface ParseOptions {
  /** Used when spec.project is absent (the CLI passes GOOGLE_CLOUD_PROJECT). */
  readonly defaultProject?: string;
}

/** Parses YAML text and validates it. YAML syntax errors name the line and column. */
export function parseSpec(text: string, source = 'spec', options: ParseOptions = {}): FederationSpec {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SpecError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos ? `line ${pos.line}, column ${pos.col}` : 'YAML';
        return { path: where, message: e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'syntax error' };
      }),
      source,
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SpecError([{ path: '', message: 'the file must hold a Federation object (apiVersion, kind, metadata, spec)' }], source);
  }
  const spec = (raw as { spec?: unknown }).spec;
  if (options.defaultProject && spec && typeof spec === 'object' && !('project' in spec)) {
    (spec as Record<string, unknown>).project = options.defaultProject;
  }
  return validateSpec(raw, source);
}

/** The YAML document shape of a normalized spec (the inverse of validation's normalize step). */
export function specToDocument(spec: FederationSpec): FederationSpecInput {
  return {
    apiVersion,
    kind,
    metadata: { name: spec.name },
    spec: {
      project: spec.project,
      dns: { ...spec.dns },
      host: spec.host,
      clusters: spec.clusters.map(clusterToDocument),
      plane: { ...spec.plane },
      onFailure: spec.onFailure,
      pollInterval: spec.pollInterval,
    },
  };
}

function clusterToDocument(c: ClusterSpec): FederationSpecInput['spec']['clusters'][number] {
  switch (c.existing?.kind) {
    case 'gke':
      return { name: c.name, context: c.context, existing: { gke: `projects/${c.existing.project}/locations/${c.existing.location}/clusters/${c.existing.name}` } };
    case 'kubeconfig':
      return { name: c.name, context: c.context, existing: { context: c.existing.context, ...(c.existing.kubeconfig ? { kubeconfig: c.existing.kubeconfig } : {}) } };
    default:
      return { name: c.name, context: c.context, location: c.location, nodes: c.nodes, machineType: c.machineType };
  }
}
