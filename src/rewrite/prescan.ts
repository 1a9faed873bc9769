/**
 * src/rewrite/prescan.ts — sendmail's address tokenizer ("prescan").
 *
 * A hand-written state machine over Latin-1 text: operator characters
 * (OperatorChars plus the always-special `()<>,;`) are one-char tokens,
 * quoted strings are one token, white space separates atoms, a backslash
 * glues the next character to the current token, control characters are
 * dropped.  Unbalanced `<`, `>` and `"` are reported and patched up the way
 * sendmail does; the caller decides where reports go.
 */
import { isMeta } from './tokens.js';

const OPR = 0;
const ATM = 1;
const QST = 2;
const SPC = 3;
const ONE = 4;
const ILL = 5;

/** Transition flags: M = drop the char, B = end the token before it. */
const M = 0x10;
const B = 0x20;
const TYPE = 0x0f;

// prettier-ignore
const STATE: readonly (readonly number[])[] = [
  /* OPR */ [OPR | B, ATM | B, QST | B, SPC | M | B, ONE | B, ILL | M],
  /* ATM */ [OPR | B, ATM, QST | B, SPC | M | B, ONE | B, ILL | M],
  /* QST */ [QST, QST, OPR, QST, QST, QST],
  /* SPC */ [OPR, ATM, QST, SPC | M, ONE, ILL | M],
  /* ONE */ [OPR | B, OPR | B, OPR | B, OPR | B, OPR | B, OPR | B],
  /* ILL */ [OPR | B, ATM | B, QST | B, SPC | M | B, ONE | B, ILL | M],
];

/** The operator set sendmail uses when the cf sets no OperatorChars (nor, before level 6, $o). */
export const DEFAULT_OPERATOR_CHARS = '.:@[]';
/** Characters that are always single-char tokens. */
const ALWAYS_SPECIAL = '()<>,;';

/** Limits of sendmail's buffers. */
export const MAXNAME = 256;
export const MAXATOM = 1000;

export interface TokenTable {
  readonly classes: Uint8Array;
  readonly operatorChars: string;
}

const tableCache = new Map<string, TokenTable>();

/** The character classes for one OperatorChars setting. */
export function tokenTable(operatorChars: string): TokenTable {
  let t = tableCache.get(operatorChars);
  if (t) return t;
  const classes = new Uint8Array(256).fill(ATM);
  for (let c = 0; c < 0x20; c++) classes[c] = ILL;
  classes[0x7f] = ILL;
  classes[0x20] = SPC;
  classes[0x09] = SPC;
  classes[0x0a] = SPC;
  classes[0x0d] = SPC;
  for (const ch of operatorChars + ALWAYS_SPECIAL) {
    const code = ch.charCodeAt(0);
    if (code < 256) classes[code] = OPR;
  }
  classes[0x22] = QST;
  t = { classes, operatorChars };
  tableCache.set(operatorChars, t);
  return t;
}

/** Whether a token is an atom (for joining tokens of a map key). */
export function isAtomToken(tok: string, table: TokenTable): boolean {
  if (tok.length === 0) return false;
  const code = tok.charCodeAt(0);
  if (code >= 256) return !isMeta(tok[0]!);
  return table.classes[code] === ATM;
}

export interface PrescanResult {
  /** The tokens, or null when the address was rejected. */
  tokens: string[] | null;
  /** Index in the text where scanning stopped (at the delimiter or the end). */
  end: number;
}

/**
 * Tokenize `text` from `start` up to `delim` (outside quotes and angle
 * brackets) or the end.  `report` receives sendmail's messages
 * ("Unbalanced '<'"); `quiet` suppresses them (used for macro values and map
 * results, as sendmail does).
 */
