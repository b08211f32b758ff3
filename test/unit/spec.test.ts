import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { federationJsonSchema } from '../../src/spec/json-schema.js';
import { formatIssue, parseSpec, SpecError, specToDocument, validateSpec } from '../../src/spec/parse.js';

const exampleText = readFileSync(new URL('../../examples/federation.yaml', import.meta.url), 'utf8');

/** The example federation as a plain document, for mutating one field per case. */
function exampleDoc(): Record<string, unknown> & { metadata: Record<string, unknown>; spec: Record<string, unknown> & { clusters: Record<string, unknown>[]; dns: Record<string, unknown> } } {
  return {
    apiVersion: 'kfed.dev/v1alpha1',
    kind: 'Federation',
    metadata: { name: 'kfed' },
    spec: {
      project: 'my-project',
      dns: { zone: 'kfed', domain: 'infra.mycompany.com.' },
      host: 'west-cluster',
      clusters: [
        { name: 'west-cluster', context: 'west-coast', location: 'us-west1-a', nodes: 3, machineType: 'e2-standard-2' },
        { name: 'east-cluster', context: 'east-coast', location: 'us-east1-b' },
      ],
    },
  };
}

function cluster(doc: ReturnType<typeof exampleDoc>, index: number): Record<string, unknown> {
  const found = doc.spec.clusters[index];
  if (!found) throw new Error(`the example has no cluster ${index}`);
  return found;
}

function problems(doc: unknown): string[] {
  try {
    validateSpec(doc);
  } catch (err) {
    if (err instanceof SpecError) return err.issues.map(formatIssue);
    throw err;
  }
  return [];
}

