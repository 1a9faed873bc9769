// The regex class and the POSIX-to-JavaScript translation, against real
// sendmail's regex map (glibc regcomp/regexec) through `/map`.

import { describe, expect, it } from 'vitest';
import { DOLLAR_BAR } from '../src/maps/index.js';
import { compilePosixRegex, translatePosixRegex } from '../src/maps/classes/posixRegex.js';
import { FIRST_K_LINE, TestEnv, canRunRealSendmail, realSlashMaps, tempDir, writeResolverFiles } from './maps-helpers.js';

const B = DOLLAR_BAR;

const K_LINES = [
  'Kr1 regex ^[a-z]+[0-9]+$',
  'Kr2 regex -f ^[a-z]+[0-9]+$',
  'Kr3 regex -n -a<NOT> ^x',
  'Kr4 regex -s2,3 -d+ ^([a-z]+)@([a-z]+)\\.(com|org)$',
  'Kr5 regex -s ^([a-z]+)@([a-z]+)\\.(com|org)$',
  'Kr6 regex -s1 -a.A ^([a-z]+)@',
  'Kr7 regex -s -m -a.M ^([a-z]+)@',
  'Kr8 regex -b ^a+$',
  'Kr10 regex -s2 ^(a)\\.(b)?(x)?',
  'Kr11 regex -s3 ^(a)\\.(b)?(x)?',
  'Kr12 regex -s0 ^a(b)c',
  'Kr13 regex -s -d ^a(b)(c)',
  'Kr14 regex ^x y$',
  'Kr15 regex -s1,1 ^a(b)c',
  'Kr16 regex -s,1 ^a(b)c',
  'Kr17 regex -s -d<> ^a(b)c',
  'Kr18 regex -z: -T<T> ^a',
  'Kr19 regex ^[[:digit:]]+\\.[[:alpha:]]$',
  'Kr20 regex ^[]a-]+$',
  'Kr21 regex ^a{2,3}$',
  'Kr22 regex -b ^\\(ab\\)\\{2\\}$',
  'Kr23 regex ^(ab|a)(c|bcd)$',
  'Kr24 regex ^[^.]+$',
  'Kr25 regex ^a\\.b$',
  'Kr26 regex -b ^a\\{1,\\}b*$',
  'Kr27 regex ^a{,3}$',
  'Kr28 regex ^a**$',
  'Kr29 regex ^x{1,2}{2}$',
  'Kr30 regex ^\\($',
  'Kr31 regex ^a\\{2\\}$',
  'Kr32 regex ^a\\b',
  'Kr33 regex -b ^a\\+$',
  'Kr34 regex -b a^b*',
  'Kr35 regex -b ^*a',
  'Kr36 regex a|',
  'Kr37 regex -s -d, ((b|a)|([a-c]|a){2})',
  'Kr38 regex -s -d, ^.(a?([ab])|(.|c)c(.|a))',
  'Kr39 regex -s -d, (.|([[:alpha:]]|([ab]|[^a])*))',
  'Kbad1 regex ^a(b',
  'Kbad2 regex -s9 ^a(b)c',
  'Kbad3 regex ^a[b',
  'Kbad4 regex *a',
  'Kbad5 regex a\\',
  'Kbad6 regex ^a{1$',
  'Kbad7 regex ^a{x}$',
  'Kbad8 regex [[:foo:]]',
  'Kbad9 regex [z-a]',
].join('\n');

