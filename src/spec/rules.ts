import { pollIntervalProblem } from './bounds.js';
import type { SpecIssue } from './parse.js';
import { quote } from './quote.js';
import type { FederationDocument } from './schema.js';
import type { FederationSpec } from './types.js';

/** Rules across fields, checked after the schema passed. Returns every problem found. */
export function checkRules(spec: FederationSpec, raw: FederationDocument): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const names = new Map<string, number>();
  const contexts = new Map<string, number>();

  spec.clusters.forEach((cluster, i) => {
    const at = `spec.clusters[${i}]`;
    issues.push(...existingRules(raw.spec.clusters[i], at));
    const firstName = names.get(cluster.name);
    if (firstName !== undefined) issues.push({ path: `${at}.name`, message: `"${cluster.name}" is already used by spec.clusters[${firstName}]` });
    else names.set(cluster.name, i);

    if (cluster.context === spec.name) {
      issues.push({
        path: `${at}.context`,
        message: `"${cluster.context}" equals metadata.name, which is reserved for the host's federation context`,
      });
    }
    const firstContext = contexts.get(cluster.context);
    if (firstContext !== undefined) {
      issues.push({ path: `${at}.context`, message: `"${cluster.context}" is already used by spec.clusters[${firstContext}]` });
    } else contexts.set(cluster.context, i);
  });

  if (!names.has(spec.host)) {
    issues.push({
      path: 'spec.host',
      message: `${quote(spec.host)} is not one of the clusters (${[...names.keys()].join(', ')})`,
    });
  }
  // Bounds that depend on the project: the emulator may be polled faster than GKE.
  const poll = pollIntervalProblem(spec.pollInterval, spec.project);
  if (poll) issues.push({ path: 'spec.pollInterval', message: poll });
  return issues;
}

/** A cluster is either created (location, optional size) or existing (exactly one way to reach it). */
function existingRules(cluster: FederationDocument['spec']['clusters'][number] | undefined, at: string): SpecIssue[] {
  if (!cluster) return [];
  const issues: SpecIssue[] = [];
  const { existing } = cluster;
  if (!existing) {
    if (cluster.location === undefined) issues.push({ path: `${at}.location`, message: 'is required (or give existing: {context: ...} or existing: {gke: ...} to adopt a cluster)' });
    return issues;
  }
  if (cluster.location !== undefined) issues.push({ path: `${at}.location`, message: 'must not be set for an existing cluster (its location is where it already runs)' });
  if (cluster.nodes !== undefined) issues.push({ path: `${at}.nodes`, message: 'must not be set for an existing cluster (kfed does not resize it)' });
  if (cluster.machineType !== undefined) issues.push({ path: `${at}.machineType`, message: 'must not be set for an existing cluster' });
  if ((existing.context === undefined) === (existing.gke === undefined)) {
    issues.push({ path: `${at}.existing`, message: 'give exactly one of context (a kubeconfig context) or gke (projects/P/locations/L/clusters/NAME)' });
  }
  // Only a kubeconfig has TLS settings to opt out of; a GKE cluster is always reached over verified TLS.
  for (const field of ['kubeconfig', 'insecureSkipTLSVerify', 'insecureHTTP'] as const) {
    if (existing[field] !== undefined && existing.context === undefined) issues.push({ path: `${at}.existing.${field}`, message: 'only applies with existing.context' });
  }
  return issues;
}
