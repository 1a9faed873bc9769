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
import {
  createToken,
  EmbeddedActionsParser,
  Lexer,
  MismatchedTokenException,
  NotAllInputParsedException,
  type IToken,
  type TokenType,
} from 'chevrotain';

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
const op = (name: string, image: string): TokenType =>
  createToken({ name, pattern: new RegExp(image.replace(/[*+?^$|()\\/]/g, '\\$&')) });
const Pow = op('Pow', '**');
const Shl = op('Shl', '<<');
const Shr = op('Shr', '>>');
const Le = op('Le', '<=');
const Ge = op('Ge', '>=');
const EqEq = op('EqEq', '==');
const Ne = op('Ne', '!=');
const AndAnd = op('AndAnd', '&&');
const OrOr = op('OrOr', '||');
const Plus = op('Plus', '+');
const Minus = op('Minus', '-');
const Times = op('Times', '*');
const Div = op('Div', '/');
const Mod = op('Mod', '%');
const Lt = op('Lt', '<');
const Gt = op('Gt', '>');
const Assign = op('Assign', '=');
const BitAnd = op('BitAnd', '&');
const BitOr = op('BitOr', '|');
const BitXor = op('BitXor', '^');
const Tilde = op('Tilde', '~');
const Not = op('Not', '!');
const LParen = op('LParen', '(');
const RParen = op('RParen', ')');
const BadChar = createToken({ name: 'BadChar', pattern: /[^]/, line_breaks: true });

const allTokens = [
  WhiteSpace, NumberTok, Pow, Shl, Shr, Le, Ge, EqEq, Ne, AndAnd, OrOr,
  Plus, Minus, Times, Div, Mod, Lt, Gt, Assign, BitAnd, BitOr, BitXor, Tilde, Not, LParen, RParen, BadChar,
];

/** An error found while computing (not parsing) the value. */
class EvalFailure extends Error {}

class ExprParser extends EmbeddedActionsParser {
  /** >0 while parsing the side of && / || whose value is not needed */
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

  expression = this.RULE('expression', (): number => this.SUBRULE(this.lor));

  private lor = this.RULE('lor', (): number => {
    let v = this.SUBRULE(this.land);
    this.MANY(() => {
      this.CONSUME(OrOr);
      const taken = this.ACTION(() => v !== 0);
      if (taken) this.ACTION(() => this.skip++);
      const r = this.SUBRULE2(this.land);
      this.ACTION(() => {
        if (taken) this.skip--;
        v = v !== 0 || r !== 0 ? 1 : 0;
      });
    });
    return v;
  });

  private land = this.RULE('land', (): number => {
    let v = this.SUBRULE(this.bor);
    this.MANY(() => {
      this.CONSUME(AndAnd);
      const zero = this.ACTION(() => v === 0);
      if (zero) this.ACTION(() => this.skip++);
      const r = this.SUBRULE2(this.bor);
      this.ACTION(() => {
        if (zero) this.skip--;
        v = v !== 0 && r !== 0 ? 1 : 0;
      });
    });
    return v;
  });

  private bor = this.RULE('bor', (): number => {
    let v = this.SUBRULE(this.bxor);
    this.MANY(() => {
      this.CONSUME(BitOr);
      const r = this.SUBRULE2(this.bxor);
      this.ACTION(() => (v = v | r));
    });
    return v;
  });

  private bxor = this.RULE('bxor', (): number => {
    let v = this.SUBRULE(this.band);
    this.MANY(() => {
      this.CONSUME(BitXor);
      const r = this.SUBRULE2(this.band);
      this.ACTION(() => (v = v ^ r));
    });
    return v;
  });

  private band = this.RULE('band', (): number => {
    let v = this.SUBRULE(this.equality);
    this.MANY(() => {
      this.CONSUME(BitAnd);
      const r = this.SUBRULE2(this.equality);
      this.ACTION(() => (v = v & r));
    });
    return v;
  });

  private equality = this.RULE('equality', (): number => {
    let v = this.SUBRULE(this.relational);
    this.MANY(() => {
      const t = this.OR([{ ALT: () => this.CONSUME(EqEq) }, { ALT: () => this.CONSUME(Ne) }, { ALT: () => this.CONSUME(Assign) }]);
      const r = this.SUBRULE2(this.relational);
      this.ACTION(() => {
        if (t.tokenType === Assign) this.warn('recommend ==, not =, for equality operator');
        v = (t.tokenType === Ne ? v !== r : v === r) ? 1 : 0;
      });
    });
    return v;
  });

