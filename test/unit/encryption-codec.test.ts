import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { EncryptionCodec, PayloadDecryptionError, encryptedEncoding } from '../../src/codec/encryption-codec.js';
import { parseKeyFile } from '../../src/codec/from-env.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };

describe('EncryptionCodec', () => {
  it('round-trips payloads, and the sealed form holds none of the plaintext', async () => {
    const codec = new EncryptionCodec([k1]);
    const payload = defaultPayloadConverter.toPayload({ domain: 'infra.mycompany.com.', clusters: ['west-cluster'] });
    const [sealed] = await codec.encode([payload]);
    expect(Buffer.from(sealed?.metadata?.encoding ?? new Uint8Array()).toString()).toBe(encryptedEncoding);
    expect(Buffer.from(sealed?.data ?? new Uint8Array()).toString('latin1')).not.toContain('mycompany');
    const [opened] = await codec.decode(sealed ? [sealed] : []);
    expect(defaultPayloadConverter.fromPayload(opened ?? payload)).toEqual({ domain: 'infra.mycompany.com.', clusters: ['west-cluster'] });
  });

  it('encrypts with the first key and decrypts with any configured key (rotation)', async () => {
    const payload = defaultPayloadConverter.toPayload('spec');
    const old = await new EncryptionCodec([k1]).encode([payload]);
    const rotated = new EncryptionCodec([k2, k1]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode(old))[0] ?? payload)).toBe('spec');
    const fresh = await rotated.encode([payload]);
    expect(Buffer.from(fresh[0]?.metadata?.['encryption-key-id'] ?? new Uint8Array()).toString()).toBe('k2');
  });

  it('refuses an unknown key id and tampered data, and leaves unencrypted payloads alone', async () => {
    const payload = defaultPayloadConverter.toPayload('spec');
    const sealed = await new EncryptionCodec([k1]).encode([payload]);
    await expect(new EncryptionCodec([k2]).decode(sealed)).rejects.toThrow(PayloadDecryptionError);
    const data = Buffer.from(sealed[0]?.data ?? new Uint8Array());
    data[20] = (data[20] ?? 0) ^ 0xff;
    await expect(new EncryptionCodec([k1]).decode([{ ...sealed[0], data }])).rejects.toThrow(/wrong key or tampered data/);
    expect(await new EncryptionCodec([k1]).decode([payload])).toEqual([payload]);
  });
});

describe('parseKeyFile', () => {
  it('reads id:base64 lines, skipping comments and blank lines', () => {
    const keys = parseKeyFile(`# keys\nk2:${k2.key.toString('base64')}\n\nk1:${k1.key.toString('base64')}\n`, 'keys');
    expect(keys.map((k) => k.id)).toEqual(['k2', 'k1']);
  });

  it('names the bad line without echoing a key', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => parseKeyFile(`k1:${short}`, 'keys')).toThrow(/keys line 1: expected <id>:<base64 of 32 bytes>/);
    try {
      parseKeyFile(`k1:${short}`, 'keys');
    } catch (err) {
      expect((err as Error).message).not.toContain(short);
    }
    expect(() => parseKeyFile('# nothing', 'keys')).toThrow(/holds no key/);
  });
});
