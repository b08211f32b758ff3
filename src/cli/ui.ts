import { readLocalState } from '../local/state.js';

/**
 * The Temporal UI base URL: KFED_TEMPORAL_UI_URL, else the local environment's UI when
 * `npm start` runs one, else unknown.
 */
export function uiBaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.KFED_TEMPORAL_UI_URL ?? readLocalState()?.temporal.uiUrl;
}

/** A link to one run in the Temporal UI, when the UI is known. */
export function runLink(namespace: string, workflowId: string, runId?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = uiBaseUrl(env);
  if (!base) return undefined;
  const path = `/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${runId}` : ''}`;
  return `${base.replace(/\/$/, '')}${path}/history`;
}
