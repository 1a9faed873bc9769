/**
 * src/m4/eval-grammar.ts — eval's grammar of record, as a chevrotain parser.
 *
 * The same tokens, rules and reductions as the hand parser in eval.ts
 * (which the eval builtin runs); tests compare the two.  chevrotain is
 * loaded when a grammar is first asked for, never on the m4 command's path.
 * The grammar is three rules (expression, operand, primary); binary
 * precedence is resolved by operator-precedence reduction inside
 * `expression`, which keeps chevrotain's start-up analysis small.
 */
import type { IToken, TokenType } from 'chevrotain';
import { loadChevrotain } from './chevrotain.js';
import { EvalArithmetic, EvalFailure, evalMessage, INVALID_OPS, INVALID_OPS_LONG, ONE_CHAR_BINARY, readNumber, Reduction, SyntaxClass, TWO_CHAR_OPS } from './eval.js';

/** A syntax error found by an action (bad input, invalid operator). */
class GrammarSyntax extends Error {
  constructor(readonly cls: SyntaxClass) {
    super('syntax');
  }
}

type Lib = Awaited<ReturnType<typeof loadChevrotain>>;

function buildGrammar(lib: Lib): (expr: string, warn: (msg: string) => void) => number | string {
  const { createToken, Lexer, EmbeddedActionsParser, MismatchedTokenException, NotAllInputParsedException, tokenMatcher } = lib;
  const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\n\r\f\v]+/, group: Lexer.SKIPPED });
  const NumberTok = createToken({ name: 'Number', pattern: { exec: readNumber }, line_breaks: false, start_chars_hint: [...'0123456789'] });
  const BinOp = createToken({ name: 'BinOp', pattern: Lexer.NA });
  const Invalid = createToken({ name: 'Invalid', pattern: Lexer.NA });
  const escaped = (image: string): RegExp => new RegExp(image.replace(/[*+?^$|()\\/]/g, '\\$&'));
  const op = (name: string, image: string, binary: boolean): TokenType =>
    createToken({ name, pattern: escaped(image), categories: binary ? [BinOp] : [] });
  const invalid = (image: string, i: number): TokenType => createToken({ name: `Invalid${i}`, pattern: escaped(image), categories: [Invalid] });
  // longest operators first
  const binaryTokens = [...TWO_CHAR_OPS, ...ONE_CHAR_BINARY].map((o, i) => op(`Op${i}`, o, true));
  const invalidLong = INVALID_OPS_LONG.map(invalid);
  const invalidShort = INVALID_OPS.map((o, i) => invalid(o, i + INVALID_OPS_LONG.length));
  const Tilde = op('Tilde', '~', false);
  const Not = op('Not', '!', false);
  const LParen = op('LParen', '(', false);
  const RParen = op('RParen', ')', false);
  const BadChar = createToken({ name: 'BadChar', pattern: /[^]/, line_breaks: true });
  const Plus = binaryTokens[TWO_CHAR_OPS.length + ONE_CHAR_BINARY.indexOf('+')]!;
  const Minus = binaryTokens[TWO_CHAR_OPS.length + ONE_CHAR_BINARY.indexOf('-')]!;
  const twoChar = binaryTokens.slice(0, TWO_CHAR_OPS.length);
  const oneChar = binaryTokens.slice(TWO_CHAR_OPS.length);
  const allTokens = [WhiteSpace, NumberTok, BinOp, Invalid, ...invalidLong, ...twoChar, ...invalidShort, ...oneChar, Tilde, Not, LParen, RParen, BadChar];

  class ExprParser extends EmbeddedActionsParser {
    ar = new EvalArithmetic();

    constructor() {
      super(allTokens, { recoveryEnabled: false, maxLookahead: 1, skipValidations: true });
      this.performSelfAnalysis();
    }

    /** After a token: a character that is no token next is bad input, at once. */
    private badNext(): void {
      if (this.LA(1).tokenType === BadChar) throw new GrammarSyntax(SyntaxClass.BadInput);
    }

    expression = this.RULE('expression', (): number => {
      const first = this.SUBRULE(this.operand);
      const red = this.ACTION(() => new Reduction(this.ar, first));
      this.MANY(() => {
        const t = this.CONSUME(BinOp);
        this.ACTION(() => this.badNext());
        this.ACTION(() => red.operator(t.image));
        const v = this.SUBRULE2(this.operand);
        this.ACTION(() => red.operand(v));
      });
      return this.ACTION(() => red.finish());
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
            this.ACTION(() => this.badNext());
            const v = this.SUBRULE(this.operand);
            return this.ACTION(() => this.ar.unary(t.image, v));
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(NumberTok);
            this.ACTION(() => this.badNext());
            return this.ACTION(() => t.payload as number);
          },
        },
        {
          ALT: () => {
            this.CONSUME(LParen);
            this.ACTION(() => this.badNext());
            const v = this.SUBRULE(this.expression);
            this.CONSUME(RParen);
            this.ACTION(() => this.badNext());
            return v;
          },
        },
        {
          ALT: () => {
            this.CONSUME(Invalid);
            return this.ACTION(() => {
              throw new GrammarSyntax(SyntaxClass.InvalidOperator);
            });
          },
        },
      ]),
    );
  }

  const lexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', skipValidations: true, ensureOptimizations: false });
  const parser = new ExprParser();
  return (expr, warn) => {
    const toks: IToken[] = lexer.tokenize(expr).tokens;
    parser.input = toks;
    parser.ar = new EvalArithmetic();
    parser.ar.warn = warn;
    let v: number;
    try {
      v = parser.expression();
    } catch (e) {
      if (e instanceof EvalFailure) return evalMessage(e, expr);
      if (e instanceof GrammarSyntax) return evalMessage(e.cls, expr);
      throw e;
    }
    const err = parser.errors[0];
    if (!err) return v;
    if (err instanceof NotAllInputParsedException) {
      return evalMessage(err.token.tokenType === BadChar ? SyntaxClass.BadInput : tokenMatcher(err.token, Invalid) ? SyntaxClass.InvalidOperator : SyntaxClass.Excess, expr);
    }
    if (err instanceof MismatchedTokenException && err.message.includes('RParen')) return evalMessage(SyntaxClass.MissingParen, expr);
    return evalMessage(SyntaxClass.Plain, expr);
  };
}

let grammar: Promise<ReturnType<typeof buildGrammar>> | null = null;

/** eval through the chevrotain grammar: the value, or GNU's error message. */
export async function evaluateWithGrammar(expr: string, warn: (msg: string) => void): Promise<number | string> {
  grammar ??= loadChevrotain().then(buildGrammar);
  return (await grammar)(expr, warn);
}
