/**
 * The transport a kubeconfig asks for, judged: TLS with verification, or one of the two ways
 * to lose it — `insecure-skip-tls-verify: true` (anyone who answers at the address gets the
 * credentials, and KubeFed would trust any certificate for the member) or an `http://` server
 * (credentials and objects travel in clear). kfed refuses both unless the spec opts in with the
 * field named for what it accepts, and then says so wherever the cluster shows (plan, step).
 */
import { InvalidSpecError } from '../errors.js';
import type { ClusterTarget } from '../types.js';

/** The spec fields that opt in (under `spec.clusters[].existing`). */
export const insecureTransportFields = {
  skipTLSVerify: 'insecureSkipTLSVerify',
  plaintext: 'insecureHTTP',
} as const;

/** How a kubeconfig's cluster entry reaches its server. */
export interface KubeconfigTransport {
  readonly server: string;
  readonly skipTLSVerify: boolean;
}

/** What the spec accepts for a cluster reached through a kubeconfig. */
type Accepted = Pick<Extract<ClusterTarget, { kind: 'kubeconfig' }>, 'name' | 'context' | 'insecureSkipTLSVerify' | 'insecureHTTP'>;

/** Whether the server speaks plain HTTP. */
export function isPlaintext(server: string): boolean {
  return /^http:\/\//i.test(server);
}

/**
 * Throws {@link InvalidSpecError} (not retried) when the kubeconfig gives up TLS or its
 * verification and the spec did not accept that for this cluster. The message names the field.
 */
export function checkTransport(transport: KubeconfigTransport, target: Accepted, file: string): void {
  const about = `cluster ${target.name} (context ${target.context} in ${file})`;
  if (isPlaintext(transport.server) && !target.insecureHTTP) {
    throw new InvalidSpecError(
      `${about}: its server ${transport.server} is plain http://, so the worker's credentials for it and every object would travel unencrypted; kfed refuses it unless the spec sets spec.clusters[].existing.${insecureTransportFields.plaintext}: true for ${target.name}`,
      { resource: file, hint: `serve the API over https (with its CA in the kubeconfig), or accept plaintext with existing.${insecureTransportFields.plaintext}: true` },
    );
  }
  if (transport.skipTLSVerify && !isPlaintext(transport.server) && !target.insecureSkipTLSVerify) {
    throw new InvalidSpecError(
      `${about}: its kubeconfig turns TLS verification off (insecure-skip-tls-verify: true), so the worker would send its credentials to whoever answers at ${transport.server}, and KubeFed would trust any certificate for it; kfed refuses it unless the spec sets spec.clusters[].existing.${insecureTransportFields.skipTLSVerify}: true for ${target.name}`,
      { resource: file, hint: `give the kubeconfig the cluster's CA (certificate-authority-data) instead, or accept it with existing.${insecureTransportFields.skipTLSVerify}: true` },
    );
  }
}

/** The warning a cluster reached this way carries (plan, step message), or undefined for verified TLS. */
export function transportWarning(transport: KubeconfigTransport): string | undefined {
  if (isPlaintext(transport.server)) return `plaintext HTTP, no TLS for this cluster (existing.${insecureTransportFields.plaintext})`;
  if (transport.skipTLSVerify) return `TLS verification disabled for this cluster (existing.${insecureTransportFields.skipTLSVerify})`;
  return undefined;
}
