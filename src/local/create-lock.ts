import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from './state.js';

/**
 * Serializes `kwokctl create cluster` across this machine. kwokctl picks its ports by scanning
 * down from a fixed number and taking the first one free *now* (kwok pkg/utils/net
 * GetUnusedPort), so two creates in flight pick the same ports and one cluster ends up talking
 * to the other's API server. Once a create returns, its components listen and later scans skip
 * those ports. In-process callers queue on a promise; other processes on a lock file holding
 * the owner's pid (a dead owner's lock is taken over).
 */
const lockPath = join(tmpdir(), 'kfed-kwokctl-create.lock');
let queue: Promise<unknown> = Promise.resolve();

function tryAcquire(): boolean {
  try {
    const fd = openSync(lockPath, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    let owner: number;
    try {
      owner = Number(readFileSync(lockPath, 'utf8'));
    } catch {
      return false;
    }
    if (owner && owner !== process.pid && !processAlive(owner)) {
      try {
        unlinkSync(lockPath);
      } catch {
        // another process took it over first
      }
    }
    return false;
  }
}

async function acquire(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!tryAcquire()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockPath} (another kwokctl create is running)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function release(): void {
  try {
    if (Number(readFileSync(lockPath, 'utf8')) === process.pid) unlinkSync(lockPath);
  } catch {
    // already gone
  }
}

/** Runs `fn` while holding the machine-wide create lock. */
export function withCreateLock<T>(fn: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  const run = queue.then(async () => {
    await acquire(timeoutMs);
    try {
      return await fn();
    } finally {
      release();
    }
  });
  queue = run.catch(() => undefined);
  return run;
}