const QUERIES: [string, string, string][] = [
  ['r1', 'abc123', 'returns  (0)'],
  ['r1', 'ABC123', 'returns  (0)'],
  ['r1', 'xyz', 'no match (0)'],
  ['r2', 'abc123', 'returns  (0)'],
  ['r2', 'ABC123', 'no match (0)'],
  ['r3', 'abc123', 'returns <NOT> (0)'],
  ['r3', 'xyz', 'no match (0)'],
  ['r4', 'bob@example.com', 'returns example+com (0)'],
  ['r4', 'BOB@example.com', 'returns example+com (0)'],
  ['r5', 'bob@example.com', `returns bob@example.com${B}bob${B}example${B}com (0)`],
  ['r6', 'bob@example.com', 'returns bob.A (0)'],
  ['r7', 'bob@example.com', 'returns bob@example.com.M (0)'],
  ['r8', 'aaa', 'no match (0)'],
  ['r8', 'a+', 'returns  (0)'],
  ['r10', 'a.b.c', 'returns b (0)'],
  ['r11', 'a.b.c', 'returns  (0)'],
  ['r12', 'abc', 'returns abc (0)'],
  ['r13', 'abc', 'returns abcbc (0)'],
  ['r14', 'x y', 'returns  (0)'],
  ['r14', 'xy', 'no match (0)'],
  ['r15', 'abc', `returns b${B}b (0)`],
  ['r16', 'abc', `returns abc${B}b (0)`],
  ['r17', 'abc', 'returns abc<>b (0)'],
  ['r18', 'abc', 'returns  (0)'],
  ['r19', '42.x', 'returns  (0)'],
  ['r19', '42.xy', 'no match (0)'],
  ['r20', 'a]-a', 'returns  (0)'],
  ['r20', 'ab', 'no match (0)'],
  ['r21', 'aaa', 'returns  (0)'],
  ['r21', 'aaaa', 'no match (0)'],
  ['r22', 'abab', 'returns  (0)'],
  ['r22', 'ab', 'no match (0)'],
  ['r23', 'abcd', 'returns  (0)'],
  ['r24', 'example', 'returns  (0)'],
  ['r24', 'example.com', 'no match (0)'],
  ['r25', 'a.b', 'returns  (0)'],
  ['r25', 'axb', 'no match (0)'],
  ['r26', 'aab', 'returns  (0)'],
  ['r26', 'b', 'no match (0)'],
  ['r27', 'aaa', 'returns  (0)'],
  ['r27', 'aaaa', 'no match (0)'],
  ['r28', 'aaa', 'returns  (0)'],
  ['r29', 'x', 'no match (0)'],
  ['r29', 'xxx', 'returns  (0)'],
  ['r30', '(', 'returns  (0)'],
  ['r31', 'a{2}', 'returns  (0)'],
  ['r32', 'ab', 'no match (0)'],
  ['r33', 'a+', 'no match (0)'],
  ['r33', 'aa', 'returns  (0)'],
  ['r34', 'xa^bbb', 'returns  (0)'],
  ['r35', '*a', 'returns  (0)'],
  ['r36', 'zzz', 'returns  (0)'],
  ['r37', 'acAA', 'returns ac,ac,,c (0)'],
  ['r38', 'cAcb', 'returns cAcb,Acb,,A,b (0)'],
  ['r39', 'acbA', 'returns acbA,acbA,acbA,A (0)'],
  ['bad1', 'x', 'Map named "bad1" not open'],
  ['bad2', 'x', 'Map named "bad2" not open'],
  ['bad3', 'x', 'Map named "bad3" not open'],
];

