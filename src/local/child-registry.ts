import type { ChildProcess } from 'node:child_process';

/**
 * Children this process started and must not leave behind: each one is killed when this
 * process exits. NOTE: only processes we spawned are tracked, so
 * servers started by someone else are never touched.
 */
const children = new Set<ChildProcess>();
const cleanups = new Set<() => void>();
let installed = false;

function killAll(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // best effort during exit
    }
  }
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  // NOTE: only 'exit' is hooked. Entry points own SIGINT/SIGTERM (the worker drains, the CLI
  // detaches) and end with process.exit, which runs this.
  process.on('exit', killAll);
}

export function trackChild(child: ChildProcess): void {
  install();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Registers a synchronous cleanup to run at exit; returns a function that unregisters it. */
export function onExitCleanup(cleanup: () => void): () => void {
  install();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}
