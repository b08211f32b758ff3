import { startRotate } from '../../client/runs.js';
import { workflowIds, type RotationSummary } from '../../contract.js';
import { fileFlag, outputFlag, parseCommand, requireName, waitFlag } from '../args.js';
import { connectClient } from '../connect.js';
import { ExitCode, ExitError } from '../errors.js';
import { followToEnd } from '../follow.js';
import { parseOutputFormat, printJson, seconds, table } from '../output.js';
import { specFromFile, specOf } from '../spec-of-run.js';
import { runLink } from '../ui.js';

export const help = `kfed rotate NAME [-f FILE] [--wait] [-o json]

Rotates the credentials KubeFed holds for every member: mints a new token on each member,
moves the host's Secret (and KubeFed) to it, waits until KubeFed reports the member Ready
with the new token, and only then revokes the old one. KubeFed holds a valid token at every
moment. The spec comes from -f FILE or from the federation's last run. Refused while a
federate run of the federation is open (a join then could move the host back to an old token).
Run it again at any time: each rotation makes the next token generation.`;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(argv, { ...fileFlag, ...waitFlag, ...outputFlag });
  const name = requireName(positionals);
  const format = parseOutputFormat(values.output);
  const fromFile = values.file === undefined ? undefined : specFromFile(name, values.file);
  const { client, settings, close } = await connectClient();
  try {
    const spec = await specOf(client, name, fromFile);
    const up = await client.workflow.getHandle(workflowIds.federation(name)).describe().catch(() => undefined);
    if (up?.status.name === 'RUNNING') {
      throw new ExitError(ExitCode.BadInput, `kfed: federation ${name} has an open run (${workflowIds.federation(name)}); wait for it (kfed watch ${name}) or cancel it, then rotate`);
    }
    const { handle, workflowId, runId, attached } = await startRotate(client, settings.taskQueue, spec);
    const link = runLink(settings.namespace, workflowId, runId);
    if (format !== 'json') {
      console.log(`${attached ? 'attached to the open rotation' : 'started'} ${workflowId} (run ${runId})`);
      if (link) console.log(`Temporal UI: ${link}`);
    }
    if (!values.wait) {
      if (format === 'json') printJson({ workflowId, runId, attached, ui: link });
      else console.log(`follow it with: kfed rotate ${name} --wait (attaches to the open rotation)`);
      return;
    }
    const result = await followToEnd<RotationSummary>(handle, runId, format);
    if (format !== 'json') printRotation(result);
  } finally {
    await close();
  }
}

/** The result of a rotation: each member's token generation now and what was revoked. */
function printRotation(summary: RotationSummary): void {
  console.log(`\ncredentials of ${summary.federation} rotated (${seconds(summary.finishedAt - summary.startedAt)}): KubeFed on ${summary.host} holds a new token for every member`);
  console.log(
    table(
      ['CLUSTER', 'MEMBER', 'TOKEN', 'READY AFTER', 'REVOKED'],
      summary.members.map((m) => [m.cluster, m.member, String(m.generation), seconds(m.readyAfterMs), m.revoked.join(', ') || '-']),
    ),
  );
}
