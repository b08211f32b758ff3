/**
 * Generations of a member's token: the join makes generation 0, every `kfed rotate` the next.
 * Pure functions of the token Secrets observed on the member, shared by join, plan and rotate.
 */
import { tokenGenerationKey } from '../names.js';
import type { SecretObject } from '../objects.js';

/** The generation of a member token Secret (its label; none: the join's first, 0). */
export function generationOf(secret: SecretObject): number {
  const value = secret.metadata.labels?.[tokenGenerationKey];
  const n = value === undefined ? 0 : Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/**
 * The generation in use among a join's token Secrets: the newest (0 when there are none). A
 * rotation registers its new token before it revokes the older ones, so the newest is the one
 * the host holds, or (after a rotation that failed halfway) the one a join moves it to.
 */
export function currentGeneration(secrets: readonly SecretObject[]): number {
  return secrets.reduce((newest, s) => Math.max(newest, generationOf(s)), 0);
}
