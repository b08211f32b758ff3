import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Loads the emulator's access token from `path`, generating and persisting it (mode 0600) on
 * first start. Persisted because every backing kube-apiserver was started accepting it: a new
 * token after a restart would lock clients out of existing clusters.
 */
export function loadOrCreateToken(path: string): string {
  if (existsSync(path)) {
    const token = readFileSync(path, 'utf8').trim();
    if (token) return token;
  }
  // base64url: no commas or quotes, so it is safe in kube-apiserver's token CSV.
  const token = `kfed-emu-${randomBytes(32).toString('base64url')}`;
  // No trailing newline: @kubernetes/client-node sends a token file verbatim (kubectl trims).
  writeFileSync(path, token, { mode: 0o600 });
  chmodSync(path, 0o600);
  return token;
}

/** True when an `Authorization` header value carries exactly `Bearer <token>`. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length).trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
