/**
 * test/m4-eval.test.ts — eval's hand parser agrees with the chevrotain grammar of record,
 * and (when GNU m4 is installed) with GNU m4 itself.
 *
 * Random expressions over eval's tokens (numbers in every radix form,
 * every operator, parentheses, stray characters, white space), so that
 * error classes and the order of division-by-zero versus syntax errors
 * are exercised as much as values.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../src/m4/eval.js';
import { evaluateWithGrammar } from '../src/m4/eval-grammar.js';

const pieces = ['1', '0', '7', '-1', '010', '0x1f', '0b101', '0r36:zz', '0r1:111', '0r37:1', '2147483647', '99999999999',
  '+', '-', '*', '/', '%', '**', '<<', '>>', '<', '<=', '>', '>=', '==', '!=', '=', '&', '|', '^', '&&', '||', '~', '!',
  '(', '(', ')', ')', ' ', '\t', '@', 'a', '?', ':'];

function randomExpressions(count: number, seed: number): string[] {
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let s = '';
    const len = 1 + rnd(9);
    for (let i = 0; i < len; i++) s += pieces[rnd(pieces.length)];
    out.push(s);
  }
  return out;
}

function withWarnings(f: (warn: (m: string) => void) => number | string): { result: number | string; warnings: string[] } {
  const warnings: string[] = [];
  return { result: f((m) => warnings.push(m)), warnings };
}

describe('m4 eval', () => {
  it('the hand parser gives the grammar of record results, errors and warnings', async () => {
    for (const e of randomExpressions(3000, 4242)) {
      const hand = withWarnings((w) => evaluate(e, w));
      const warnings: string[] = [];
      const rec = await evaluateWithGrammar(e, (m) => warnings.push(m));
      expect(hand, JSON.stringify(e)).toEqual({ result: rec, warnings });
    }
  });

  const hasGnu = spawnSync('m4', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!hasGnu) console.log('m4-eval: GNU m4 not installed, skipping the comparison with it');
  it.skipIf(!hasGnu)('gives GNU m4 1.4.19 results and messages', () => {
    // quoting characters and commas are kept out: each expression is one quoted argument
    const exprs = randomExpressions(400, 777).filter((e) => !/[`',#]/.test(e));
    const input = exprs.map((e) => `eval(\`${e}')\n`).join('');
    const gnu = spawnSync('m4', [], { input, encoding: 'latin1' });
    const lines = gnu.stdout.split('\n');
    const messages = gnu.stderr.split('\n').filter((l) => l !== '');
    let mi = 0;
    exprs.forEach((e, i) => {
      const { result, warnings } = withWarnings((w) => evaluate(e, w));
      expect(lines[i], JSON.stringify(e)).toBe(typeof result === 'number' ? String(result) : '');
      for (const w of warnings) expect(messages[mi++], JSON.stringify(e)).toBe(`m4:stdin:${i + 1}: Warning: ${w}`);
      if (typeof result === 'string') expect(messages[mi++], JSON.stringify(e)).toBe(`m4:stdin:${i + 1}: ${result}`);
    });
    expect(mi).toBe(messages.length);
  });
});
