import { executeChild } from '@temporalio/workflow';
import type { FederationSpec } from '../spec/types.js';
import type { RebuildSummary } from '../contract.js';
import { childIds, federate } from './federate.js';
import { teardown } from './teardown.js';

/**
 * Tears a federation down and builds it again: what scheduled nightly rebuilds run. Both halves
 * are child workflows under the federation's usual ids, so a rebuild can never overlap a manual
 * `kfed up` or `kfed down` of the same federation (Temporal refuses a second open run).
 */
export async function rebuild(spec: FederationSpec): Promise<RebuildSummary> {
  const ids = childIds();
  const down = await executeChild(teardown, { workflowId: ids.teardown(spec.name), args: [spec], staticSummary: `rebuild ${spec.name}: teardown` });
  const up = await executeChild(federate, { workflowId: ids.federation(spec.name), args: [spec], staticSummary: `rebuild ${spec.name}: federate` });
  return { teardown: down, federate: up };
}
