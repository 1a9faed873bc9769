// The map classes against real sendmail 8.17: the same K lines, the same
// `/map` queries, the same answers (value and status).  Expected values are
// also written out, so the tests check behaviour where sendmail is absent.

import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unsafeMapDirectory } from '../src/maps/index.js';
import { defaultUserIds } from '../src/maps/classes/program.js';
import { FIRST_K_LINE, TestEnv, canRunRealSendmail, realSlashMaps, tempDir, writeResolverFiles } from './maps-helpers.js';

const HOSTS = [
  '127.0.0.1 localhost',
  '10.0.0.1 foo.example.com foo',
  '10.0.0.2 bar',
  '10.0.0.3 Other.Example.Org other',
  '10.0.0.4 short alias.example.net',
  '10.0.0.6 qux.example.com.',
  '# 10.0.0.7 commented.example.com',
  '10.0.0.8 multi1 multi2 # trailing comment',
  '',
].join('\n');

/** One scenario: K lines, files, /map queries and the answers sendmail gives. */
interface Scenario {
  kLines: (dir: string) => string;
  files?: Record<string, string>;
  expected: [string, string, string][];
}

async function runScenario(s: Scenario): Promise<{ ours: string[]; real?: string[]; env: TestEnv }> {
  const dir = tempDir();
  writeResolverFiles(dir, HOSTS);
  for (const [name, text] of Object.entries(s.files ?? {})) writeFileSync(path.join(dir, name), text, { mode: 0o644 });
  const kLines = s.kLines(dir);
  const env = new TestEnv({ HostsFile: path.join(dir, 'hosts'), ServiceSwitchFile: path.join(dir, 'service.switch') });
  env.declare(kLines, 'test.cf', FIRST_K_LINE);
  const ours: string[] = [];
  for (const [name, key] of s.expected) ours.push(await env.slashMap(name, key));
  const real = canRunRealSendmail ? realSlashMaps(dir, kLines, s.expected.map(([n, k]) => [n, k])).answers : undefined;
  return { ours, real, env };
}

function expectAnswers(s: Scenario, got: { ours: string[]; real?: string[] }): void {
  const want = s.expected.map(([name, key, answer]) =>
    answer.startsWith('Map named') ? answer : `map_lookup: ${name} (${key}) ${answer}`,
  );
  expect(got.ours).toEqual(want);
  if (got.real) expect(got.ours).toEqual(got.real);
}

