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
import { MAX_KEY_BYTES, type EntryTable } from './map-file.js';

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

/**
 * A makemap source's entries as byte ranges of one buffer (the input,
 * folded and NUL-terminated in place): no objects per line.  Entry `i` is
 * key `bytes[keyStart[i], keyEnd[i])`, value `bytes[valueStart[i],
 * valueEnd[i])`, from input line `line[i]`.
 */
export class SourceTable implements EntryTable {
  constructor(
    readonly bytes: Buffer,
    readonly count: number,
    readonly keyStart: Int32Array,
    readonly keyEnd: Int32Array,
    readonly valueStart: Int32Array,
    readonly valueEnd: Int32Array,
    readonly line: Int32Array,
  ) {}

  key(i: number): Buffer {
    return this.bytes.subarray(this.keyStart[i], this.keyEnd[i]);
  }

  value(i: number): Buffer {
    return this.bytes.subarray(this.valueStart[i], this.valueEnd[i]);
  }
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

/** ASCII upper case to lower case, in place (makemap folds in the C locale). */
export function foldAsciiInPlace(buf: Buffer): Buffer {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b >= 0x41 && b <= 0x5a) buf[i] = b + 0x20;
  }
  return buf;
}

/** A key or value for a message: up to a NUL, as text. */
export function printable(buf: Buffer): string {
  const nul = buf.indexOf(0);
  return (nul < 0 ? buf : buf.subarray(0, nul)).toString('latin1');
}

/** Growable Int32Array columns of a SourceTable under construction. */
class Columns {
  size = 0;
  cap: number;
  keyStart: Int32Array;
  keyEnd: Int32Array;
  valueStart: Int32Array;
  valueEnd: Int32Array;
  line: Int32Array;

  constructor(capacity: number) {
    this.cap = Math.max(16, capacity);
    this.keyStart = new Int32Array(this.cap);
    this.keyEnd = new Int32Array(this.cap);
    this.valueStart = new Int32Array(this.cap);
    this.valueEnd = new Int32Array(this.cap);
    this.line = new Int32Array(this.cap);
  }

  push(ks: number, ke: number, vs: number, ve: number, line: number): void {
    if (this.size === this.cap) this.grow();
    const i = this.size++;
    this.keyStart[i] = ks;
    this.keyEnd[i] = ke;
    this.valueStart[i] = vs;
    this.valueEnd[i] = ve;
    this.line[i] = line;
  }

  private grow(): void {
    this.cap *= 2;
    const more = (a: Int32Array): Int32Array => {
      const b = new Int32Array(this.cap);
      b.set(a);
      return b;
    };
    this.keyStart = more(this.keyStart);
    this.keyEnd = more(this.keyEnd);
    this.valueStart = more(this.valueStart);
    this.valueEnd = more(this.valueEnd);
    this.line = more(this.line);
  }
}

/**
 * Split makemap input into entries, in one pass over the bytes.  Keys are
 * folded in place; with -N the byte after each key and value (its
 * separator or newline) becomes the NUL, so `input` is changed (a copy with
 * one more byte is made when the input does not end with a newline).
 * Every line is reported at most once; entries come in input order
 * (duplicate handling is the caller's: it depends on -d / -r and on what
 * the map already holds).
 */
export function parseMakemapSource(
  input: Buffer,
  options: SourceOptions = {},
): { table: SourceTable; problems: SourceProblem[] } {
  const comment = (options.commentChar ?? '#').charCodeAt(0);
  const delim = options.delimiter !== undefined ? options.delimiter.charCodeAt(0) : -1;
  const fold = !options.noFold;
  const nul = options.includeNull === true;
  if (nul && input.length > 0 && input[input.length - 1] !== NL) {
    input = Buffer.concat([input, Buffer.from([NL])]);
  }
  const hasNulByte = input.indexOf(0) >= 0;
  const len = input.length;
  // a first guess of the line count: 40 bytes a line
  const cols = new Columns(Math.min(len >> 5, 1 << 22));
  const problems: SourceProblem[] = [];
  let lineNo = 0;
  let start = 0;
  while (start < len) {
    lineNo++;
    let end = input.indexOf(NL, start);
    if (end < 0) end = len;
    const lineStart = start;
    start = end + 1;
    if (end === lineStart) continue;
    const first = input[lineStart];
    if (first === comment) continue;
    if (hasNulByte && input.subarray(lineStart, end).indexOf(0) >= 0) {
      problems.push({ line: lineNo, message: 'NUL byte in input (not a text file?)', fatal: true });
      continue;
    }
    if (first === SPACE || first === TAB) {
      problems.push({ line: lineNo, message: 'syntax error (leading space)', fatal: true });
      continue;
    }
    const k = delim < 0 ? blankKeyEnd(input, lineStart, end, fold) : delimitedKeyEnd(input, lineStart, end, delim, fold);
    const v = delim < 0 ? skipBlanks(input, k, end) : skipByte(input, k, end, delim);
    if (v === end && !options.allowEmpty) {
      problems.push({ line: lineNo, message: `no RHS for LHS ${input.toString('latin1', lineStart, k)}`, fatal: true });
      continue;
    }
    let keyEnd = k;
    let valueEnd = end;
    if (nul) {
      // the separator (or the newline, for an empty value) after the key and
      // the newline after the value become their NULs
      input[k] = 0;
      input[end] = 0;
      keyEnd++;
      valueEnd++;
    }
    const keyLen = keyEnd - lineStart;
    if (keyLen === 0) {
      problems.push({ line: lineNo, message: 'empty key', fatal: true });
      continue;
    }
    if (keyLen > MAX_KEY_BYTES) {
      problems.push({ line: lineNo, message: `key too long (${MAX_KEY_BYTES} bytes max)`, fatal: true });
      continue;
    }
    cols.push(lineStart, keyEnd, v, valueEnd, lineNo);
  }
  const table = new SourceTable(input, cols.size, cols.keyStart, cols.keyEnd, cols.valueStart, cols.valueEnd, cols.line);
  return { table, problems };
}

// The scans below are small functions of their own: a makemap run parses
// once, cold, and V8 optimises a small function called for every line
// sooner than it compiles the whole parse loop on the fly.

/** Where a key ending at a blank (space, tab) ends; folds it to lower case on the way when `fold`. */
function blankKeyEnd(input: Buffer, from: number, end: number, fold: boolean): number {
  let k = from;
  for (; k < end; k++) {
    const b = input[k];
    if (b === SPACE || b === TAB) break;
    if (fold && b >= 0x41 && b <= 0x5a) input[k] = b + 0x20;
  }
  return k;
}

/** Where a key ending at `delim` (-t) ends; folds it to lower case on the way when `fold`. */
function delimitedKeyEnd(input: Buffer, from: number, end: number, delim: number, fold: boolean): number {
  let k = from;
  for (; k < end; k++) {
    const b = input[k];
    if (b === delim) break;
    if (fold && b >= 0x41 && b <= 0x5a) input[k] = b + 0x20;
  }
  return k;
}

/** The first position from `from` that is not a blank. */
function skipBlanks(input: Buffer, from: number, end: number): number {
  let v = from;
  while (v < end && (input[v] === SPACE || input[v] === TAB)) v++;
  return v;
}

/** The first position from `from` that is not `byte`. */
function skipByte(input: Buffer, from: number, end: number, byte: number): number {
  let v = from;
  while (v < end && input[v] === byte) v++;
  return v;
}
