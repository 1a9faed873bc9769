/**
 * src/m4/input.ts — the input stack: files and pushed-back expansions.
 *
 * Each block is lexed one token at a time, where it stands, with the lexer
 * of the current delimiters (so a delimiter change applies at once).  Tokens
 * that m4 reads across the end of a block (a name followed by more word
 * characters, an unclosed quote or comment) are continued here, so the
 * expansion loop only ever sees whole tokens.
 */
import { isWordStart, Kind, lexed, lexerFor, lexOne, scanComment, scanQuoted, type Delimiters, type M4Lexer } from './lexer.js';

/** A file being read, for __file__, __line__ and messages. */
export interface FileSource {
  name: string;
  /** 1 + newlines in text[0, countedTo) */
  countedLine: number;
  countedTo: number;
}

interface Block {
  text: string;
  pos: number;
  file: FileSource | null;
  /** a builtin definition travelling as a token (from defn) */
  builtin: unknown;
  /** where text read from this block is said to come from (m4wrap text) */
  loc?: Location | null;
}

/** A place in the input, for messages; the line is counted only when asked. */
export interface Location {
  readonly file: string;
  readonly line: number;
}

class FilePosition implements Location {
  constructor(
    private readonly b: Block,
    private readonly pos: number,
  ) {}
  get file(): string {
    return this.b.file!.name;
  }
  get line(): number {
    return lineAt(this.b, this.pos);
  }
}

/** Raised when pushed-back input keeps growing (a non-terminating expansion). */
export class InputOverflow extends Error {
  constructor(readonly blocks: number) {
    super(`input stack overflow (${blocks} pending expansions)`);
  }
}

const MAX_BLOCKS = 1 << 20;

/** Raised for a quote or comment still open at the end of all input. */
export class UnterminatedError extends Error {
  constructor(
    readonly what: 'string' | 'comment',
    readonly file: string | null,
    readonly line: number,
  ) {
    super(`end of file in ${what}`);
  }
}

const WORD = /[A-Za-z0-9_]*/y;

export class InputStack {
  private blocks: Block[] = [];
  /** indexes in `blocks` of the blocks that carry a location (files, m4wrap text) */
  private located: number[] = [];
  private lex: M4Lexer;
  delims: Delimiters;
  /** total characters pushed back and not yet read, to stop runaway growth */
  pending = 0;
  /** when set (synclines), tokenLine is the input line where the last token began */
  trackLines = false;
  tokenLine = 0;

  constructor(delims: Delimiters) {
    this.delims = { ...delims };
    this.lex = lexerFor(this.delims);
  }

  setDelimiters(d: Delimiters): void {
    this.delims = { ...d };
    this.lex = lexerFor(this.delims);
  }

  get depth(): number {
    return this.blocks.length;
  }

  pushFile(name: string, text: string): void {
    this.located.push(this.blocks.length);
    this.blocks.push({ text, pos: 0, file: { name, countedLine: 1, countedTo: 0 }, builtin: undefined });
  }

  pushString(text: string, loc?: Location | null): void {
    if (text === '') return;
    // drop finished expansions first, so tail recursion does not pile blocks up
    for (let t = this.blocks[this.blocks.length - 1]; t && !t.file && t.builtin === undefined && t.pos >= t.text.length; t = this.blocks[this.blocks.length - 1]) {
      this.pop();
    }
    if (this.blocks.length >= MAX_BLOCKS) throw new InputOverflow(this.blocks.length);
    this.pending += text.length;
    if (loc) this.located.push(this.blocks.length);
    this.blocks.push({ text, pos: 0, file: null, builtin: undefined, loc });
  }

  pushBuiltin(def: unknown): void {
    this.blocks.push({ text: '', pos: 0, file: null, builtin: def });
  }

  /** The innermost file being read and its current line (GNU's counting). */
  location(): Location | null {
    const i = this.located[this.located.length - 1];
    if (i === undefined) return null;
    const b = this.blocks[i]!;
    return b.file ? new FilePosition(b, b.pos) : b.loc!;
  }

  /** The current location with its line counted now. */
  locationNow(): Location | null {
    const l = this.location();
    return l ? { file: l.file, line: l.line } : null;
  }

  private pop(): void {
    const b = this.blocks.pop()!;
    if (this.located[this.located.length - 1] === this.blocks.length) this.located.pop();
    if (!b.file) this.pending -= b.text.length;
    else this.onFileEnd?.();
  }

  /** called when a file has been read to its end */
  onFileEnd: (() => void) | null = null;

  /** Top block with something left to read, popping exhausted ones. */
  private top(): Block | null {
    for (;;) {
      const b = this.blocks[this.blocks.length - 1];
      if (!b) return null;
      if (b.builtin !== undefined || b.pos < b.text.length) return b;
      this.pop();
    }
  }

  /** Text of the token next() returned. */
  text = '';
  /** The builtin a Kind.Builtin token carries. */
  builtin: unknown = undefined;