describe('text class', () => {
  const s: Scenario = {
    files: {
      colors: '# comment\tx\napple:red:fruit\n  lead:sp\nempty::third\nshort\nDup:one\ndup:two\ncr:val\r\nsp ace:v2\n\nlast:end',
      words: 'foo\tbar%1-%0-%%-%x-%5-%\nsp\ta b c\nFooBar\tupper\n',
    },
    kLines: (d) =>
      [
        `Kc text -v1 -z: ${d}/colors`,
        `Kc2 text -k1 -v2 -z: ${d}/colors`,
        `Kc4 text -f -v1 -z: ${d}/colors`,
        `Kc5 text -v5 -z: ${d}/colors`,
        `Kw text -v1 ${d}/words`,
        `Kw0 text ${d}/words`,
        `Ka text -v1 -a.A -m ${d}/words`,
        `Ko text -o ${d}/nonexistent`,
        `Km text ${d}/nonexistent`,
      ].join('\n'),
    expected: [
      ['c', 'apple', 'returns red (0)'],
      ['c', 'APPLE', 'returns red (0)'],
      ['c', 'lead', 'no match (68)'],
      ['c', 'empty', 'returns  (0)'],
      ['c', 'short', 'no match (68)'],
      ['c', 'dup', 'returns one (0)'],
      ['c', 'cr', 'returns val\r (0)'],
      ['c', 'sp ace', 'returns v2 (0)'],
      ['c', 'last', 'returns end (0)'],
      ['c2', 'red', 'returns fruit (0)'],
      ['c4', 'dup', 'returns one (0)'],
      ['c5', 'apple', 'no match (68)'],
      ['w', 'foo', 'returns bar-foo-%-%x--% (0)'],
      ['w', 'FOO', 'returns bar-FOO-%-%x--% (0)'],
      ['w', 'sp', 'returns a (0)'],
      ['w', 'foobar', 'returns upper (0)'],
      ['w0', 'foobar', 'returns FooBar (0)'],
      ['a', 'foo', 'returns foo.A (0)'],
      ['o', 'x', 'Map named "o" not open'],
      ['m', 'x', 'no match (75)'],
      ['m', 'y', 'no match (75)'],
    ],
  };
  it('matches sendmail for columns, delimiters, case, %n, -a, -m, missing files', async () => {
    const got = await runScenario(s);
    expectAnswers(s, got);
    expect(got.env.reports.filter((r) => r.includes('unsafe map file'))).toHaveLength(1);
  });

  it('refuses files below group- or world-writable directories, like sendmail', async () => {
    const dir = tempDir();
    for (const [sub, mode] of [['ww', 0o777], ['gw', 0o775], ['ok', 0o755]] as const) {
      mkdirSync(path.join(dir, sub));
      chmodSync(path.join(dir, sub), mode);
      writeFileSync(path.join(dir, sub, 'f'), 'a b\n');
    }
    const s: Scenario = {
      kLines: () => [`Kw text -v1 ${dir}/ww/f`, `Kg text -v1 ${dir}/gw/f`, `Ko text -v1 ${dir}/ok/f`].join('\n'),
      expected: [
        ['w', 'a', 'no match (75)'],
        ['g', 'a', 'no match (75)'],
        ['o', 'a', 'returns b (0)'],
      ],
    };
    const got = await runScenario(s);
    expectAnswers(s, got);
    expect(got.env.reports).toEqual([`text map "w": unsafe map file ${dir}/ww/f`, `text map "g": unsafe map file ${dir}/gw/f`]);
    const relaxed = new TestEnv({ DontBlameSendmail: 'TrustStickyBit, MapInUnsafeDirPath' }).declare(s.kLines(dir));
    expect(await relaxed.lookup('w', 'a')).toEqual({ status: 'found', value: 'b' });
    expect(unsafeMapDirectory(`${dir}/gw/f`, 'GroupWritableDirPathSafe TrustStickyBit')).toBeUndefined();
    expect(unsafeMapDirectory(`${dir}/ok/f`, '')).toBe('World writable directory');
  });

  it('sees a changed file at the next lookup', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'words');
    writeFileSync(file, 'a one\n');
    const env = new TestEnv().declare(`Kw text -v1 ${file}`);
    expect(await env.lookup('w', 'a')).toEqual({ status: 'found', value: 'one' });
    writeFileSync(file, 'a two-longer\nb three\n');
    expect(await env.lookup('w', 'a')).toEqual({ status: 'found', value: 'two-longer' });
    expect(await env.lookup('w', 'b')).toEqual({ status: 'found', value: 'three' });
  });

  it('substitutes $@ arguments and reports a bad -v once', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'words'), 'foo\tbar%1-%0-%2-%3\n');
    const env = new TestEnv().declare(`Kw text -v1 ${dir}/words\nKx text -vx ${dir}/words`);
    expect(await env.lookup('w', 'foo', ['A1', 'A2'])).toEqual({ status: 'found', value: 'barA1-foo-A2-' });
    expect((await env.lookup('x', 'foo')).status).toBe('tempfail');
    await env.lookup('x', 'foo');
    expect(env.reports).toEqual([`text map "x", file ${dir}/words: -v should specify a number, not x`]);
  });
});

