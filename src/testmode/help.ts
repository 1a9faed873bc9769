/**
 * The `?` command of address test mode: the "-bt" lines of the help file
 * (option HelpFile), read anew on each use, as sendmail 8.17 prints them.
 *
 * A help file line is "topic<blank>text"; a line belongs to the test-mode
 * help when it starts with "-bt", and its text is what follows the first
 * blank (space or tab).  A "#vers<TAB>n" line with n >= 2 turns on macro
 * expansion ($$ for a dollar, $v, $j ...) for the lines after it -- and,
 * as in sendmail, for every later `?` of the session too.  The
 * lines end with "End of HELP info"; a file without them says the topic is
 * unknown, and no file at all that HELP is not implemented.  As sendmail, a
 * help file below a directory others may write to is not read (a sticky
 * one is fine with DontBlameSendmail TrustStickyBit, a group-writable one
 * with GroupWritableDirPathSafe), unless HelpFileInUnsafeDirPath, which
 * reads it after a warning per such directory.
 */
import { readFileSync } from 'node:fs';
import { SENDMAIL_VERSION } from '../config/loader.js';
import { dontBlameWords, writableDirectories } from '../maps/common.js';
import { translateDollars, type MacroTable } from '../rewrite/macros.js';
import { OP, isMeta } from '../rewrite/tokens.js';

const TOPIC = '-bt';

/**
 * Operators an expansion leaves in the text print as sendmail's meta bytes
 * with the top bit cleared (its help output is 7-bit).
 */
const META_BYTE: Record<string, number> = {
  [OP.MATCHZANY]: 0o220, [OP.MATCHANY]: 0o221, [OP.MATCHONE]: 0o222,
  [OP.MATCHCLASS]: 0o223, [OP.MATCHNCLASS]: 0o224, [OP.MATCHREPL]: 0o225,
  [OP.CANONNET]: 0o226, [OP.CANONHOST]: 0o227, [OP.CANONUSER]: 0o230,
  [OP.CALLSUBR]: 0o231, [OP.CONDIF]: 0o232, [OP.CONDELSE]: 0o233,
  [OP.CONDFI]: 0o234, [OP.HOSTBEGIN]: 0o235, [OP.HOSTEND]: 0o236,
  [OP.LOOKUPBEGIN]: 0o205, [OP.LOOKUPEND]: 0o206,
  [OP.MACROEXPAND]: 0o201, [OP.MACRODEXPAND]: 0o202,
};

function printable(text: string): string {
  let out = '';
  for (const c of text) {
    if (isMeta(c)) out += String.fromCharCode(META_BYTE[c]! & 0x7f);
    else out += c;
  }
  return out;
}

/** Warnings for the unsafe directories above `path`, or null when it may not be read. */
function directoryWarnings(path: string, dontBlameSendmail: string | undefined): string[] | null {
  const words = dontBlameWords(dontBlameSendmail);
  const warnings: string[] = [];
  for (const d of writableDirectories(path)) {
    if (d.sticky && words.has('truststickybit')) continue;
    if (d.what === 'Group writable directory' && words.has('groupwritabledirpathsafe')) continue;
    if (!words.has('helpfileinunsafedirpath')) return null;
    warnings.push(`WARNING: ${d.what} ${d.dir}`);
  }
  return warnings;
}

/** What a session's `?` commands remember: the last "#vers" seen. */
export interface HelpState {
  version: number;
}

/**
 * The lines `?` prints, for the help file at `path` (undefined: none set)
 * and the DontBlameSendmail option.
 */
export function testModeHelp(path: string | undefined, dontBlameSendmail: string | undefined, macros: MacroTable, state: HelpState): string[] {
  const notImplemented = [`Sendmail ${SENDMAIL_VERSION} -- HELP not implemented`];
  if (path === undefined || path === '') return notImplemented;
  const lines = directoryWarnings(path, dontBlameSendmail);
  if (lines === null) return notImplemented;
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return notImplemented;
  }
  const warned = lines.length;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.startsWith('#vers\t')) {
      state.version = Number.parseInt(line.slice(6).trim(), 10) || 0;
      continue;
    }
    if (!line.startsWith(TOPIC)) continue;
    const blank = line.search(/[ \t]/);
    const body = blank < 0 ? '' : line.slice(blank + 1);
    lines.push(state.version >= 2 ? printable(macros.expand(translateDollars(body))) : body);
  }
  if (lines.length === warned) return [...lines, `HELP topic "${TOPIC}" unknown`];
  lines.push('End of HELP info');
  return lines;
}
