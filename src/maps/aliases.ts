/**
 * src/maps/aliases.ts — the aliases file and its database (`newaliases`,
 * `sendmail -bi`, `praliases`, alias lookups).
 *
 * File syntax (sendmail 8.17, learned from its behaviour):
 * - `name: value`; a line starting with a blank continues the previous one
 *   (the newline is dropped, the blanks kept); a backslash at the end of a
 *   line joins the next line to it.
 * - `#` lines and blank lines end an entry; a `#` line swallows the indented
 *   lines that follow it.
 * - The name is parsed as an address (rulesets 3 and 0, when
 *   buildAliasDatabases gets the cf's `resolveName`): one that resolves to
 *   the local mailer is stored under its user part (`foo@this.host` as
 *   `foo`), any other is refused (`cannot alias non-local names`).  Without
 *   a cf: quoted names stay quoted, blanks between words become the
 *   BlankSub character `.`, names with a host part are refused.  The key is
 *   folded to lower case.
 * - The value is kept as written (leading blanks dropped): addresses,
 *   `|program`, `/file`, `:include:`, `error:code text`; a later entry for
 *   the same name replaces the earlier one, with a warning.
 *
 * The database is an LMDB map file `aliases.db` (src/maps/lmdb) with keys
 * and values stored with a trailing NUL, as sendmail stores them, plus the
 * `@` -> `@` entry that marks a complete database.  A rebuild replaces the
 * content in one transaction; a file with errors (or binary data) leaves
 * the old database as it was.
 */
import * as fs from 'node:fs';
import { MapFile, MapFileError, giveMapFileTo, mapFilePath, textEntryTable, toMapFileError } from './lmdb/index.js';

/**
 * A name's verdict: local with its key, or not (`NAME... message`, after
 * `detail` on a line of its own when there is one: why it did not parse).
 */
export type NameResolution = { ok: true; name: string } | { ok: false; message: string; detail?: string };

/** One alias as read from the file. */
export interface AliasEntry {
  /** The database key: folded, blanks replaced (no NUL). */
  name: string;
  /** The name as written. */
  written: string;
  value: string;
  /** Last physical line of the entry. */
  line: number;
}

export interface AliasFileResult {
  entries: AliasEntry[];
  /** sendmail's messages, `FILE: line N: ...`. */
  messages: string[];
  /** Errors (not warnings) among the messages. */
  errors: number;
  /** The file cannot be used at all (binary data). */
  fatal: boolean;
}

export interface AliasParseOptions {
  /** BlankSub character (sendmail's default is `.`). */
  blankSub?: string;
  /**
   * Decide whether a name is local and what its key is; the default accepts
   * names without `@`.  (buildAliasDatabases' `resolveName` asks the cf.)
   */
  localName?: (tokens: string[], written: string) => NameResolution;
  /**
   * Ask the configuration (rulesets 3 and 0, as sendmail's newaliases
   * parses a name as an address) whether a name is local and what its key
   * is; used by buildAliasDatabases instead of `localName`.
   */
  resolveName?: (written: string) => Promise<NameResolution>;
  /**
   * The cf's TrustedUser as a uid: when running as root, new databases are
   * given to it (as sendmail -bi does); the group stays.
   */
  trustedUid?: number;
  /** -A in the AliasFile entry: a repeated name adds its value in front of the earlier ones, silently. */
  appendDuplicates?: boolean;
}

/** Split an aliases file into logical lines with the number of their last physical line. */
function logicalLines(text: string): Array<{ text: string; line: number }> {
  const physical = text.split('\n');
  if (physical.length > 0 && physical[physical.length - 1] === '') physical.pop();
  const out: Array<{ text: string; line: number }> = [];
  let i = 0;
  while (i < physical.length) {
    let cur = physical[i++];
    for (;;) {
      if (cur.endsWith('\\') && i < physical.length) {
        cur = cur.slice(0, -1) + physical[i++];
        continue;
      }
      const next = physical[i];
      if (next !== undefined && (next[0] === ' ' || next[0] === '\t')) {
        cur += next;
        i++;
        continue;
      }
      break;
    }
    out.push({ text: cur, line: i });
  }
  return out;
}