describe('host class (hosts file through the service switch)', () => {
  const s: Scenario = {
    kLines: () => 'Kx host\nKh host -a.\nKt host -T<TMP> -a<OK>',
    expected: [
      ['x', 'foo', 'returns foo.example.com (0)'],
      ['x', 'FOO', 'returns foo.example.com (0)'],
      ['x', 'foo.', 'returns foo.example.com (0)'],
      ['x', 'foo.example.com.', 'returns foo.example.com (0)'],
      ['x', 'localhost', 'returns localhost.example.com (0)'],
      ['x', 'nope', 'no match (68)'],
      ['x', 'bar', 'returns bar.example.com (0)'],
      ['x', 'other', 'returns Other.Example.Org (0)'],
      ['x', 'short', 'returns alias.example.net (0)'],
      ['x', 'alias.example.net', 'returns alias.example.net (0)'],
      ['x', 'qux.example.com', 'no match (68)'],
      ['x', 'commented.example.com', 'no match (68)'],
      ['x', 'multi2', 'returns multi1.example.com (0)'],
      ['x', '10.0.0.1', 'no match (68)'],
      ['x', 'foo..', 'no match (68)'],
      ['h', 'foo', 'returns foo.example.com. (0)'],
      ['t', 'foo', 'returns foo.example.com<OK> (0)'],
      ['t', 'nope', 'no match (68)'],
    ],
  };
  it('matches sendmail', async () => {
    expectAnswers(s, await runScenario(s));
  });

  it('reads address literals the way sendmail does', async () => {
    const literal: Scenario = {
      kLines: () => 'Kh host',
      expected: [
        ['h', '[10.0.0.1', 'no match (0)'],
        ['h', '10.0.0.1]', 'no match (68)'],
        ['h', '[127.0.0.1.]', 'no match (68)'],
        ['h', '[foo]', 'no match (68)'],
        ['h', '[IPv6:foo]', 'no match (68)'],
      ],
    };
    expectAnswers(literal, await runScenario(literal));
  });

  it('finds the name of an address in the system hosts file, like sendmail', async () => {
    if (!canRunRealSendmail) return;
    const literal: Scenario = {
      kLines: () => 'Kh host -a.',
      expected: [
        ['h', '[127.0.0.1]', ''],
        ['h', '[127.1]', ''],
        ['h', '[0x7f.1]', ''],
      ],
    };
    const got = await runScenario(literal);
    expect(got.ours).toEqual(got.real);
  });
});

