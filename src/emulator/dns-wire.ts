/**
 * The DNS wire format (RFC 1035 section 4, EDNS(0) per RFC 6891), as much as an authoritative
 * server needs: read a query, write an answer with name compression, record data from Cloud
 * DNS's presentation format. Written here rather than taken from a library: the emulator stays
 * free of DNS dependencies and this is all it needs.
 */
import { txtStrings } from '../providers/gcp/record-registry.js';
import { ipv6Groups } from '../service-dns/addresses.js';

/** Record type numbers (IANA) of the types the emulator serves, plus OPT and ANY. */
export const rrType = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255, CAA: 257 } as const;

/** Response codes. */
export const rcode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export type Rcode = keyof typeof rcode;

const typeNames = new Map<number, string>(Object.entries(rrType).map(([k, v]) => [v, k]));

/** The type name of a number (`TYPE65` style for unknown ones). */
export function typeName(type: number): string {
  return typeNames.get(type) ?? `TYPE${type}`;
}

/** A record in presentation form: what Cloud DNS stores. */
export interface PresentationRecord {
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
  readonly rdata: string;
}

export interface Query {
  readonly id: number;
  readonly opcode: number;
  readonly recursionDesired: boolean;
  /** As sent (case kept, for the echoed question); empty when the query had none. */
  readonly questions: readonly { readonly name: string; readonly type: number; readonly qclass: number }[];
  /** The client's EDNS UDP payload size, when it sent an OPT record. */
  readonly ednsUdpSize?: number;
}

/** A malformed message. */
export class WireError extends Error {
  override name = 'WireError';
}

/** Reads a domain name at `offset` (following compression pointers); returns it and the offset after it. */
function readName(buf: Buffer, offset: number): [string, number] {
  const labels: string[] = [];
  let at = offset;
  let end: number | undefined;
  for (let jumps = 0; ; ) {
    if (at >= buf.length) throw new WireError('name runs past the message');
    const len = buf[at] ?? 0;
    if (len === 0) {
      at += 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= buf.length || ++jumps > 32) throw new WireError('bad compression pointer');
      end ??= at + 2;
      at = ((len & 0x3f) << 8) | (buf[at + 1] ?? 0);
      continue;
    }
    if (len > 63 || at + 1 + len > buf.length) throw new WireError('bad label length');
    labels.push(buf.subarray(at + 1, at + 1 + len).toString('latin1'));
    at += 1 + len;
  }
  return [`${labels.join('.')}.`, end ?? at];
}

/** Parses a query message; throws {@link WireError} when it is malformed. */
export function parseQuery(buf: Buffer): Query {
  if (buf.length < 12) throw new WireError('shorter than a header');
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  const qdcount = buf.readUInt16BE(4);
  const ancount = buf.readUInt16BE(6);
  const nscount = buf.readUInt16BE(8);
  const arcount = buf.readUInt16BE(10);
  let at = 12;
  const questions: { name: string; type: number; qclass: number }[] = [];
  for (let i = 0; i < qdcount; i++) {
    const [name, next] = readName(buf, at);
    if (next + 4 > buf.length) throw new WireError('question runs past the message');
    questions.push({ name, type: buf.readUInt16BE(next), qclass: buf.readUInt16BE(next + 2) });
    at = next + 4;
  }
  let ednsUdpSize: number | undefined;
  for (let i = 0; i < ancount + nscount + arcount; i++) {
    const [, next] = readName(buf, at);
    if (next + 10 > buf.length) throw new WireError('record runs past the message');
    const type = buf.readUInt16BE(next);
    const rdlength = buf.readUInt16BE(next + 8);
    if (type === rrType.OPT) ednsUdpSize = buf.readUInt16BE(next + 2);
    at = next + 10 + rdlength;
    if (at > buf.length) throw new WireError('record data runs past the message');
  }
  return { id, opcode: (flags >> 11) & 0xf, recursionDesired: (flags & 0x0100) !== 0, questions, ...(ednsUdpSize !== undefined ? { ednsUdpSize } : {}) };
}

/** Writes a message, compressing names (RFC 1035 4.1.4) where the RFCs allow it. */
class Writer {
  private readonly chunks: number[] = [];
  private readonly names = new Map<string, number>();

  get length(): number {
    return this.chunks.length;
  }

  u8(v: number): void {
    this.chunks.push(v & 0xff);
  }

  u16(v: number): void {
    this.chunks.push((v >> 8) & 0xff, v & 0xff);
  }

  u32(v: number): void {
    this.u16(Math.floor(v / 0x10000) & 0xffff);
    this.u16(v & 0xffff);
  }

  bytes(b: Iterable<number>): void {
    for (const x of b) this.chunks.push(x);
  }

  setU16(at: number, v: number): void {
    this.chunks[at] = (v >> 8) & 0xff;
    this.chunks[at + 1] = v & 0xff;
  }

  name(fqdn: string, compress = true): void {
    const labels = fqdn.replace(/\.$/, '').split('.').filter((l) => l.length > 0);
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const pointer = compress ? this.names.get(suffix) : undefined;
      if (pointer !== undefined) {
        this.u16(0xc000 | pointer);
        return;
      }
      if (this.length < 0x3fff) this.names.set(suffix, this.length);
      const label = Buffer.from(labels[i] ?? '', 'latin1');
      if (label.length > 63) throw new WireError(`label longer than 63 bytes in ${fqdn}`);
      this.u8(label.length);
      this.bytes(label);
    }
    this.u8(0);
  }

  toBuffer(): Buffer {
    return Buffer.from(this.chunks);
  }
}

