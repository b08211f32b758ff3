import { z } from 'zod';
import { durationPattern, maxClusters, maxClustersReason, maxDomainLength, maxNodes, maxNodesReason, reservedNamespaceReason, reservedNamespaces } from './bounds.js';
import { quote } from './quote.js';
import type { PlaneScope } from './types.js';

/**
 * The Federation spec as users write it (YAML). Shapes and per-field formats live here;
 * rules that relate fields to each other live in rules.ts. Objects are strict: an unknown
 * field (a typo like `nodeCount`) is an error, never silently ignored.
 */

export const apiVersion = 'kfed.dev/v1alpha1';
export const kind = 'Federation';

/** A lowercase RFC1123 label: what Kubernetes names, and kfed's federation names, must be. */
export const rfc1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/i;

/** A Kubernetes-style name: lowercase RFC1123 label with a length limit. */
export function label(max: number, what: string): z.ZodString {
  return z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .regex(rfc1123Label, {
      error: (issue) => `${quote(issue.input)} is not an RFC1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit)${what}`,
    });
}

/** A GCP project id, or `local` for the offline emulator. */
const projectId = z.string().refine((v) => v === 'local' || /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(v), {
  error: (issue) =>
    `${quote(issue.input)} is not a GCP project id (6-30 lowercase letters, digits or hyphens, starting with a letter) nor "local"`,
}).meta({ description: 'GCP project id, or "local" for the offline emulator', pattern: '^(local|[a-z][a-z0-9-]{4,28}[a-z0-9])$' });

/** What is wrong with a zone's DNS name, or undefined: the final dot, the total length, each label. */
function domainProblem(v: string): string | undefined {
  if (!v.endsWith('.')) return `${quote(v)} must end with "." (a fully qualified domain, e.g. ${quote(`${v}.`)})`;
  const name = v.slice(0, -1);
  if (name.length > maxDomainLength) {
    return `is ${v.length} characters long; a DNS name is at most ${maxDomainLength} characters (${maxDomainLength + 1} with the final ".")`;
  }
  if (!name.split('.').every((l) => dnsLabel.test(l))) {
    return `${quote(v)} is not a valid DNS name (labels of letters, digits and '-', at most 63 characters each)`;
  }
  return undefined;
}

const domainName = z
  .string()
  .superRefine((v, ctx) => {
    const problem = domainProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: v });
  })
  .meta({ description: 'Fully qualified DNS name of the zone, ending with "."', pattern: '^([a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?\\.)+$', maxLength: maxDomainLength + 1 });

/** Region (`us-west1`) or zone (`us-west1-a`). */
const location = z.string().regex(/^[a-z]+-[a-z]+[0-9]+(-[a-z])?$/, {
  error: (issue) => `${quote(issue.input)} is not a GCP region or zone (e.g. us-west1 or us-west1-a)`,
});

/** Durations like `15s`, `2m`, `500ms`, `1h`. */
export const duration = z.string().regex(durationPattern, {
  error: (issue) => `${quote(issue.input)} is not a duration (e.g. 15s, 2m, 500ms)`,
});

/** A context name users could use instead of a GKE-style one (`gke_p_zone_west` → `west`). */
function suggestContext(context: string): string {
  const last = context.split('_').pop() ?? '';
  const cleaned = last.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned && rfc1123Label.test(cleaned) ? cleaned : 'west-coast';
}

const contextName = z.string().refine((v) => v.length <= 63 && rfc1123Label.test(v), {
  error: (issue) => {
    const v = String(issue.input);
    const hint = v.startsWith('gke_')
      ? `kube context names from GKE must be renamed, e.g. ${suggestContext(v)}`
      : "lowercase letters, digits and '-', at most 63 characters";
    return `${quote(v)} is not an RFC1123 label (${hint})`;
  },
}).meta({ description: 'kube context name written to kubeconfigs (RFC1123 label; not metadata.name)', pattern: rfc1123Label.source, maxLength: 63 });

/** `projects/P/locations/L/clusters/NAME`, GKE's own resource name. */
export const gkeClusterPath = /^projects\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/locations\/([a-z]+-[a-z]+[0-9]+(?:-[a-z])?)\/clusters\/([a-z]([-a-z0-9]{0,38}[a-z0-9])?)$/;

/**
 * A cluster kfed adopts instead of creating: a kube context read by the worker at run time,
 * or a GKE cluster by resource name. Teardown never deletes it.
 */
