/** How `kfed status NAME` shows the federation's service-DNS sync: its last pass and its records. */
import type { ServiceDnsSync } from '../client/runs.js';
import { serviceDnsHeadline } from '../service-dns/details.js';
import { table } from './output.js';

/** The sync's headline, the records it keeps, its Services' health per cluster and what it left alone. */
export function formatServiceDns(sync: ServiceDnsSync, now: number): string {
  const status = sync.status;
  const lines = [`service DNS (${sync.workflowId}, ${sync.state}): ${status ? serviceDnsHeadline(status, now) : 'no worker answered'}`];
  const last = status?.lastPass;
  if (!last) return lines.join('\n');
  if (last.records.length > 0) {
    lines.push(table(['NAME', 'TYPE', 'TTL', 'DATA'], last.records.map((r) => [r.name, r.type, String(r.ttl), r.rrdatas.join(',')])));
    if (last.recordCount > last.records.length) lines.push(`… and ${last.recordCount - last.records.length} more record sets`);
  }
  if (last.services.length > 0) {
    const clusters = (svc: (typeof last.services)[number]) => svc.clusters.map((c) => `${c.cluster}=${c.state}${c.addresses.length ? `(${c.addresses.join(',')})` : ''}`).join(' ');
    lines.push('', table(['SERVICE', 'CLUSTERS'], last.services.map((svc) => [svc.service, clusters(svc) + (svc.skipped ? ` — no records: ${svc.skipped}` : '')])));
  }
  for (const c of last.clusters.filter((x) => !x.reachable)) lines.push(`cluster ${c.cluster} did not answer: ${c.error ?? ''}`);
  for (const conflict of last.conflicts) lines.push(`left alone (not kfed's): ${conflict}`);
  return lines.join('\n');
}
