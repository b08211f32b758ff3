import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { SpecError, specToDocument, validateSpec } from '../spec/parse.js';
import type { FederationSpec } from '../spec/types.js';
import { workflowIds } from '../contract.js';
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
  const history = await client.workflow
    .getHandle(workflowIds.federation(name))
    .fetchHistory()
    .catch(() => undefined);
  const payload = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new ExitError(ExitCode.BadInput, `kfed: no recorded run of federation ${name}; pass its spec with -f FILE`);
  const spec = await decodeRecorded<FederationSpec>(client, payload);
  // Recorded inputs are normalized specs; check them again before acting on them.
  const source = `the recorded input of ${workflowIds.federation(name)}`;
  try {
    return validateSpec(specToDocument(spec), source);
  } catch (err) {
    if (err instanceof SpecError) throw specProblems(source, err);
    throw err;
  }
}

/**
 * A payload as recorded in history, decoded as the client's data converter encodes it: history
 * holds what the payload codec made of it (ciphertext with KFED_PAYLOAD_KEY_FILE).
 */
async function decodeRecorded<T>(client: Client, payload: Payload): Promise<T> {
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  let decoded = payload;
  // Codecs encode in order, so they decode in reverse.
  for (const codec of [...payloadCodecs].reverse()) {
    const [next] = await codec.decode([decoded]);
    if (next) decoded = next;
  }
  return payloadConverter.fromPayload<T>(decoded);
}
