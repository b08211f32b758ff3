/**
 * Which kubeconfig files the worker reads, and how. A spec names `existing.kubeconfig`, but
 * whoever can start a workflow must not be able to make the worker read any file it can reach:
 * a kubeconfig's exec plugins run on the worker (which holds container.admin and dns.admin), its
 * `certificate-authority` file is read and its content would land in workflow history, and a FIFO
 * or /dev/zero would freeze it or exhaust its memory. So the worker reads only files it was told
 * to trust, only regular files, and only up to a size cap.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve, sep } from 'node:path';
import { InvalidSpecError, PermissionError } from '../errors.js';

/** The largest kubeconfig (or CA file) the worker reads. @default 1 MiB */
export const maxKubeconfigBytes = 1024 * 1024;

/** Where the worker may read kubeconfigs from. */
export interface KubeconfigTrust {
  /** Files trusted by name: the worker's own KUBECONFIG (or ~/.kube/config). */
  readonly files: readonly string[];
  /** Directories whose files (at any depth) are trusted: KFED_KUBECONFIG_DIRS. */
  readonly dirs: readonly string[];
}

/** The environment variable listing extra trusted directories (`:`-separated). */
export const kubeconfigDirsVar = 'KFED_KUBECONFIG_DIRS';

/** `~` or `~/…` → the worker's home directory (spec files name `~/.kube/config`; no shell expands it). */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/** The worker's own kubeconfig files: KUBECONFIG's entries, else ~/.kube/config. */
export function defaultKubeconfigFiles(env: Readonly<Partial<Record<string, string>>> = process.env): string[] {
  const fromEnv = env.KUBECONFIG?.split(delimiter).filter((f) => f.length > 0) ?? [];
  return fromEnv.length ? fromEnv : [join(homedir(), '.kube', 'config')];
}

/** What the worker trusts, from its environment. */
export function workerKubeconfigTrust(env: Readonly<Partial<Record<string, string>>> = process.env): KubeconfigTrust {
  return {
    files: defaultKubeconfigFiles(env),
    dirs: (env[kubeconfigDirsVar] ?? '').split(delimiter).filter((d) => d.length > 0),
  };
}

/** The path with symlinks resolved; a missing file is resolved lexically (so no file's existence leaks outside the trust). */
function real(path: string): string {
  try {
    return realpathSync(expandHome(path));
  } catch {
    return resolve(expandHome(path));
  }
}

/** Whether `path` (resolved, symlinks followed) is a trusted file or lies under a trusted directory. */
export function isTrusted(path: string, trust: KubeconfigTrust): boolean {
  const resolved = real(path);
  if (trust.files.some((f) => real(f) === resolved)) return true;
  return trust.dirs.some((d) => {
    const dir = real(d);
    return resolved.startsWith(dir.endsWith(sep) ? dir : `${dir}${sep}`);
  });
}

/**
 * Reads a file a kubeconfig needs: a regular file of at most {@link maxKubeconfigBytes}, opened
 * without blocking (a FIFO never hangs the worker). `label` names it in errors (e.g. `kubeconfig
 * F for cluster east`); errors never quote its content.
 * @throws InvalidSpecError for a missing, irregular or oversized file.
 */
export function readBounded(path: string, label: string): string {
  const fail = (problem: string): InvalidSpecError => new InvalidSpecError(`cannot read ${label}: ${problem}`, { resource: path });
  let fd: number;
  try {
    fd = openSync(expandHome(path), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw fail(code === 'ENOENT' ? 'no such file' : typeof code === 'string' ? code : 'unreadable');
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw fail('not a regular file');
    const tooLarge = `larger than ${maxKubeconfigBytes / 1024} KiB`;
    if (stat.size > maxKubeconfigBytes) throw fail(tooLarge);
    const buffer = Buffer.alloc(Math.min(stat.size, maxKubeconfigBytes) + 1);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    if (length > maxKubeconfigBytes) throw fail(tooLarge);
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a kubeconfig the worker trusts; a file outside the trust is refused before it is opened.
 * @throws PermissionError naming the file and how to trust it.
 */
export function readTrustedKubeconfig(path: string, trust: KubeconfigTrust, label = `kubeconfig ${path}`): string {
  if (!isTrusted(path, trust)) {
    throw new PermissionError(`the worker does not read ${label}: it is neither the worker's own kubeconfig nor in a directory the worker trusts`, {
      resource: path,
      hint: `list its directory in ${kubeconfigDirsVar} on the worker, or use a context of the worker's own KUBECONFIG`,
    });
  }
  return readBounded(path, label);
}
