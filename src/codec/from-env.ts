/**
 * Payload encryption from the environment: `KFED_PAYLOAD_KEY_FILE` names a file with one key per
 * line, `<id>:<base64 of 32 bytes>`; the first line encrypts, all decrypt. The CLI and every
 * worker of a namespace must share the file. Unset: payloads are not encrypted.
 */
import { readFileSync } from 'node:fs';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, type CodecKey } from './encryption-codec.js';

export const payloadKeyFileVar = 'KFED_PAYLOAD_KEY_FILE';

/** Parses a key file; errors name the line, never a key. */
export function parseKeyFile(text: string, file: string): CodecKey[] {
  const keys: CodecKey[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [id, b64] = line.split(':');
    const key = b64 ? Buffer.from(b64, 'base64') : Buffer.alloc(0);
    if (!id || !/^[A-Za-z0-9._-]{1,64}$/.test(id) || key.length !== 32) {
      throw new Error(`${file} line ${i + 1}: expected <id>:<base64 of 32 bytes> (e.g. made with: echo "k1:$(openssl rand -base64 32)")`);
    }
    keys.push({ id, key });
  }
  if (keys.length === 0) throw new Error(`${file} holds no key`);
  return keys;
}

/** The data converter for Temporal clients and workers: encrypting when the key file is set. */
export function dataConverterFromEnv(env: Readonly<Partial<Record<string, string>>> = process.env): DataConverter | undefined {
  const file = env[payloadKeyFileVar];
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${payloadKeyFileVar}=${file}: cannot read it (${(err as { code?: string }).code ?? 'unreadable'})`, { cause: err });
  }
  // NOTE: failure messages stay in clear (Temporal's failure converter would have to be bundled
  // into the workflow code to move them into payloads); kfed's failure messages name resources
  // and never carry a credential or the spec.
  return { payloadCodecs: [new EncryptionCodec(parseKeyFile(text, file))] };
}
