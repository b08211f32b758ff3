/**
 * From the records a federation wants to the Cloud DNS change that gets it there: additions and
 * deletions of the record sets it owns (and of its registry, see record-registry.ts), never of
 * anyone else's. Pure, so one pass of the sync is testable without a server, for 1000 Services
 * as for one.
 */
import { describeRecordSets, ownedTypes, registriesOf, registryName, registryRecordSet } from './record-registry.js';
import type { RecordChange, RecordSet } from './types.js';

/** The record sets one Service should have, grouped under its anchor (federation-level name). */
export interface ServiceRecordSets {
  readonly anchor: string;
  readonly rrsets: readonly RecordSet[];
}

/** A name kfed wanted but left alone, because it holds records kfed did not write. */
export interface RecordConflict {
  readonly anchor: string;
  readonly name: string;
  readonly reason: string;
}

/** The part of a change that concerns one Service: applied together, never split. */
export interface ChangeGroup extends RecordChange {
  readonly anchor: string;
}

/** What a pass must change, and what it may not. */
export interface PlannedChange {
  /** Per Service with a difference; empty when the zone already holds what is wanted. */
  readonly groups: readonly ChangeGroup[];
  readonly conflicts: readonly RecordConflict[];
  /** The address and alias record sets the federation owns once the change is applied. */
  readonly records: readonly RecordSet[];
}

/**
 * Cloud DNS's per-change limits (cloud.google.com/dns/quotas): 1,000 additions, 1,000 deletions
 * and 100,000 bytes of record data. A larger change is split into several, each still atomic
 * for every Service in it.
 */
export const cloudDnsChangeLimits = { additions: 1000, deletions: 1000, rrdataBytes: 100_000 } as const;

export type ChangeLimits = { readonly [K in keyof typeof cloudDnsChangeLimits]: number };

/** Whether two record sets hold the same data (order of rrdatas aside). */
export function sameRecordSet(a: RecordSet, b: RecordSet): boolean {
  return a.name === b.name && a.type === b.type && a.ttl === b.ttl && a.rrdatas.length === b.rrdatas.length && [...a.rrdatas].sort().join('\n') === [...b.rrdatas].sort().join('\n');
}

function groupByName(rrsets: readonly RecordSet[]): Map<string, RecordSet[]> {
  const byName = new Map<string, RecordSet[]>();
  for (const r of rrsets) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return byName;
}

/**
 * Plans the change from the zone's record sets `current` to `desired` for `federation`. A
 * Service missing from `desired` loses every record the federation owns for it; `desired` empty
 * removes all of them. Names kfed does not own and that already hold records are conflicts:
 * reported, left as they are, and not claimed.
 */
export function planRecordChange(current: readonly RecordSet[], desired: readonly ServiceRecordSets[], federation: string, apex: string): PlannedChange {
  const byName = groupByName(current);
  const registries = registriesOf(current, federation);
  const wanted = new Map(desired.map((d) => [d.anchor, d.rrsets]));
  const anchors = [...new Set([...registries.keys(), ...wanted.keys()])].sort();
  const groups: ChangeGroup[] = [];
  const conflicts: RecordConflict[] = [];
  const records: RecordSet[] = [];

  for (const anchor of anchors) {
    const registry = registries.get(anchor);
    const want = wanted.get(anchor) ?? [];
    const squatter = (byName.get(registryName(anchor)) ?? []).find((r) => r.type === 'TXT' && r !== registry?.rrset);
    if (squatter) {
      // Someone else's TXT where the registry goes: kfed cannot record ownership, so writes nothing.
      if (want.length > 0) conflicts.push({ anchor, name: squatter.name, reason: `holds ${describeRecordSets([squatter])} kfed did not write` });
      continue;
    }
    const owned = new Set(registry?.records ?? []);
    const wantByName = groupByName(want);
    const additions: RecordSet[] = [];
    const deletions: RecordSet[] = [];
    const claimed: string[] = [];
    for (const name of [...new Set([...owned, ...wantByName.keys()])].sort()) {
      const present = byName.get(name) ?? [];
      const mine = owned.has(name) ? present.filter((r) => ownedTypes.has(r.type)) : [];
      const others = present.filter((r) => !mine.includes(r));
      const next = wantByName.get(name) ?? [];
      const outside = name !== apex && !name.endsWith(`.${apex}`);
      // CNAME excludes every other type at its name; A/AAAA exclude someone else's CNAME, A, AAAA.
      const blocking = others.filter((o) => ownedTypes.has(o.type) || next.some((w) => w.type === 'CNAME'));
      if (next.length > 0 && (outside || blocking.length > 0)) {
        conflicts.push({ anchor, name, reason: outside ? `is outside the zone ${apex}` : `holds ${describeRecordSets(blocking)} kfed did not write` });
        deletions.push(...mine);
        continue;
      }
      if (next.length > 0) claimed.push(name);
      for (const type of [...new Set([...mine, ...next].map((r) => r.type))].sort()) {
        const now = mine.find((r) => r.type === type);
        const then = next.find((r) => r.type === type);
        if (then) records.push(then);
        if (now && then && sameRecordSet(now, then)) continue;
        if (now) deletions.push(now);
        if (then) additions.push(then);
      }
    }
    const nextRegistry = claimed.length > 0 ? registryRecordSet(anchor, federation, claimed) : undefined;
    if (!(registry && nextRegistry && sameRecordSet(registry.rrset, nextRegistry))) {
      if (registry) deletions.push(registry.rrset);
      if (nextRegistry) additions.push(nextRegistry);
    }
    if (additions.length > 0 || deletions.length > 0) groups.push({ anchor, additions, deletions });
  }
  return { groups, conflicts, records };
}

function rrdataBytes(rrsets: readonly RecordSet[]): number {
  return rrsets.reduce((sum, r) => sum + r.rrdatas.reduce((s, d) => s + d.length, 0), 0);
}

/**
 * Packs the groups into as few changes as the limits allow, in order, never splitting a group:
 * each Service's records switch over in one atomic change. One change in the usual case; a
 * group larger than the limits on its own gets a change of its own (Cloud DNS refuses it, and
 * the error names the limit).
 */
export function chunkChange(groups: readonly ChangeGroup[], limits: ChangeLimits = cloudDnsChangeLimits): RecordChange[] {
  const changes: { additions: RecordSet[]; deletions: RecordSet[]; bytes: number }[] = [];
  for (const g of groups) {
    const bytes = rrdataBytes(g.additions) + rrdataBytes(g.deletions);
    const last = changes.at(-1);
    const fits =
      last !== undefined &&
      last.additions.length + g.additions.length <= limits.additions &&
      last.deletions.length + g.deletions.length <= limits.deletions &&
      last.bytes + bytes <= limits.rrdataBytes;
    if (fits) {
      last.additions.push(...g.additions);
      last.deletions.push(...g.deletions);
      last.bytes += bytes;
    } else {
      changes.push({ additions: [...g.additions], deletions: [...g.deletions], bytes });
    }
  }
  return changes.map(({ additions, deletions }) => ({ additions, deletions }));
}
