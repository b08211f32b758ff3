import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/**
 * Thrown when a file kfed was pointed at cannot be read as text: it is missing, is not a regular
 * file, is too large, or is not UTF-8. `reason` says which without quoting the file.
 */
export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

function notRegular(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

const errnoReasons: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many levels of symbolic links',
};

function errnoReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return errnoReasons[code] ?? `cannot be read (${code || 'unknown error'})`;
}

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

/**
 * The bytes of a regular file of at most `maxBytes`. Never blocks and never reads more than
 * `maxBytes + 1` bytes: the path is checked with stat before it is opened (a FIFO would block
 * an open, `/dev/zero` never ends), opened non-blocking, and checked again on the open
 * descriptor, so a file swapped in between is refused too.
 */
export function readLimitedFile(path: string, maxBytes: number): Buffer {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (err) {
    throw new UnreadableFileError(path, errnoReason(err));
  }
  const kind = notRegular(stats);
  if (kind) throw new UnreadableFileError(path, `is ${kind}, not a regular file`);
  const limit = `kfed reads files of at most ${size(maxBytes)}`;
  if (stats.size > maxBytes) throw new UnreadableFileError(path, `is ${size(stats.size)}; ${limit}`);
  let fd: number;
  try {
    // O_NONBLOCK: if the path became a FIFO after the stat, the open still returns at once.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw new UnreadableFileError(path, errnoReason(err));
  }
  try {
    const opened = fstatSync(fd);
    const openedKind = notRegular(opened);
    if (openedKind) throw new UnreadableFileError(path, `is ${openedKind}, not a regular file`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > maxBytes) throw new UnreadableFileError(path, `is larger than ${size(maxBytes)}; ${limit}`);
    return buffer.subarray(0, length);
  } catch (err) {
    if (err instanceof UnreadableFileError) throw err;
    throw new UnreadableFileError(path, errnoReason(err));
  } finally {
    closeSync(fd);
  }
}

/** Byte-order marks of encodings other than UTF-8, longest first (UTF-32 LE starts like UTF-16 LE). */
const byteOrderMarks: readonly [string, readonly number[]][] = [
  ['UTF-32 (little-endian)', [0xff, 0xfe, 0x00, 0x00]],
  ['UTF-32 (big-endian)', [0x00, 0x00, 0xfe, 0xff]],
  ['UTF-16 (little-endian)', [0xff, 0xfe]],
  ['UTF-16 (big-endian)', [0xfe, 0xff]],
];

function startsWith(bytes: Buffer, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

/** The encoding of text without a byte-order mark whose NUL bytes say it is UTF-16. */
function utf16WithoutMark(bytes: Buffer): string | undefined {
  const sample = bytes.subarray(0, 64);
  if (sample.length < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  sample.forEach((b, i) => {
    if (b === 0) {
      if (i % 2 === 0) evenZeros++;
      else oddZeros++;
    }
  });
  const half = Math.floor(sample.length / 2);
  if (oddZeros >= half * 0.75 && evenZeros === 0) return 'UTF-16 (little-endian)';
  if (evenZeros >= half * 0.75 && oddZeros === 0) return 'UTF-16 (big-endian)';
  return undefined;
}

/**
 * The UTF-8 text of a file's bytes (a UTF-8 byte-order mark is dropped). Other encodings are
 * named in the error, so the user knows what to convert; binary data is refused as such.
 */
export function decodeUtf8(path: string, bytes: Buffer): string {
  const convert = 'kfed reads UTF-8; convert it (e.g. iconv -t UTF-8)';
  for (const [encoding, mark] of byteOrderMarks) {
    if (startsWith(bytes, mark)) throw new UnreadableFileError(path, `is ${encoding} text; ${convert}`);
  }
  if (bytes.includes(0)) {
    const encoding = utf16WithoutMark(bytes);
    throw new UnreadableFileError(path, encoding ? `is ${encoding} text; ${convert}` : 'holds binary data (NUL bytes), not text');
  }
  const body = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new UnreadableFileError(path, `is not UTF-8 text; ${convert}`);
  }
}

/** A regular UTF-8 text file of at most `maxBytes` (see {@link readLimitedFile}, {@link decodeUtf8}). */
export function readTextFile(path: string, maxBytes: number): string {
  return decodeUtf8(path, readLimitedFile(path, maxBytes));
}
