/**
 * The write half of a pass: read the zone, plan the change against kfed's registry, and send it
 * only when something differs (a pass where nothing changed makes no change call at all).
 */
import { chunkChange, planRecordChange, type RecordConflict, type ServiceRecordSets } from '../providers/gcp/record-changes.js';
import type { DnsProvider, RecordSet } from '../providers/gcp/types.js';

/** Which zone, and whose records. */
export interface RecordTarget {
  readonly project: string;
  readonly zone: string;
  /** The zone's DNS name, fully qualified. */
  readonly apex: string;
  readonly federation: string;
}

/** What applying did. */
export interface ApplyResult {
  /** The zone does not exist (not created yet, or deleted): nothing was read or written. */
  readonly zoneMissing: boolean;
  readonly additions: number;
  readonly deletions: number;
  /** Cloud DNS change calls made: 0 when the zone already matched. */
  readonly changeCalls: number;
  readonly conflicts: readonly RecordConflict[];
  /** The address and alias record sets the federation owns now. */
  readonly records: readonly RecordSet[];
}

/**
 * Makes the federation's records in the zone equal `desired` (an empty list removes them all),
 * touching only what its registry owns. Usually one atomic change; more only past Cloud DNS's
 * per-change limits, each atomic per Service.
 */
export async function applyServiceRecords(dns: Pick<DnsProvider, 'listRecordSets' | 'changeRecordSets'>, target: RecordTarget, desired: readonly ServiceRecordSets[]): Promise<ApplyResult> {
  const current = await dns.listRecordSets(target.project, target.zone);
  if (!current) return { zoneMissing: true, additions: 0, deletions: 0, changeCalls: 0, conflicts: [], records: [] };
  const plan = planRecordChange(current, desired, target.federation, target.apex);
  const changes = chunkChange(plan.groups);
  for (const change of changes) await dns.changeRecordSets(target.project, target.zone, change);
  return {
    zoneMissing: false,
    additions: changes.reduce((n, c) => n + c.additions.length, 0),
    deletions: changes.reduce((n, c) => n + c.deletions.length, 0),
    changeCalls: changes.length,
    conflicts: plan.conflicts,
    records: plan.records,
  };
}
