/**
 * The kube-dns `federations` value: comma-separated `name=domain` pairs, e.g.
 * `kfed=infra.mycompany.com,other=example.org`. Pure functions: parse, change, format, with
 * the order of entries kept stable so that re-applying writes nothing.
 */

/** One federation entry. */
export interface FederationEntry {
  readonly name: string;
  /** Without the trailing dot. */
  readonly domain: string;
}

/** Thrown for a value or argument that is not a valid federations entry. */
export class FederationsFormatError extends Error {
  override name = 'FederationsFormatError';
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const domainName = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/;

/** `example.org.` → `example.org`; kube-dns expects domains without the root dot. */
export function normalizeDomain(domain: string): string {
  return domain.trim().replace(/\.+$/, '');
}

/** Checks one entry the way kube-dns would read it; throws {@link FederationsFormatError}. */
export function validateEntry(entry: FederationEntry): FederationEntry {
  if (entry.name.length > 63 || !dnsLabel.test(entry.name)) {
    throw new FederationsFormatError(`federation name "${entry.name}" is not a DNS label (lowercase letters, digits and "-", at most 63)`);
  }
  if (entry.domain.length > 253 || !domainName.test(entry.domain)) {
    throw new FederationsFormatError(`federation domain "${entry.domain}" is not a DNS name`);
  }
  return entry;
}

/** Parses a federations value; empty or missing → no entries. Throws on a malformed entry. */
export function parseFederations(value: string | undefined): FederationEntry[] {
  const entries: FederationEntry[] = [];
  for (const part of (value ?? '').split(',')) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new FederationsFormatError(`federations entry "${item}" is not name=domain`);
    const entry = validateEntry({ name: item.slice(0, eq).trim(), domain: normalizeDomain(item.slice(eq + 1)) });
    if (entries.some((e) => e.name === entry.name)) throw new FederationsFormatError(`federation "${entry.name}" appears twice`);
    entries.push(entry);
  }
  return entries;
}

/** Formats entries back into a federations value. */
export function formatFederations(entries: readonly FederationEntry[]): string {
  return entries.map((e) => `${e.name}=${e.domain}`).join(',');
}

/** Sets one federation's domain: replaced in place when present, appended otherwise. */
export function upsertFederation(entries: readonly FederationEntry[], entry: FederationEntry): FederationEntry[] {
  const valid = validateEntry({ name: entry.name, domain: normalizeDomain(entry.domain) });
  return entries.some((e) => e.name === valid.name) ? entries.map((e) => (e.name === valid.name ? valid : e)) : [...entries, valid];
}

/** Removes one federation; the others keep their order. */
export function removeFederation(entries: readonly FederationEntry[], name: string): FederationEntry[] {
  return entries.filter((e) => e.name !== name);
}