/** Index of the first `:` outside double quotes, or -1. */
function nameColon(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return i;
  }
  return -1;
}

const SPECIALS = '()<>@,;:\\".[]';

/** Tokens of an alias name, or undefined when it is not a well-formed local part. */
export function tokenizeAliasName(text: string): string[] | undefined {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) return undefined;
      tokens.push(text.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= text.length) return undefined;
      // an escaped character is part of an atom
      let j = i;
      while (j < text.length && !SPECIALS.includes(text[j]) && text[j] !== ' ' && text[j] !== '\t') j++;
      if (j === i) j = i + 2;
      tokens.push(text.slice(i, j));
      i = j;
      continue;
    }
    if (SPECIALS.includes(c)) {
      tokens.push(c);
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && !SPECIALS.includes(text[j]) && text[j] !== ' ' && text[j] !== '\t') j++;
    tokens.push(text.slice(i, j));
    i = j;
  }
  return tokens.length > 0 ? tokens : undefined;
}

const isWord = (t: string): boolean => t.length > 0 && (t.length > 1 || !SPECIALS.includes(t) || t === '"');

/** Join name tokens the way sendmail does: adjacent words get the BlankSub character. */
function joinNameTokens(tokens: string[], blankSub: string): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    if (i > 0 && isWord(tokens[i - 1]) && isWord(tokens[i])) out += blankSub;
    out += tokens[i];
  }
  return out;
}

function defaultLocalName(blankSub: string) {
  return (tokens: string[]): NameResolution => {
    if (tokens.includes('@')) return { ok: false, message: 'cannot alias non-local names' };
    return { ok: true, name: joinNameTokens(tokens, blankSub) };
  };
}

const foldAscii = (s: string): string => s.replace(/[A-Z]+/g, (m) => m.toLowerCase());

/**
 * One logical line of an aliases file that is not skipped: a syntax error
 * found by reading alone, or an alias whose name is yet to be judged
 * (local or not) and whose value is yet to be checked.
 */
type ScannedLine =
  | { line: number; error: string }
  | { line: number; error?: undefined; text: string; written: string; tokens: string[]; value: string };

/**
 * Read an aliases file's lines as far as no verdict on names is needed, or
 * give the message for a binary file.
 */
function scanAliasFile(file: string, text: string): { scanned: ScannedLine[] } | { binary: string } {
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    return { binary: `${file}: line ${line}: NUL byte in aliases file (not a text file?)` };
  }
  const scanned: ScannedLine[] = [];
  for (const { text: lt, line } of logicalLines(text)) {
    if (lt.length === 0 || lt[0] === '#') continue;
    if (lt[0] === ' ' || lt[0] === '\t') {
      if (lt.trim().length > 0) scanned.push({ line, error: 'Non-continuation line starts with space' });
      continue;
    }
    const colon = nameColon(lt);
    if (colon < 0) {
      scanned.push({ line, error: 'missing colon' });
      continue;
    }
    const written = lt.slice(0, colon).trim();
    const tokens = tokenizeAliasName(written);
    if (!tokens) {
      scanned.push({ line, error: `${lt}... illegal alias name` });
      continue;
    }
    scanned.push({ line, text: lt, written, tokens, value: lt.slice(colon + 1).replace(/^[ \t]+/, '') });
  }
  return { scanned };
}

