import { isScalar, Lexer, parseAllDocuments, type Document, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { apiVersion, federationSchema, gkeClusterPath, kind, type FederationSpecInput } from './schema.js';
import { checkRules } from './rules.js';
import { fieldName } from './quote.js';
import type { ClusterSpec, FederationSpec } from './types.js';

/**
 * Limits on what a spec file may make kfed do before validation even starts. A valid spec is a
 * few dozen lines, five levels deep, with no need for aliases; hostile files (alias bombs, deep
 * nesting, thousands of bogus fields) stop here with one clear problem each.
 */
export const yamlLimits = {
  /** Alias expansions (yaml's own count); a billion-laughs file needs thousands. */
  maxAliasCount: 50,
  /** Nesting levels of the data; a Federation spec has at most 5. */
  maxDepth: 16,
  /**
   * Nesting levels of the text, estimated before parsing (see {@link textNesting}); looser than
   * maxDepth because the estimate counts indicators, not nodes. The parser's memory grows with
   * nesting (a megabyte of "[" costs it a gigabyte), so deep text never reaches it.
   */
  maxTextNesting: 40,
  /**
   * Values (scalar tokens) in the text; a Federation spec with 50 clusters has about 500. Bounds
   * the parser's work: its duplicate-key check is quadratic in a mapping's size.
   */
  maxScalars: 10_000,
  /** Problems reported at once; past this, only their number. */
  maxIssues: 30,
  /** Unknown field names echoed per object; past this, only their number. */
  maxUnknownFields: 5,
} as const;

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
      // Names are echoed only when they look like a typo of a field, and only a few of them.
      for (const key of issue.keys.slice(0, yamlLimits.maxUnknownFields)) {
        issues.push({ path: formatPath([...issue.path, fieldName(key)]), message: 'unknown field (check its spelling against the spec reference)' });
      }
      const more = issue.keys.length - yamlLimits.maxUnknownFields;
      if (more > 0) issues.push({ path: formatPath(issue.path), message: `${more} more unknown field${more === 1 ? '' : 's'} (not shown)` });
      continue;
    }
    let message = issue.message;
    if (valueAt(raw, issue.path) === undefined) {
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
  if (!parsed.success) throw new SpecError(capped(zodIssues(parsed.error, raw)), source);
  const spec = normalize(parsed.data);
  const problems = checkRules(spec, parsed.data);
  if (problems.length > 0) throw new SpecError(capped(problems), source);
  return spec;
}

/** The first {@link yamlLimits.maxIssues} problems, then how many more there are. */
function capped(issues: SpecIssue[]): SpecIssue[] {
  const more = issues.length - yamlLimits.maxIssues;
  if (more <= 0) return issues;
  return [...issues.slice(0, yamlLimits.maxIssues), { path: '', message: `…and ${more} more problem${more === 1 ? '' : 's'}` }];
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
    const { context, kubeconfig, insecureSkipTLSVerify, insecureHTTP } = c.existing;
    return {
      ...base,
      location: '',
      existing: {
        kind: 'kubeconfig',
        context,
        ...(kubeconfig ? { kubeconfig } : {}),
        ...(insecureSkipTLSVerify ? { insecureSkipTLSVerify } : {}),
        ...(insecureHTTP ? { insecureHTTP } : {}),
      },
    };
  }
  return { ...base, location: c.location ?? '' };
}

export interface ParseOptions {
  /** Used when spec.project is absent (the CLI passes GOOGLE_CLOUD_PROJECT). */
  readonly defaultProject?: string;
}

/** Parses YAML text and validates it. YAML syntax errors name the line and column. */
export function parseSpec(text: string, source = 'spec', options: ParseOptions = {}): FederationSpec {
  const raw = readYaml(text, source);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SpecError([{ path: '', message: 'the file must hold a Federation object (apiVersion, kind, metadata, spec)' }], source);
  }
  const fields = Object.keys(raw);
  if (!fields.some((f) => topLevelFields.has(f))) {
    // Not a spec at all (a config file, a password file): its lines are not field names to echo.
    throw new SpecError(
      [{ path: '', message: `is not a Federation spec: it has none of the fields apiVersion, kind, metadata, spec (its ${fields.length} top-level field${fields.length === 1 ? ' is' : 's are'} not shown)` }],
      source,
    );
  }
  const spec = (raw as { spec?: unknown }).spec;
  if (options.defaultProject && spec && typeof spec === 'object' && !('project' in spec)) {
    (spec as Record<string, unknown>).project = options.defaultProject;
  }
  return validateSpec(raw, source);
}

const topLevelFields = new Set(['apiVersion', 'kind', 'metadata', 'spec']);

/**
 * The data of a one-document YAML file, within {@link yamlLimits}. Every failure is a
 * {@link SpecError} whose messages hold no more of the file than a position.
 */
