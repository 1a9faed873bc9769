/**
 * src/maps/lmdb/makemap-source.ts — reading makemap's input: `key value` lines.
 *
 * The rules are makemap's: blank lines and lines starting with the comment
 * character are skipped; a line starting with a blank is a syntax error; the
 * key ends at the first blank (or at the -t delimiter), the value starts
 * after the run of blanks (delimiters) that follows; the key is folded to
 * lower case unless -f; -N adds a NUL to key and value; an empty value is an
 * error unless -e.  Messages are makemap's, without the `makemap: NAME: `
 * prefix the command adds.
 */
import { MAX_KEY_BYTES } from './map-file.js';

export interface SourceOptions {
  /** -D: comment character (default '#'). */
  commentChar?: string;
  /** -t: key/value delimiter instead of blanks. */
  delimiter?: string;
  /** -f: keep the key's case. */
  noFold?: boolean;
  /** -N: store key and value with a trailing NUL. */
  includeNull?: boolean;
  /** -e: allow an empty value. */
  allowEmpty?: boolean;
}

export interface SourceEntry {
  key: Buffer;
  value: Buffer;
  line: number;
}

export interface SourceProblem {
  line: number;
  message: string;
  /**
   * A fatal problem means the source is broken (a line without value, a
   * syntax error, binary data): the map is not changed.  Others (duplicate
   * keys) only drop the line, as makemap does.
   */
  fatal: boolean;
}

const SPACE = 0x20;
const TAB = 0x09;
const NL = 0x0a;
const isBlank = (b: number): boolean => b === SPACE || b === TAB;

/** ASCII upper case to lower case, in place (makemap folds in the C locale). */
export function foldAsciiInPlace(buf: Buffer): Buffer {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b >= 0x41 && b <= 0x5a) buf[i] = b + 0x20;
  }
  return buf;
}

function withNul(buf: Buffer): Buffer {
  const out = Buffer.allocUnsafe(buf.length + 1);
  buf.copy(out);
  out[buf.length] = 0;
  return out;
}

/** A key or value for a message: up to a NUL, as text. */
export function printable(buf: Buffer): string {
  const nul = buf.indexOf(0);
  return (nul < 0 ? buf : buf.subarray(0, nul)).toString('latin1');
}

/**
 * Split makemap input into entries.  Keys and values are views into
 * `input`, whose keys are folded in place.  Every line is reported at most once;
 * entries come in input order (duplicate handling is the caller's: it
 * depends on -d / -r and on what the map already holds).
 */
export function parseMakemapSource(
  input: Buffer,
  options: SourceOptions = {},
): { entries: SourceEntry[]; problems: SourceProblem[] } {
  const comment = (options.commentChar ?? '#').charCodeAt(0);
  const delim = options.delimiter !== undefined ? options.delimiter.charCodeAt(0) : undefined;
  const isSep = delim === undefined ? isBlank : (b: number) => b === delim;
  const entries: SourceEntry[] = [];
  const problems: SourceProblem[] = [];
  let lineNo = 0;
  let start = 0;
  while (start < input.length) {
    let end = input.indexOf(NL, start);
    if (end < 0) end = input.length;
    lineNo++;
    const line = input.subarray(start, end);
    start = end + 1;
    if (line.length === 0 || line[0] === comment) continue;
    if (line.indexOf(0) >= 0) {
      problems.push({ line: lineNo, message: 'NUL byte in input (not a text file?)', fatal: true });
      continue;
    }
    if (isBlank(line[0])) {
      problems.push({ line: lineNo, message: 'syntax error (leading space)', fatal: true });
      continue;
    }
    let k = 0;
    while (k < line.length && !isSep(line[k])) k++;
    let v = k;
    while (v < line.length && isSep(line[v])) v++;
    // views into `input` (folded in place): no copy per line
    let key: Buffer = line.subarray(0, k);
    let value: Buffer = line.subarray(v);
    if (!options.noFold) foldAsciiInPlace(key);
    if (value.length === 0 && !options.allowEmpty) {
      problems.push({ line: lineNo, message: `no RHS for LHS ${printable(key)}`, fatal: true });
      continue;
    }
    if (options.includeNull) {
      key = withNul(key);
      value = withNul(value);
    }
    if (key.length === 0) {
      problems.push({ line: lineNo, message: 'empty key', fatal: true });
      continue;
    }
    if (key.length > MAX_KEY_BYTES) {
      problems.push({ line: lineNo, message: `key too long (${MAX_KEY_BYTES} bytes max)`, fatal: true });
      continue;
    }
    entries.push({ key, value, line: lineNo });
  }
  return { entries, problems };
}
