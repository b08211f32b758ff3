import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
// Default import: Node's ESM loader cannot see @temporalio/proto's named exports outside vitest
// (the benchmarks and the fault suite load this file too).
import proto, { type temporal } from '@temporalio/proto';
import { projectRoot } from './harness.js';

type History = temporal.api.history.v1.IHistory;

/** Every workflow history in the namespace, with its type, as JSON text (what the server stores). */
export async function allHistories(client: Client): Promise<{ workflowId: string; type: string; history: History; json: string }[]> {
  const out: { workflowId: string; type: string; history: History; json: string }[] = [];
  for await (const info of client.workflow.list()) {
    const history = await client.workflow.getHandle(info.workflowId, info.runId).fetchHistory();
    const { History: HistoryMessage } = proto.temporal.api.history.v1;
    const json = JSON.stringify(HistoryMessage.toObject(HistoryMessage.fromObject(history), { longs: String, bytes: String }));
    out.push({ workflowId: info.workflowId, type: info.type, history, json });
  }
  return out;
}

/**
 * Decoded text of every payload in a history: base64 `data` fields become their JSON text, so
 * a scan sees what the workflow actually stored (inputs, results, failures, heartbeats).
 */
export function historyText(json: string): string {
  return json.replace(/"data":"([A-Za-z0-9+/=]+)"/g, (_m, b64: string) => `"data":${JSON.stringify(Buffer.from(b64, 'base64').toString('utf8'))}`);
}

/** Scans every history for the secrets and any PEM private key: how many, and `[workflowId, what]` per find. */
export async function scanHistories(client: Client, secrets: Readonly<Record<string, string>>): Promise<{ histories: number; found: [string, string][] }> {
  const found: [string, string][] = [];
  const histories = await allHistories(client);
  for (const h of histories) {
    const text = `${h.json}\n${historyText(h.json)}`;
    for (const [what, secret] of Object.entries(secrets)) if (secret && text.includes(secret)) found.push([h.workflowId, what]);
    if (text.includes('PRIVATE KEY')) found.push([h.workflowId, 'a private key']);
  }
  return { histories: histories.length, found };
}

/** The secrets found in any history: returns `[workflowId, what]` pairs (empty is the goal). */
export async function secretsInHistories(client: Client, secrets: Readonly<Record<string, string>>): Promise<[string, string][]> {
  return (await scanHistories(client, secrets)).found;
}

/**
 * When KFED_RECORD_HISTORIES=1, writes the histories of finished kfed workflows to
 * test/histories/ (the replay test replays them on every run to catch nondeterminism).
 */
export async function recordHistories(client: Client, label: string): Promise<number> {
  if (process.env.KFED_RECORD_HISTORIES !== '1') return 0;
  const dir = join(projectRoot, 'test', 'histories');
  mkdirSync(dir, { recursive: true });
  let n = 0;
  const perType = new Map<string, number>();
  for (const h of await allHistories(client)) {
    const index = (perType.get(h.type) ?? 0) + 1;
    perType.set(h.type, index);
    writeFileSync(join(dir, `${label}-${h.type}-${index}.json`), `${JSON.stringify(JSON.parse(h.json), null, 1)}\n`);
    n++;
  }
  return n;
}
