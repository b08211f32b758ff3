/**
 * How big a scenario's trials are: in full runs its own number of 2-cluster runs; in quick mode
 * (npm test) one run of one cluster, enough to keep the scenario's machinery from rotting.
 */
export function trialSize(quick: boolean, fullRuns: number): { runs: number; clusters: number } {
  return quick ? { runs: 1, clusters: 1 } : { runs: fullRuns, clusters: 2 };
}
