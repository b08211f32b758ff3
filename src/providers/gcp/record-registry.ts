/**
 * kfed's ownership registry of Cloud DNS records, kept as external-dns keeps one: TXT records
 * in the zone name every record kfed wrote and the federation that wrote it. kfed changes or
 * deletes a record only when the registry names it; everything else in the zone belongs to
 * someone else (a team's own records, another tool's, another federation's) and is never
 * touched. Pure: no I/O, so the provider, the sync and the tests share it.
 *
 * Layout: one registry record set per Service, beside the Service's federation-level name (its
 * anchor): a TXT at `_kfed-owner.<anchor>` holding one string per record name kfed owns:
 *
 *     _kfed-owner.web.default.kfed.svc.example.com.  TXT
 *         "heritage=kfed,kfed/federation=kfed,kfed/record=web.default.kfed.svc.example.com."
 *         "heritage=kfed,kfed/federation=kfed,kfed/record=web.default.kfed.svc.us-west1.example.com."
 *
 * Why per Service and not one TXT per name (external-dns's layout): a zone holds at most 10,000
 * record sets, and a per-name registry doubles the count; per Service it costs one. kfed owns
 * the address and alias types (A, AAAA, CNAME) at a listed name, nothing else there.
 */
import { ZoneNotEmptyError } from '../errors.js';
import type { RecordSet } from './types.js';

/** The first label of every registry name. */
export const registryLabel = '_kfed-owner';

/** What every registry string starts with (external-dns's heritage marker, with kfed's name). */
export const heritage = 'heritage=kfed';

/** The record types kfed writes, and so the only ones it owns at a registered name. */
export const ownedTypes: ReadonlySet<string> = new Set(['A', 'AAAA', 'CNAME']);

/** TTL of registry records: resolvers never need them, so they change rarely and cache long. */
export const registryTtl = 300;

/** Longest character-string in a TXT record (RFC 1035 3.3.14); longer text is split. */
const maxTxtString = 255;

/** The registry record name of the Service whose federation-level name is `anchor`. */
export function registryName(anchor: string): string {
  return `${registryLabel}.${anchor}`;
}

/** The anchor a registry name belongs to, or undefined when `name` is not a registry name. */
export function anchorOf(name: string): string | undefined {
  const prefix = `${registryLabel}.`;
  return name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : undefined;
}

/** One registry string, as TXT rrdata (split into character-strings when long). */
export function registryEntry(federation: string, record: string): string {
  return toTxtRrdata(`${heritage},kfed/federation=${federation},kfed/record=${record}`);
}

/** The registry record set claiming `records` for `federation`, beside `anchor`. */
export function registryRecordSet(anchor: string, federation: string, records: readonly string[]): RecordSet {
  return { name: registryName(anchor), type: 'TXT', ttl: registryTtl, rrdatas: [...records].sort().map((r) => registryEntry(federation, r)) };
}

