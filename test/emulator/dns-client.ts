/**
 * A minimal DNS client for tests, written independently of the emulator's encoder: it sends one
 * query over UDP or TCP and decodes the header and every section's owner names, types and TTLs,
 * so tests can check what Node's resolver hides (the AA and TC flags, the authority section).
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

export interface DecodedRecord {
  readonly name: string;
  readonly type: number;
  readonly ttl: number;
  readonly rdlength: number;
}

export interface DecodedResponse {
  readonly id: number;
  readonly authoritative: boolean;
  readonly truncated: boolean;
  readonly rcode: number;
  readonly questions: number;
  readonly answers: readonly DecodedRecord[];
  readonly authority: readonly DecodedRecord[];
  readonly additional: readonly DecodedRecord[];
}

/** A query for `name`/`type`, optionally with an EDNS OPT record offering `ednsSize`. */
export function buildQuery(id: number, name: string, type: number, ednsSize?: number): Buffer {
  const labels = name.replace(/\.$/, '').split('.');
  const parts: number[] = [id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, ednsSize ? 1 : 0];
  for (const l of labels) parts.push(l.length, ...Buffer.from(l, 'latin1'));
  parts.push(0, type >> 8, type & 0xff, 0, 1);
  if (ednsSize) parts.push(0, 0, 41, ednsSize >> 8, ednsSize & 0xff, 0, 0, 0, 0, 0, 0);
  return Buffer.from(parts);
}

function name(buf: Buffer, start: number): [string, number] {
  const labels: string[] = [];
  let at = start;
  let end: number | undefined;
  for (;;) {
    const len = buf.readUInt8(at);
    if (len === 0) {
      at++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      end ??= at + 2;
      at = buf.readUInt16BE(at) & 0x3fff;
      continue;
    }
    labels.push(buf.toString('latin1', at + 1, at + 1 + len));
    at += 1 + len;
  }
  return [`${labels.join('.')}.`, end ?? at];
}

/** Decodes a response message. */
export function decodeResponse(buf: Buffer): DecodedResponse {
  const flags = buf.readUInt16BE(2);
  const counts = [4, 6, 8, 10].map((o) => buf.readUInt16BE(o));
  let at = 12;
  for (let i = 0; i < (counts[0] ?? 0); i++) at = name(buf, at)[1] + 4;
  const section = (n: number): DecodedRecord[] => {
    const out: DecodedRecord[] = [];
    for (let i = 0; i < n; i++) {
      const [owner, next] = name(buf, at);
      const rdlength = buf.readUInt16BE(next + 8);
      out.push({ name: owner, type: buf.readUInt16BE(next), ttl: buf.readUInt32BE(next + 4), rdlength });
      at = next + 10 + rdlength;
    }
    return out;
  };
  const answers = section(counts[1] ?? 0);
  const authority = section(counts[2] ?? 0);
  const additional = section(counts[3] ?? 0);
  return {
    id: buf.readUInt16BE(0),
    authoritative: (flags & 0x0400) !== 0,
    truncated: (flags & 0x0200) !== 0,
    rcode: flags & 0xf,
    questions: counts[0] ?? 0,
    answers,
    authority,
    additional,
  };
}

/** Sends a query over UDP and returns the raw answer. */
export function udpExchange(port: number, query: Buffer, host = '127.0.0.1'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no UDP answer within 3 s'));
    }, 3000);
    socket.once('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.send(query, port, host);
  });
}

/** Sends queries over one TCP connection (2-byte length framing) and returns the raw answers. */
export function tcpExchange(port: number, queries: readonly Buffer[], host = '127.0.0.1'): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const answers: Buffer[] = [];
    let pending = Buffer.alloc(0);
    const socket = connect(port, host, () => {
      for (const q of queries) {
        const framed = Buffer.alloc(q.length + 2);
        framed.writeUInt16BE(q.length, 0);
        q.copy(framed, 2);
        socket.write(framed);
      }
    });
    socket.setTimeout(3000, () => {
      socket.destroy();
      reject(new Error('no TCP answer within 3 s'));
    });
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const length = pending.readUInt16BE(0);
        answers.push(pending.subarray(2, 2 + length));
        pending = pending.subarray(2 + length);
      }
      if (answers.length === queries.length) {
        socket.end();
        resolve(answers);
      }
    });
  });
}
