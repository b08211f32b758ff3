import type { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { SpecError, specToDocument, validateSpec } from '../spec/parse.js';
import type { FederationSpec } from '../spec/types.js';
import { findRun } from '../client/runs.js';
import { dataConverterFromEnv } from '../codec/from-env.js';
import { shown } from '../spec/quote.js';
import { readSpecFile, specProblems } from './read-spec.js';
import { ExitCode, ExitError } from './errors.js';

/** The spec in FILE, which must describe federation `name` (exit 2 otherwise). Needs no server. */
export function specFromFile(name: string, file: string): FederationSpec {
  const spec = readSpecFile(file);
  if (spec.name !== name) throw new ExitError(ExitCode.BadInput, `kfed: ${shown(file)} describes federation ${spec.name}, not ${name}`);
  return spec;
}

/**
 * The spec of a federation: the one read from -f FILE when given (read it with
 * {@link specFromFile} before connecting), else the input of its last federate run (so
 * `kfed down NAME` needs no file). The recorded input is validated again before use.
 */
export async function specOf(client: Client, name: string, fromFile: FederationSpec | undefined): Promise<FederationSpec> {
  if (fromFile) return fromFile;
  const handle = await findRun(client, name, 'federation');
  const history = await handle.fetchHistory().catch(() => undefined);
  const stored = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!stored) throw new ExitError(ExitCode.BadInput, `kfed: no recorded run of federation ${name}; pass its spec with -f FILE`);
  // A history read raw holds payloads as stored: decrypted here when payload encryption is on.
  let payloads: Payload[] = [stored];
  for (const codec of [...(dataConverterFromEnv()?.payloadCodecs ?? [])].reverse()) payloads = await codec.decode(payloads);
  const [payload] = payloads;
  if (!payload) throw new ExitError(ExitCode.BadInput, `kfed: no recorded run of federation ${name}; pass its spec with -f FILE`);
  const spec = defaultPayloadConverter.fromPayload<FederationSpec>(payload);
  // Recorded inputs are normalized specs; check them again before acting on them.
  const source = `the recorded input of ${handle.workflowId}`;
  try {
    return validateSpec(specToDocument(spec), source);
  } catch (err) {
    if (err instanceof SpecError) throw specProblems(source, err);
    throw err;
  }
}