describe('spec validation', () => {
  it('accepts the example and fills defaults', () => {
    const spec = parseSpec(exampleText);
    expect(spec).toMatchObject({ name: 'kfed', project: 'local', host: 'west-cluster', onFailure: 'keep', pollInterval: '1s' });
    expect(spec.plane).toEqual({ type: 'kubefed', namespace: 'kube-federation-system', scope: 'Cluster' });
    expect(spec.clusters.map((c) => [c.name, c.context, c.nodes, c.machineType])).toEqual([
      ['west-cluster', 'west-coast', 1, 'e2-standard-2'],
      ['east-cluster', 'east-coast', 1, 'e2-standard-2'],
    ]);
  });

  it('polls every 15s on real projects unless told otherwise', () => {
    expect(validateSpec(exampleDoc()).pollInterval).toBe('15s');
    const doc = exampleDoc();
    doc.spec.pollInterval = '30s';
    expect(validateSpec(doc).pollInterval).toBe('30s');
  });

  it('normalizes existing clusters: a kubeconfig context or a GKE resource name', () => {
    const doc = exampleDoc();
    delete cluster(doc, 1).location;
    cluster(doc, 1).existing = { context: 'prod-eu', kubeconfig: '~/.kube/config' };
    doc.spec.clusters.push({ name: 'gke-old', context: 'gke-old', existing: { gke: 'projects/other-project/locations/europe-west1-b/clusters/old' } });
    const spec = validateSpec(doc);
    expect(spec.clusters[1]).toMatchObject({ location: '', existing: { kind: 'kubeconfig', context: 'prod-eu', kubeconfig: '~/.kube/config' } });
    expect(spec.clusters[2]).toMatchObject({ location: 'europe-west1-b', existing: { kind: 'gke', project: 'other-project', location: 'europe-west1-b', name: 'old' } });
    expect(validateSpec(specToDocument(spec))).toEqual(spec);
  });

  it('takes a Namespaced plane scope, and keeps it through the document form', () => {
    const doc = exampleDoc();
    doc.spec.plane = { namespace: 'fed', scope: 'Namespaced' };
    const spec = validateSpec(doc);
    expect(spec.plane).toEqual({ type: 'kubefed', namespace: 'fed', scope: 'Namespaced' });
    expect(validateSpec(specToDocument(spec))).toEqual(spec);
  });

  it('reads a spec recorded before plane.scope existed as the Cluster scope', () => {
    const recorded = { ...validateSpec(exampleDoc()), plane: { type: 'kubefed' as const, namespace: 'kube-federation-system' } };
    expect(validateSpec(specToDocument(recorded)).plane.scope).toBe('Cluster');
  });

  it('keeps the TLS opt-ins of an existing kubeconfig cluster, only when true', () => {
    const doc = exampleDoc();
    delete cluster(doc, 1).location;
    cluster(doc, 1).existing = { context: 'prod-eu', insecureSkipTLSVerify: true, insecureHTTP: false };
    const spec = validateSpec(doc);
    expect(spec.clusters[1]?.existing).toEqual({ kind: 'kubeconfig', context: 'prod-eu', insecureSkipTLSVerify: true });
    expect(validateSpec(specToDocument(spec))).toEqual(spec);
  });

  it('round-trips a normalized spec through its document form', () => {
    const spec = validateSpec(exampleDoc());
    expect(validateSpec(specToDocument(spec))).toEqual(spec);
  });

  const cases: [string, (d: ReturnType<typeof exampleDoc>) => void, string][] = [
    ['GKE-style context', (d) => { cluster(d, 0).context = 'gke_p_us-west1-a_west'; }, 'spec.clusters[0].context: "gke_p_us-west1-a_west" is not an RFC1123 label (kube context names from GKE must be renamed, e.g. west)'],
    ['typo in a field name', (d) => { cluster(d, 1).nodeCount = 3; }, 'spec.clusters[1].nodeCount: unknown field'],
    ['an unknown plane scope', (d) => { d.spec.plane = { scope: 'Global' }; }, 'spec.plane.scope: "Global" must be "Cluster" or "Namespaced"'],
    ['a TLS opt-in that is not a boolean', (d) => { delete cluster(d, 1).location; cluster(d, 1).existing = { context: 'x', insecureSkipTLSVerify: 'yes' }; }, 'spec.clusters[1].existing.insecureSkipTLSVerify: must be true or false'],
    ['a TLS opt-in for a GKE cluster', (d) => { delete cluster(d, 1).location; cluster(d, 1).existing = { gke: 'projects/other-project/locations/us-east1-b/clusters/old', insecureSkipTLSVerify: true }; }, 'spec.clusters[1].existing.insecureSkipTLSVerify: only applies with existing.context'],
    ['plaintext HTTP for a GKE cluster', (d) => { delete cluster(d, 1).location; cluster(d, 1).existing = { gke: 'projects/other-project/locations/us-east1-b/clusters/old', insecureHTTP: true }; }, 'spec.clusters[1].existing.insecureHTTP: only applies with existing.context'],
    ['unknown top-level field', (d) => { d.spec.zone = 'x'; }, 'spec.zone: unknown field'],
    ['uppercase name', (d) => { d.metadata.name = 'Kfed'; }, 'metadata.name: "Kfed" is not an RFC1123 label'],
    ['name too long', (d) => { d.metadata.name = 'a'.repeat(64); }, 'metadata.name: must be at most 63 characters'],
    ['bad project', (d) => { d.spec.project = 'My_Project'; }, 'spec.project: "My_Project" is not a GCP project id'],
    ['short project', (d) => { d.spec.project = 'abc'; }, 'spec.project: "abc" is not a GCP project id'],
    ['domain without trailing dot', (d) => { d.spec.dns.domain = 'infra.mycompany.com'; }, 'spec.dns.domain: "infra.mycompany.com" must end with "."'],
    ['domain with a bad label', (d) => { d.spec.dns.domain = 'in_fra.mycompany.com.'; }, 'spec.dns.domain: "in_fra.mycompany.com." is not a valid DNS name'],
    ['zone not a label', (d) => { d.spec.dns.zone = 'Kfed Zone'; }, 'spec.dns.zone: "Kfed Zone" is not an RFC1123 label'],
    ['host not among clusters', (d) => { d.spec.host = 'north'; }, 'spec.host: "north" is not one of the clusters (west-cluster, east-cluster)'],
    ['no clusters', (d) => { d.spec.clusters = []; }, 'spec.clusters: at least one cluster is required'],
    ['cluster name over 40', (d) => { cluster(d, 1).name = 'e'.repeat(41); }, 'spec.clusters[1].name: must be at most 40 characters'],
    ['duplicate cluster name', (d) => { cluster(d, 1).name = 'west-cluster'; }, 'spec.clusters[1].name: "west-cluster" is already used by spec.clusters[0]'],
    ['duplicate context', (d) => { cluster(d, 1).context = 'west-coast'; }, 'spec.clusters[1].context: "west-coast" is already used by spec.clusters[0]'],
    ['context equals metadata.name', (d) => { cluster(d, 1).context = 'kfed'; }, 'spec.clusters[1].context: "kfed" equals metadata.name'],
    ['bad location', (d) => { cluster(d, 0).location = 'west'; }, 'spec.clusters[0].location: "west" is not a GCP region or zone'],
    ['zero nodes', (d) => { cluster(d, 0).nodes = 0; }, 'spec.clusters[0].nodes: must be a positive integer'],
    ['fractional nodes', (d) => { cluster(d, 0).nodes = 1.5; }, 'spec.clusters[0].nodes: must be a positive integer'],
    ['nodes as text', (d) => { cluster(d, 0).nodes = 'three'; }, 'spec.clusters[0].nodes: must be a positive integer'],
    ['bad machine type', (d) => { cluster(d, 0).machineType = 'E2 Standard'; }, 'spec.clusters[0].machineType: "E2 Standard" is not a machine type'],
    ['unsupported plane', (d) => { d.spec.plane = { type: 'karmada' }; }, 'spec.plane.type: "karmada" is not a supported plane (supported: kubefed)'],
    ['bad onFailure', (d) => { d.spec.onFailure = 'delete'; }, 'spec.onFailure: "delete" must be "keep" or "teardown"'],
    ['bad poll interval', (d) => { d.spec.pollInterval = 'often'; }, 'spec.pollInterval: "often" is not a duration'],
    ['wrong apiVersion', (d) => { d.apiVersion = 'kfed.dev/v1'; }, 'apiVersion: "kfed.dev/v1" must be "kfed.dev/v1alpha1"'],
    ['wrong kind', (d) => { d.kind = 'Cluster'; }, 'kind: "Cluster" must be "Federation"'],
    ['missing project', (d) => { delete d.spec.project; }, 'spec.project: is required'],
    ['no location and no existing', (d) => { delete cluster(d, 1).location; }, 'spec.clusters[1].location: is required (or give existing'],
    ['existing with a location', (d) => { cluster(d, 1).existing = { context: 'prod-eu' }; }, 'spec.clusters[1].location: must not be set for an existing cluster'],
    ['existing with nodes', (d) => { delete cluster(d, 0).location; cluster(d, 0).existing = { context: 'prod-eu' }; }, 'spec.clusters[0].nodes: must not be set for an existing cluster'],
    ['existing with both ways in', (d) => { delete cluster(d, 1).location; cluster(d, 1).existing = { context: 'a', gke: 'projects/my-project/locations/us-west1/clusters/b' }; }, 'spec.clusters[1].existing: give exactly one of context'],
    ['existing with neither', (d) => { delete cluster(d, 1).location; cluster(d, 1).existing = {}; }, 'spec.clusters[1].existing: give exactly one of context'],
    ['kubeconfig without context', (d) => { delete cluster(d, 1).location; cluster(d, 1).existing = { gke: 'projects/my-project/locations/us-west1/clusters/b', kubeconfig: '/k' }; }, 'spec.clusters[1].existing.kubeconfig: only applies with existing.context'],
    ['malformed gke name', (d) => { delete cluster(d, 1).location; cluster(d, 1).existing = { gke: 'my-project/us-west1/b' }; }, 'spec.clusters[1].existing.gke: "my-project/us-west1/b" is not a GKE cluster name'],
    ['typo inside existing', (d) => { delete cluster(d, 1).location; cluster(d, 1).existing = { contxt: 'a' }; }, 'spec.clusters[1].existing.contxt: unknown field'],
  ];

  /** Bounds of sizes and durations: each message names the bound and why it is there. */
  const bounds: [string, (d: ReturnType<typeof exampleDoc>) => void, string][] = [
    ['a 0s poll interval', (d) => { d.spec.pollInterval = '0s'; }, "spec.pollInterval: 0s is too short: at least 5s for GKE (a 0 interval breaks Temporal's retry policy (its maximumInterval cannot be 0), and polling GKE faster than every few seconds burns the project's API quota)"],
    ['a 2s poll interval on GKE', (d) => { d.spec.pollInterval = '2s'; }, 'spec.pollInterval: 2s is too short: at least 5s for GKE'],
    ['a 500ms poll interval on GKE', (d) => { d.spec.pollInterval = '500ms'; }, 'spec.pollInterval: 500ms is too short: at least 5s for GKE'],
    ['a 500ms poll interval locally', (d) => { d.spec.project = 'local'; d.spec.pollInterval = '500ms'; }, 'spec.pollInterval: 500ms is too short: at least 1s for project local'],
    ['a 0ms poll interval locally', (d) => { d.spec.project = 'local'; d.spec.pollInterval = '0ms'; }, 'spec.pollInterval: 0ms is too short: at least 1s for project local'],
    ['a 10m poll interval', (d) => { d.spec.pollInterval = '10m'; }, 'spec.pollInterval: 10m is too long: at most 5m (GKE operations finish within minutes'],
    ['an hours-long poll interval', (d) => { d.spec.pollInterval = '2h'; }, 'spec.pollInterval: 2h is too long: at most 5m'],
    ['an absurd poll interval', (d) => { d.spec.pollInterval = '99999999999999999999999s'; }, 'spec.pollInterval: 99999999999999999999999s is too long: at most 5m'],
    ['1001 nodes', (d) => { cluster(d, 0).nodes = 1001; }, 'spec.clusters[0].nodes: must be at most 1000: GKE allows at most 1000 nodes per node pool, and kfed creates each cluster with one pool'],
    ['a huge node count', (d) => { cluster(d, 0).nodes = 1e12; }, 'spec.clusters[0].nodes: must be at most 1000'],
    ['51 clusters', (d) => { d.spec.clusters = Array.from({ length: 51 }, (_, i) => ({ name: `c${i}`, context: `x${i}`, location: 'us-west1-a' })); d.spec.host = 'c0'; }, "spec.clusters: has 51 clusters; at most 50: kfed provisions every cluster of a federation at once, each polling GKE, and the host's KubeFed controller watches every member; 50 is also GKE's default limit of clusters per zone"],
    ['the plane in kube-system', (d) => { d.spec.plane = { namespace: 'kube-system' }; }, 'spec.plane.namespace: "kube-system" is reserved: kfed installs the plane there and deletes that namespace on teardown; it belongs to Kubernetes itself'],
    ['the plane in kube-public', (d) => { d.spec.plane = { namespace: 'kube-public' }; }, 'spec.plane.namespace: "kube-public" is reserved'],
    ['the plane in kube-node-lease', (d) => { d.spec.plane = { namespace: 'kube-node-lease' }; }, 'spec.plane.namespace: "kube-node-lease" is reserved'],
    ['the plane in default', (d) => { d.spec.plane = { namespace: 'default' }; }, 'spec.plane.namespace: "default" is reserved'],
    ['a 305-character domain', (d) => { d.spec.dns.domain = `${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.`; }, 'spec.dns.domain: is 305 characters long; a DNS name is at most 253 characters (254 with the final ".")'],
  ];

  it.each(bounds)('bounds %s, with the reason', (_name, mutate, expected) => {
    const doc = exampleDoc();
    mutate(doc);
    const found = problems(doc);
    expect(found.some((p) => p.startsWith(expected)), `expected "${expected}" in:\n${found.join('\n')}`).toBe(true);
  });

  it('accepts the edges of every bound', () => {
    const doc = exampleDoc();
    doc.spec.pollInterval = '5s';
    cluster(doc, 0).nodes = 1000;
    doc.spec.plane = { namespace: 'kube-federation-system' };
    doc.spec.dns.domain = `${Array.from({ length: 4 }, () => 'a'.repeat(63)).join('.').slice(0, 253)}.`;
    expect(problems(doc)).toEqual([]);
    doc.spec.pollInterval = '5m';
    expect(problems(doc)).toEqual([]);
    const local = exampleDoc();
    local.spec.project = 'local';
    local.spec.pollInterval = '1s';
    local.spec.clusters = Array.from({ length: 50 }, (_, i) => ({ name: `c${i}`, context: `x${i}`, location: 'us-west1-a' }));
    local.spec.host = 'c0';
    expect(problems(local)).toEqual([]);
  });

  it.each(cases)('rejects %s with its field path', (_name, mutate, expected) => {
    const doc = exampleDoc();
    mutate(doc);
    const found = problems(doc);
    expect(found.some((p) => p.startsWith(expected)), `expected "${expected}" in:\n${found.join('\n')}`).toBe(true);
  });

  it('reports every problem at once, not just the first', () => {
    const doc = exampleDoc();
    doc.metadata.name = 'Bad';
    doc.spec.project = 'x';
    cluster(doc, 0).nodes = -1;
    cluster(doc, 1).extra = true;
    expect(problems(doc)).toHaveLength(4);
  });

  it('takes spec.project from GOOGLE_CLOUD_PROJECT when the file has none', () => {
    const noProject = exampleText.replace('  project: local\n', '');
    expect(parseSpec(noProject, 'f', { defaultProject: 'my-project' }).project).toBe('my-project');
    expect(() => parseSpec(noProject)).toThrow('spec.project: is required (or set GOOGLE_CLOUD_PROJECT)');
  });

  it('names the line of a YAML syntax error', () => {
    const broken = exampleText.replace('  host: west-cluster', '  host: [west-cluster');
    expect(() => parseSpec(broken)).toThrow(/line \d+, column \d+/);
  });

  it('rejects a duplicate key instead of keeping the last one', () => {
    expect(() => parseSpec(`${exampleText}\nkind: Federation\n`)).toThrow(/line \d+.*[Mm]ap keys must be unique/);
  });

  it('rejects a file that is not an object', () => {
    expect(() => parseSpec('- a\n- b\n')).toThrow(/must hold a Federation object/);
  });

  it('accepts YAML written from a valid document', () => {
    expect(parseSpec(stringify(exampleDoc())).clusters).toHaveLength(2);
  });
});

