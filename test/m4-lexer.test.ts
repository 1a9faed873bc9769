/**
 * test/m4-lexer.test.ts — the hand tokenizer gives chevrotain's tokens.
 *
 * The expansion loop lexes with a hand-written path for speed; chevrotain's
 * lexer for the same delimiters is the lexer of record.  Random texts over
 * an alphabet rich in delimiter characters, with several delimiter sets.
 */
import { describe, expect, it } from 'vitest';
import { chevrotainTokenize, handTokenize, lexerFor, type Delimiters } from '../src/m4/lexer.js';

const sets: Delimiters[] = [
  { lquote: '`', rquote: "'", bcomm: '#', ecomm: '\n' },
  { lquote: '[', rquote: ']', bcomm: '', ecomm: '' },
  { lquote: '<<', rquote: '>>', bcomm: '/*', ecomm: '*/' },
  { lquote: '(', rquote: ')', bcomm: ',', ecomm: 'x' },
  { lquote: 'ab', rquote: 'c', bcomm: '\n', ecomm: '' },
  { lquote: '', rquote: '', bcomm: '#', ecomm: '' },
];
const alphabet = "ab c_9`'#\n[]()<>*/,x\t$-";

describe('m4 hand tokenizer', () => {
  it('matches chevrotain token for token', async () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (const d of sets) {
      const m = lexerFor(d);
      for (let k = 0; k < 300; k++) {
        let s = '';
        const len = rnd(60);
        for (let i = 0; i < len; i++) s += alphabet[rnd(alphabet.length)];
        const from = rnd(len + 1);
        expect(handTokenize(m, s, from), JSON.stringify({ d, s, from })).toEqual(await chevrotainTokenize(m, s, from));
      }
    }
  });
});