/** Judge the scanned aliases' names with `localName`: the entries and sendmail's messages, in line order. */
function finishAliasFile(
  file: string,
  scanned: readonly ScannedLine[],
  localName: (tokens: string[], written: string) => NameResolution,
  appendDuplicates: boolean | undefined,
): AliasFileResult {
  const entries: AliasEntry[] = [];
  const messages: string[] = [];
  let errors = 0;
  const seen = new Set<string>();
  const err = (line: number, message: string): void => {
    messages.push(`${file}: line ${line}: ${message}`);
    errors++;
  };
  for (const s of scanned) {
    if (s.error !== undefined) {
      err(s.line, s.error);
      continue;
    }
    const { line, written, value } = s;
    const local = localName(s.tokens, written);
    if (!local.ok) {
      // the reason it did not parse: one more line about the same error
      if (local.detail !== undefined) messages.push(`${file}: line ${line}: ${local.detail}`);
      err(line, `${written}... ${local.message}`);
      continue;
    }
    if (value.trim().length === 0) {
      err(line, `${s.text}... missing value for alias`);
      continue;
    }
    const name = foldAscii(local.name);
    if (seen.has(name) && !appendDuplicates) messages.push(`${file}: line ${line}: ${written}... Warning: duplicate alias name ${name}`);
    seen.add(name);
    entries.push({ name, written, value, line });
  }
  return { entries, messages, errors, fatal: false };
}

/** Read an aliases file's text (bytes as latin1).  Never throws. */
export function parseAliasFile(file: string, text: string, options: AliasParseOptions = {}): AliasFileResult {
  const read = scanAliasFile(file, text);
  if ('binary' in read) return { entries: [], messages: [read.binary], errors: 1, fatal: true };
  return finishAliasFile(file, read.scanned, options.localName ?? defaultLocalName(options.blankSub ?? '.'), options.appendDuplicates);
}

/**
 * parseAliasFile with every name resolved by `resolveName` (asynchronous:
 * the rulesets may look maps up).  The file is read once; each distinct
 * name is asked once.
 */
export async function parseAliasFileResolving(
  file: string,
  text: string,
  resolveName: (written: string) => Promise<NameResolution>,
  options: AliasParseOptions = {},
): Promise<AliasFileResult> {
  const read = scanAliasFile(file, text);
  if ('binary' in read) return { entries: [], messages: [read.binary], errors: 1, fatal: true };
  const resolved = new Map<string, NameResolution>();
  for (const s of read.scanned) {
    if (s.error === undefined && !resolved.has(s.written)) resolved.set(s.written, await resolveName(s.written));
  }
  return finishAliasFile(file, read.scanned, (_tokens, written) => resolved.get(written)!, options.appendDuplicates);
}

/** sendmail's `FILE: N aliases, longest M bytes, T bytes total`. */
export function aliasSummary(file: string, entries: readonly AliasEntry[]): string {
  let longest = 0;
  let total = 0;
  for (const e of entries) {
    const lhs = Buffer.byteLength(e.name, 'latin1');
    const rhs = Buffer.byteLength(e.value, 'latin1');
    longest = Math.max(longest, rhs);
    total += lhs + rhs;
  }
  return `${file}: ${entries.length} aliases, longest ${longest} bytes, ${total} bytes total`;
}

/** Classes whose alias databases newaliases builds (as LMDB files). */
const BUILDABLE_CLASSES = new Set(['hash', 'btree', 'implicit', 'dbm']);

/** One AliasFile entry: `[class:][flags ]path`. */
export interface AliasSpec {
  className: string;
  path: string;
  /** Whether newaliases builds a database for it. */
  buildable: boolean;
  /** -A: merge the values of repeated names. */
  appendDuplicates: boolean;
}

/** Parse the AliasFile option's entries (an entry may itself hold a comma list). */
export function parseAliasSpecs(specs: readonly string[]): AliasSpec[] {
  const out: AliasSpec[] = [];
  for (const spec of specs.flatMap((s) => s.split(','))) {
    const s = spec.trim();
    if (s.length === 0) continue;
    const m = /^([A-Za-z0-9_.-]+):(.*)$/.exec(s);
    const className = m && !m[1].includes('/') ? m[1].toLowerCase() : 'implicit';
    const rest = (m && !m[1].includes('/') ? m[2] : s).trim();
    // flags before the file name (`hash:-N /etc/aliases`) are not needed to build
    const words = rest.split(/\s+/);
    const path = words.filter((w) => !w.startsWith('-')).pop() ?? rest;
    out.push({ className, path, buildable: BUILDABLE_CLASSES.has(className), appendDuplicates: words.includes('-A') });
  }
  return out;
}

