/**
 * src/m4/eval.ts — eval's integer expressions.
 *
 * 32-bit wrapping arithmetic with GNU m4 1.4.19's operators and precedence
 * (no ?:, `**` binds right and below unary minus, `=` is `==` with a
 * warning), its number forms (0x, 0b, 0r<radix>:, octal) and its error
 * classes, found in reading order: a character that is no token, read after
 * the first token, is "bad input" at once (before the value on its left is
 * computed); C's assignment and increment operators are "invalid operator"
 * where an operand or what is left over stands; any other bad operand is a
 * syntax error; anything else left over is "excess input".  Values are
 * computed while parsing so that, as in GNU, a division by zero is reported
 * before a later syntax error; `&&` and `||` skip the errors of the side
 * they do not need.
 *
 * The grammar of record is the chevrotain parser in eval-grammar.ts; this
 * module reads the same tokens by hand and runs the same reductions
 * (test/m4-eval.test.ts checks the two agree on random expressions), since
 * loading chevrotain and building its parser cost more than a whole GNU m4
 * run on a cold start.  Both share the token readers and arithmetic below.
 */

/** Binary operators: precedence (higher binds tighter); ** is right-associative. */
export const PREC = new Map<string, number>([
  ['||', 1], ['&&', 2], ['|', 3], ['^', 4], ['&', 5], ['==', 6], ['!=', 6], ['=', 6],
  ['<', 7], ['<=', 7], ['>', 7], ['>=', 7], ['<<', 8], ['>>', 8], ['+', 9], ['-', 9],
  ['*', 10], ['/', 10], ['%', 10], ['**', 11],
]);

/** The operator tokens, longest first (the order both lexers try them in). */
export const TWO_CHAR_OPS = ['**', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||'];
export const ONE_CHAR_BINARY = ['+', '-', '*', '/', '%', '<', '>', '=', '&', '|', '^'];
/** C's operators that eval refuses; the three-character ones go before `<<`, `>>`, the others after the valid two-character ones. */
export const INVALID_OPS_LONG = ['<<=', '>>='];
export const INVALID_OPS = ['++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^='];

/** The characters an operator token can start with. */
const OPERATOR_CHARS = new Set([...TWO_CHAR_OPS, ...ONE_CHAR_BINARY, ...INVALID_OPS_LONG, ...INVALID_OPS, '~', '!'].map((o) => o[0]!));

/** Eval's white space (skipped between tokens). */
export function isEvalSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 122) return c - 87;
  if (c >= 65 && c <= 90) return c - 55;
  return -1;
}

/** A number token at `offset`: its image with its value as payload, or null. */
export function readNumber(text: string, offset: number): [string] & { payload?: number } | null {
  const c = text.charCodeAt(offset);
  if (c < 48 || c > 57) return null;
  let i = offset;
  let value = 0;
  const n = text.length;
  const digits = (radix: number): void => {
    while (i < n) {
      const d = digitValue(text.charCodeAt(i));
      // radix 1 counts ones, after any leading zeros
      if (d < 0 || (radix === 1 ? d > 1 || (d === 0 && value !== 0) : d >= radix)) break;
      value = (value * radix + d) % 4294967296;
      i++;
    }
  };
  if (c === 48 && i + 1 < n) {
    const k = text[i + 1];
    if (k === 'x' || k === 'X') {
      i += 2;
      digits(16);
    } else if (k === 'b' || k === 'B') {
      i += 2;
      digits(2);
    } else if (k === 'r' || k === 'R') {
      i += 2;
      let radix = 0;
      const rs = i;
      while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) radix = radix * 10 + text.charCodeAt(i++) - 48;
      if (i === rs || text[i] !== ':' || radix < 1 || radix > 36) return null;
      i++;
      digits(radix);
    } else {
      digits(8);
    }
  } else {
    digits(10);
  }
  const r = [text.slice(offset, i)] as [string] & { payload?: number };
  r.payload = value | 0;
  return r;
}

/** An error found while computing (not parsing) the value. */
export class EvalFailure extends Error {}

/** The arithmetic both parsers share: operators, and which errors are skipped. */
export class EvalArithmetic {
  /** >0 while reading the side of && / || whose value is not needed */
  skip = 0;
  warn: (msg: string) => void = () => {};

  private fail(what: string): number {
    if (this.skip === 0) throw new EvalFailure(what);
    return 0;
  }