export const existingSchema = z.strictObject({
  context: z.string().min(1, { error: 'must not be empty' }).optional().meta({ description: 'kube context of the existing cluster, in the kubeconfig on the worker' }),
  kubeconfig: z.string().min(1, { error: 'must not be empty' }).optional().meta({ description: 'kubeconfig file on the worker (default: KUBECONFIG or ~/.kube/config)' }),
  gke: z
    .string()
    .regex(gkeClusterPath, { error: (issue) => `${quote(issue.input)} is not a GKE cluster name (projects/PROJECT/locations/LOCATION/clusters/NAME)` })
    .optional()
    .meta({ description: 'an existing GKE cluster: projects/PROJECT/locations/LOCATION/clusters/NAME' }),
  /**
   * Opt-in to a kubeconfig that turns TLS verification off (`insecure-skip-tls-verify: true`):
   * kfed refuses such a kubeconfig unless this is true, because the worker would then send the
   * cluster's credentials to whoever answers at its address, and KubeFed would trust any
   * certificate for the member too. Plans and the run's step message warn when it is used.
   */
  insecureSkipTLSVerify: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .meta({ description: 'accept a kubeconfig with insecure-skip-tls-verify: true (TLS verification disabled for this cluster; refused without it)' }),
  /**
   * Opt-in to a kubeconfig whose server is `http://`: every request, bearer token included,
   * then travels in clear. Refused unless this is true; plans and step messages warn.
   */
  insecureHTTP: z
    .boolean({ error: 'must be true or false' })
    .optional()
    .meta({ description: 'accept a kubeconfig whose server is http:// (no TLS at all: credentials travel in clear; refused without it)' }),
});

const positiveInteger = z.number({ error: 'must be a positive integer' }).int({ error: 'must be a positive integer' }).positive({ error: 'must be a positive integer' });

export const clusterSchema = z.strictObject({
  name: label(40, ' (GKE cluster names are at most 40 characters)'),
  context: contextName,
  /** Required unless `existing` is given (rules.ts checks the pair). */
  location: location.optional(),
  nodes: positiveInteger
    .max(maxNodes, { error: `must be at most ${maxNodes}: ${maxNodesReason}` })
    .optional()
    .meta({ description: `node count of a created cluster (default 1, at most ${maxNodes})` }),
  machineType: z
    .string()
    .regex(/^[a-z0-9-]+$/, { error: (issue) => `${quote(issue.input)} is not a machine type (lowercase letters, digits and '-')` })
    .optional()
    .meta({ description: 'machine type of a created cluster (default e2-standard-2)' }),
  existing: existingSchema.optional(),
});

/** What a plane may federate, as KubeFed's KubeFedConfig `scope` says it. */
export const planeScopes = ['Cluster', 'Namespaced'] as const satisfies readonly PlaneScope[];

export const planeSchema = z.strictObject({
  type: z.literal('kubefed', { error: (issue) => `${quote(issue.input)} is not a supported plane (supported: kubefed)` }).default('kubefed'),
  namespace: label(63, '')
    .refine((v) => !reservedNamespaces.includes(v), { error: (issue) => `${quote(issue.input)} is reserved: ${reservedNamespaceReason}` })
    .default('kube-federation-system')
    .meta({ description: `namespace of the control plane on the host (not ${reservedNamespaces.join(', ')})` }),
  /**
   * What the plane federates and what each join grants on the members. `Cluster`: every
   * namespace; a member's token may do anything on the member. `Namespaced`: the plane
   * namespace only (KubeFed's namespaced scope federates its own namespace); a member's token
   * may do anything in that namespace, read `/healthz` and list nodes, nothing else.
   * @default Cluster
   */
  scope: z
    .enum(planeScopes, { error: (issue) => `${quote(issue.input)} must be "Cluster" or "Namespaced"` })
    .default('Cluster')
    .meta({
      description:
        'what the plane federates: Cluster (every namespace; joins grant every verb on every resource of a member) or Namespaced (only the plane namespace; joins grant every verb in that namespace, GET /healthz and listing nodes)',
    }),
});

export const federationSchema = z.strictObject({
  apiVersion: z.literal(apiVersion, { error: (issue) => `${quote(issue.input)} must be "${apiVersion}"` }),
  kind: z.literal(kind, { error: (issue) => `${quote(issue.input)} must be "${kind}"` }),
  metadata: z.strictObject({
    name: label(63, ''),
  }),
  spec: z.strictObject({
    project: projectId,
    dns: z.strictObject({
      zone: label(63, ''),
      domain: domainName,
    }),
    host: z.string().meta({ description: 'Name of the cluster that runs the control plane (one of clusters[].name)' }),
    clusters: z
      .array(clusterSchema)
      .min(1, { error: 'at least one cluster is required' })
      .max(maxClusters, { error: (issue) => `has ${Array.isArray(issue.input) ? issue.input.length : 'too many'} clusters; at most ${maxClusters}: ${maxClustersReason}` }),
    plane: planeSchema.default({ type: 'kubefed', namespace: 'kube-federation-system', scope: 'Cluster' }),
    onFailure: z.enum(['keep', 'teardown'], { error: (issue) => `${quote(issue.input)} must be "keep" or "teardown"` }).default('keep'),
    /**
     * How often to poll GKE while a cluster provisions. Operation polling counts against
     * quota, so real projects poll every 15 s; the offline emulator answers fast. Bounds (rules.ts,
     * from bounds.ts): 5s..5m, or 1s..5m for project "local".
     * @default 15s (1s for project "local")
     */
    pollInterval: duration.optional().meta({ description: 'GKE polling interval while a cluster provisions (default 15s, 5s..5m; for project local default 1s, 1s..5m)' }),
  }),
});

/** The spec as written (before defaults). */
export type FederationSpecInput = z.input<typeof federationSchema>;
/** The spec after the schema passed (shapes checked, plane/onFailure defaulted). */
export type FederationDocument = z.output<typeof federationSchema>;
