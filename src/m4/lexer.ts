/**
 * src/m4/lexer.ts — m4's tokens: chevrotain's token types of record and the hand scanner.
 *
 * Quotes and comments change at run time (changequote, changecom), so the
 * token patterns are built per delimiter set and cached by that set.  Text
 * is handled as "binary" strings (one char per byte).  The expansion loop
 * reads tokens through lexOne, a hand path that tries the same patterns in
 * the same order as the chevrotain lexer of record built here
 * (test/m4-lexer.test.ts checks them token for token); chevrotain's general
 * matching loop was the compile's hottest path, and loading it cost more
 * than a whole GNU m4 run, so it is loaded only when its lexer is asked for.
 *
 * Token order follows GNU m4: a comment start wins over a word, a word over
 * a quote start, and anything else is plain text.  A quoted string or a
 * comment that reaches the end of the lexed text is still a token, flagged
 * `open` in its payload, so the input stack can continue it in the next
 * block (m4 reads strings across the end of a macro expansion).
 */
import type { IToken, TokenType, Lexer as LexerType } from 'chevrotain';
import { loadChevrotain } from './chevrotain.js';

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

/** The hand path's view of one delimiter set. */
export interface M4Lexer {
  /** the delimiters the token patterns were built for */
  delims: Delimiters;
  /** sticky pattern of a Text run (the Text token's pattern) */
  textRun: RegExp;
  /** the Text token's pattern (not sticky), for the grammar of record */
  textPattern: string;
  /**
   * sticky pattern of a run of characters none of which can begin a name, a
   * quote or a comment (the expansion loop passes such runs over whole at the
   * top level, where parentheses, commas and newlines are plain text too)
   */
  plainRun: RegExp;
}

const cache = new Map<string, M4Lexer>();