describe('small classes', () => {
  const s: Scenario = {
    kLines: () =>
      [
        'Ka arith',
        'Kd dequote',
        'Ks dequote -s+',
        'KS dequote -S+ -a.A',
        'Km macro',
        'Kar arpa',
        'Kar2 arpa -m -a.X',
        'Kar3 arpa -a.X -m',
        'Kd1 dequote -Q -s+',
        'Kd3 dequote -S_ -s+',
        'Kd5 dequote -s+ -m',
        'Kn null',
        'Ksy syslog',
        'Ku user',
        'Ku3 user -vdir',
        'Ku5 user -vuid',
        'Ku2 user -v1',
        'Ku6 user -vDir -f',
        'Ku7 user -m -a<>',
      ].join('\n'),
    expected: [
      ['a', '+', 'no match (78)'],
      ['d', '"a b"', 'no match (0)'],
      ['d', '"a b', 'no match (0)'],
      ['d', 'a"b"c', 'returns abc (0)'],
      ['d', 'abc', 'no match (0)'],
      ['d', '"<a"', 'no match (0)'],
      ['d', '"a<b>"', 'returns a<b> (0)'],
      ['d', '"a\\"b"', 'returns a\\"b (0)'],
      ['d', '""', 'returns  (0)'],
      ['d', '"(a)"', 'returns (a) (0)'],
      ['d', '"a)b"', 'no match (0)'],
      ['d', '"a\\ b"', 'returns a\\ b (0)'],
      ['d', '"a\\"', 'no match (0)'],
      ['d', '">a<"', 'no match (0)'],
      ['d', '"a""b"', 'returns ab (0)'],
      ['d', '"A B"', 'no match (0)'],
      ['s', '"a b"', 'returns a+b (0)'],
      ['s', '"a<b"', 'no match (0)'],
      ['S', '"a b"', 'returns a+b (0)'],
      ['m', '{X}', 'returns  (0)'],
      ['ar', '1.2.3.4', 'returns 4.3.2.1 (0)'],
      ['ar', 'IPv6:1:2:dead:beef:9876:0:0:1', 'returns 1.0.0.0.0.0.0.0.0.0.0.0.6.7.8.9.f.e.e.b.d.a.e.d.2.0.0.0.1.0.0.0 (0)'],
      ['ar', 'ipv6:::1', 'returns 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 (0)'],
      ['ar', 'IPv6:::ffff:1.2.3.4', 'returns 4.0.3.0.2.0.1.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 (0)'],
      ['ar', '::1', 'no match (65)'],
      ['ar', '1.2.3', 'no match (65)'],
      ['ar', '1.2.3.400', 'no match (65)'],
      ['ar', 'IPv6:1.2.3.4', 'no match (65)'],
      ['ar', '[1.2.3.4]', 'no match (65)'],
      ['ar2', '1.2.3.4', 'returns 4.3.2.1 (0)'],
      ['ar3', '1.2.3.4', 'returns 4.3.2.1.X (0)'],
      ['d1', '"a b"', 'no match (0)'],
      ['d3', '"a b"', 'returns a_b (0)'],
      ['d5', '"a b"', 'returns a+b (0)'],
      ['n', 'x', 'no match (68)'],
      ['sy', 'hello', 'returns  (0)'],
      ['u', 'root', 'returns root (0)'],
      ['u', 'ROOT', 'returns root (0)'],
      ['u', 'nosuchuser', 'no match (67)'],
      ['u3', 'root', 'returns /root (0)'],
      ['u5', 'root', 'returns 0 (0)'],
      ['u2', 'root', 'no match (75)'],
      ['u6', 'Root', 'returns /root (0)'],
      ['u7', 'root', 'returns root<> (0)'],
    ],
  };
  it('matches sendmail for arith, dequote, macro, arpa, null, syslog, user', async () => {
    const got = await runScenario(s);
    expectAnswers(s, got);
    expect(got.env.reports).toContain('User map u2: unknown column name 1');
  });

  it('arith operators on $@ arguments (values from sendmail -bt rulesets)', async () => {
    const env = new TestEnv().declare('Ka arith\nKb arith -a.X');
    const table: [string, string[], string | undefined][] = [
      ['+', ['7', '3'], '10'],
      ['-', ['3', '7'], '-4'],
      ['*', ['-7', '3'], '-21'],
      ['/', ['7', '3'], '2'],
      ['/', ['-7', '3'], '-2'],
      ['/', ['7', '0'], undefined],
      ['%', ['-7', '3'], '-1'],
      ['%', ['7', '0'], undefined],
      ['|', ['-7', '3'], '-5'],
      ['&', ['-7', '3'], '1'],
      ['l', ['7', '3'], 'FALSE'],
      ['l', ['3', '7'], 'TRUE'],
      ['=', ['3', '3'], 'TRUE'],
      ['+', ['7'], undefined],
      ['+', ['x', '3'], '3'],
      ['+', ['12abc', '3'], '15'],
      ['+', ['2147483647', '1'], '2147483648'],
      ['*', ['99999999999', '1'], '99999999999'],
      ['r', ['7', '3'], undefined],
      ['r', ['3', '3'], '3'],
      ['x', ['1', '2'], undefined],
      ['L', ['1', '2'], undefined],
    ];
    for (const [op, args, want] of table) {
      const r = await env.lookup('a', op, args);
      expect(r.status === 'found' ? r.value : undefined, `${op} ${args}`).toBe(want);
    }
    expect(await env.lookup('b', '+', ['3', '3'])).toEqual({ status: 'found', value: '6' });
    for (let i = 0; i < 50; i++) {
      const r = await env.lookup('a', 'r', ['3', '7']);
      expect(r.status === 'found' && Number(r.value) >= 3 && Number(r.value) <= 7).toBe(true);
    }
  });

  it('macro sets and clears macros', async () => {
    const env = new TestEnv().declare('Kstorage macro');
    expect(await env.lookup('storage', '{MyMacro}', ['hello'])).toEqual({ status: 'found', value: '' });
    expect(env.macros.get('MyMacro')).toBe('hello');
    await env.lookup('storage', '{MyMacro}', ['']);
    expect(env.macros.get('MyMacro')).toBe('');
    await env.lookup('storage', '{MyMacro}', []);
    expect(env.macros.has('MyMacro')).toBe(false);
  });
});

