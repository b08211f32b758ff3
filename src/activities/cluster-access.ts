import { createHash } from 'node:crypto';
import type { ClusterEndpoint } from '../domain.js';

/** Public facts of a running cluster; safe for workflow history (no credentials). */
export interface ClusterAccess extends ClusterEndpoint {
  /** SHA-256 of the CA certificate (DER), hex with colons, for people to compare. */
  readonly caFingerprint: string;
  /** Set when the cluster is reached without verified TLS, as the spec accepted (e.g. "TLS verification disabled for this cluster"). */
  readonly transportWarning?: string;
}

/** SHA-256 of a base64 PEM certificate's DER bytes, as `AB:CD:…`; '' without a certificate. */
export function fingerprint(caBase64: string): string {
  if (!caBase64) return '';
  const pem = Buffer.from(caBase64, 'base64').toString('utf8');
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(body, 'base64');
  return createHash('sha256').update(der).digest('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** The endpoint with its fingerprint (and its transport warning, when it has one). */
export function withFingerprint(access: ClusterEndpoint & { readonly transportWarning?: string }): ClusterAccess {
  return { ...access, caFingerprint: fingerprint(access.caCertificate) };
}