  unary(o: string, v: number): number {
    return o === '-' ? -v | 0 : o === '+' ? v : o === '~' ? ~v : v === 0 ? 1 : 0;
  }

  apply(o: string, a: number, b: number): number {
    switch (o) {
      case '||': return a !== 0 || b !== 0 ? 1 : 0;
      case '&&': return a !== 0 && b !== 0 ? 1 : 0;
      case '|': return a | b;
      case '^': return a ^ b;
      case '&': return a & b;
      case '=':
        this.warn('recommend ==, not =, for equality operator');
        return a === b ? 1 : 0;
      case '==': return a === b ? 1 : 0;
      case '!=': return a !== b ? 1 : 0;
      case '<': return a < b ? 1 : 0;
      case '<=': return a <= b ? 1 : 0;
      case '>': return a > b ? 1 : 0;
      case '>=': return a >= b ? 1 : 0;
      case '<<': return a << b;
      case '>>': return a >> b;
      case '+': return (a + b) | 0;
      case '-': return (a - b) | 0;
      case '*': return Math.imul(a, b);
      case '/':
        if (b === 0) return this.fail('divide by zero');
        return b === -1 ? -a | 0 : (a / b) | 0;
      case '%':
        if (b === 0) return this.fail('modulo by zero');
        return b === -1 ? 0 : a % b | 0;
      default: // **
        if (b < 0) return this.fail('negative exponent');
        if (b === 0 && a === 0) return this.fail('divide by zero');
        return powWrap(a, b);
    }
  }
}

/**
 * Operator-precedence reduction over a run of operands and binary operators,
 * fed one piece at a time (the `expression` rule of both parsers).
 */
export class Reduction {
  private readonly vals: number[] = [];
  private readonly ops: string[] = [];
  private readonly skipping: boolean[] = [];
  constructor(
    private readonly ar: EvalArithmetic,
    first: number,
  ) {
    this.vals.push(first);
  }

  private reduce(): void {
    const o = this.ops.pop()!;
    const b = this.vals.pop()!;
    const a = this.vals.pop()!;
    if (this.skipping.pop()) this.ar.skip--;
    this.vals.push(this.ar.apply(o, a, b));
  }

  operator(o: string): void {
    const p = PREC.get(o)!;
    const ops = this.ops;
    while (ops.length && (PREC.get(ops[ops.length - 1]!)! > p || (PREC.get(ops[ops.length - 1]!)! === p && p !== 11))) this.reduce();
    const left = this.vals[this.vals.length - 1]!;
    const skipRight = (o === '||' && left !== 0) || (o === '&&' && left === 0);
    if (skipRight) this.ar.skip++;
    ops.push(o);
    this.skipping.push(skipRight);
  }

  operand(v: number): void {
    this.vals.push(v);
  }

  finish(): number {
    while (this.ops.length) this.reduce();
    return this.vals[0]!;
  }
}

function powWrap(base: number, e: number): number {
  let r = 1;
  let b = base;
  if (e > 64 && (base === 0 || base === 1)) return base;
  while (e > 0) {
    if (e & 1) r = Math.imul(r, b);
    b = Math.imul(b, b);
    e = Math.floor(e / 2);
  }
  return r;
}

/** The syntax errors, as GNU words them after "bad expression in eval". */
export const enum SyntaxClass {
  Plain = 0,
  MissingParen = 1,
  Excess = 2,
  BadInput = 3,
  InvalidOperator = 4,
}

/** A syntax error from the hand parser. */
class EvalSyntax extends Error {
  constructor(readonly cls: SyntaxClass) {
    super('syntax');
  }
}

/** The message for a failed evaluation. */
export function evalMessage(e: EvalFailure | SyntaxClass, expr: string): string {
  if (e instanceof EvalFailure) return `${e.message} in eval: ${expr}`;
  if (e === SyntaxClass.InvalidOperator) return `invalid operator in eval: ${expr}`;
  if (e === SyntaxClass.BadInput) return `bad expression in eval (bad input): ${expr}`;
  if (e === SyntaxClass.Excess) return `bad expression in eval (excess input): ${expr}`;
  if (e === SyntaxClass.MissingParen) return `bad expression in eval (missing right parenthesis): ${expr}`;
  return `bad expression in eval: ${expr}`;
}