describe('sequence and switch', () => {
  const s: Scenario = {
    files: { fr: 'apple\tred\nbanana\tyellow %0 %1\n', fr2: 'apple:green\ncherry:dark red\n' },
    kLines: (d) =>
      [
        `Ka text -v1 ${d}/fr`,
        `Kb text -v1 -z: ${d}/fr2`,
        'Ks sequence a b',
        'Ks2 sequence a,b',
        'Kw switch aliases',
        `Kw.files text -v1 -z: ${d}/fr2`,
        'Kf switch hosts',
        'Kn switch nosuchservice',
        'Kq sequence',
      ].join('\n'),
    expected: [
      ['s', 'apple', 'returns red (0)'],
      ['s', 'cherry', 'returns dark red (0)'],
      ['s', 'banana', 'returns yellow (0)'],
      ['s', 'nope', 'no match (68)'],
      ['s2', 'cherry', 'returns dark red (0)'],
      ['w', 'apple', 'returns green (0)'],
      ['w', 'nope', 'no match (68)'],
      ['f', 'apple', 'no match (68)'],
      ['n', 'x', 'no match (75)'],
      ['q', 'x', 'no match (68)'],
    ],
  };
  it('matches sendmail', async () => {
    const got = await runScenario(s);
    expectAnswers(s, got);
    expect(got.env.reports).toEqual(['Switch map f: unknown member map f.files']);
  });

  it('reports unknown sequence members with the K line position and leaves them out', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'fr'), 'apple red\n');
    const env = new TestEnv().declare(`Ks sequence later\nKlater text -v1 ${dir}/fr`, 'x.cf', 7);
    expect(env.reports).toEqual(['x.cf: line 7: Sequence map s: unknown member map later']);
    expect(await env.slashMap('s', 'apple')).toBe('map_lookup: s (apple) no match (68)');
  });

  it('remembers a temporary failure but lets a later member find the key', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'fr'), 'apple red\n');
    const env = new TestEnv().declare(`Kbad text ${dir}/missing\nKgood text -v1 ${dir}/fr\nKs sequence bad good`);
    expect(await env.lookup('s', 'apple')).toEqual({ status: 'found', value: 'red' });
    expect((await env.lookup('s', 'pear')).status).toBe('tempfail');
  });
});

describe('stab class', () => {
  it('reads its file as aliases at the first lookup', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'aliases'), 'root: admin\nPostmaster: root\nbad line\n');
    const env = new TestEnv().declare(`Ks stab ${dir}/aliases\nKm stab ${dir}/missing`);
    expect(env.reports).toEqual([]);
    expect(await env.slashMap('s', 'ROOT')).toBe('map_lookup: s (ROOT) returns admin (0)');
    expect(await env.slashMap('s', 'postmaster')).toBe('map_lookup: s (postmaster) returns root (0)');
    expect(await env.slashMap('s', 'nope')).toBe('map_lookup: s (nope) no match (0)');
    expect(await env.slashMap('m', 'x')).toBe('map_lookup: m (x) no match (75)');
    expect(env.reports).toEqual([`${dir}/aliases: line 3: missing colon`, `${dir}/aliases: 2 aliases, longest 5 bytes, 23 bytes total`]);
  });
});

