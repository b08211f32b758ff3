/**
 * IP addresses as DNS record data: which family, and one canonical text per address (RFC 5952
 * for IPv6), so a pass compares what it wants with what Cloud DNS holds character by character.
 * Pure (no node:net): the same code runs anywhere.
 */

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** `A` for IPv4, `AAAA` for IPv6, undefined for anything else (a hostname, garbage). */
export function addressType(address: string): 'A' | 'AAAA' | undefined {
  if (ipv4.test(address)) return 'A';
  return canonicalIpv6(address) === undefined ? undefined : 'AAAA';
}

/** The address in canonical form (IPv6 per RFC 5952); undefined when it is not an IP address. */
export function canonicalAddress(address: string): string | undefined {
  const trimmed = address.trim();
  if (ipv4.test(trimmed)) return trimmed;
  return canonicalIpv6(trimmed);
}

/** Eight 16-bit groups of an IPv6 address, or undefined (also for the DNS wire format's AAAA). */
export function ipv6Groups(text: string): number[] | undefined {
  let address = text.toLowerCase();
  // An embedded IPv4 tail (`::ffff:192.0.2.1`) is two groups written in decimal.
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted?.[1]) {
    if (!ipv4.test(dotted[1])) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    address = `${address.slice(0, dotted.index + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (!head || !rest) return undefined;
  const total = head.length + rest.length;
  if (halves.length === 1) return total === 8 ? head : undefined;
  if (total > 7) return undefined;
  return [...head, ...new Array<number>(8 - total).fill(0), ...rest];
}

function canonicalIpv6(text: string): string | undefined {
  if (!text.includes(':')) return undefined;
  const groups = ipv6Groups(text);
  if (!groups) return undefined;
  // The longest run of two or more zero groups becomes `::` (the first such run on a tie).
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.length < 2) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