/** Build (or fetch from the cache) the lexer for a delimiter set. */
export function lexerFor(d: Delimiters): M4Lexer {
  const key = `${d.lquote}\0${d.rquote}\0${d.bcomm}\0${d.ecomm}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { lquote: lq, bcomm: bc } = d;
  // A run of characters none of which can start another token.
  let stop = 'A-Za-z_(),\\n';
  if (lq !== '') stop += escapeClass(lq[0]!);
  if (bc !== '') stop += escapeClass(bc[0]!);
  const textPattern = `[^${stop}]+`;
  let notPlain = 'A-Za-z_';
  if (lq !== '') notPlain += escapeClass(lq[0]!);
  if (bc !== '') notPlain += escapeClass(bc[0]!);
  const made: M4Lexer = { delims: { ...d }, textRun: new RegExp(textPattern, 'y'), textPattern, plainRun: new RegExp(`[^${notPlain}]*`, 'y') };
  cache.set(key, made);
  return made;
}

/** chevrotain's lexer for one delimiter set, and the Kind of each of its token types. */
interface RecordLexer {
  lexer: LexerType;
  kinds: Kind[];
}

const recordCache = new Map<M4Lexer, Promise<RecordLexer>>();
let serial = 0;

/**
 * The token types of a delimiter set, as chevrotain patterns tried in this
 * order: comment, name, quoted string, ( , ) newline, a text run, and a
 * delimiter's first character that does not begin the whole delimiter.
 */
async function buildRecordLexer(m: M4Lexer): Promise<RecordLexer> {
  const { createToken, Lexer } = await loadChevrotain();
  const { lquote: lq, rquote: rq, bcomm: bc, ecomm: ec } = m.delims;
  const types: TokenType[] = [];
  const kinds: Kind[] = [];
  const add = (t: TokenType, k: Kind): void => {
    types.push(t);
    kinds[t.tokenTypeIdx!] = k;
  };
  const id = serial++;
  const delimited = (name: string, open: string, scan: (text: string, from: number) => { end: number; payload: OpenPayload }): TokenType =>
    createToken({
      name: `${name}${id}`,
      line_breaks: true,
      start_chars_hint: [open[0]!],
      pattern: {
        exec(text: string, offset: number) {
          if (!text.startsWith(open, offset)) return null;
          const s = scan(text, offset + open.length);
          const r = [text.slice(offset, s.end)] as [string] & { payload?: OpenPayload };
          r.payload = s.payload;
          return r;
        },
      },
    });
  if (bc !== '') {
    add(
      delimited('Comment', bc, (text, from) => {
        const end = scanComment(text, from, ec);
        return { end: end < 0 ? text.length : end, payload: { open: end < 0, depth: 0 } };
      }),
      Kind.Comment,
    );
  }
  add(createToken({ name: `Name${id}`, pattern: /[A-Za-z_][A-Za-z0-9_]*/ }), Kind.Name);
  if (lq !== '') {
    add(
      delimited('Quoted', lq, (text, from) => {
        const q = scanQuoted(text, from, 1, lq, rq);
        return { end: q.end, payload: { open: q.depth > 0, depth: q.depth } };
      }),
      Kind.Quoted,
    );
  }
  add(createToken({ name: `LParen${id}`, pattern: /\(/ }), Kind.LParen);
  add(createToken({ name: `Comma${id}`, pattern: /,/ }), Kind.Comma);
  add(createToken({ name: `RParen${id}`, pattern: /\)/ }), Kind.RParen);
  add(createToken({ name: `Newline${id}`, pattern: /\n/, line_breaks: true }), Kind.Newline);
  add(createToken({ name: `Text${id}`, pattern: new RegExp(m.textPattern) }), Kind.Text);
  add(createToken({ name: `Char${id}`, pattern: /[^]/, line_breaks: true }), Kind.Text);
  const lexer = new Lexer(types, { positionTracking: 'onlyOffset', skipValidations: true, ensureOptimizations: false });
  return { lexer, kinds };
}

/** Word characters: [A-Za-z0-9_] (first: no digit). */
export function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
const WORD_REST = /[A-Za-z0-9_]*/y;

/** What lexOne found: the token's end and, for quotes and comments, whether it is still open. */
export const lexed = { end: 0, open: false, depth: 0 };

/**
 * The token at `p` in `text` (p < text.length) by hand, as the chevrotain
 * lexer of these delimiters would match it (patterns tried in their order):
 * its Kind, with its end in `lexed`.  No token objects, no arrays: the
 * expansion loop reads one token at a time (the compile's hottest path).
 */
export function lexOne(m: M4Lexer, text: string, p: number): Kind {
  const { lquote: lq, rquote: rq, bcomm: bc, ecomm: ec } = m.delims;
  const c = text.charCodeAt(p);
  lexed.open = false;
  lexed.depth = 0;
  if (bc !== '' && c === bc.charCodeAt(0) && text.startsWith(bc, p)) {
    const end = scanComment(text, p + bc.length, ec);
    lexed.open = end < 0;
    lexed.end = end < 0 ? text.length : end;
    return Kind.Comment;
  }
  if (isWordStart(c)) {
    WORD_REST.lastIndex = p + 1;
    WORD_REST.test(text);
    lexed.end = WORD_REST.lastIndex;
    return Kind.Name;
  }
  const lq0 = lq === '' ? -1 : lq.charCodeAt(0);
  if (c === lq0 && text.startsWith(lq, p)) {
    const s = scanQuoted(text, p + lq.length, 1, lq, rq);
    lexed.open = s.depth > 0;
    lexed.depth = s.depth;
    lexed.end = s.end;
    return Kind.Quoted;
  }
  lexed.end = p + 1;
  if (c === 40) return Kind.LParen;
  if (c === 44) return Kind.Comma;
  if (c === 41) return Kind.RParen;
  if (c === 10) return Kind.Newline;
  if (c === lq0 || (bc !== '' && c === bc.charCodeAt(0))) return Kind.Text;
  const run = m.textRun;
  run.lastIndex = p;
  run.test(text);
  lexed.end = run.lastIndex;
  return Kind.Text;
}

/** A token for comparing the two lexers: text, offset, Kind, open/depth of quotes and comments. */
export interface ComparableToken {
  image: string;
  offset: number;
  kind: Kind;
  payload: OpenPayload | null;
}

/** All tokens of `text` from `from` through lexOne (for tests). */
export function handTokenize(m: M4Lexer, text: string, from: number): ComparableToken[] {
  const out: ComparableToken[] = [];
  for (let p = from; p < text.length; ) {
    const kind = lexOne(m, text, p);
    const quoteOrComment = kind === Kind.Quoted || kind === Kind.Comment;
    out.push({ image: text.slice(p, lexed.end), offset: p, kind, payload: quoteOrComment ? { open: lexed.open, depth: lexed.depth } : null });
    p = lexed.end;
  }
  return out;
}

/** The same, through chevrotain's lexer of record (loaded on first use; tests compare the two). */
export async function chevrotainTokenize(m: M4Lexer, text: string, from: number): Promise<ComparableToken[]> {
  let rec = recordCache.get(m);
  if (!rec) recordCache.set(m, (rec = buildRecordLexer(m)));
  const { lexer, kinds } = await rec;
  const toks: IToken[] = lexer.tokenize(from === 0 ? text : text.slice(from)).tokens;
  return toks.map((t) => ({ image: t.image, offset: t.startOffset + from, kind: kinds[t.tokenTypeIdx]!, payload: (t.payload as OpenPayload | undefined) ?? null }));
}
