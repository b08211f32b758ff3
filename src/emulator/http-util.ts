import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatorError, httpRendering } from './codes.js';

const maxBody = 1 << 20;

/** Reads a JSON request body (empty body = undefined). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBody) throw new EmulatorError('INVALID_ARGUMENT', 'Request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EmulatorError('INVALID_ARGUMENT', 'Invalid JSON payload received.', 'parseError');
  }
}

/**
 * NOTE: every response closes its connection. A client's pooled keep-alive socket to a stopped
 * emulator is only noticed when reused, so the first request after an emulator restart would
 * fail; on loopback a new connection per request costs next to nothing.
 */
const closeConnection = { connection: 'close' } as const;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...closeConnection });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, closeConnection);
  res.end();
}

/** Google's JSON error shape: `{error: {code, message, errors: [{reason, message, domain}], status}}`. */
export function sendError(res: ServerResponse, err: EmulatorError): void {
  const { status, reason } = httpRendering(err);
  const grpcName = err.code === 'RATE_LIMIT_EXCEEDED' ? 'PERMISSION_DENIED' : err.code;
  sendJson(res, status, {
    error: { code: status, message: err.message, errors: [{ message: err.message, domain: 'global', reason }], status: grpcName },
  });
}
