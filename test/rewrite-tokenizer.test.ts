/**
 * The address tokenizer (prescan) and token printing.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPERATOR_CHARS, prescan, tokenTable } from '../src/rewrite/prescan.js';
import { showText, showTokens } from '../src/rewrite/tokens.js';

const table = tokenTable('.:%@!^/[]+');

function scan(text: string, delim = ''): { tokens: string[] | null; errors: string[]; end: number } {
  const errors: string[] = [];
  const r = prescan(text, 0, delim, table, (m) => errors.push(m));
  return { tokens: r.tokens, errors, end: r.end };
}

describe('prescan', () => {
  it('splits at operator characters and white space', () => {
    expect(scan('user@host.example.com').tokens).toEqual(['user', '@', 'host', '.', 'example', '.', 'com']);
    expect(scan('  a   b ').tokens).toEqual(['a', 'b']);
    expect(scan('a+b%c!d').tokens).toEqual(['a', '+', 'b', '%', 'c', '!', 'd']);
  });

  it('always splits at ( ) < > , ;', () => {
    expect(scan('x(y)<z>;w').tokens).toEqual(['x', '(', 'y', ')', '<', 'z', '>', ';', 'w']);
  });

  it('keeps quoted strings as one token with their quotes and backslashes', () => {
    expect(scan('"quoted user"@h').tokens).toEqual(['"quoted user"', '@', 'h']);
    expect(scan('"a\\"b"@h').tokens).toEqual(['"a\\"b"', '@', 'h']);
    expect(scan('""@h').tokens).toEqual(['""', '@', 'h']);
  });

  it('glues a backslashed character to the token', () => {
    expect(scan('user\\@remote.org').tokens).toEqual(['user\\@remote', '.', 'org']);
    expect(scan('\\user').tokens).toEqual(['\\user']);
  });

  it('uses the configured operator characters', () => {
    const narrow = tokenTable('.@');
    expect(prescan('a+b@c', 0, '', narrow, null).tokens).toEqual(['a+b', '@', 'c']);
    expect(DEFAULT_OPERATOR_CHARS).toBe('.:@[]');
  });

  it('drops control characters (also in quotes) and keeps 8-bit bytes in atoms', () => {
    expect(scan('us\x01er@h').tokens).toEqual(['user', '@', 'h']);
    expect(scan('"x\x01y" a\x7fb').tokens).toEqual(['"xy"', 'ab']);
    expect(scan('r\xe9mote').tokens).toEqual(['r\xe9mote']);
    expect(scan('a\xffb').tokens).toEqual(['a', 'b']);
  });

  it('reports and repairs unbalanced brackets and quotes', () => {
    const open = scan('<user@host');
    expect(open.errors).toEqual(["Unbalanced '<'"]);
    expect(open.tokens).toEqual(['<', 'user', '@', 'host', '>']);
    const close = scan('user@host>');
    expect(close.errors).toEqual(["Unbalanced '>'"]);
    expect(close.tokens).toEqual(['user', '@', 'host']);
    const quote = scan('"unterminated@host');
    expect(quote.errors).toEqual(["Unbalanced '\"'"]);
    expect(quote.tokens).toEqual(['"unterminated@host"']);
  });

  it('stops at the delimiter outside angle brackets and route syntax', () => {
    const list = scan('a@b, c@d', ',');
    expect(list.tokens).toEqual(['a', '@', 'b']);
    expect(list.end).toBe(3);
    expect(scan('<@a,@b:u@c>', ',').tokens).toEqual(['<', '@', 'a', ',', '@', 'b', ':', 'u', '@', 'c', '>']);
    const bad = scan('<a, b>', ',');
    expect(bad.errors).toEqual(["Unbalanced '<'"]);
  });
});

describe('token printing', () => {
  it('prints 8-bit bytes cat -v style and control characters with ^', () => {
    expect(showText('r\xe9mote')).toBe('rM-imote');
    expect(showText('\xc3\xa9')).toBe('M-CM-)');
    expect(showText('a\x01')).toBe('a^A');
    expect(showText('"x\ty"')).toBe('"x\\ty"');
  });

  it('separates tokens by one space', () => {
    expect(showTokens(['user', '<', '@', 'h', '>'])).toBe('user < @ h >');
    expect(showTokens([])).toBe('');
  });
});
