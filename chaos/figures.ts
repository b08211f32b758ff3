/** Every fault-suite figure: what it means, its unit and its goal, in the tables' order. */
import { FigureRegistry, type Goal } from '../suite/figures.js';

export const chaosFigures = new FigureRegistry({
  R1_completed: { title: 'runs completed with a SIGKILL of the worker at a random moment + restart (of 20)', unit: 'runs', goal: '== 20' },
  R1_duplicate_creates: { title: 'duplicate creates over those runs', unit: 'creates', goal: '== 0' },
  R1_orphans: { title: 'resources left that no spec owns, over those runs', unit: 'resources', goal: '== 0' },
  R2_completed: { title: 'runs completed with the Temporal server killed and restarted mid-run (of 3)', unit: 'runs', goal: '== 3' },
  R3_completed: { title: 'runs completed under 20% transient errors + 429 bursts on every emulator method (of 5)', unit: 'runs', goal: '== 5' },
  R4_seconds_to_failed: { title: 'permanent error at each step: seconds from the error to a failed run', unit: 's', goal: '<= 10' },
  R4_leftovers: { title: 'leftovers after those failed runs with onFailure: teardown', unit: 'resources', goal: '== 0' },
  R6_credentials_found: { title: 'credential material in all workflow histories of both suites', unit: 'finds', goal: '== 0' },
  R7_runs_started: { title: 'runs started by two concurrent `kfed up` of one federation', unit: 'runs', goal: '== 1' },
  R8_leftovers: { title: 'leftovers of `kfed down` after a failure injected at each step', unit: 'resources', goal: '== 0' },
  R9_foreign_lost: { title: 'foreign resources lost across `kfed down`, onFailure: teardown re-runs, a rebuild and second federations', unit: 'resources', goal: '== 0' },
  R10_hostile_handled: { title: 'hostile inputs handled (exit 2, no stack trace, no hang), of the corpus', unit: '%', goal: '== 100' },
});

/** The goal of an "all runs completed" figure: every trial run, however many quick mode runs. */
export function allOf(trials: number): Goal {
  return `== ${trials}`;
}