/** Token kinds of the hand reader. */
const enum T {
  End,
  Number,
  Binary,
  Unary,
  LParen,
  RParen,
  Invalid,
  Bad,
}

/** Reads eval's tokens as the grammar's lexer does (white space skipped, longest operator first). */
class HandParser {
  private pos = 0;
  /** the current token: kind, text, number value */
  private kind: T = T.End;
  private image = '';
  private value = 0;

  constructor(
    private readonly text: string,
    private readonly ar: EvalArithmetic,
  ) {
    this.read();
  }

  /** The next token; a character that is no token, after the first token, ends the parse at once. */
  private advance(): void {
    this.read();
    if (this.kind === T.Bad) throw new EvalSyntax(SyntaxClass.BadInput);
  }

  private read(): void {
    const s = this.text;
    let p = this.pos;
    while (p < s.length && isEvalSpace(s.charCodeAt(p))) p++;
    if (p >= s.length) {
      this.pos = p;
      this.kind = T.End;
      this.image = '';
      return;
    }
    const num = readNumber(s, p);
    if (num) {
      this.kind = T.Number;
      this.image = num[0];
      this.value = num.payload!;
      this.pos = p + num[0].length;
      return;
    }
    const one = s[p]!;
    if (!OPERATOR_CHARS.has(one)) {
      this.kind = one === '(' ? T.LParen : one === ')' ? T.RParen : T.Bad;
      this.image = one;
      this.pos = p + 1;
      return;
    }
    const three = s.slice(p, p + 3);
    const two = s.slice(p, p + 2);
    if (INVALID_OPS_LONG.includes(three)) {
      this.kind = T.Invalid;
      this.image = three;
    } else if (TWO_CHAR_OPS.includes(two)) {
      this.kind = T.Binary;
      this.image = two;
    } else if (INVALID_OPS.includes(two)) {
      this.kind = T.Invalid;
      this.image = two;
    } else if (ONE_CHAR_BINARY.includes(one)) {
      this.kind = T.Binary;
      this.image = one;
    } else {
      this.kind = one === '~' || one === '!' ? T.Unary : one === '(' ? T.LParen : one === ')' ? T.RParen : T.Bad;
      this.image = one;
    }
    this.pos = p + this.image.length;
  }

  /** The whole text as one expression. */
  parse(): number {
    const v = this.expression();
    if (this.kind !== T.End) throw new EvalSyntax(this.kind === T.Invalid ? SyntaxClass.InvalidOperator : SyntaxClass.Excess);
    return v;
  }

  private expression(): number {
    const red = new Reduction(this.ar, this.operand());
    while (this.kind === T.Binary) {
      red.operator(this.image);
      this.advance();
      red.operand(this.operand());
    }
    return red.finish();
  }

  private operand(): number {
    const k = this.kind;
    if (k === T.Unary || (k === T.Binary && (this.image === '-' || this.image === '+'))) {
      const o = this.image;
      this.advance();
      return this.ar.unary(o, this.operand());
    }
    if (k === T.Number) {
      const v = this.value;
      this.advance();
      return v;
    }
    if (k === T.LParen) {
      this.advance();
      const v = this.expression();
      if (this.kind !== T.RParen) throw new EvalSyntax(SyntaxClass.MissingParen);
      this.advance();
      return v;
    }
    throw new EvalSyntax(k === T.Invalid ? SyntaxClass.InvalidOperator : SyntaxClass.Plain);
  }
}

/** Evaluate an eval expression: the value, or GNU's error message. */
export function evaluate(expr: string, warn: (msg: string) => void): number | string {
  const ar = new EvalArithmetic();
  ar.warn = warn;
  try {
    return new HandParser(expr, ar).parse();
  } catch (e) {
    if (e instanceof EvalFailure) return evalMessage(e, expr);
    if (e instanceof EvalSyntax) return evalMessage(e.cls, expr);
    throw e;
  }
}

/** eval's result in a radix (1..36) padded with zeros to a width. */
export function formatRadix(v: number, radix: number, width: number): string {
  const neg = v < 0;
  let digits: string;
  const mag = Math.abs(v);
  if (radix === 1) digits = '1'.repeat(mag);
  else digits = mag.toString(radix);
  if (digits.length < width) digits = '0'.repeat(width - digits.length) + digits;
  return (neg ? '-' : '') + digits;
}
