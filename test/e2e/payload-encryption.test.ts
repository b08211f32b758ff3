import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOutcome, startPlan } from '../../src/client/runs.js';
import { dataConverterFromEnv } from '../../src/codec/from-env.js';
import type { FederationPlan } from '../../src/contract.js';
import { parseSpec } from '../../src/spec/parse.js';
import { startHarness, stopHarness, type Harness } from '../support/harness.js';
import proto from '@temporalio/proto';
import { historyText } from '../support/histories.js';

/** A spec whose names are found nowhere else, so finding one in a history means the spec leaked. */
const spec = parseSpec(`apiVersion: kfed.dev/v1alpha1
kind: Federation
metadata: { name: cipherfed }
spec:
  project: local
  dns: { zone: zebrazone, domain: quokka-secret.example.org. }
  host: wombat-west
  clusters:
    - { name: wombat-west, context: wombat-ctx, location: us-west1-a }
`);
const plaintext = ['quokka-secret', 'zebrazone', 'wombat-west', 'wombat-ctx'];

describe('optional payload encryption (KFED_PAYLOAD_KEY_FILE)', () => {
  let h: Harness;
  let keyFile: string;

  beforeAll(async () => {
    h = await startHarness();
    keyFile = join(h.dir, 'payload-keys');
    writeFileSync(keyFile, `k1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    await h.startWorker({ KFED_PAYLOAD_KEY_FILE: keyFile });
  });

  afterAll(async () => {
    await stopHarness(h);
  });

  it('runs a workflow end to end with the key, and its history holds no plaintext of the spec', async () => {
    const dataConverter = dataConverterFromEnv({ KFED_PAYLOAD_KEY_FILE: keyFile });
    const client = new Client({ connection: h.client.connection, namespace: h.temporal.namespace, ...(dataConverter ? { dataConverter } : {}) });
    const { handle } = await startPlan(client, h.taskQueue, spec, 60_000);
    const outcome = await runOutcome<FederationPlan>(handle);
    expect(outcome.status).toBe('COMPLETED');
    if (outcome.status === 'COMPLETED') expect(outcome.result.items.map((i) => i.resource)).toContain('zone zebrazone');

    // Read as the server stores it (a client without the key; fetchHistory decodes nothing).
    const history = await h.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).fetchHistory();
    const { History } = proto.temporal.api.history.v1;
    const json = JSON.stringify(History.toObject(History.fromObject(history), { longs: String, bytes: String }));
    expect(history.events?.length).toBeGreaterThan(5);
    const text = `${json}\n${historyText(json)}`;
    for (const word of plaintext) expect(text, `the plan's history holds "${word}"`).not.toContain(word);
    // Without the key, the memo (also a payload) cannot be read.
    await expect(h.client.workflow.getHandle(handle.workflowId).describe()).rejects.toThrow(/Unknown encoding: binary\/encrypted/);
  });
});
