import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file that holds credentials or points at them (a kubeconfig): mode 0600 from its
 * first byte, and atomically, through a temporary file in the same directory renamed over the
 * target, so a crash or a full disk leaves the old file whole rather than half-written. A
 * symlinked target stays a symlink: the file it points at is replaced.
 */
export function writePrivateFile(path: string, text: string): void {
  const target = existsSync(path) ? realpathSync(path) : path;
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const temp = join(dirname(target), `.${basename(target)}.kfed-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  // 'wx': never write through a file (or link) someone placed at the temporary name.
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(temp, target);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
