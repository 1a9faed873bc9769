/**
 * src/m4/eval.ts — eval's integer expressions, on a chevrotain lexer and parser.
 *
 * 32-bit wrapping arithmetic with GNU m4 1.4.19's operators and precedence
 * (no ?:, `**` binds right and below unary minus, `=` is `==` with a
 * warning), its number forms (0x, 0b, 0r<radix>:, octal) and its error
 * classes: a bad operand is a syntax error, a stray character where an
 * operator may stand is "bad input", anything else left over is "excess
 * input".  Values are computed while parsing so that, as in GNU, a division
 * by zero is reported before a later syntax error; `&&` and `||` skip the
 * errors of the side they do not need.
 */
import type { IToken, TokenType, Lexer as LexerType } from 'chevrotain';
import { createToken, EmbeddedActionsParser, Lexer, MismatchedTokenException, NotAllInputParsedException } from './chevrotain.js';

function readNumber(text: string, offset: number): [string] & { payload?: number } | null {
  const c = text.charCodeAt(offset);
  if (c < 48 || c > 57) return null;
  let i = offset;
  let value = 0;
  const n = text.length;
  const digits = (radix: number): void => {
    while (i < n) {
      const d = digitValue(text.charCodeAt(i));
      if (d < 0 || d >= Math.max(radix, 2) || (radix === 1 && d > 1)) break;
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

function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 122) return c - 87;
  if (c >= 65 && c <= 90) return c - 55;
  return -1;
}

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\n\r\f\v]+/, group: Lexer.SKIPPED });
const NumberTok = createToken({ name: 'Number', pattern: { exec: readNumber }, line_breaks: false, start_chars_hint: [...'0123456789'] });
const BinOp = createToken({ name: 'BinOp', pattern: Lexer.NA });

/** Binary operators: precedence (higher binds tighter); ** is right-associative. */
const PREC = new Map<string, number>([
  ['||', 1], ['&&', 2], ['|', 3], ['^', 4], ['&', 5], ['==', 6], ['!=', 6], ['=', 6],
  ['<', 7], ['<=', 7], ['>', 7], ['>=', 7], ['<<', 8], ['>>', 8], ['+', 9], ['-', 9],
  ['*', 10], ['/', 10], ['%', 10], ['**', 11],
]);

const op = (name: string, image: string, binary: boolean): TokenType =>
  createToken({
    name,
    pattern: new RegExp(image.replace(/[*+?^$|()\\/]/g, '\\$&')),
    categories: binary ? [BinOp] : [],
  });
// longest operators first
const binaryTokens = ['**', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*', '/', '%', '<', '>', '=', '&', '|', '^'].map((o, i) =>
  op(`Op${i}`, o, true),
);
const Plus = op('Plus', '+', true);
const Minus = op('Minus', '-', true);
const Tilde = op('Tilde', '~', false);
const Not = op('Not', '!', false);
const LParen = op('LParen', '(', false);
const RParen = op('RParen', ')', false);
const BadChar = createToken({ name: 'BadChar', pattern: /[^]/, line_breaks: true });

const allTokens = [WhiteSpace, NumberTok, BinOp, ...binaryTokens.slice(0, 9), Plus, Minus, ...binaryTokens.slice(9), Tilde, Not, LParen, RParen, BadChar];

/** An error found while computing (not parsing) the value. */
class EvalFailure extends Error {}

/**
 * The grammar is three rules (expression, operand, primary); binary
 * precedence is resolved by operator-precedence reduction inside
 * `expression`, which keeps chevrotain's start-up analysis small.
 */
class ExprParser extends EmbeddedActionsParser {
  /** >0 while reading the side of && / || whose value is not needed */
  skip = 0;
  warn: (msg: string) => void = () => {};

  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 1, skipValidations: true });
    this.performSelfAnalysis();
  }

  private fail(what: string): number {
    if (this.skip === 0) throw new EvalFailure(what);
    return 0;
  }

  private apply(o: string, a: number, b: number): number {
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

  expression = this.RULE('expression', (): number => {
    const vals: number[] = [];
    const ops: string[] = [];
    const skipping: boolean[] = [];
    const first = this.SUBRULE(this.operand);
    this.ACTION(() => vals.push(first));
    const reduce = (): void => {
      const o = ops.pop()!;
      const b = vals.pop()!;
      const a = vals.pop()!;
      if (skipping.pop()) this.skip--;
      vals.push(this.apply(o, a, b));
    };
    this.MANY(() => {
      const t = this.CONSUME(BinOp);
      this.ACTION(() => {
        const p = PREC.get(t.image)!;
        while (ops.length && (PREC.get(ops[ops.length - 1]!)! > p || (PREC.get(ops[ops.length - 1]!)! === p && p !== 11))) reduce();
        const left = vals[vals.length - 1]!;
        const skipRight = (t.image === '||' && left !== 0) || (t.image === '&&' && left === 0);
        if (skipRight) this.skip++;
        ops.push(t.image);
        skipping.push(skipRight);
      });
      const v = this.SUBRULE2(this.operand);
      this.ACTION(() => vals.push(v));
    });
    return this.ACTION(() => {
      while (ops.length) reduce();
      return vals[0]!;
    });
  });

  private operand = this.RULE('operand', (): number =>
    this.OR([
      {
        ALT: () => {
          const t = this.OR2([
            { ALT: () => this.CONSUME(Minus) },
            { ALT: () => this.CONSUME(Plus) },
            { ALT: () => this.CONSUME(Tilde) },
            { ALT: () => this.CONSUME(Not) },
          ]);
          const v = this.SUBRULE(this.operand);
          return this.ACTION(() => {
            const k = t.tokenType;
            return k === Minus ? -v | 0 : k === Plus ? v : k === Tilde ? ~v : v === 0 ? 1 : 0;
          });
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(NumberTok);
          return this.ACTION(() => t.payload as number);
        },
      },
      {
        ALT: () => {
          this.CONSUME(LParen);
          const v = this.SUBRULE(this.expression);
          this.CONSUME(RParen);
          return v;
        },
      },
    ]),
  );
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

let lexer: LexerType | null = null;
let parser: ExprParser | null = null;

/** Evaluate an eval expression: the value, or GNU's error message. */
export function evaluate(expr: string, warn: (msg: string) => void): number | string {
  lexer ??= new Lexer(allTokens, { positionTracking: 'onlyOffset', skipValidations: true, ensureOptimizations: false });
  parser ??= new ExprParser();
  const toks: IToken[] = lexer.tokenize(expr).tokens;
  parser.input = toks;
  parser.skip = 0;
  parser.warn = warn;
  let v: number;
  try {
    v = parser.expression();
  } catch (e) {
    if (e instanceof EvalFailure) return `${e.message} in eval: ${expr}`;
    throw e;
  }
  const err = parser.errors[0];
  if (err) {
    if (err instanceof NotAllInputParsedException) {
      return err.token.tokenType === BadChar
        ? `bad expression in eval (bad input): ${expr}`
        : `bad expression in eval (excess input): ${expr}`;
    }
    if (err instanceof MismatchedTokenException && err.message.includes('RParen')) {
      return `bad expression in eval (missing right parenthesis): ${expr}`;
    }
    return `bad expression in eval: ${expr}`;
  }
  return v;
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
