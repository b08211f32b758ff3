/**
 * bench/secrets-scan.json: the credential scan of every workflow history the benchmarks made,
 * per benchmark group, so the fault suite's R6 can report "all histories of both suites".
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeJson } from './results.js';

export interface SecretsScan {
  histories: number;
  /** Distinct secrets looked for (access tokens, join tokens). */
  tokens: number;
  /** `workflowId: what` for each secret found (empty is the goal). */
  found: string[];
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
  const total: SecretsScan = { histories: 0, tokens: 0, found: [] };
  for (const s of Object.values(groups)) {
    total.histories += s.histories;
    total.tokens += s.tokens;
    total.found.push(...s.found);
  }
  return total;
}

/** Merges this run's scans into the file (when given) and returns the total of this run. */
export function mergeScans(path: string | undefined, scans: Readonly<Record<string, SecretsScan>>): SecretsScan {
  if (path) {
    const previous = readScanFile(path)?.groups ?? {};
    writeJson(path, { date: new Date().toISOString(), groups: { ...previous, ...scans } } satisfies ScanFile);
  }
  return totalScan(scans);
}
