/**
 * The emulated Cloud DNS name servers: answers real DNS queries for every zone the emulator
 * holds, over UDP and TCP (RFC 7766 framing) on one loopback port, so a real resolver (Node's
 * dns.Resolver, dig, kube-dns as an upstream) can check what kfed wrote. Answers are read from
 * the live state at each query, so a change is visible at once (no propagation delay).
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { answerQuestion, type ServedZone } from './dns-answers.js';
import { ednsUdpSize, encodeError, encodeResponse, parseQuery, typeName, WireError, type Query } from './dns-wire.js';

export interface DnsServerOptions {
  /** Loopback address. @default 127.0.0.1 */
  readonly host?: string;
  /** UDP and TCP port. @default a free port */
  readonly port?: number;
  /** The zones to serve, read at each query. */
  readonly zones: () => readonly ServedZone[];
}

/** A running name server. */
export interface DnsServer {
  readonly host: string;
  readonly port: number;
  /** `host:port`, as resolvers take it (`dns.Resolver#setServers`, `dig @host -p port`). */
  readonly address: string;
  close(): Promise<void>;
}

/** UDP answers without EDNS are at most 512 bytes (RFC 1035 4.2.1). */
const classicUdpSize = 512;
/** A TCP client that sends nothing for this long is disconnected (RFC 7766 6.2.3). */
const tcpIdleMs = 10_000;

/** The answer to one message, or undefined when it is too broken to answer at all. */
function respond(message: Buffer, zones: () => readonly ServedZone[], maxSize: (q: Query) => number): Buffer | undefined {
  let query: Query;
  try {
    query = parseQuery(message);
  } catch (err) {
    if (!(err instanceof WireError) || message.length < 12) return undefined;
    // Keep the id so the client can match the FORMERR.
    return encodeError({ id: message.readUInt16BE(0), opcode: 0, recursionDesired: false, questions: [] }, 'FORMERR');
  }
  if (query.opcode !== 0) return encodeError(query, 'NOTIMP');
  const question = query.questions[0];
  if (query.questions.length !== 1 || !question) return encodeError(query, 'FORMERR');
  if (question.qclass !== 1 && question.qclass !== 255) return encodeError(query, 'REFUSED');
  const answer = answerQuestion(zones(), question.name, typeName(question.type));
  try {
    return encodeResponse({ query, ...answer }, maxSize(query));
  } catch {
    return encodeError(query, 'SERVFAIL');
  }
}

function bindUdp(socket: Socket, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve(socket.address().port);
    });
  });
}

function listenTcp(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function serveTcp(conn: TcpSocket, zones: () => readonly ServedZone[]): void {
  let pending = Buffer.alloc(0);
  conn.setTimeout(tcpIdleMs, () => conn.destroy());
  conn.on('error', () => conn.destroy());
  conn.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const length = pending.readUInt16BE(0);
      if (pending.length < 2 + length) break;
      const message = pending.subarray(2, 2 + length);
      pending = pending.subarray(2 + length);
      const reply = respond(message, zones, () => 65535);
      if (!reply) {
        conn.destroy();
        return;
      }
      const framed = Buffer.alloc(2 + reply.length);
      framed.writeUInt16BE(reply.length, 0);
      reply.copy(framed, 2);
      conn.write(framed);
    }
  });
}

/** Starts the name server on one port for both UDP and TCP. */
export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const host = options.host ?? '127.0.0.1';
  const family = host.includes(':') ? 'udp6' : 'udp4';
  // A kernel-assigned UDP port may be taken for TCP: try a few.
  for (let attempt = 0; ; attempt++) {
    const udp = createSocket(family);
    const tcp = createServer((conn) => {
      serveTcp(conn, options.zones);
    });
    try {
      const port = await bindUdp(udp, options.port ?? 0, host);
      await listenTcp(tcp, port, host);
      udp.on('message', (message, peer) => {
        const reply = respond(message, options.zones, (q) => Math.max(classicUdpSize, Math.min(q.ednsUdpSize ?? classicUdpSize, ednsUdpSize)));
        if (reply) udp.send(reply, peer.port, peer.address);
      });
      udp.on('error', () => undefined);
      const connections = new Set<TcpSocket>();
      tcp.on('connection', (c) => {
        connections.add(c);
        c.once('close', () => connections.delete(c));
      });
      return {
        host,
        port,
        address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
        close: async () => {
          for (const c of connections) c.destroy();
          await Promise.all([
            new Promise<void>((resolve) => {
              udp.close(() => {
                resolve();
              });
            }),
            new Promise<void>((resolve) => {
              tcp.close(() => {
                resolve();
              });
            }),
          ]);
        },
      };
    } catch (err) {
      try {
        udp.close();
      } catch {
        // never bound
      }
      tcp.close();
      if (options.port !== undefined || attempt >= 4) throw err;
    }
  }
}