  /** Kind of the next whole token (its text in `text`), or 0 at the end of all input. */
  next(): Kind | 0 {
    const b = this.top();
    if (!b) return 0;
    if (b.builtin !== undefined) {
      this.pop();
      this.text = '';
      this.builtin = b.builtin;
      return Kind.Builtin;
    }
    const start = b.pos;
    const kind = lexOne(this.lex, b.text, start);
    const image = b.text.slice(start, lexed.end);
    if (this.trackLines) this.tokenLine = b.file ? lineAt(b, start + 1) : this.location()?.line ?? 0;
    b.pos = lexed.end;
    if (kind === Kind.Name) {
      this.text = b.pos === b.text.length ? this.joinName(image) : image;
    } else if ((kind === Kind.Quoted || kind === Kind.Comment) && lexed.open) {
      const depth = lexed.depth;
      const where = b.file ? { file: b.file.name, line: lineAt(b, start + 1) } : this.locationNow();
      this.text = this.continueOpen(b, kind, image, depth, where);
    } else {
      this.text = image;
    }
    return kind;
  }

  /**
   * At the top level: the text from the top block up to the next token the
   * expansion loop must see itself -- a comment or quote start, a name
   * `isMacro` accepts, or a name that ends the block (it may go on in the
   * block below).  Everything before it (text, newlines, parentheses, commas,
   * names that are no macros) goes to the output as it is, so it is passed
   * over in one slice; '' when the next token is one of those.
   */
  plainRun(isMacro: (name: string) => boolean): string {
    const b = this.top();
    if (!b || b.builtin !== undefined) return '';
    const text = b.text;
    const n = text.length;
    const start = b.pos;
    const plain = this.lex.plainRun;
    const { lquote: lq, bcomm: bc } = this.delims;
    let p = start;
    for (;;) {
      plain.lastIndex = p;
      plain.test(text);
      p = plain.lastIndex;
      if (p >= n) break;
      if (bc !== '' && text.startsWith(bc, p)) break;
      if (isWordStart(text.charCodeAt(p))) {
        WORD.lastIndex = p + 1;
        WORD.test(text);
        const end = WORD.lastIndex;
        if (end === n || isMacro(text.slice(p, end))) break;
        p = end;
      } else if (lq !== '' && text.startsWith(lq, p)) break;
      else p++;
    }
    if (p === start) return '';
    b.pos = p;
    return text.slice(start, p);
  }

  /** A name at the end of a block goes on with word characters below it. */
  private joinName(image: string): string {
    let i = this.blocks.length - 1;
    while (i >= 0 && this.blocks[i]!.pos >= this.blocks[i]!.text.length && this.blocks[i]!.builtin === undefined) i--;
    const b = this.blocks[i];
    if (!b || b.builtin !== undefined) return image;
    WORD.lastIndex = b.pos;
    WORD.test(b.text);
    const end = WORD.lastIndex;
    if (end === b.pos) return image;
    const more = b.text.slice(b.pos, end);
    this.advanceTo(b, end);
    return end === b.text.length ? this.joinName(image + more) : image + more;
  }

  /** Continue a quote or comment past the lexed window and block ends. */
  private continueOpen(b: Block, kind: Kind, image: string, depth: number, start: Location | null): string {
    const parts = [image];
    let blk: Block | null = b;
    let first = true;
    const { lquote, rquote, ecomm } = this.delims;
    while (blk) {
      if (!first) {
        blk = this.top();
        if (!blk || blk.builtin !== undefined) break;
      }
      first = false;
      let end: number;
      if (kind === Kind.Quoted) {
        const s = scanQuoted(blk.text, blk.pos, depth, lquote, rquote);
        depth = s.depth;
        end = s.depth === 0 ? s.end : -1;
      } else {
        end = scanComment(blk.text, blk.pos, ecomm);
      }
      if (end >= 0) {
        parts.push(blk.text.slice(blk.pos, end));
        this.advanceTo(blk, end);
        return parts.join('');
      }
      parts.push(blk.text.slice(blk.pos));
      this.advanceTo(blk, blk.text.length);
    }
    const what = kind === Kind.Quoted ? 'string' : 'comment';
    throw new UnterminatedError(what, start?.file ?? null, start?.line ?? 0);
  }

  /** Move a block's read position forward. */
  private advanceTo(b: Block, pos: number): void {
    b.pos = pos;
  }

  /** The next character without consuming it ('' at the end of input). */
  peekChar(): string {
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const b = this.blocks[i]!;
      if (b.builtin !== undefined) return '';
      if (b.pos < b.text.length) return b.text[b.pos]!;
    }
    return '';
  }

  /** Consume the character peekChar returned. */
  skipChar(): void {
    const b = this.top();
    if (b && b.builtin === undefined) this.advanceTo(b, b.pos + 1);
  }

  /** Discard input through the next newline (dnl); false if input ended first. */
  skipLine(): boolean {
    for (;;) {
      const b = this.top();
      if (!b) return false;
      if (b.builtin !== undefined) {
        this.pop();
        continue;
      }
      const nl = b.text.indexOf('\n', b.pos);
      if (nl >= 0) {
        this.advanceTo(b, nl + 1);
        return true;
      }
      this.advanceTo(b, b.text.length);
    }
  }
}

/** GNU's current line after reading text[0, pos): a newline counts once passed. */
function lineAt(b: Block, pos: number): number {
  const f = b.file!;
  const upto = pos - 1;
  if (upto < f.countedTo) {
    f.countedTo = 0;
    f.countedLine = 1;
  }
  if (upto > f.countedTo) {
    let n = f.countedLine;
    const t = b.text;
    let i = t.indexOf('\n', f.countedTo);
    while (i >= 0 && i < upto) {
      n++;
      i = t.indexOf('\n', i + 1);
    }
    f.countedLine = n;
    f.countedTo = upto;
  }
  return f.countedLine;
}