describe('regex class', () => {
  it('answers /map like sendmail', () => {
    const env = new TestEnv().declare(K_LINES, 'test.cf', FIRST_K_LINE);
    const want = QUERIES.map(([n, k, a]) => (a.startsWith('Map') ? a : `map_lookup: ${n} (${k}) ${a}`));
    return Promise.all(QUERIES.map(([n, k]) => env.slashMap(n, k))).then((ours) => {
      expect(ours).toEqual(want);
      if (canRunRealSendmail) {
        const dir = tempDir();
        writeResolverFiles(dir, '127.0.0.1 localhost\n');
        const real = realSlashMaps(dir, K_LINES, QUERIES.map(([n, k]) => [n, k]));
        expect(ours).toEqual(real.answers);
        // the compile errors are worded like glibc's regerror
        for (const r of env.reports) expect(real.output).toContain(r.replace('test.cf', ''));
      }
    });
  });

  it('reports compile errors in glibc words', () => {
    const env = new TestEnv().declare(K_LINES, 'test.cf', FIRST_K_LINE);
    const n = K_LINES.split('\n').findIndex((l) => l.startsWith('Kbad1'));
    expect(env.reports).toEqual([
      `test.cf: line ${FIRST_K_LINE + n}: pattern-compile-error: Unmatched ( or \\(`,
      `test.cf: line ${FIRST_K_LINE + n + 1}: field (9) out of range, only 2 substrings in pattern`,
      `test.cf: line ${FIRST_K_LINE + n + 2}: pattern-compile-error: Unmatched [, [^, [:, [., or [=`,
      `test.cf: line ${FIRST_K_LINE + n + 3}: pattern-compile-error: Invalid preceding regular expression`,
      `test.cf: line ${FIRST_K_LINE + n + 4}: pattern-compile-error: Trailing backslash`,
      `test.cf: line ${FIRST_K_LINE + n + 5}: pattern-compile-error: Unmatched \\{`,
      `test.cf: line ${FIRST_K_LINE + n + 6}: pattern-compile-error: Invalid content of \\{\\}`,
      `test.cf: line ${FIRST_K_LINE + n + 7}: pattern-compile-error: Invalid character class name`,
      `test.cf: line ${FIRST_K_LINE + n + 8}: pattern-compile-error: Invalid range end`,
    ]);
  });

  it('lets a $@ argument pick the substrings when -s is set (as sendmail rulesets show)', async () => {
    const env = new TestEnv().declare(
      [
        'Kr5 regex -s ^([a-z]+)@([a-z]+)\\.(com|org)$',
        'Kr6 regex -s1 ^([a-z]+)@([a-z]+)\\.(com|org)$',
        'Kr7 regex -a<A> ^([a-z]+)@([a-z]+)\\.(com|org)$',
        'Kr9 regex -s -d+ ^([a-z]+)@([a-z]+)\\.(com|org)$',
      ].join('\n'),
    );
    const key = 'bob@example.com';
    const value = async (m: string, args: string[]): Promise<string | undefined> => {
      const r = await env.lookup(m, key, args);
      return r.status === 'found' ? r.value : undefined;
    };
    expect(await value('r5', ['2'])).toBe('example');
    expect(await value('r5', ['1,3'])).toBe(`bob${B}com`);
    expect(await value('r5', ['2x'])).toBe('example');
    expect(await value('r5', ['x'])).toBe(key);
    expect(await value('r6', ['3'])).toBe('com');
    expect(await value('r7', ['2'])).toBe('<A>');
    expect(await value('r9', ['2', '3'])).toBe('example');
    expect(await value('r9', ['4'])).toBeUndefined();
    expect(env.reports).toEqual(['field (4) out of range, only 4 substrings in pattern']);
  });
});

describe('POSIX regular expressions in JavaScript', () => {
  it('translates bracket expressions, intervals and BRE groups', () => {
    expect(translatePosixRegex('[[:alpha:]_][]x]').source).toBe('[A-Za-z_][\\]x]');
    expect(translatePosixRegex('a\\(b\\)\\{2\\}', true)).toEqual({ source: 'a(b){2}', groups: 1 });
    expect(translatePosixRegex('a+?|(b)', true).source).toBe('a\\+\\?\\|\\(b\\)');
    expect(translatePosixRegex('\\<w\\>').source).toBe('\\b(?=\\w)w\\b(?<=\\w)');
    expect(translatePosixRegex('[\\d]').source).toBe('[\\\\d]');
  });

  it('matches newlines with . and ignores case unless asked', () => {
    expect(compilePosixRegex('^a.b$').regex.test('A\nB')).toBe(true);
    expect(compilePosixRegex('^a.b$', { caseSensitive: true }).regex.test('A\nB')).toBe(false);
  });
});
