/**
 * The `arith` class: the key is the operator, `$@` arguments the operands
 * (64-bit integers read like strtol: leading number, else 0).  Operators:
 * + - * / % | & (integers), l (less than) and = (TRUE / FALSE), r (random
 * number between the operands, inclusive).  Division by zero, a missing
 * operand, an unknown operator or an empty r range find nothing (status 78).
 * No map flag applies (-a, -m ... are ignored, as in sendmail).
 */
import { registerMapClass } from '../registry.js';
import type { LookupResult } from '../types.js';

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);
const CONFIG_ERROR: LookupResult = Object.freeze({ status: 'notfound', code: 78 }) as LookupResult;

/** strtol(text, NULL, 10) as a 64-bit value (saturating, 0 when there is no number). */
export function parseLong(text: string): bigint {
  const m = /^[ \t\n\r\f\v]*([+-]?)(\d+)/.exec(text);
  if (!m) return 0n;
  let v = BigInt(m[2]);
  if (m[1] === '-') v = -v;
  return v > LONG_MAX ? LONG_MAX : v < LONG_MIN ? LONG_MIN : v;
}

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

/** The result of one arith operation, or undefined when it finds nothing. */
export function arith(op: string, args: readonly string[]): string | undefined {
  if (args.length < 2 || op.length !== 1) return undefined;
  const a = parseLong(args[0]);
  const b = parseLong(args[1]);
  switch (op) {
    case '+': return String(wrap(a + b));
    case '-': return String(wrap(a - b));
    case '*': return String(wrap(a * b));
    case '/': return b === 0n ? undefined : String(wrap(a / b));
    case '%': return b === 0n ? undefined : String(wrap(a % b));
    case '|': return String(a | b);
    case '&': return String(a & b);
    case 'l': return a < b ? 'TRUE' : 'FALSE';
    case '=': return a === b ? 'TRUE' : 'FALSE';
    case 'r': {
      if (a > b) return undefined;
      const span = b - a + 1n;
      const pick = BigInt(Math.floor(Math.random() * Number(span > 2n ** 52n ? 2n ** 52n : span)));
      return String(a + pick);
    }
    default: return undefined;
  }
}

registerMapClass('arith', (decl) => ({
  decl,
  lookup(key: string, args: readonly string[]): LookupResult {
    const value = arith(key, args);
    return value === undefined ? CONFIG_ERROR : { status: 'found', value };
  },
}));