export function prescan(
  text: string,
  start: number,
  delim: string,
  table: TokenTable,
  report: ((msg: string) => void) | null,
  /**
   * Parenthesised comments are dropped (sendmail's external token table,
   * used by /parse, /try, map results and macro values); otherwise, as for
   * typed -bt addresses, parentheses are ordinary operator tokens.
   */
  comments = false,
): PrescanResult {
  const NOCHAR = -1;
  let cmntcnt = 0;
  const EOS = 0;
  const classes = table.classes;
  const delimCode = delim === '' ? -2 : delim.charCodeAt(0);
  const n = text.length;
  const tokens: string[] = [];
  let tok = '';
  let state = ATM;
  let anglecnt = 0;
  let routeSyntax = false;
  let bslash = false;
  let p = start;
  let c = NOCHAR;
  do {
    tok = '';
    for (;;) {
      if (c !== NOCHAR && !bslash) tok += String.fromCharCode(c);
      c = p < n ? text.charCodeAt(p) : EOS;
      p++;
      // control characters vanish (even inside quotes); 0xff reads as a blank
      if ((c < 0x20 && c !== EOS && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) {
        c = NOCHAR;
        continue;
      }
      if (c === 0xff) c = 0x20;
      if (c === EOS) {
        if (comments && cmntcnt > 0 && state !== QST) {
          report?.("Unbalanced '('");
          return { tokens: null, end: Math.max(start, p - 1) };
        }
        if (state === QST) {
          report?.("Unbalanced '\"'");
          c = 0x22;
        } else if (anglecnt > 0) {
          report?.("Unbalanced '<'");
          c = 0x3e;
        } else break;
        p--;
      } else if (c === delimCode && state !== QST) {
        if (anglecnt <= 0) break;
        if (delimCode === 0x2c && !routeSyntax) {
          report?.("Unbalanced '<'");
          c = 0x3e;
          p--;
        }
      }
      if (bslash) {
        bslash = false;
        if (c !== 0x21 || state === QST) {
          tok += '\\';
          continue;
        }
      }
      if (c === 0x5c) {
        bslash = true;
      } else if (state === QST) {
        // inside quotes nothing else is special
      } else if (comments && c === 0x28) {
        cmntcnt++;
        c = NOCHAR;
        continue;
      } else if (comments && c === 0x29) {
        if (cmntcnt <= 0) {
          report?.("Unbalanced ')'");
          c = NOCHAR;
          continue;
        }
        cmntcnt--;
        c = 0x20;
      } else if (cmntcnt > 0) {
        c = NOCHAR;
        continue;
      } else if (c === 0x3c) {
        anglecnt++;
        let q = p;
        while (q < n && (text.charCodeAt(q) === 0x20 || text.charCodeAt(q) === 0x09)) q++;
        if (text.charCodeAt(q) === 0x40) routeSyntax = true;
      } else if (c === 0x3e) {
        if (anglecnt <= 0) {
          report?.("Unbalanced '>'");
          c = NOCHAR;
          continue;
        }
        anglecnt--;
        routeSyntax = false;
      }
      if (c === delimCode && anglecnt <= 0 && state !== QST) break;
      const cls = c < 256 ? classes[c]! : c === 0xe00b ? OPR : ATM;
      const ns = STATE[state]![cls]!;
      state = ns & TYPE;
      if (ns & M) c = NOCHAR;
      if (ns & B) break;
    }
    if (tok.length > 0) {
      if (tokens.length >= MAXATOM) {
        report?.('prescan: too many tokens');
        return { tokens: null, end: Math.max(start, p - 1) };
      }
      if (tok.length >= MAXNAME) {
        report?.('prescan: token too long');
        return { tokens: null, end: Math.max(start, p - 1) };
      }
      tokens.push(tok);
    }
  } while (c !== EOS && (c !== delimCode || anglecnt > 0));
  return { tokens, end: p > start ? p - 1 : p };
}

/** Tokenize a whole string quietly (macro values, map results). */
export function tokenize(text: string, table: TokenTable): string[] {
  return prescan(text, 0, '', table, null, true).tokens ?? [];
}