/** Text as TXT rrdata: quoted character-strings of at most 255 characters each. */
export function toTxtRrdata(text: string): string {
  const parts: string[] = [];
  for (let i = 0; i < text.length || parts.length === 0; i += maxTxtString) parts.push(text.slice(i, i + maxTxtString));
  return parts.map((p) => `"${p.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(' ');
}

/** The character-strings of TXT rrdata (`"a" "b"` → a, b); unquoted rrdata is one string. */
export function txtStrings(rrdata: string): string[] {
  const strings = [...rrdata.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
  return strings.length > 0 ? strings : [rrdata];
}

/** The text of TXT rrdata: its character-strings concatenated. */
export function txtText(rrdata: string): string {
  return txtStrings(rrdata).join('');
}

/** A parsed registry string. */
export interface RegistryEntry {
  readonly federation: string;
  readonly record: string;
}

/** Parses one registry string; undefined when it is not one of kfed's. */
export function parseRegistryEntry(rrdata: string): RegistryEntry | undefined {
  const fields = txtText(rrdata).split(',');
  if (fields[0] !== heritage) return undefined;
  const value = (key: string): string | undefined => fields.find((f) => f.startsWith(`${key}=`))?.slice(key.length + 1);
  const federation = value('kfed/federation');
  const record = value('kfed/record');
  return federation && record ? { federation, record: record.toLowerCase() } : undefined;
}

/** A registry record set of one federation: the anchor and the names it claims. */
export interface Registry {
  readonly anchor: string;
  readonly federation: string;
  readonly records: readonly string[];
  /** The TXT record set itself (to delete or replace it). */
  readonly rrset: RecordSet;
}

/**
 * The registry in `rrset`, when it is one: a TXT at a registry name whose every string is a kfed
 * entry of one federation. Anything else (a user's TXT there, mixed federations) is not.
 */
export function readRegistry(rrset: RecordSet): Registry | undefined {
  const anchor = anchorOf(rrset.name);
  if (rrset.type !== 'TXT' || !anchor || rrset.rrdatas.length === 0) return undefined;
  const entries = rrset.rrdatas.map(parseRegistryEntry);
  if (entries.some((e) => e === undefined)) return undefined;
  const federations = new Set(entries.map((e) => e?.federation));
  const [federation] = federations;
  if (federations.size !== 1 || !federation) return undefined;
  return { anchor, federation, records: entries.flatMap((e) => (e ? [e.record] : [])), rrset };
}

/** The registries of `federation` in a zone's record sets, by anchor. */
export function registriesOf(rrsets: readonly RecordSet[], federation: string): Map<string, Registry> {
  const found = new Map<string, Registry>();
  for (const rrset of rrsets) {
    const registry = readRegistry(rrset);
    if (registry?.federation === federation) found.set(registry.anchor, registry);
  }
  return found;
}

/** A zone's record sets by whose they are. */
export interface ZoneOwnership {
  /** The records `federation` wrote (per its registry) and the registry records themselves. */
  readonly owned: readonly RecordSet[];
  /** Everything else except the apex NS and SOA: never kfed's to change or delete. */
  readonly foreign: readonly RecordSet[];
}

/** Sorts a zone's record sets into what `federation` owns and what it must leave alone. */
export function zoneOwnership(rrsets: readonly RecordSet[], apex: string, federation: string): ZoneOwnership {
  const registries = registriesOf(rrsets, federation);
  const ownedNames = new Set([...registries.values()].flatMap((r) => r.records));
  const owned: RecordSet[] = [];
  const foreign: RecordSet[] = [];
  for (const rrset of rrsets) {
    if (isApexRecord(rrset, apex)) continue;
    const isRegistry = registries.get(anchorOf(rrset.name) ?? '')?.rrset === rrset;
    if (isRegistry || (ownedNames.has(rrset.name) && ownedTypes.has(rrset.type))) owned.push(rrset);
    else foreign.push(rrset);
  }
  return { owned, foreign };
}

/** The apex NS and SOA: Cloud DNS's own, removed only with the zone. */
export function isApexRecord(rrset: RecordSet, apex: string): boolean {
  return rrset.name === apex && (rrset.type === 'SOA' || rrset.type === 'NS');
}

/** `name TYPE` of each record set, the first `max` of them, for messages. */
export function describeRecordSets(rrsets: readonly RecordSet[], max = 10): string {
  const shown = rrsets.slice(0, max).map((r) => `${r.name} ${r.type}`);
  return rrsets.length > max ? `${shown.join(', ')} and ${rrsets.length - max} more` : shown.join(', ');
}

/**
 * The refusal when a zone kfed would delete holds records kfed did not write: it names them and
 * how to go on (delete them by hand, or `--delete-foreign-records`).
 * @param resource `projects/P/managedZones/Z`
 * @param outcome what was done instead, e.g. "kept the zone; nothing was deleted"
 */
export function zoneNotEmptyError(resource: string, apex: string, foreign: readonly RecordSet[], federation: string | undefined, outcome: string): ZoneNotEmptyError {
  const command = `kfed down ${federation ?? 'NAME'} --delete-foreign-records`;
  return new ZoneNotEmptyError(
    `Cloud DNS: zone ${resource} (${apex}) holds ${foreign.length} record set(s) kfed did not write: ${describeRecordSets(foreign)}; ${outcome}`,
    { resource, hint: `delete them yourself if they are no longer needed, or run \`${command}\` to delete them with the zone` },
    foreign.map((r) => `${r.name} ${r.type}`),
  );
}
