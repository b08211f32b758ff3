/**
 * Running a suite's groups: each one after the machine has settled, in its own environments (or
 * quick mode's one shared environment), with the credential scan of every environment kept per
 * group; a group that throws leaves its figures "not measured" with the reason.
 */
import type { FigureRegistry, Figure } from './figures.js';
import { Lab } from './lab.js';
import { loadNow, waitForIdle, withLoadNote } from './load.js';
import type { Log } from './log.js';
import type { Profile } from './profiles.js';
import { suiteFiles } from './results-files.js';
import { addScan, emptyScan, mergeScans, readScanFile, type SecretsScan } from './secrets-scan.js';

/** What a group gets to measure with. */
export interface SuiteContext {
  readonly quick: boolean;
  /** Group or figure ids given with `--only` (a group may run only some of its figures). */
  readonly only?: ReadonlySet<string>;
  readonly log: Log;
  /** The figures so far; a group sets its own. */
  readonly figures: Record<string, Figure>;
  /**
   * Runs `fn` in an environment: quick mode's shared one, else a fresh one of `profile`, whose
   * histories are scanned for credentials before it stops.
   */
  inLab<T>(profile: Profile, fn: (lab: Lab) => Promise<T>): Promise<T>;
}

/** One benchmark group or fault scenario. */
export interface Group {
  /** Its id on the command line (`--only P1`). */
  readonly id: string;
  /** The figures it sets; they read "not measured" when it throws. */
  readonly figures: readonly string[];
  run(ctx: SuiteContext): Promise<void>;
}

/** A group that runs after every environment is scanned and stopped: it reads the scans. */
export interface ClosingGroup {
  readonly id: string;
  readonly figures: readonly string[];
  /** `scans`: this suite's scans per group (in full runs, all its secrets-scan.json holds). */
  run(ctx: Pick<SuiteContext, 'quick' | 'log' | 'figures'>, scans: Readonly<Record<string, SecretsScan>>): void;
}

export interface Suite {
  /** "kfed benchmarks", for the first log line. */
  readonly name: string;
  /** Where its results files live. */
  readonly dir: string;
  readonly registry: FigureRegistry;
  readonly intro: string;
  readonly footer: string;
  readonly groups: readonly Group[];
  /** Quick mode (npm test): these groups, all in one environment of this profile. */
  readonly quick: { readonly profile: Profile; readonly groups: readonly Group[] };
  readonly closing?: ClosingGroup;
}

export interface RunOptions {
  readonly quick: boolean;
  readonly only?: ReadonlySet<string>;
  readonly log: Log;
}

function selected(group: { id: string; figures: readonly string[] }, only: ReadonlySet<string> | undefined): boolean {
  return !only || only.has(group.id) || group.figures.some((id) => only.has(id));
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs the selected groups (quick mode: the quick ones) and the closing group; calls `onGroup`
 * with the figures so far after each. Full runs merge each group's scan into the suite's
 * secrets-scan.json as it finishes, so an interrupted run keeps what it scanned.
 */
export async function runGroups(suite: Suite, options: RunOptions, onGroup?: (figures: Record<string, Figure>) => void): Promise<{ figures: Record<string, Figure>; scans: Record<string, SecretsScan> }> {
  const figures: Record<string, Figure> = {};
  const scans: Record<string, SecretsScan> = {};
  const scanFile = options.quick ? undefined : suiteFiles(suite.dir).secretsScan;
  const shared = options.quick ? await Lab.start(suite.quick.profile) : undefined;
  let scan = emptyScan();
  if (shared) scans.quick = scan;
  const scanLab = async (lab: Lab): Promise<void> => {
    try {
      addScan(scan, await lab.scanHistories());
    } catch (err) {
      options.log(`secrets scan failed: ${reasonOf(err)}`);
    }
  };
  const ctx: SuiteContext = {
    quick: options.quick,
    ...(options.only ? { only: options.only } : {}),
    log: options.log,
    figures,
    async inLab(profile, fn) {
      if (shared) return fn(shared);
      const lab = await Lab.start(profile);
      try {
        return await fn(lab);
      } finally {
        await scanLab(lab);
        await lab.stop();
      }
    },
  };
  const failed = (group: { id: string; figures: readonly string[] }, err: unknown): void => {
    options.log(`${group.id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    for (const id of group.figures) figures[id] ??= suite.registry.notMeasured(id, `${group.id} failed: ${reasonOf(err)}`);
  };
  try {
    for (const group of (options.quick ? suite.quick.groups : suite.groups).filter((g) => selected(g, options.only))) {
      if (!shared) {
        scan = emptyScan();
        scans[group.id] = scan;
      }
      const before = new Set(Object.keys(figures));
      const load = options.quick ? 0 : await waitForIdle(options.log);
      try {
        await group.run(ctx);
        if (!options.quick) withLoadNote(figures, Object.keys(figures).filter((id) => !before.has(id)), load, loadNow());
      } catch (err) {
        failed(group, err);
      }
      if (scanFile) mergeScans(scanFile, { [group.id]: scans[group.id] ?? emptyScan() });
      onGroup?.(figures);
    }
  } finally {
    if (shared) {
      await scanLab(shared);
      await shared.stop();
    }
  }
  const closing = suite.closing;
  if (closing && selected(closing, options.only)) {
    try {
      closing.run(ctx, scanFile ? (readScanFile(scanFile)?.groups ?? scans) : scans);
    } catch (err) {
      failed(closing, err);
    }
    onGroup?.(figures);
  }
  return { figures, scans };
}
