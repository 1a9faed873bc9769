/**
 * src/m4/lexer.ts — m4's tokens, recognised by chevrotain lexers.
 *
 * Quotes and comments change at run time (changequote, changecom), so the
 * token patterns are built per delimiter set and the lexers are cached by
 * that set.  Text is handled as "binary" strings (one char per byte).
 * The expansion loop reads tokens through lexOne, a hand path that tries
 * the same patterns in the same order (test/m4-lexer.test.ts checks it token
 * for token against chevrotain), since chevrotain's general matching loop
 * was the compile's hottest path; chevrotain's Lexer is built on first use.
 *
 * Token order follows GNU m4: a comment start wins over a word, a word over
 * a quote start, and anything else is plain text.  A quoted string or a
 * comment that reaches the end of the lexed text is still a token, flagged
 * `open` in its payload, so the input stack can continue it in the next
 * block (m4 reads strings across the end of a macro expansion).
 */
import type { IToken, TokenType, Lexer as LexerType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.js';

/** The current quote and comment delimiters; empty lquote/bcomm disables them. */
export interface Delimiters {
  lquote: string;
  rquote: string;
  bcomm: string;
  ecomm: string;
}

/** Token kinds, as small integers the expansion loop switches on. */
export const enum Kind {
  Name = 1,
  Quoted = 2,
  Comment = 3,
  LParen = 4,
  Comma = 5,
  RParen = 6,
  Text = 7,
  Newline = 8,
  /** a builtin's definition travelling through the input (from defn) */
  Builtin = 9,
}

/** Payload of a Quoted or Comment token. */
export interface OpenPayload {
  /** true when the delimiter was not closed before the end of the text */
  open: boolean;
  /** nesting depth still open (quotes only) */
  depth: number;
}

/**
 * Scan a quoted string body from `pos` (just after the opening quote): at
 * each place the close quote is tried before the open quote, as m4 reads;
 * the delimiters are found with indexOf (native, fast even before the JIT).
 */
export function scanQuoted(text: string, pos: number, depth: number, lq: string, rq: string): { end: number; depth: number } {
  const n = text.length;
  // next occurrence of each delimiter at or after pos; -1 none, -2 not looked up yet
  let r = rq === '' ? -1 : -2;
  let l = lq === '' ? -1 : -2;
  for (;;) {
    if (r !== -1 && r < pos) r = text.indexOf(rq, pos);
    if (l !== -1 && l < pos) l = text.indexOf(lq, pos);
    if (r < 0 && l < 0) return { end: n, depth };
    if (r >= 0 && (l < 0 || r <= l)) {
      pos = r + rq.length;
      if (--depth === 0) return { end: pos, depth: 0 };
    } else {
      pos = l + lq.length;
      depth++;
    }
  }
}

/** Scan a comment body from `pos` (just after bcomm); -1 if unterminated. */
export function scanComment(text: string, pos: number, ec: string): number {
  const i = text.indexOf(ec, pos);
  return i < 0 ? -1 : i + ec.length;
}

function escapeClass(ch: string): string {
  return ch.replace(/[\\\]^-]/g, '\\$&');
}

/** A chevrotain lexer for one delimiter set, and its token types by Kind. */
export interface M4Lexer {
  /** chevrotain's lexer for these delimiters (built when first asked for) */
  readonly lexer: LexerType;
  /** token kind by chevrotain's tokenTypeIdx */
  kinds: Kind[];
  /** the delimiters the token patterns were built for */
  delims: Delimiters;
  /** sticky pattern of a Text run (the Text token's pattern) */
  textRun: RegExp;
  /** chevrotain's tokenTypeIdx of each token type, by role (for the hand path) */
  idx: { name: number; quoted: number; comment: number; lparen: number; comma: number; rparen: number; newline: number; text: number; char: number };
}

const cache = new Map<string, M4Lexer>();
let serial = 0;

