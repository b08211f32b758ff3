import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The kernel's ephemeral range (`ip_local_port_range`), from which outgoing connections take
 * their local ports. A port handed out there could be taken by any connect() between our check
 * and the server's bind — seen on busy test runs as "address already in use" — so kfed picks
 * its listening ports outside it.
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux: assume the IANA range
  }
  return [49152, 65535];
}

/** Where kfed picks ports: below the ephemeral range when there is room, else above it. */
function candidateWindow(): [number, number] {
  const [low, high] = ephemeralRange();
  if (low - 10_000 >= 2_000) return [10_000, low - 1];
  return [high + 1, 65_535];
}

const handedOut = new Set<number>();

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, host, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/**
 * A TCP port free on loopback now, outside the kernel's ephemeral range and not handed out
 * before by this process. Released before returning: the caller's server binds it next.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const [from, to] = candidateWindow();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    if (handedOut.has(port)) continue;
    if (await canBind(port, host)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found between ${from} and ${to}`);
}

/** Free ports that are distinct from each other. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) ports.push(await freePort(host));
  return ports;
}