describe('published JSON Schema', () => {
  it('is current with the zod schema (regenerate with npm run schema)', () => {
    const committed: unknown = JSON.parse(readFileSync(new URL('../../schema/federation.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(federationJsonSchema());
  });

  it('forbids unknown fields and requires the essentials', () => {
    const schema = federationJsonSchema() as { additionalProperties: boolean; required: string[] };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
  });
});

describe('hostile spec text', () => {
  function parseProblems(text: string): string[] {
    try {
      parseSpec(text, 'f');
    } catch (err) {
      if (err instanceof SpecError) return err.issues.map(formatIssue);
      throw err;
    }
    return [];
  }

  const laughs = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => {
    const [prev, name] = [String.fromCharCode(97 + i), String.fromCharCode(98 + i)];
    return `${name}: &${name} [${Array.from({ length: 9 }, () => `*${prev}`).join(',')}]`;
  })].join('\n');

  const cases: [string, string, string][] = [
    ['an alias bomb', laughs, 'uses YAML aliases that expand too far (more than 50 expansions)'],
    ['deep flow nesting', `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'is nested too deeply'],
    ['deep block sequences', `${'- '.repeat(100_000)}x`, 'is nested too deeply'],
    ['nesting past the data limit', `a: ${'['.repeat(40)}${']'.repeat(40)}`, 'is nested too deeply (more than 16 levels; a Federation spec has at most 5)'],
    ['deep indentation', `a:\n${Array.from({ length: 1500 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')}`, 'is nested too deeply'],
    ['two documents', `${exampleText}\n---\n${exampleText}`, 'holds 2 YAML documents (separated by "---"); a spec file holds exactly one Federation'],
    ['an undefined alias', 'a: *nowhere\n', 'uses a YAML alias (*name) whose anchor (&name) is not defined before it'],
    ['a password file', 'root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\ndaemon: x\n', 'is not a Federation spec: it has none of the fields apiVersion, kind, metadata, spec (its 2 top-level fields are not shown)'],
  ];

  it.each(cases)('refuses %s with one clear problem', (_name, text, expected) => {
    const found = parseProblems(text);
    expect(found.some((p) => p.includes(expected)), `expected "${expected}" in:\n${found.join('\n')}`).toBe(true);
  });

  it('accepts a single document with a leading marker and a trailing empty one', () => {
    expect(parseSpec(`---\n${exampleText}\n---\n`).name).toBe('kfed');
  });

  it('echoes only plain field names, and only a few per object', () => {
    const doc = exampleDoc();
    Object.assign(doc.spec, { 'root:$6$secret$hash:19000': 1, nodeCount: 2, ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`extra${i}`, i])) });
    const found = problems(doc);
    expect(found.join('\n')).not.toContain('secret');
    expect(found).toContain('spec.<a field name of 25 characters>: unknown field (check its spelling against the spec reference)');
    expect(found.filter((p) => p.includes(': unknown field'))).toHaveLength(5);
    expect(found).toContain('spec: 17 more unknown fields (not shown)');
  });

  it('quotes a value briefly and escapes what a terminal would act on', () => {
    const doc = exampleDoc();
    doc.metadata.name = `\u001b[31m${'A'.repeat(5000)}`;
    const [found = ''] = problems(doc).filter((p) => p.startsWith('metadata.name: "'));
    expect(found).toContain('\\u001b[31mAAAA');
    expect(found).toContain('(5005 characters)');
    expect(found).not.toContain('\u001b');
    expect(found.length).toBeLessThan(300);
  });

  it('reports at most 30 problems, then how many more', () => {
    const doc = exampleDoc();
    doc.spec.clusters = Array.from({ length: 40 }, () => ({ name: 'X', context: 'Y', location: 'z' }));
    const found = problems(doc);
    expect(found).toHaveLength(31);
    expect(found.at(-1)).toMatch(/^…and \d+ more problems$/);
  });

  it('never quotes the file in a YAML syntax error', () => {
    const found = parseProblems('apiVersion: kfed.dev/v1alpha1\n  token: "sekrit-token-value\n');
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).not.toContain('sekrit');
  });
});