/** Build (or fetch from the cache) the lexer for a delimiter set. */
export function lexerFor(d: Delimiters): M4Lexer {
  const key = `${d.lquote}\0${d.rquote}\0${d.bcomm}\0${d.ecomm}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const id = serial++;
  const { lquote: lq, rquote: rq, bcomm: bc, ecomm: ec } = d;
  const types: TokenType[] = [];
  const kindOf = new Map<TokenType, Kind>();
  const add = (t: TokenType, k: Kind): void => {
    types.push(t);
    kindOf.set(t, k);
  };
  if (bc !== '') {
    add(
      createToken({
        name: `Comment${id}`,
        line_breaks: true,
        start_chars_hint: [bc[0]!],
        pattern: {
          exec(text: string, offset: number) {
            if (!text.startsWith(bc, offset)) return null;
            const end = scanComment(text, offset + bc.length, ec);
            const r = [text.slice(offset, end < 0 ? text.length : end)] as [string] & { payload?: OpenPayload };
            r.payload = { open: end < 0, depth: 0 };
            return r;
          },
        },
      }),
      Kind.Comment,
    );
  }
  add(createToken({ name: `Name${id}`, pattern: /[A-Za-z_][A-Za-z0-9_]*/ }), Kind.Name);
  if (lq !== '') {
    add(
      createToken({
        name: `Quoted${id}`,
        line_breaks: true,
        start_chars_hint: [lq[0]!],
        pattern: {
          exec(text: string, offset: number) {
            if (!text.startsWith(lq, offset)) return null;
            const s = scanQuoted(text, offset + lq.length, 1, lq, rq);
            const r = [text.slice(offset, s.end)] as [string] & { payload?: OpenPayload };
            r.payload = { open: s.depth > 0, depth: s.depth };
            return r;
          },
        },
      }),
      Kind.Quoted,
    );
  }
  add(createToken({ name: `LParen${id}`, pattern: /\(/ }), Kind.LParen);
  add(createToken({ name: `Comma${id}`, pattern: /,/ }), Kind.Comma);
  add(createToken({ name: `RParen${id}`, pattern: /\)/ }), Kind.RParen);
  add(createToken({ name: `Newline${id}`, pattern: /\n/, line_breaks: true }), Kind.Newline);
  // A run of characters none of which can start another token.
  let stop = 'A-Za-z_(),\\n';
  if (lq !== '') stop += escapeClass(lq[0]!);
  if (bc !== '') stop += escapeClass(bc[0]!);
  const textRun = new RegExp(`[^${stop}]+`, 'y');
  add(createToken({ name: `Text${id}`, pattern: new RegExp(`[^${stop}]+`) }), Kind.Text);
  // A delimiter's first character that does not begin the whole delimiter.
  add(createToken({ name: `Char${id}`, pattern: /[^]/, line_breaks: true }), Kind.Text);
  // chevrotain's lexer is built on first use (the hand path needs only the token types)
  let lexer: LexerType | null = null;
  const kinds: Kind[] = [];
  for (const [t, k] of kindOf) kinds[t.tokenTypeIdx!] = k;
  const byName = new Map(types.map((t) => [t.name.replace(/\d+$/, ''), t.tokenTypeIdx!]));
  const at = (n: string): number => byName.get(n) ?? -1;
  const idx = { name: at('Name'), quoted: at('Quoted'), comment: at('Comment'), lparen: at('LParen'), comma: at('Comma'), rparen: at('RParen'), newline: at('Newline'), text: at('Text'), char: at('Char') };
  const made: M4Lexer = {
    get lexer(): LexerType {
      lexer ??= new Lexer(types, { positionTracking: 'onlyOffset', skipValidations: true, ensureOptimizations: false });
      return lexer;
    },
    kinds,
    delims: { ...d },
    textRun,
    idx,
  };
  cache.set(key, made);
  return made;
}

/** A token as chevrotain's offset-only lexer makes it. */
function tok(image: string, startOffset: number, tokenTypeIdx: number, payload?: OpenPayload): IToken {
  return { image, startOffset, tokenTypeIdx, payload } as unknown as IToken;
}

/** Word characters: [A-Za-z0-9_] (first: no digit). */
function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
const WORD_REST = /[A-Za-z0-9_]*/y;

/** What lexOne found: the token's end and, for quotes and comments, whether it is still open. */
export const lexed = { end: 0, open: false, depth: 0 };

/**
 * The token at `p` in `text` (p < text.length) by hand, as the chevrotain
 * lexer of these delimiters would match it (patterns tried in their order):
 * its tokenTypeIdx, with its end in `lexed`.  No token objects, no arrays:
 * the expansion loop reads one token at a time (the compile's hottest path).
 */
export function lexOne(m: M4Lexer, text: string, p: number): number {
  const { lquote: lq, rquote: rq, bcomm: bc, ecomm: ec } = m.delims;
  const ix = m.idx;
  const c = text.charCodeAt(p);
  lexed.open = false;
  lexed.depth = 0;
  if (bc !== '' && c === bc.charCodeAt(0) && text.startsWith(bc, p)) {
    const end = scanComment(text, p + bc.length, ec);
    lexed.open = end < 0;
    lexed.end = end < 0 ? text.length : end;
    return ix.comment;
  }
  if (isWordStart(c)) {
    WORD_REST.lastIndex = p + 1;
    WORD_REST.test(text);
    lexed.end = WORD_REST.lastIndex;
    return ix.name;
  }
  const lq0 = lq === '' ? -1 : lq.charCodeAt(0);
  if (c === lq0 && text.startsWith(lq, p)) {
    const s = scanQuoted(text, p + lq.length, 1, lq, rq);
    lexed.open = s.depth > 0;
    lexed.depth = s.depth;
    lexed.end = s.end;
    return ix.quoted;
  }
  lexed.end = p + 1;
  if (c === 40) return ix.lparen;
  if (c === 44) return ix.comma;
  if (c === 41) return ix.rparen;
  if (c === 10) return ix.newline;
  if (c === lq0 || (bc !== '' && c === bc.charCodeAt(0))) return ix.char;
  const run = m.textRun;
  run.lastIndex = p;
  run.test(text);
  lexed.end = run.lastIndex;
  return ix.text;
}

/** All tokens of `text` from `from` through lexOne, as chevrotain's token objects (for tests). */
export function handTokenize(m: M4Lexer, text: string, from: number): IToken[] {
  const out: IToken[] = [];
  for (let p = from; p < text.length; ) {
    const idx = lexOne(m, text, p);
    const quoteOrComment = idx === m.idx.quoted || idx === m.idx.comment;
    out.push(tok(text.slice(p, lexed.end), p, idx, quoteOrComment ? { open: lexed.open, depth: lexed.depth } : undefined));
    p = lexed.end;
  }
  return out;
}

/** The same, through chevrotain (the lexer of record; tests compare the two). */
export function chevrotainTokenize(m: M4Lexer, text: string, from: number): IToken[] {
  const src = from === 0 ? text : text.slice(from);
  const r = m.lexer.tokenize(src);
  const toks = r.tokens;
  if (from !== 0) {
    for (const t of toks) {
      t.startOffset += from;
    }
  }
  return toks;
}
