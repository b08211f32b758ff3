/**
 * Quoting user input back in messages. Input can be anything a file or a command line holds: a
 * megabyte-long line, terminal escape sequences, right-to-left overrides, or the contents of a
 * file that was never a spec. Messages show at most a short, escaped prefix of it.
 */

/** How many characters of a value a message shows. @default 60 */
export const quotedLength = 60;

/** Characters a terminal would act on or hide: C0/C1 controls, bidi overrides, zero-width marks. */
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

function escape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * A value as a message quotes it: JSON-style double quotes, unsafe characters escaped, cut to
 * {@link quotedLength} characters with the full length said when cut. Non-strings are shown by
 * type (`a number`, `a list`), never expanded.
 */
export function quote(value: unknown, max = quotedLength): string {
  if (typeof value === 'string') {
    const cut = value.length > max ? `${value.slice(0, max)}…` : value;
    const body = cut.replace(/["\\]/g, (c) => `\\${c}`).replace(unsafe, escape);
    return value.length > max ? `"${body}" (${value.length} characters)` : `"${body}"`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

/** Field names a message may echo as they are: short, plain identifiers. */
const plainName = /^[A-Za-z_][A-Za-z0-9_.-]{0,39}$/;

/**
 * A field name as a path segment in a message. A plain identifier is shown as is (a typo like
 * `nodeCount` must be recognizable); anything else says only how long it is, since a name that is
 * not an identifier is content (a password line, a key) more often than a typo.
 */
export function fieldName(name: string): string {
  return plainName.test(name) ? name : `<a field name of ${name.length} characters>`;
}

/** Text with unsafe characters escaped, cut to `max` characters: for messages built from input. */
export function printable(text: string, max = 200): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(unsafe, escape);
}

/** A path or argument as a message shows it: as is when short printable text, else {@link quote}d. */
export function shown(value: string, max = 200): string {
  return value.length > 0 && value.length <= max && /^[\x21-\x7e][\x20-\x7e]*$/.test(value) ? value : quote(value, max);
}