function readYaml(text: string, source: string): unknown {
  const shape = textShape(text);
  if (shape.nesting > yamlLimits.maxTextNesting) throw new SpecError([{ path: '', message: nestedTooDeeply }], source);
  if (shape.scalars > yamlLimits.maxScalars) {
    throw new SpecError([{ path: '', message: `holds too many values (more than ${yamlLimits.maxScalars}; a Federation spec has a few hundred at most)` }], source);
  }
  let documents: Document.Parsed[];
  try {
    documents = parseAllDocuments(text, { uniqueKeys: true }) as Document.Parsed[];
  } catch (err) {
    throw new SpecError([{ path: '', message: unreadable(err) }], source);
  }
  const present = documents.filter((d) => !(d.contents === null || (isScalar(d.contents) && d.contents.value === null)) || d.errors.length > 0);
  if (present.length > 1) {
    throw new SpecError([{ path: '', message: `holds ${present.length} YAML documents (separated by "---"); a spec file holds exactly one Federation` }], source);
  }
  const doc = present[0];
  if (!doc) return null;
  if (doc.errors.length > 0) throw new SpecError(capped(doc.errors.map(syntaxIssue)), source);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: yamlLimits.maxAliasCount });
  } catch (err) {
    throw new SpecError([{ path: '', message: unreadable(err) }], source);
  }
  if (depthOf(raw) > yamlLimits.maxDepth) throw new SpecError([{ path: '', message: nestedTooDeeply }], source);
  return raw;
}

const nestedTooDeeply = `is nested too deeply (more than ${yamlLimits.maxDepth} levels; a Federation spec has at most 5)`;

/** Why the YAML library gave up, without its message (which can quote the file). */
function unreadable(err: unknown): string {
  if (err instanceof RangeError) return nestedTooDeeply;
  if (err instanceof ReferenceError && /alias/i.test(err.message)) {
    return /excessive/i.test(err.message)
      ? `uses YAML aliases that expand too far (more than ${yamlLimits.maxAliasCount} expansions); a spec needs no aliases, write the values out`
      : 'uses a YAML alias (*name) whose anchor (&name) is not defined before it';
  }
  return 'cannot be read as YAML data';
}

/** A YAML syntax error at its position. yaml's messages end in a code frame of the file: dropped. */
function syntaxIssue(error: YAMLError): SpecIssue {
  const pos = error.linePos?.[0];
  const where = pos ? `line ${pos.line}, column ${pos.col}` : 'YAML';
  if (error.code === 'RESOURCE_EXHAUSTION') return { path: where, message: nestedTooDeeply };
  const first = error.message.split('\n')[0] ?? '';
  const message = first
    .replace(/ at line \d+, column \d+:?$/, '')
    // Some messages quote the offending source ("...in YAML stream: \"text\""): not shown.
    .replace(/:\s*".*$/, '')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 120);
  return { path: where, message: message || `syntax error (${error.code})` };
}

/** Scalar tokens of yaml's lexer start with this control character. */
const scalarToken = '\x1f';

/**
 * How deeply YAML text nests and how many values it holds, from its tokens alone (yaml's lexer
 * is a flat, linear pass). Nesting counts flow brackets, plus on each line the block indentation
 * levels open above it and the block indicators (`- `, `? `, `: `) on it, which nest compactly
 * (`- - - x`). Stops once past either limit.
 */
export function textShape(text: string): { readonly nesting: number; readonly scalars: number } {
  let deepest = 0;
  let scalars = 0;
  let flow = 0;
  const indents: number[] = [];
  let lineStart = true;
  let onLine = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === scalarToken && ++scalars > yamlLimits.maxScalars) break;
    if (token === '[' || token === '{') flow++;
    else if (token === ']' || token === '}') flow = Math.max(0, flow - 1);
    else if (token === '\n') {
      lineStart = true;
      onLine = 0;
      continue;
    } else if (flow === 0 && (token === '-' || token === '?' || token === ':')) onLine++;
    if (lineStart && flow === 0) {
      lineStart = false;
      const indent = token.startsWith(' ') && token.trim() === '' ? token.length : 0;
      while ((indents.at(-1) ?? -1) >= indent) indents.pop();
      indents.push(indent);
    }
    const depth = flow + indents.length + onLine;
    if (depth > deepest) deepest = depth;
    if (deepest > yamlLimits.maxTextNesting) break;
  }
  return { nesting: deepest, scalars };
}

/** How deep a value nests, counted without recursion (the data may be deeper than the stack). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, depth] = next;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > yamlLimits.maxDepth) return deepest;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return deepest;
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
    case 'kubeconfig': {
      const { context, kubeconfig, insecureSkipTLSVerify, insecureHTTP } = c.existing;
      return {
        name: c.name,
        context: c.context,
        existing: { context, ...(kubeconfig ? { kubeconfig } : {}), ...(insecureSkipTLSVerify ? { insecureSkipTLSVerify } : {}), ...(insecureHTTP ? { insecureHTTP } : {}) },
      };
    }
    default:
      return { name: c.name, context: c.context, location: c.location, nodes: c.nodes, machineType: c.machineType };
  }
}
