/**
 * The `text` class: a plain file, read again whenever it changes.  Columns
 * are split by -z (one character, `\n`, `\t`) or, without it, by runs of
 * blanks; -k is the key column and -v the value column (both default 0, so
 * without -v the key column itself comes back, as in sendmail).  Keys
 * compare without regard to case (even with -f); lines starting with `#`
 * are comments; the first line with a key wins; a carriage return stays
 * part of the line.  A missing file, or one below a group- or
 * world-writable directory (see unsafeMapDirectory), is reported at the
 * first lookup (`unsafe map file`) and every lookup is then a temporary
 * failure; with -o a missing file makes the map just not open.
 */
import { readFileSync, statSync } from 'node:fs';
import { foldKey, foundResult, MapOpenError, NOT_FOUND_68, TEMP_FAIL_75, unsafeMapDirectory } from '../common.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../types.js';

/** Split one line into columns the way the text class does. */
export function splitColumns(line: string, delimiter: string | undefined): string[] {
  if (delimiter !== undefined) return line.split(delimiter);
  return line.split(/[ \t]+/).filter((c) => c.length > 0);
}

/** A column option (-k / -v): a number, else sendmail's complaint. */
function columnNumber(decl: MapDecl, flag: 'k' | 'v', text: string | undefined): number | string {
  if (text === undefined || text === '') return 0;
  if (!/^\d+$/.test(text)) {
    return `text map "${decl.name}", file ${decl.args[0]}: -${flag} should specify a number, not ${text}`;
  }
  return Number(text);
}

class TextMap implements SendmailMap {
  private reported = false;
  private failed = false;
  /** The directories above the file were checked (at the first lookup, as sendmail opens it). */
  private checked = false;
  private cache: { stamp: string; table: Map<string, string> } | undefined;

  constructor(
    readonly decl: MapDecl,
    private readonly env: MapEnvironment,
    private readonly path: string,
  ) {}

  lookup(key: string, args: readonly string[]): LookupResult {
    const { flags } = this.decl;
    const keyCol = columnNumber(this.decl, 'k', flags.keyColumn);
    const valueCol = columnNumber(this.decl, 'v', flags.valueColumn);
    const problem = typeof keyCol === 'string' ? keyCol : typeof valueCol === 'string' ? valueCol : undefined;
    if (problem !== undefined) return this.fail(problem);
    const unsafe = !this.checked && unsafeMapDirectory(this.path, this.env.option('DontBlameSendmail'));
    this.checked = true;
    const table = unsafe ? undefined : this.table(keyCol as number, valueCol as number);
    if (table === undefined) return this.fail(`text map "${this.decl.name}": unsafe map file ${this.path}`);
    if (this.failed) return TEMP_FAIL_75;
    const value = table.get(foldKey(key));
    return value === undefined ? NOT_FOUND_68 : foundResult(value, key, args, flags);
  }

  /**
   * The file as key -> value (first line per key wins), read again when it
   * changes on disk; undefined when it cannot be read.
   */
  private table(keyCol: number, valueCol: number): Map<string, string> | undefined {
    let stamp: string;
    try {
      const st = statSync(this.path);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return undefined;
    }
    if (this.cache && this.cache.stamp === stamp) return this.cache.table;
    let text: string;
    try {
      text = readFileSync(this.path, 'latin1');
    } catch {
      return undefined;
    }
    const table = new Map<string, string>();
    for (const line of text.split('\n')) {
      if (line.length === 0 || line.startsWith('#')) continue;
      const cols = splitColumns(line, this.decl.flags.delimiter);
      const k = cols[keyCol];
      const v = cols[valueCol];
      if (k === undefined || v === undefined) continue;
      const folded = foldKey(k);
      if (!table.has(folded)) table.set(folded, v);
    }
    this.cache = { stamp, table };
    return table;
  }

  /** sendmail reports a failed open once; the map then stays failed. */
  private fail(message: string): LookupResult {
    if (!this.reported) this.env.report(message);
    this.reported = true;
    this.failed = true;
    return TEMP_FAIL_75;
  }
}

export function createTextMap(decl: MapDecl, env: MapEnvironment): SendmailMap {
  const path = decl.args[0];
  if (path === undefined) throw new MapOpenError(`No file name for text map ${decl.name}`, decl.pos);
  if (decl.flags.optional) {
    try {
      statSync(path);
    } catch {
      throw new MapOpenError(`text map "${decl.name}": missing file ${path}`, decl.pos, true);
    }
  }
  return new TextMap(decl, env, path);
}

registerMapClass('text', createTextMap);
