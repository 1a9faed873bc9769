/**
 * src/maps/common.ts — what every map class shares.
 *
 * - `parseMapFlags`: the generic flags of a `K` line (op.txt 5.9), the way
 *   sendmail reads them: each flag starts with `-`, its value is glued to it
 *   (`-a.FOUND`, `-T<TMPF>`, `-z:`), `-k`/`-v` may have blanks before their
 *   value, an unknown letter is reported as `Illegal option X map NAME` and
 *   skipped, and the first word not starting with `-` ends the flags.
 * - `rewriteMapValue`: `%0`..`%9` substitution, `%%`, the `-a` suffix and `-m`.
 * - `mapKeyCandidates`: the lookup-time key rules of keyed classes (case
 *   folding unless -f, the trailing NUL of -N / -O); `dequoteMapKey`: the
 *   dequoting (unless -q) the engine does to a `$( $)` key.
 * - `MapOpenError`: a map that cannot be opened, with sendmail's message.
 * - `writableDirectories`, `unsafeMapDirectory`: sendmail's check of the
 *   directories above a map file.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { LookupResult, MapFlags, SourcePos } from './types.js';

/**
 * A map could not be opened; `message` is sendmail's text for it, without
 * the `file: line N: ` prefix (`describe()` adds it).  `silent` is set for an
 * optional (-o) map: sendmail says nothing, the map is simply "not open"
 * (`/map` prints `Map named "x" not open`, `$( $)` finds nothing).
 */
export class MapOpenError extends Error {
  constructor(
    message: string,
    /** Where the map was declared, when known. */
    readonly pos?: SourcePos,
    readonly silent = false,
    /** said, but the cf is not one with read errors for it (the map is just not open) */
    readonly warning = false,
  ) {
    super(message);
    this.name = 'MapOpenError';
  }

  /** The message as sendmail prints it while reading the cf. */
  describe(): string {
    return this.pos ? `${this.pos.file}: line ${this.pos.line}: ${this.message}` : this.message;
  }
}

/**
 * The byte sendmail uses for the `$|` operator (0x9B), which regex -s
 * without -d puts between substrings.  Like sendmail, a map result keeps it
 * inside its atom (the trace shows `com$|bob`, `/map` the raw byte); the
 * engine's printer is what shows it as `$|`.
 */
export const DOLLAR_BAR = '\u009b';

/** `file: line N: message`, the way sendmail prefixes what it says while reading the cf. */
export function atDecl(pos: SourcePos, message: string): string {
  return `${pos.file}: line ${pos.line}: ${message}`;
}

/**
 * Letters sendmail's generic flag parser accepts.  Class-specific letters
 * (CLASS_FLAG_SYNTAX) are kept in `flags.raw` for the class to read.
 */
const GENERIC_FLAG_LETTERS = new Set([...'AaDdfkmNOoqSTtvz']);

/** A K line's flags before the file name / arguments, split the sendmail way. */
export interface ParsedMapFlags {
  flags: MapFlags;
  /** What follows the flags, split at white space. */
  args: string[];
  /** The text after the flags, as written (leading blanks removed). */
  rest: string;
  /** Diagnostics, e.g. `x.cf: line 12: Illegal option Q map aliases`. */
  problems: string[];
}

export interface ParseMapFlagsOptions {
  /** The map's name, for `Illegal option X map NAME`. */
  mapName?: string;
  /**
   * The class, to apply its own flag syntax (see CLASS_FLAG_SYNTAX): some
   * classes take extra letters, some ignore unknown ones, some take none.
   */
  className?: string;
}

interface ClassFlagSyntax {
  /** Letters beyond the generic ones. */
  letters?: string;
  /** Letters whose value may follow after blanks. */
  spaced?: string;
  /** Unknown letters are silently skipped (sendmail's own parser for the class). */
  ignoreUnknown?: boolean;
  /** The class takes no flags: everything after the class is arguments. */
  noFlags?: boolean;
  /** Name printed in `Illegal option X map NAME` instead of the map's. */
  nameInMessage?: string;
  /** The only letters the class knows: any other one silently ends the flags (rest ignored). */
  only?: string;
}