/** Record data from presentation format; undefined for a type the emulator cannot encode. */
function writeRdata(w: Writer, type: string, rdata: string): boolean {
  const fields = rdata.trim().split(/\s+/);
  switch (type) {
    case 'A': {
      const octets = rdata.trim().split('.').map(Number);
      if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return false;
      w.bytes(octets);
      return true;
    }
    case 'AAAA': {
      const groups = ipv6Groups(rdata.trim());
      if (!groups) return false;
      for (const g of groups) w.u16(g);
      return true;
    }
    case 'CNAME':
    case 'NS':
    case 'PTR':
      w.name(rdata.trim());
      return true;
    case 'MX':
      w.u16(Number(fields[0]));
      w.name(fields[1] ?? '.');
      return true;
    case 'SRV':
      // RFC 2782: the target is never compressed.
      w.u16(Number(fields[0]));
      w.u16(Number(fields[1]));
      w.u16(Number(fields[2]));
      w.name(fields[3] ?? '.', false);
      return true;
    case 'SOA':
      w.name(fields[0] ?? '.');
      w.name(fields[1] ?? '.');
      for (const n of fields.slice(2, 7)) w.u32(Number(n));
      return fields.length >= 7;
    case 'TXT':
      for (const s of txtStrings(rdata)) {
        const bytes = Buffer.from(s, 'utf8');
        let i = 0;
        do {
          const part = bytes.subarray(i, i + 255);
          w.u8(part.length);
          w.bytes(part);
          i += 255;
        } while (i < bytes.length);
      }
      return true;
    case 'CAA': {
      const match = /^(\d+)\s+(\S+)\s+(.*)$/.exec(rdata.trim());
      if (!match) return false;
      const tag = Buffer.from(match[2] ?? '', 'latin1');
      w.u8(Number(match[1]));
      w.u8(tag.length);
      w.bytes(tag);
      w.bytes(Buffer.from(txtStrings(match[3] ?? '').join(''), 'utf8'));
      return true;
    }
    default:
      return false;
  }
}

/** Whether the emulator can put records of this type on the wire. */
export function encodable(type: string): boolean {
  return ['A', 'AAAA', 'CNAME', 'NS', 'PTR', 'MX', 'SRV', 'SOA', 'TXT', 'CAA'].includes(type);
}

/** An answer to one query. */
export interface ResponseSpec {
  readonly query: Query;
  readonly rcode: Rcode;
  readonly authoritative: boolean;
  readonly answers: readonly PresentationRecord[];
  readonly authority: readonly PresentationRecord[];
}

/** The UDP payload size the emulator offers in its own OPT record. */
export const ednsUdpSize = 1232;

function writeHeader(w: Writer, spec: ResponseSpec, counts: readonly [number, number, number, number], truncated: boolean): void {
  const q = spec.query;
  const flags = 0x8000 | ((q.opcode & 0xf) << 11) | (spec.authoritative ? 0x0400 : 0) | (truncated ? 0x0200 : 0) | (q.recursionDesired ? 0x0100 : 0) | rcode[spec.rcode];
  w.u16(q.id);
  w.u16(flags);
  for (const c of counts) w.u16(c);
}

function writeRecord(w: Writer, r: PresentationRecord): boolean {
  const type = rrType[r.type as keyof typeof rrType] as number | undefined;
  if (type === undefined) return false;
  w.name(r.name);
  w.u16(type);
  w.u16(1);
  w.u32(r.ttl);
  const lengthAt = w.length;
  w.u16(0);
  if (!writeRdata(w, r.type, r.rdata)) throw new WireError(`cannot encode ${r.type} data "${r.rdata}" of ${r.name}`);
  w.setU16(lengthAt, w.length - lengthAt - 2);
  return true;
}

/**
 * Encodes the answer. Over UDP a message larger than `maxSize` (512, or the client's EDNS size)
 * is cut to its question with TC set, and the client retries over TCP (RFC 1035 4.2.1, RFC 7766).
 */
export function encodeResponse(spec: ResponseSpec, maxSize = 65535): Buffer {
  const edns = spec.query.ednsUdpSize !== undefined;
  const build = (withRecords: boolean): Buffer => {
    const w = new Writer();
    const answers = withRecords ? spec.answers : [];
    const authority = withRecords ? spec.authority : [];
    writeHeader(w, spec, [spec.query.questions.length, answers.length, authority.length, edns ? 1 : 0], !withRecords);
    for (const question of spec.query.questions) {
      w.name(question.name);
      w.u16(question.type);
      w.u16(question.qclass);
    }
    for (const r of [...answers, ...authority]) writeRecord(w, r);
    if (edns) {
      w.u8(0);
      w.u16(rrType.OPT);
      w.u16(ednsUdpSize);
      w.u32(0);
      w.u16(0);
    }
    return w.toBuffer();
  };
  const full = build(true);
  return full.length <= maxSize ? full : build(false);
}

/** A response with only a header (and the question): FORMERR, NOTIMP, REFUSED. */
export function encodeError(query: Query, code: Rcode): Buffer {
  return encodeResponse({ query, rcode: code, authoritative: false, answers: [], authority: [] });
}
