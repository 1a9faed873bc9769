// How a map build puts keys in: makemap's source parsed into byte ranges,
// sorted as LMDB compares keys and appended, on real LMDB files.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareKeys, keyOrder } from '../src/maps/lmdb/key-order.js';
import { parseMakemapSource } from '../src/maps/lmdb/makemap-source.js';
import { MapFile, entryTable, type ExistingKeyAction, type MapEntry } from '../src/maps/lmdb/map-file.js';
import { tempDir } from './lmdb-helpers.js';

/** A small deterministic generator (xorshift32). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

/** Keys with shared prefixes, prefixes of each other, repeats and every byte value. */
function randomKeys(n: number, seed: number): Buffer[] {
  const rnd = random(seed);
  const keys: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.15 && keys.length > 0) {
      keys.push(Buffer.from(keys[Math.floor(rnd() * keys.length)])); // a repeat
      continue;
    }
    if (r < 0.3 && keys.length > 0) {
      const k = keys[Math.floor(rnd() * keys.length)];
      keys.push(k.subarray(0, Math.max(1, Math.floor(rnd() * k.length)))); // a prefix
      continue;
    }
    const len = 1 + Math.floor(rnd() * 40);
    const k = Buffer.alloc(len);
    const alphabet = rnd() < 0.5 ? 4 : 256; // few letters: long common prefixes
    for (let j = 0; j < len; j++) k[j] = rnd() < 0.3 ? 0x75 : Math.floor(rnd() * alphabet);
    keys.push(k);
  }
  return keys;
}

describe('keyOrder', () => {
  it('sorts as memcmp with shorter keys first, equal keys in input order', () => {
    for (const [n, seed] of [[0, 1], [1, 2], [30, 3], [5000, 4], [20000, 5]]) {
      const keys = randomKeys(n, seed);
      const table = entryTable(keys.map((k): MapEntry => [k, Buffer.alloc(0)]));
      const expected = keys.map((_, i) => i).sort((a, b) => Buffer.compare(keys[a], keys[b]) || a - b);
      const same = new Uint8Array(n);
      expect(Array.from(keyOrder(table, same))).toEqual(expected);
      // same[j]: the key at j equals the one before it
      expect(Array.from(same)).toEqual(expected.map((e, j) => (j > 0 && keys[expected[j - 1]].equals(keys[e]) ? 1 : 0)));
    }
  });

  it('compareKeys agrees with Buffer.compare', () => {
    const keys = randomKeys(500, 9);
    const t = entryTable(keys.map((k): MapEntry => [k, Buffer.alloc(0)]));
    for (let i = 1; i < keys.length; i++) {
      expect(Math.sign(compareKeys(t.bytes, t.keyStart, t.keyEnd, i - 1, i))).toBe(Buffer.compare(keys[i - 1], keys[i]));
    }
  });
});

describe('a rebuild appends sorted keys', () => {
  const keys = randomKeys(3000, 11);
  const entries = keys.map((k, i): MapEntry => [k, Buffer.from(`v${i}`)]);
  function* oneByOne(): Generator<MapEntry> {
    yield* entries;
  }
  function content(file: string): string[] {
    const f = MapFile.open(file);
    try {
      return [...f.entries()].map(([k, v]) => `${k.toString('hex')}=${v.toString('latin1')}`);
    } finally {
      f.close();
    }
  }

  it.each<[string, ((key: Buffer, index: number) => ExistingKeyAction) | undefined]>([
    ['last wins by default', undefined],
    ['skip keeps the first', () => 'skip'],
    ['duplicate keeps all in input order', () => 'duplicate'],
    ['mixed answers', (_k, i) => (['skip', 'replace', 'duplicate'] as const)[i % 3]],
  ])('gives the same map as putting entries one by one: %s', (_name, onExisting) => {
    const dir = tempDir('makemap-build-');
    const calls: Record<string, number[]> = { sorted: [], streamed: [] };
    for (const [name, input] of [['sorted', entries], ['streamed', oneByOne()]] as const) {
      const f = MapFile.open(path.join(dir, `${name}.db`), { write: true, create: true });
      const track = onExisting && ((k: Buffer, i: number) => (calls[name].push(i), onExisting(k, i)));
      f.replaceAll(input, { onExisting: track });
      f.close();
    }
    const sorted = content(path.join(dir, 'sorted.db'));
    expect(sorted).toEqual(content(path.join(dir, 'streamed.db')));
    // every later entry of a key is asked about, in input order
    expect(calls.sorted).toEqual(calls.streamed);
    if (onExisting) expect(calls.sorted.length).toBeGreaterThan(300);
  });
});

describe('parseMakemapSource', () => {
  const parse = (text: string, options = {}) => {
    const { table, problems } = parseMakemapSource(Buffer.from(text, 'latin1'), options);
    const rows = Array.from({ length: table.count }, (_, i) => [table.key(i).toString('latin1'), table.value(i).toString('latin1'), table.line[i]]);
    return { rows, problems: problems.map((p) => `${p.line}: ${p.message}`) };
  };

  it('splits lines into folded keys and values with their line numbers', () => {
    expect(parse('Foo  bar baz\n\n# c\nX\ty\n')).toEqual({ rows: [['foo', 'bar baz', 1], ['x', 'y', 4]], problems: [] });
    expect(parse('Foo bar', { noFold: true }).rows).toEqual([['Foo', 'bar', 1]]);
    expect(parse('a::b\nc:d', { delimiter: ':' }).rows).toEqual([['a', 'b', 1], ['c', 'd', 2]]);
  });

  it('-N ends key and value with a NUL, with or without a last newline, also for an empty value', () => {
    expect(parse('A b\nc d', { includeNull: true }).rows).toEqual([['a\0', 'b\0', 1], ['c\0', 'd\0', 2]]);
    expect(parse('e\nf  \n', { includeNull: true, allowEmpty: true }).rows).toEqual([['e\0', '\0', 1], ['f\0', '\0', 2]]);
  });

  it('reports broken lines once each', () => {
    expect(parse('a b\nnoval\n  lead\nx\0y z\n').problems).toEqual([
      '2: no RHS for LHS noval',
      '3: syntax error (leading space)',
      '4: NUL byte in input (not a text file?)',
    ]);
    expect(parse(`${'K'.repeat(1979)} v\n`).problems).toEqual(['1: key too long (1978 bytes max)']);
  });
});