function nulTerminated(text: string): Buffer {
  return Buffer.from(text + '\0', 'latin1');
}

/**
 * Write one alias database from parsed entries, in one transaction.  A
 * repeated name replaces the earlier value, or with `appendDuplicates` goes
 * in front of it: `new,old`.
 */
export function writeAliasDatabase(dbPath: string, entries: readonly AliasEntry[], appendDuplicates = false, mapClass = 'hash'): void {
  const values = new Map<string, string>();
  for (const e of entries) {
    const old = values.get(e.name);
    values.set(e.name, appendDuplicates && old !== undefined ? `${e.value},${old}` : e.value);
  }
  const pairs: Array<[string, string]> = [...values];
  pairs.push(['@', '@']);
  const file = MapFile.open(dbPath, { write: true, create: true });
  try {
    file.replaceAll(textEntryTable(pairs, true), { mapClass });
  } finally {
    file.close();
  }
}

/**
 * Rebuild the databases of the AliasFile entries `specs`, printing what
 * sendmail prints through `report` (errors with file and line, then
 * `FILE: N aliases, longest M bytes, T bytes total`).  Returns false when
 * anything went wrong; a file with errors keeps its old database.
 */
export async function buildAliasDatabases(
  specs: string[],
  report: (line: string) => void,
  options: AliasParseOptions = {},
): Promise<boolean> {
  let ok = true;
  const readable: Array<{ spec: AliasSpec; text: string }> = [];
  // sendmail reports alias files it cannot open before building the others
  for (const spec of parseAliasSpecs(specs)) {
    if (!spec.buildable) continue;
    try {
      readable.push({ spec, text: (await fs.promises.readFile(spec.path)).toString('latin1') });
    } catch (err) {
      report(`newaliases: cannot open ${spec.path}: ${toMapFileError(spec.path, err).reason}`);
      ok = false;
    }
  }
  for (const { spec, text } of readable) {
    const parseOptions = { ...options, appendDuplicates: spec.appendDuplicates || options.appendDuplicates };
    const parsed = options.resolveName
      ? await parseAliasFileResolving(spec.path, text, options.resolveName, parseOptions)
      : parseAliasFile(spec.path, text, parseOptions);
    for (const m of parsed.messages) report(m);
    const dbPath = mapFilePath(spec.path);
    if (parsed.errors > 0) {
      report(`${spec.path}: ${parsed.errors} error${parsed.errors === 1 ? '' : 's'}; ${dbPath} not changed`);
      ok = false;
      continue;
    }
    try {
      writeAliasDatabase(dbPath, parsed.entries, spec.appendDuplicates || options.appendDuplicates, spec.className);
    } catch (err) {
      if (!(err instanceof MapFileError)) throw err;
      report(`${spec.path}: cannot rebuild ${dbPath}: ${err.reason}${err.hint ? ` (${dbPath} is ${err.hint})` : ''}`);
      ok = false;
      continue;
    }
    giveMapFileTo(dbPath, options.trustedUid);
    report(aliasSummary(spec.path, parsed.entries));
  }
  return ok;
}

/** Every entry of an alias database, in key order, without the NULs. */
export function readAliasDatabase(dbPath: string): Array<[name: string, value: string]> {
  const file = MapFile.open(dbPath);
  try {
    const out: Array<[string, string]> = [];
    for (const [k, v] of file.entries()) out.push([cString(k), cString(v)]);
    return out;
  } finally {
    file.close();
  }
}

/** Look one alias up (name folded to lower case); undefined when absent. */
export function lookupAlias(file: MapFile, name: string): string | undefined {
  const key = nulTerminated(foldAscii(name));
  const v = file.get(key) ?? file.get(key.subarray(0, key.length - 1));
  return v === undefined ? undefined : cString(v);
}

function cString(buf: Buffer): string {
  const nul = buf.indexOf(0);
  return (nul < 0 ? buf : buf.subarray(0, nul)).toString('latin1');
}
