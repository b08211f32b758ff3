import type { SpecIssue } from './parse.js';
import type { FederationSpec } from './types.js';

/** Rules across fields, checked after the schema passed. Returns every problem found. */
export function checkRules(spec: FederationSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const names = new Map<string, number>();
  const contexts = new Map<string, number>();

  spec.clusters.forEach((cluster, i) => {
    const at = `spec.clusters[${i}]`;
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
      message: `${JSON.stringify(spec.host)} is not one of the clusters (${[...names.keys()].join(', ')})`,
    });
  }
  return issues;
}
