/**
 * The credential scan of a suite's workflow histories, per group, kept in the suite's
 * secrets-scan.json so that the fault suite's credential figure can report "all histories of
 * both suites" whichever suite ran last.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeJson } from './results-files.js';

export interface SecretsScan {
  histories: number;
  /** Distinct secrets looked for (access tokens, join tokens). */
  tokens: number;
  /** `workflowId: what` for each secret found (empty is the goal). */
  found: string[];
}

export function emptyScan(): SecretsScan {
  return { histories: 0, tokens: 0, found: [] };
}

/** Adds one environment's scan (see Lab.scanHistories) to a group's. */
export function addScan(into: SecretsScan, scan: { histories: number; tokens: number; found: readonly (readonly [string, string])[] }): void {
  into.histories += scan.histories;
  into.tokens += scan.tokens;
  into.found.push(...scan.found.map(([id, what]) => `${id}: ${what}`));
}

interface ScanFile {
  readonly date: string;
  readonly groups: Record<string, SecretsScan>;
}

export function readScanFile(path: string): ScanFile | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ScanFile) : undefined;
}

/** Sum of the groups' scans. */
export function totalScan(groups: Readonly<Record<string, SecretsScan>>): SecretsScan {
  const total = emptyScan();
  for (const s of Object.values(groups)) {
    total.histories += s.histories;
    total.tokens += s.tokens;
    total.found.push(...s.found);
  }
  return total;
}

/** Merges this run's scans into the file and returns every group's scan the file now holds. */
export function mergeScans(path: string, scans: Readonly<Record<string, SecretsScan>>): Record<string, SecretsScan> {
  const groups = { ...(readScanFile(path)?.groups ?? {}), ...scans };
  writeJson(path, { date: new Date().toISOString(), groups } satisfies ScanFile);
  return groups;
}