  private relational = this.RULE('relational', (): number => {
    let v = this.SUBRULE(this.shift);
    this.MANY(() => {
      const t = this.OR([
        { ALT: () => this.CONSUME(Lt) },
        { ALT: () => this.CONSUME(Le) },
        { ALT: () => this.CONSUME(Gt) },
        { ALT: () => this.CONSUME(Ge) },
      ]);
      const r = this.SUBRULE2(this.shift);
      this.ACTION(() => {
        const k = t.tokenType;
        v = (k === Lt ? v < r : k === Le ? v <= r : k === Gt ? v > r : v >= r) ? 1 : 0;
      });
    });
    return v;
  });

  private shift = this.RULE('shift', (): number => {
    let v = this.SUBRULE(this.additive);
    this.MANY(() => {
      const t = this.OR([{ ALT: () => this.CONSUME(Shl) }, { ALT: () => this.CONSUME(Shr) }]);
      const r = this.SUBRULE2(this.additive);
      this.ACTION(() => (v = t.tokenType === Shl ? v << r : v >> r));
    });
    return v;
  });

  private additive = this.RULE('additive', (): number => {
    let v = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const t = this.OR([{ ALT: () => this.CONSUME(Plus) }, { ALT: () => this.CONSUME(Minus) }]);
      const r = this.SUBRULE2(this.multiplicative);
      this.ACTION(() => (v = t.tokenType === Plus ? (v + r) | 0 : (v - r) | 0));
    });
    return v;
  });

  private multiplicative = this.RULE('multiplicative', (): number => {
    let v = this.SUBRULE(this.power);
    this.MANY(() => {
      const t = this.OR([{ ALT: () => this.CONSUME(Times) }, { ALT: () => this.CONSUME(Div) }, { ALT: () => this.CONSUME(Mod) }]);
      const r = this.SUBRULE2(this.power);
      this.ACTION(() => {
        if (t.tokenType === Times) v = Math.imul(v, r);
        else if (r === 0) v = this.fail(t.tokenType === Div ? 'divide by zero' : 'modulo by zero');
        else if (t.tokenType === Div) v = r === -1 ? -v | 0 : (v / r) | 0;
        else v = r === -1 ? 0 : v % r | 0;
      });
    });
    return v;
  });

  private power = this.RULE('power', (): number => {
    const base = this.SUBRULE(this.unary);
    let v = base;
    this.OPTION(() => {
      this.CONSUME(Pow);
      const e = this.SUBRULE(this.power);
      this.ACTION(() => {
        if (e < 0) v = this.fail('negative exponent');
        else if (e === 0 && base === 0) v = this.fail('divide by zero');
        else {
          let r = 1;
          for (let i = 0; i < e && i < 64; i++) r = Math.imul(r, base);
          if (e >= 64) r = base === 1 ? 1 : base === -1 ? (e % 2 ? -1 : 1) : base === 0 ? 0 : powWrap(base, e);
          v = r;
        }
      });
    });
    return v;
  });

  private unary = this.RULE('unary', (): number =>
    this.OR([
      {
        ALT: () => {
          const t = this.OR2([
            { ALT: () => this.CONSUME(Minus) },
            { ALT: () => this.CONSUME(Plus) },
            { ALT: () => this.CONSUME(Tilde) },
            { ALT: () => this.CONSUME(Not) },
          ]);
          const v = this.SUBRULE(this.unary);
          return this.ACTION(() => {
            const k = t.tokenType;
            return k === Minus ? -v | 0 : k === Plus ? v : k === Tilde ? ~v : v === 0 ? 1 : 0;
          });
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]),
  );

  private primary = this.RULE('primary', (): number =>
    this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(NumberTok);
          return this.ACTION(() => t.payload as number);
        },
      },
      {
        ALT: () => {
          this.CONSUME(LParen);
          const v = this.SUBRULE(this.lor);
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
  while (e > 0) {
    if (e & 1) r = Math.imul(r, b);
    b = Math.imul(b, b);
    e = Math.floor(e / 2);
  }
  return r;
}

let lexer: Lexer | null = null;
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
