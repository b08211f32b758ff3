/**
 * The credential scan of workflow histories (R6): every history in the namespace as the server
 * stores it, plus the decoded text of its payloads, searched for the given secrets and for any
 * PEM private key. Same method as test/support/histories.ts, which cannot be loaded outside
 * vitest (it imports @temporalio/proto's named exports, which Node's ESM loader cannot see).
 */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const { History } = proto.temporal.api.history.v1;

/** Base64 `data` fields of payloads become their text, so a scan sees what the workflow stored. */
function decoded(json: string): string {
  return json.replace(/"data":"([A-Za-z0-9+/=]+)"/g, (_m, b64: string) => `"data":${JSON.stringify(Buffer.from(b64, 'base64').toString('utf8'))}`);
}

/** Scans every history; returns how many were scanned and `[workflowId, what]` for each find. */
export async function scanAllHistories(client: Client, secrets: Readonly<Record<string, string>>): Promise<{ histories: number; found: [string, string][] }> {
  const found: [string, string][] = [];
  let histories = 0;
  for await (const info of client.workflow.list()) {
    const history = await client.workflow.getHandle(info.workflowId, info.runId).fetchHistory();
    const json = JSON.stringify(History.toObject(History.fromObject(history), { longs: String, bytes: String }));
    const text = `${json}\n${decoded(json)}`;
    histories++;
    for (const [what, secret] of Object.entries(secrets)) if (secret && text.includes(secret)) found.push([info.workflowId, what]);
    if (text.includes('PRIVATE KEY')) found.push([info.workflowId, 'a private key']);
  }
  return { histories, found };
}