/** Flag syntax of the classes whose K line sendmail parses its own way (checked with sendmail 8.17). */
export const CLASS_FLAG_SYNTAX: Readonly<Record<string, ClassFlagSyntax>> = {
  regex: { letters: 'nbsdBS', ignoreUnknown: true },
  host: { letters: 'rdR', ignoreUnknown: true },
  dns: { letters: 'RrdBZ', spaced: 'RB', ignoreUnknown: true },
  dequote: { letters: 's', only: 'sS' },
  arith: { ignoreUnknown: true },
  macro: { ignoreUnknown: true },
  arpa: { only: 'a' },
  sequence: { noFlags: true },
  switch: { noFlags: true },
  syslog: { letters: 'L', nameInMessage: 'syslog' },
  socket: { letters: 'd' },
  ldap: { letters: 'cRnVrshpHbdMPw1KZ', spaced: 'hbpdsrcMPVwZH', ignoreUnknown: true },
};

/** Fresh flags, nothing set. */
export function emptyMapFlags(): MapFlags {
  return {
    optional: false,
    includeNull: false,
    tryNullBoth: false,
    noFold: false,
    matchOnly: false,
    noDequote: false,
    appendDuplicates: false,
    deferLookup: false,
    noTempfailLog: false,
    raw: [],
  };
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** `-z` value: one character, or `\n` / `\t`; any other backslash pair is `\`. */
export function parseDelimiter(text: string): string | undefined {
  if (text.length === 0) return undefined;
  if (text[0] !== '\\') return text[0];
  const c = text[1];
  if (c === 'n') return '\n';
  if (c === 't') return '\t';
  return '\\';
}

/**
 * Parse the generic flags at the start of `rawArgs` (the text after the
 * class name).  Never throws: unknown letters become `problems` entries
 * worded like sendmail's `Illegal option X map NAME`, prefixed by the
 * declaration's position.
 */
export function parseMapFlags(
  rawArgs: string,
  pos: SourcePos,
  options: ParseMapFlagsOptions = {},
): ParsedMapFlags {
  const flags = emptyMapFlags();
  const problems: string[] = [];
  const syntax = CLASS_FLAG_SYNTAX[(options.className ?? '').toLowerCase()] ?? {};
  if (syntax.noFlags) {
    const rest = rawArgs.replace(/^\s+/, '');
    return { flags, args: rest.split(/\s+/).filter((w) => w.length > 0), rest, problems };
  }
  const classLetters = new Set([...(syntax.letters ?? '')]);
  const spaced = new Set([...'kv', ...(syntax.spaced ?? '')]);
  let i = 0;
  const n = rawArgs.length;
  for (let guard = 0; guard <= n; guard++) {
    while (i < n && isBlank(rawArgs[i])) i++;
    if (i >= n || rawArgs[i] !== '-') break;
    const start = i;
    i++;
    const letter = rawArgs[i] ?? '';
    const illegal = (shown: string): void => {
      if (syntax.ignoreUnknown) return;
      const name = syntax.nameInMessage ?? options.mapName ?? '';
      problems.push(atDecl(pos, `Illegal option ${shown} map ${name}`));
    };
    if (syntax.only !== undefined && !syntax.only.includes(letter)) {
      i = n;
      break;
    }
    if (letter === '' || isBlank(letter)) {
      // a lone `-`: sendmail takes the blank after it as the letter
      flags.raw.push('-');
      illegal(' ');
      continue;
    }
    i++;
    let valueStart = i;
    if (spaced.has(letter)) while (valueStart < n && isBlank(rawArgs[valueStart])) valueStart++;
    let end = valueStart;
    while (end < n && !isBlank(rawArgs[end])) end++;
    const value = rawArgs.slice(valueStart, end);
    i = end;
    flags.raw.push(spaced.has(letter) ? `-${letter}${value}` : rawArgs.slice(start, end));
    if (classLetters.has(letter)) continue;
    if (!GENERIC_FLAG_LETTERS.has(letter)) {
      illegal(letter);
      continue;
    }
    applyGenericFlag(flags, letter, value);
  }
  const rest = rawArgs.slice(i).replace(/^\s+/, '');
  const args = rest.length > 0 ? rest.split(/\s+/).filter((w) => w.length > 0) : [];
  return { flags, args, rest, problems };
}

function applyGenericFlag(flags: MapFlags, letter: string, value: string): void {
  switch (letter) {
    case 'A': flags.appendDuplicates = true; break;
    case 'a': flags.append = value; break;
    case 'D': flags.deferLookup = true; break;
    case 'd': break; // timeout: read by the classes that use one (raw)
    case 'f': flags.noFold = true; break;
    case 'k': flags.keyColumn = value; break;
    case 'm': flags.matchOnly = true; break;
    case 'N': flags.includeNull = true; break;
    case 'O': flags.tryNullBoth = true; break;
    case 'o': flags.optional = true; break;
    case 'q': flags.noDequote = true; break;
    case 'S': if (value.length > 0) flags.spaceSub = value[0]; break;
    case 'T': flags.tempfailAppend = value; break;
    case 't': flags.noTempfailLog = true; break;
    case 'v': flags.valueColumn = value; break;
    case 'z': flags.delimiter = parseDelimiter(value); break;
  }
}

/** Last value of a class-specific flag letter in `flags.raw`, or undefined. */
export function rawFlagValue(flags: MapFlags, letter: string): string | undefined {
  let found: string | undefined;
  for (const r of flags.raw) if (r[1] === letter) found = r.slice(2);
  return found;
}

/** Whether a class-specific flag letter was given. */
export function hasRawFlag(flags: MapFlags, letter: string): boolean {
  return flags.raw.some((r) => r[1] === letter);
}

/**
 * The text a successful lookup yields: `value` with `%0` = key and
 * `%1`..`%9` = `args` substituted (`%%` is `%`, a `%` before any other
 * character stays, a missing argument is empty), then the `-a` suffix.
 * With -m the key comes back unchanged (no substitution) plus the suffix.
 */
export function rewriteMapValue(value: string, key: string, args: readonly string[], flags: MapFlags): string {
  let out: string;
  if (flags.matchOnly) out = key;
  else out = substitutePercent(value, [key, ...args]);
  if (flags.append !== undefined) out += flags.append;
  return out;
}

/** `%n` substitution as sendmail's map rewriting does it; `av[0]` is the key. */
export function substitutePercent(text: string, av: readonly string[]): string {
  if (!text.includes('%')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '%' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const d = text[++i];
    if (d >= '0' && d <= '9') {
      out += av[d.charCodeAt(0) - 48] ?? '';
    } else {
      if (d !== '%') out += '%';
      out += d;
    }
  }
  return out;
}

/** A found result built with `rewriteMapValue`. */
export function foundResult(value: string, key: string, args: readonly string[], flags: MapFlags): LookupResult {
  return { status: 'found', value: rewriteMapValue(value, key, args, flags) };
}

export const NOT_FOUND: LookupResult = Object.freeze({ status: 'notfound' }) as LookupResult;
export const TEMP_FAIL: LookupResult = Object.freeze({ status: 'tempfail' }) as LookupResult;
/** Not found with sendmail's status 68 (EX_NOHOST), as text, host, dns, null ... maps say. */
export const NOT_FOUND_68: LookupResult = Object.freeze({ status: 'notfound', code: 68 }) as LookupResult;
/** Temporary failure with sendmail's status 75 (EX_TEMPFAIL). */
export const TEMP_FAIL_75: LookupResult = Object.freeze({ status: 'tempfail', code: 75 }) as LookupResult;

/**
 * sendmail's stripquotes: drop every double quote and every backslash that
 * escapes the next character (the escaped character stays).  The engine
 * applies it to a `$( $)` key unless the map has -q; `/map` does not.
 */
export function stripQuotes(key: string): string {
  if (!key.includes('"') && !key.includes('\\')) return key;
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    if (c === '\\' && i + 1 < key.length) {
      out += key[++i];
      continue;
    }
    if (c === '"') continue;
    out += c;
  }
  return out;
}

/** The key a `$( $)` lookup passes to the map: dequoted unless -q. */
export function dequoteMapKey(key: string, flags: MapFlags): string {
  return flags.noDequote ? key : stripQuotes(key);
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * ASCII lower case (sendmail folds with the C locale): an ASCII key goes
 * through the engine's own toLowerCase (the fast path of every lookup); a
 * key with other characters keeps them as they are.
 */
export function foldKey(key: string): string {
  if (!NON_ASCII.test(key)) return key.toLowerCase();
  return key.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/**
 * The key forms a keyed class (text, hash, btree, ...) looks up, in order:
 * folded to lower case unless -f, then with a trailing NUL (-N), without
 * (-O), both (neither flag: sendmail's adaptive default, without first), or
 * none (both flags: nothing ever matches).  Dequoting is not done here: it
 * belongs to `$( $)` (see dequoteMapKey), `/map` passes the key as typed.
 */
export function mapKeyCandidates(key: string, flags: MapFlags): string[] {
  const k = flags.noFold ? key : foldKey(key);
  if (flags.includeNull && flags.tryNullBoth) return [];
  if (flags.includeNull) return [k + '\0'];
  if (flags.tryNullBoth) return [k];
  return [k, k + '\0'];
}

/** The key as a keyed class compares it (folded unless -f). */
export function normalizeMapKey(key: string, flags: MapFlags): string {
  return flags.noFold ? key : foldKey(key);
}

/** Replace blanks by the -S character when one is set. */
export function applySpaceSub(text: string, flags: MapFlags): string {
  return flags.spaceSub !== undefined ? text.replace(/ /g, flags.spaceSub) : text;
}

/** The DontBlameSendmail option's words, lower case. */
export function dontBlameWords(option: string | undefined): Set<string> {
  return new Set((option ?? '').toLowerCase().split(/[\s,]+/).filter((w) => w.length > 0));
}

/** A directory others may write to, as sendmail's tools name it. */
export interface WritableDirectory {
  dir: string;
  what: 'World writable directory' | 'Group writable directory';
  sticky: boolean;
}

/**
 * The directories above `path` (from / down to its own) that are world or
 * group writable.  The walk stops at a directory that cannot be read (the
 * open will tell why).
 */
export function writableDirectories(path: string): WritableDirectory[] {
  const dirs: string[] = [];
  for (let d = dirname(resolve(path)); ; d = dirname(d)) {
    dirs.unshift(d);
    if (dirname(d) === d) break;
  }
  const out: WritableDirectory[] = [];
  for (const dir of dirs) {
    let mode: number;
    try {
      mode = statSync(dir).mode;
    } catch {
      break;
    }
    const sticky = (mode & 0o1000) !== 0;
    if (mode & 0o002) out.push({ dir, what: 'World writable directory', sticky });
    else if (mode & 0o020) out.push({ dir, what: 'Group writable directory', sticky });
  }
  return out;
}

/**
 * Why sendmail would call a map file unsafe because of the directories
 * above it (each from / down to the file's own): `World writable directory`
 * or `Group writable directory`; undefined when they are safe.  A sticky
 * world-writable directory passes with DontBlameSendmail TrustStickyBit, a
 * group-writable one with GroupWritableDirPathSafe, any with
 * MapInUnsafeDirPath.  Directories that cannot be read are left to the open.
 */
export function unsafeMapDirectory(path: string, dontBlameSendmail: string | undefined): string | undefined {
  const words = dontBlameWords(dontBlameSendmail);
  if (words.has('mapinunsafedirpath')) return undefined;
  const trustSticky = words.has('truststickybit');
  for (const d of writableDirectories(path)) {
    if (d.sticky && trustSticky) continue;
    if (d.what === 'Group writable directory' && words.has('groupwritabledirpathsafe')) continue;
    return d.what;
  }
  return undefined;
}
