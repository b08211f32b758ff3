/**
 * The sync as Markdown: what the Temporal UI shows as the workflow's current details, and what
 * `kfed status` prints in short. Pure; workflow-safe.
 */
import type { ServiceDnsStatus } from './sync-model.js';

function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 120 ? `${s}s ago` : `${Math.round(s / 60)}m ago`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '/').replace(/\n/g, ' ');
}

/** One line: phase, cadence, the last pass and the last change. */
export function serviceDnsHeadline(status: ServiceDnsStatus, now: number): string {
  const last = status.lastPass;
  const parts = [`${status.phase} every ${status.intervalSeconds}s`, `${status.passes} pass${status.passes === 1 ? '' : 'es'}`];
  if (last) {
    const what = last.skipped ?? (last.changeCalls > 0 ? `+${last.additions}/-${last.deletions} record sets in ${last.changeCalls} change(s)` : 'no change');
    parts.push(`last ${ago(last.at, now)} (${what}; ${last.recordCount} record sets)`);
  }
  if (status.lastChangeAt !== undefined) parts.push(`last change ${ago(status.lastChangeAt, now)}`);
  if (status.lastError) parts.push(`last error ${ago(status.lastError.at, now)}: ${status.lastError.message}`);
  return parts.join(', ');
}

/** The records, the Services' health per cluster and the clusters, as tables. */
export function renderServiceDnsDetails(status: ServiceDnsStatus, now: number): string {
  const last = status.lastPass;
  const lines = [`**service DNS ${status.federation}**: ${serviceDnsHeadline(status, now)}`, ''];
  lines.push('| name | type | ttl | data |', '| --- | --- | --- | --- |');
  for (const r of last?.records ?? []) lines.push(`| ${r.name} | ${r.type} | ${r.ttl} | ${cell(r.rrdatas.join(', '))} |`);
  if (last && last.recordCount > last.records.length) lines.push(`| … ${last.recordCount - last.records.length} more | | | |`);
  lines.push('', '| service | clusters |', '| --- | --- |');
  for (const s of last?.services ?? []) {
    const shards = s.clusters.map((c) => `${c.cluster}: ${c.state}${c.addresses.length ? ` (${c.addresses.join(', ')})` : ''}`).join('; ');
    lines.push(`| ${s.service} | ${cell(shards + (s.skipped ? ` — no records: ${s.skipped}` : ''))} |`);
  }
  lines.push('', '| cluster | reachable | services |', '| --- | --- | --- |');
  for (const c of last?.clusters ?? []) lines.push(`| ${c.cluster} | ${c.reachable ? 'yes' : `no: ${cell(c.error ?? '')}`} | ${c.services} |`);
  if (last?.conflicts.length) lines.push('', `Left alone (not kfed's): ${cell(last.conflicts.join('; '))}`);
  lines.push('', `_updated ${new Date(now).toISOString()}_`);
  return lines.join('\n');
}
