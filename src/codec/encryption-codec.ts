/**
 * Optional payload encryption, for teams whose policy requires encrypted workflow histories: a
 * Temporal {@link PayloadCodec} that seals every payload (inputs such as the spec, results,
 * failure details, heartbeats) with AES-256-GCM before it leaves the client or the worker. The
 * Temporal server then stores only ciphertext; the key never leaves kfed's processes.
 *
 * Encoded payloads carry `encoding: binary/encrypted` and the key id, so a key can be rotated:
 * new payloads use the current key, old ones are decoded with any key still configured.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
// NOTE: a default import: Node's ESM loader cannot see @temporalio/proto's named exports.
import proto from '@temporalio/proto';

const { temporal } = proto;

export const encryptedEncoding = 'binary/encrypted';
const keyIdMetadata = 'encryption-key-id';
const ivBytes = 12;
const tagBytes = 16;

/** A named 256-bit key. */
export interface CodecKey {
  readonly id: string;
  readonly key: Buffer;
}

/** Thrown when a payload cannot be decrypted (unknown key id, tampered data). */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

/** AES-256-GCM over whole payloads (metadata and data), keyed by {@link CodecKey}s. */
export class EncryptionCodec implements PayloadCodec {
  private readonly byId: ReadonlyMap<string, Buffer>;

  /** `keys[0]` encrypts; every key decrypts (rotation). */
  constructor(private readonly keys: readonly CodecKey[]) {
    const first = keys[0];
    if (!first) throw new Error('EncryptionCodec needs at least one key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`payload key ${k.id} must be 32 bytes (AES-256), got ${k.key.length}`);
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- the interface is async; errors must reject, not throw
  async encode(payloads: Payload[]): Promise<Payload[]> {
    const current = this.keys[0];
    if (!current) return payloads;
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: Buffer.from(encryptedEncoding), [keyIdMetadata]: Buffer.from(current.id) },
        data: sealed,
      };
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- the interface is async; errors must reject, not throw
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
      if (!encoding || Buffer.from(encoding).toString() !== encryptedEncoding) return payload;
      const id = Buffer.from(payload.metadata?.[keyIdMetadata] ?? new Uint8Array()).toString();
      const key = this.byId.get(id);
      if (!key) throw new PayloadDecryptionError(`payload was encrypted with key "${id}", which this process does not have`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, ivBytes));
        decipher.setAuthTag(data.subarray(data.length - tagBytes));
        const plain = Buffer.concat([decipher.update(data.subarray(ivBytes, data.length - tagBytes)), decipher.final()]);
        return temporal.api.common.v1.Payload.decode(plain);
      } catch {
        throw new PayloadDecryptionError(`payload encrypted with key "${id}" could not be decrypted (wrong key or tampered data)`);
      }
    });
  }
}
