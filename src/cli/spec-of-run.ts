import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { specToDocument, validateSpec } from '../spec/parse.js';
import type { FederationSpec } from '../spec/types.js';
import { workflowIds } from '../contract.js';
import { readSpecFile } from './read-spec.js';
import { ExitCode, ExitError } from './errors.js';

/**
 * The spec of a federation: from -f FILE when given, else the input of its last federate run
 * (so `kfed down NAME` needs no file). The recorded input is validated again before use.
 */
export async function specOf(client: Client, name: string, file: string | undefined): Promise<FederationSpec> {
  if (file) {
    const spec = readSpecFile(file);
    if (spec.name !== name) {
      console.error(`kfed: ${file} describes federation ${spec.name}, not ${name}`);
      throw new ExitError(ExitCode.BadInput);
    }
    return spec;
  }
  const history = await client.workflow
    .getHandle(workflowIds.federation(name))
    .fetchHistory()
    .catch(() => undefined);
  const payload = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) {
    console.error(`kfed: no recorded run of federation ${name}; pass its spec with -f FILE`);
    throw new ExitError(ExitCode.BadInput);
  }
  const spec = defaultPayloadConverter.fromPayload<FederationSpec>(payload);
  // Recorded inputs are normalized specs; check them again before acting on them.
  return validateSpec(
    specToDocument(spec),
    `recorded input of kfed-${name}`,
  );
}
