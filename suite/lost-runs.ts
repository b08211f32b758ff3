/**
 * The one replacement policy of both suites. A run is lost when the substrate under it broke (a
 * backing kwok cluster lost a process for good, see Lab.outcome): it says nothing about kfed, so
 * it is replaced and reported in the figure's note. Every other outcome, failures included, is a
 * trial and counts.
 */

/** Lost runs a group replaces at most: beyond that the machine is too broken to measure on. */
export const maxReplacements = 3;

/**
 * Runs `attempt(1)`, `attempt(2)`, … until `wanted` trials are kept, replacing each run that
 * `isLost` says was lost, at most {@link maxReplacements} times.
 */
export async function keepTrials<T>(wanted: number, attempt: (i: number) => Promise<T>, isLost: (r: T) => boolean): Promise<{ trials: T[]; lost: T[] }> {
  const trials: T[] = [];
  const lost: T[] = [];
  for (let i = 1; trials.length < wanted && lost.length <= maxReplacements; i++) {
    const r = await attempt(i);
    (isLost(r) ? lost : trials).push(r);
  }
  return { trials, lost };
}

/** The policy in a sentence, for the READMEs' footers. */
export const lostRunsRule = `Runs lost to the substrate (a backing kwok cluster lost a process for good) are replaced, at most ${maxReplacements} times per group, and listed in the note; every other outcome counts.`;
