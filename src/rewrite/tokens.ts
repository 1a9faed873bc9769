/**
 * src/rewrite/tokens.ts — the internal token alphabet of the rewrite engine.
 *
 * Addresses and rules are lists of string tokens.  Input text is handled as
 * Latin-1 (one char per byte), so sendmail's meta characters are private-use
 * code points that no input byte can produce.  Operators that name a macro
 * or class ($=X, $~X, $&X, $X) carry the name's one-char id right after the
 * operator char; $1..$9 carry the digit.
 */

export const OP = {
  MATCHZANY: '\uE000', // $*
  MATCHANY: '\uE001', // $+
  MATCHONE: '\uE002', // $-
  MATCHCLASS: '\uE003', // $=X
  MATCHNCLASS: '\uE004', // $~X
  MATCHREPL: '\uE005', // $1..$9
  CANONNET: '\uE006', // $#
  CANONHOST: '\uE007', // $@ (also "match zero" in a LHS)
  CANONUSER: '\uE008', // $:
  CALLSUBR: '\uE009', // $>
  CONDIF: '\uE00A', // $?
  CONDELSE: '\uE00B', // $|
  CONDFI: '\uE00C', // $.
  HOSTBEGIN: '\uE00D', // $[
  HOSTEND: '\uE00E', // $]
  LOOKUPBEGIN: '\uE00F', // $(
  LOOKUPEND: '\uE010', // $)
  MACRODEXPAND: '\uE011', // $&X
  MACROEXPAND: '\uE012', // $X inside a stored macro value
} as const;

const OP_TEXT: Record<string, string> = {
  [OP.MATCHZANY]: '$*',
  [OP.MATCHANY]: '$+',
  [OP.MATCHONE]: '$-',
  [OP.MATCHCLASS]: '$=',
  [OP.MATCHNCLASS]: '$~',
  [OP.MATCHREPL]: '$',
  [OP.CANONNET]: '$#',
  [OP.CANONHOST]: '$@',
  [OP.CANONUSER]: '$:',
  [OP.CALLSUBR]: '$>',
  [OP.CONDIF]: '$?',
  [OP.CONDELSE]: '$|',
  [OP.CONDFI]: '$.',
  [OP.HOSTBEGIN]: '$[',
  [OP.HOSTEND]: '$]',
  [OP.LOOKUPBEGIN]: '$(',
  [OP.LOOKUPEND]: '$)',
  [OP.MACRODEXPAND]: '$&',
  [OP.MACROEXPAND]: '$',
};

/** Operators whose next char is a macro/class id. */
const TAKES_ID = new Set<string>([OP.MATCHCLASS, OP.MATCHNCLASS, OP.MACRODEXPAND, OP.MACROEXPAND, OP.CONDIF]);

/** Whether a char is one of the engine's meta characters. */
export function isMeta(c: string): boolean {
  const code = c.charCodeAt(0);
  return code >= 0xe000 && code <= 0xe012;
}

/** Macro and class names share one id space (one char per name). */
export class NameIds {
  private readonly longToId = new Map<string, string>();
  private readonly idToLong = new Map<string, string>();
  private next = 0xe100;

  /** The id of a name: itself when one char, else a private-use char. */
  id(name: string): string {
    if (name.length === 1) return name;
    let id = this.longToId.get(name);
    if (id === undefined) {
      id = String.fromCharCode(this.next++);
      this.longToId.set(name, id);
      this.idToLong.set(id, name);
    }
    return id;
  }

  /** The name of an id. */
  name(id: string): string {
    return this.idToLong.get(id) ?? id;
  }

  /** How an id is written after `$`: `x` or `{name}`. */
  written(id: string): string {
    const long = this.idToLong.get(id);
    return long === undefined ? id : `{${long}}`;
  }
}

/** The process-wide name table (macros and classes). */
export const names = new NameIds();

/** cat -v style text of one ordinary char. */
function visibleChar(code: number): string {
  if (code === 0x09) return '\\t';
  if (code === 0x0a) return '\\n';
  if (code === 0x0d) return '\\r';
  let out = '';
  if (code >= 0x80 && code <= 0xff) {
    out = 'M-';
    code &= 0x7f;
  }
  if (code < 0x20) return out + '^' + String.fromCharCode(code + 64);
  if (code === 0x7f) return out + '^?';
  return out + String.fromCharCode(code);
}

/** Printable form of a token or a stored string, as sendmail's xputs shows it. */
export function showText(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || code >= 0x7f) {
      plain = false;
      break;
    }
  }
  if (plain) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = c.charCodeAt(0);
    if (code >= 0x20 && code < 0x7f) {
      out += c;
      continue;
    }
    const op = OP_TEXT[c];
    if (op !== undefined) {
      out += op;
      if (c === OP.MATCHREPL && i + 1 < s.length) out += s[++i];
      else if (TAKES_ID.has(c) && i + 1 < s.length) out += names.written(s[++i]!);
      continue;
    }
    if (code >= 0xe100) {
      out += names.written(c);
      continue;
    }
    out += visibleChar(code & 0xff);
  }
  return out;
}

/** Tokens separated by single spaces (trace and =S form); a flat string. */
export function showTokens(tokens: readonly string[]): string {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (showText(t) !== t) return tokens.map(showText).join(' ');
  }
  return tokens.join(' ');
}

/**
 * Text as sendmail's diagnostics print it: 8-bit bytes lose their high bit,
 * control characters are printed as they are.
 */
export function diagText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    let code = s.charCodeAt(i);
    if (code >= 0x80 && code <= 0xff) code &= 0x7f;
    out += String.fromCharCode(code);
  }
  return out;
}
