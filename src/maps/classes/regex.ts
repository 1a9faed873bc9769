/**
 * The `regex` class: the rest of the K line after the flags is a POSIX
 * regular expression (extended; basic with -b), matched against the key
 * without regard to case unless -f.  A hit returns the empty string, or with
 * -s the matched substrings (-s1,3 picks some; 0 is the whole match) joined
 * by -d's text (default the `$|` operator); -n inverts the test; -m returns
 * the key; -a is appended.  When -s is set, a `$@` argument of the lookup
 * replaces the substring list.  Unknown flags are ignored, as in sendmail.
 */
import { DOLLAR_BAR, MapOpenError, hasRawFlag, parseMapFlags, rawFlagValue, rewriteMapValue } from '../common.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../types.js';
import { PosixRegexError, compilePosixRegex, longestMatch } from './posixRegex.js';

/** A substring list such as `2,3` (each item read like atoi). */
export function parseFieldList(text: string): number[] {
  return text.split(',').map((item) => {
    const m = /^\s*[+-]?\d+/.exec(item);
    return m ? Math.max(0, parseInt(m[0], 10)) : 0;
  });
}

const outOfRange = (field: number, substrings: number): string =>
  `field (${field}) out of range, only ${substrings} substrings in pattern`;

class RegexMap implements SendmailMap {
  private readonly endForcing = new Map<number, RegExp>();

  constructor(
    readonly decl: MapDecl,
    private readonly env: MapEnvironment,
    private readonly regex: RegExp,
    private readonly substrings: number,
    private readonly fields: number[] | undefined,
    private readonly substringMode: boolean,
    private readonly delimiter: string,
    private readonly negate: boolean,
  ) {}

  lookup(key: string, args: readonly string[]): LookupResult {
    const { flags } = this.decl;
    // the whole-match extent only matters when substrings come back
    const match = this.substringMode && !flags.matchOnly ? longestMatch(this.regex, key, this.endForcing) : this.regex.exec(key);
    if ((match !== null) === this.negate) return { status: 'notfound' };
    if (flags.matchOnly || !this.substringMode || match === null) {
      return { status: 'found', value: rewriteMapValue('', key, [], flags) };
    }
    let fields = this.fields;
    if (args.length > 0) fields = parseFieldList(args[0]);
    fields ??= Array.from({ length: this.substrings }, (_, i) => i);
    for (const f of fields) {
      if (f >= this.substrings) {
        this.env.report(outOfRange(f, this.substrings));
        return { status: 'notfound' };
      }
    }
    const value = fields.map((f) => match[f] ?? '').join(this.delimiter);
    return { status: 'found', value: value + (flags.append ?? '') };
  }
}

export function createRegexMap(decl: MapDecl, env: MapEnvironment): SendmailMap {
  const { rest } = parseMapFlags(decl.rawArgs, decl.pos, { className: 'regex', mapName: decl.name });
  const { flags } = decl;
  let compiled: { regex: RegExp; groups: number };
  try {
    compiled = compilePosixRegex(rest, { basic: hasRawFlag(flags, 'b'), caseSensitive: flags.noFold });
  } catch (err) {
    if (err instanceof PosixRegexError) throw new MapOpenError(`pattern-compile-error: ${err.message}`, decl.pos);
    throw err;
  }
  const substrings = compiled.groups + 1;
  const substringMode = hasRawFlag(flags, 's');
  const list = rawFlagValue(flags, 's');
  const fields = list !== undefined && list !== '' ? parseFieldList(list) : undefined;
  for (const f of fields ?? []) {
    if (f >= substrings) throw new MapOpenError(outOfRange(f, substrings), decl.pos);
  }
  return new RegexMap(
    decl,
    env,
    compiled.regex,
    substrings,
    fields,
    substringMode,
    rawFlagValue(flags, 'd') ?? DOLLAR_BAR,
    hasRawFlag(flags, 'n'),
  );
}

registerMapClass('regex', createRegexMap);