describe('program class', () => {
  const s: Scenario = {
    kLines: () =>
      [
        'Kp program /bin/echo pre',
        'Kp2 program -a.A /bin/echo %0 %1',
        'Kp3 program /bin/false',
        'Kp4 program /nonexistent/program',
        'Kp5 program /bin/true',
        'Kp6 program /bin/echo',
      ].join('\n'),
    expected: [
      ['p', 'hello', 'returns pre hello (0)'],
      ['p', 'HELLO', 'returns pre HELLO (0)'],
      ['p2', 'x', 'returns x  x.A (0)'],
      ['p3', 'x', 'no match (1)'],
      ['p4', 'x', 'no match (78)'],
      ['p5', 'x', 'no match (0)'],
      ['p6', 'a%0b', 'returns aa%0bb (0)'],
    ],
  };
  it('matches sendmail', async () => {
    expectAnswers(s, await runScenario(s));
  });

  it('runs as DefaultUser when we are root, like sendmail', async () => {
    if (process.getuid?.() !== 0) return;
    const scriptDir = tempDir();
    chmodSync(scriptDir, 0o755); // the program runs as daemon
    const script = path.join(scriptDir, 'ids.sh');
    writeFileSync(script, '#!/bin/sh\necho "$(id -u):$(id -g)"\n', { mode: 0o755 });
    const ids: Scenario = {
      kLines: () => `Kp program ${script}`,
      expected: [['p', 'x', 'returns 1:1 (0)']],
    };
    expectAnswers(ids, await runScenario(ids));
    expect(defaultUserIds('nobody:nogroup')).toEqual({ uid: 65534, gid: 65534 });
    expect(defaultUserIds('65534')).toEqual({ uid: 65534, gid: 1 });
  });
});

describe('K line problems', () => {
  it('reports what sendmail reports when reading the cf', async () => {
    const s: Scenario = {
      kLines: (d) =>
        [
          `Kx text -Q ${d}/nothing`,
          'Kt text',
          'Kst stab',
          'Ksw switch',
          'Kpr program',
          'Kim implicit',
          'Kl ldap',
          'Ksk socket',
          'Kni nis',
          'Knp nisplus',
          'Ki implicit -o /nonexistent/file',
        ].join('\n'),
      expected: [
        ['t', 'x', 'Map named "t" not open'],
        ['st', 'x', 'Map named "st" not open'],
        ['sw', 'x', 'Map named "sw" not open'],
        ['pr', 'x', 'Map named "pr" not open'],
        ['im', 'x', 'Map named "im" not open'],
        ['l', 'x', 'Map named "l" not open'],
        ['sk', 'x', 'Map named "sk" not open'],
        ['ni', 'x', 'Map named "ni" not open'],
        ['np', 'x', 'Map named "np" not open'],
        ['i', 'x', 'Map named "i" not open'],
      ],
    };
    const got = await runScenario(s);
    expectAnswers(s, got);
    const L = (n: number): string => `test.cf: line ${FIRST_K_LINE + n}: `;
    expect(got.env.reports).toEqual([
      `${L(0)}Illegal option Q map x`,
      `${L(1)}No file name for text map t`,
      `${L(2)}No file name for stab map st`,
      `${L(3)}No file name for switch map sw`,
      `${L(4)}No file name for program map pr`,
      `${L(5)}No file name for implicit map im`,
      `${L(6)}No filter given in map l`,
      `${L(7)}No file name for socket map sk`,
      `${L(8)}No file name for nis map ni`,
      `${L(9)}No file name for nisplus map np`,
    ]);
    if (canRunRealSendmail) {
      const real = realSlashMaps(tempDir(), s.kLines('/tmp'), []).output;
      for (const line of got.env.reports) expect(real).toContain(line.replace('test.cf', ''));
    }
  });

  it('fails ldap and nis lookups temporarily with sendmail\'s message', async () => {
    const env = new TestEnv().declare('Kl ldap -k(uid=%0) -v mail -h 127.0.0.1\nKn nis mail.aliases');
    expect((await env.lookup('l', 'x')).status).toBe('tempfail');
    expect((await env.lookup('n', 'x')).status).toBe('tempfail');
    expect(env.reports).toEqual([
      'ldap_init/ldap_bind failed to 127.0.0.1 in map l: Transport endpoint is not connected',
      'NIS map mail.aliases specified, but NIS not running',
    ]);
  });
});
