// makemap on real LMDB files in temp dirs, and side by side with the real
// /usr/bin/makemap when it is installed.

import { chmodSync, chownSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MapFile } from '../src/maps/lmdb/map-file.js';
import { printable } from '../src/maps/lmdb/makemap-source.js';
import { CORPUS, REPO, hasTool, runOurs, runReal, tempDir, withoutWarnings } from './lmdb-helpers.js';

const SOURCE = 'Foo bar\nbaz  qux  quux\n# comment\n\nZed %1 value\nempty\ta b\tc\n';

/** Our makemap on `dir/NAME`; stderr without the warnings about /tmp (see the safety tests). */
function build(dir: string, args: string[], input: string) {
  const r = runOurs('makemap', [...args.slice(0, -2), args[args.length - 2], path.join(dir, args[args.length - 1])], input);
  return { ...r, stderr: withoutWarnings(r.stderr) };
}

function dump(dir: string, type: string, name: string, extra: string[] = []) {
  const r = runOurs('makemap', ['-u', ...extra, type, path.join(dir, name)]);
  return { ...r, stderr: withoutWarnings(r.stderr) };
}

/** The map's content read in process, in `makemap -u`'s layout (fewer slow spawns). */
function content(dir: string, name: string): string {
  const f = MapFile.open(path.join(dir, `${name}.db`));
  try {
    return [...f.entries()].map(([k, v]) => `${printable(k)}\t${printable(v)}\n`).join('');
  } finally {
    f.close();
  }
}

describe('makemap builds and dumps LMDB maps', () => {
  it('folds keys, keeps values, skips comments and blank lines, dumps in key order', () => {
    const dir = tempDir('makemap-');
    const r = build(dir, ['hash', 'm'], SOURCE);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(existsSync(path.join(dir, 'm.db'))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['m.db', 'm.db-lock']);
    expect(dump(dir, 'hash', 'm').stdout).toBe('baz\tqux  quux\nempty\ta b\tc\nfoo\tbar\nzed\t%1 value\n');
  });

  it('-f keeps the case of keys; a trailing .db in the name is not doubled', () => {
    const dir = tempDir('makemap-');
    expect(build(dir, ['-f', 'btree', 'm.db'], 'Foo Bar\nfoo bar\n').status).toBe(0);
    expect(content(dir, 'm')).toBe('Foo\tBar\nfoo\tbar\n');
  });

  it('refuses duplicate keys with makemap\'s message, -r replaces, -d keeps all in order', () => {
    const dir = tempDir('makemap-');
    const input = 'FOO first\nbar x\nfoo second\nfoo third\n';
    const plain = build(dir, ['hash', 'p'], input);
    expect(plain.status).toBe(65);
    expect(plain.stderr).toBe(
      `makemap: ${dir}/p: line 3: key foo: duplicate key\nmakemap: ${dir}/p: line 4: key foo: duplicate key\n`,
    );
    expect(content(dir, 'p')).toBe('bar\tx\nfoo\tfirst\n');
    expect(build(dir, ['-r', 'hash', 'r'], input).status).toBe(0);
    expect(content(dir, 'r')).toBe('bar\tx\nfoo\tthird\n');
    expect(build(dir, ['-d', 'btree', 'd'], input).status).toBe(0);
    expect(content(dir, 'd')).toBe('bar\tx\nfoo\tfirst\nfoo\tsecond\nfoo\tthird\n');
  });

  it('-o adds to an existing map and reports keys it already has; fails on a missing map', () => {
    const dir = tempDir('makemap-');
    build(dir, ['hash', 'm'], 'a 1\nb 2\n');
    const add = build(dir, ['-o', 'hash', 'm'], 'c 3\na 9\n');
    expect(add.status).toBe(65);
    expect(add.stderr).toBe(`makemap: ${dir}/m: line 2: key a: duplicate key\n`);
    expect(content(dir, 'm')).toBe('a\t1\nb\t2\nc\t3\n');
    expect(build(dir, ['-o', '-r', 'hash', 'm'], 'a 9\n').status).toBe(0);
    expect(content(dir, 'm')).toBe('a\t9\nb\t2\nc\t3\n');
    const missing = build(dir, ['-o', 'hash', 'nothere'], 'a 1\n');
    expect(missing.status).toBe(73);
    expect(missing.stderr).toBe(`makemap: error opening type hash map ${dir}/nothere: No such file or directory\n`);
  });

  it('-e allows empty values, -t sets the delimiter (also for -u), -D the comment character', () => {
    const dir = tempDir('makemap-');
    expect(build(dir, ['-e', 'hash', 'e'], 'a \nb\n').status).toBe(0);
    expect(content(dir, 'e')).toBe('a\t\nb\t\n');
    expect(build(dir, ['-t:', 'hash', 't'], 'a::b\nc: d e\n').status).toBe(0);
    expect(content(dir, 't')).toBe('a\tb\nc\t d e\n');
    expect(dump(dir, 'hash', 't', ['-t', '=']).stdout).toBe('a=b\nc= d e\n');
    expect(build(dir, ['-D;', 'hash', 'c'], ';x y\n#a b\n').status).toBe(0);
    expect(content(dir, 'c')).toBe('#a\tb\n');
  });

  it('-v prints each pair; -l lists the types', () => {
    const dir = tempDir('makemap-');
    expect(build(dir, ['-v', 'hash', 'v'], 'A b\n').stdout).toBe("key=`a', val=`b'\n");
    expect(runOurs('makemap', ['-l']).stdout).toBe('hash\nbtree\nimplicit\n');
  });

  it('bad input gets a clear error and leaves the old map in place', () => {
    const dir = tempDir('makemap-');
    build(dir, ['hash', 'm'], 'good map\n');
    const before = readFileSync(path.join(dir, 'm.db'));
    const noValue = build(dir, ['hash', 'm'], 'a b\nnoval\n  lead x\n');
    expect(noValue.status).toBe(65);
    expect(noValue.stderr).toBe(
      `makemap: ${dir}/m: line 2: no RHS for LHS noval\n` +
        `makemap: ${dir}/m: line 3: syntax error (leading space)\n` +
        `makemap: ${dir}/m: 2 bad lines in input; ${dir}/m.db not changed\n`,
    );
    const binary = build(dir, ['hash', 'm'], 'a b\n\x7fELF\x02\x01\x00\x00 x\n');
    expect(binary.status).toBe(65);
    expect(binary.stderr).toContain('line 2: NUL byte in input');
    expect(readFileSync(path.join(dir, 'm.db')).equals(before)).toBe(true);
    expect(content(dir, 'm')).toBe('good\tmap\n');
    const longKey = build(dir, ['hash', 'm'], `${'k'.repeat(3000)} v\n`);
    expect(longKey.stderr).toContain('line 1: key too long (1978 bytes max)');
    expect(content(dir, 'm')).toBe('good\tmap\n');
  });

  it('a target that is not an LMDB map, a directory or in a missing directory is refused; a Berkeley DB map is replaced', () => {
    const dir = tempDir('makemap-');
    writeFileSync(path.join(dir, 'bdb.db'), 'this is not an LMDB file, maybe Berkeley DB\n');
    const foreign = build(dir, ['hash', 'bdb'], 'a b\n');
    expect(foreign.status).toBe(73);
    expect(foreign.stderr).toBe(`makemap: error opening type hash map ${dir}/bdb: Invalid argument\n`);
    // a Berkeley DB hash map (its magic number at offset 12), as sendmail's makemap leaves it: rebuilt as ours
    const head = Buffer.alloc(4096);
    head.writeUInt32LE(0x061561, 12);
    writeFileSync(path.join(dir, 'berkeley.db'), head);
    expect(build(dir, ['hash', 'berkeley'], 'a b\n')).toMatchObject({ status: 0, stderr: '' });
    expect(content(dir, 'berkeley')).toBe('a\tb\n');
    if (hasTool('makemap')) {
      runReal('makemap', ['hash', path.join(dir, 'sendmails')], 'a b\n');
      expect(build(dir, ['hash', 'sendmails'], 'c d\n')).toMatchObject({ status: 0, stderr: '' });
      expect(content(dir, 'sendmails')).toBe('c\td\n');
    }
    expect(readFileSync(path.join(dir, 'bdb.db'), 'latin1')).toContain('not an LMDB');
    mkdirSync(path.join(dir, 'isdir.db'));
    expect(build(dir, ['hash', 'isdir'], 'a b\n').stderr).toBe(`makemap: error opening type hash map ${dir}/isdir: Is a directory\n`);
    expect(build(dir, ['hash', 'no/such/dir/m'], 'a b\n').stderr).toBe(
      `makemap: error opening type hash map ${dir}/no/such/dir/m: No such file or directory\n`,
    );
  });

  it('records the type: a map is read back only as what it was built as (implicit is hash)', () => {
    const dir = tempDir('makemap-');
    expect(build(dir, ['hash', 'h'], 'a b\n').status).toBe(0);
    expect(dump(dir, 'implicit', 'h').stdout).toBe('a\tb\n');
    const asTree = dump(dir, 'btree', 'h');
    expect(asTree.status).toBe(73);
    expect(asTree.stderr).toBe(
      `makemap: error opening type btree map ${dir}/h: Invalid argument\n` +
        `makemap: ${dir}/h.db is a hash map, not btree: rebuild it with makemap btree\n`,
    );
    expect(build(dir, ['-o', 'btree', 'h'], 'c d\n').status).toBe(73);
    // a rebuild may change the type, as sendmail's makemap does
    expect(build(dir, ['btree', 'h'], 'c d\n').status).toBe(0);
    expect(dump(dir, 'btree', 'h').stdout).toBe('c\td\n');
    expect(runOurs('editmap', ['-q', 'hash', `${dir}/h`, 'c']).status).toBe(73);
    expect(runOurs('editmap', ['-u', 'btree', `${dir}/new`, 'k', 'v']).status).toBe(0);
    expect(dump(dir, 'hash', 'new').status).toBe(73);
    // types sendmail's Debian build lacks are refused with its message, -i or not
    const cdb = build(dir, ['-i', 'hash', 'cdb', 'c'], 'a b\n');
    expect([cdb.status, cdb.stderr]).toEqual([73, 'makemap: Need to recompile with -DCDB for cdb support\n']);
    expect(build(dir, ['dbm', 'd'], 'a b\n').stderr).toBe('makemap: Need to recompile with -DNDBM for dbm support\n');
  });

  it.skipIf(process.getuid?.() !== 0)('run by root, gives the map to the cf\'s TrustedUser', () => {
    const dir = tempDir('makemap-');
    const nobody = readFileSync('/etc/passwd', 'latin1').split('\n').find((l) => l.startsWith('nobody:'));
    const uid = Number(nobody?.split(':')[2] ?? 65534);
    writeFileSync(path.join(dir, 'x.cf'), 'V10/Berkeley\nO TrustedUser=nobody\n');
    expect(build(dir, ['-C', path.join(dir, 'x.cf'), 'hash', 'm'], 'a b\n').status).toBe(0);
    expect(statSync(path.join(dir, 'm.db')).uid).toBe(uid);
    expect(statSync(path.join(dir, 'm.db-lock')).uid).toBe(uid);
  });

  it('-u into a reader that goes away ends quietly, as SIGPIPE ends makemap', async () => {
    const dir = tempDir('makemap-');
    const lines = Array.from({ length: 20000 }, (_, i) => `key${i} value ${i}`).join('\n');
    expect(build(dir, ['hash', 'big'], lines).status).toBe(0);
    const child = spawn(process.execPath, [path.join(REPO, 'bin/makemap'), '-u', 'hash', path.join(dir, 'big')]);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    expect(withoutWarnings(stderr)).toBe('');
    expect(status).toBe(141);
  });

  it('reads a source from a pipe written in pieces (past its first 1 MiB buffer) and from a file', async () => {
    const dir = tempDir('makemap-');
    const lines = Array.from({ length: 60000 }, (_, i) => `Key${i} ${'v'.repeat(i % 40)}${i}\n`);
    const expected = lines.map((l) => l.replace(/^Key(\d+) /, 'key$1\t')).sort((a, b) => Buffer.compare(Buffer.from(a.split('\t')[0]), Buffer.from(b.split('\t')[0]))).join('');
    const child = spawn(process.execPath, [path.join(REPO, 'bin/makemap'), 'hash', path.join(dir, 'piped')]);
    const done = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < lines.length; i += 15000) {
      child.stdin.write(lines.slice(i, i + 15000).join(''));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.stdin.end();
    expect(await done).toBe(0);
    expect(content(dir, 'piped')).toBe(expected);
    const file = path.join(dir, 'source');
    writeFileSync(file, lines.join(''));
    const fromFile = spawnSync('sh', ['-c', `exec "$0" "$1" hash "$2" < "$3"`, process.execPath, path.join(REPO, 'bin/makemap'), path.join(dir, 'filed'), file]);
    expect(fromFile.status).toBe(0);
    expect(content(dir, 'filed')).toBe(expected);
    // a small file is read into a slice of node's shared pool (an offset into a larger ArrayBuffer)
    writeFileSync(file, 'Small one\nbig two\n');
    const small = spawnSync('sh', ['-c', `exec "$0" "$1" hash "$2" < "$3"`, process.execPath, path.join(REPO, 'bin/makemap'), path.join(dir, 'small'), file]);
    expect(small.status).toBe(0);
    expect(content(dir, 'small')).toBe('big\ttwo\nsmall\tone\n');
  });

  it('answers usage errors like makemap', () => {
    const usage = runOurs('makemap', []);
    expect(usage.status).toBe(64);
    expect(usage.stderr).toMatch(/^Usage: makemap \[-C cffile\]/);
    const bad = runOurs('makemap', ['-Q', 'hash', 'x']);
    expect(bad.status).toBe(64);
    expect(bad.stderr.split('\n')[0]).toBe("makemap: invalid option -- 'Q'");
    expect(runOurs('makemap', ['-c']).stderr.split('\n')[0]).toBe("makemap: option requires an argument -- 'c'");
    const type = runOurs('makemap', ['nosuch', '/tmp/x'], 'a b\n');
    expect(type.status).toBe(73);
    expect(type.stderr).toBe('makemap: error opening type nosuch map /tmp/x: Unknown database type\n');
  });
});

const corpusSources = existsSync(CORPUS)
  ? readdirSync(CORPUS)
      .filter((c) => existsSync(path.join(CORPUS, c, 'sendmail.cf')))
      .flatMap((c) => {
        const cf = readFileSync(path.join(CORPUS, c, 'sendmail.cf'), 'latin1');
        const files = [...cf.matchAll(/^K\S+\s+(?:hash|btree)\s.*?\/CONFDIR\/(\S+?)(?:\.db)?\s*$/gm)].map((m) => m[1]);
        return [...new Set(files)].filter((f) => existsSync(path.join(CORPUS, c, f))).map((f) => path.join(CORPUS, c, f));
      })
  : [];

// Every corpus map source in one input; each file's keys get the file's
// number as a prefix so that keys of different files do not collide.
function corpusSource(): string {
  return corpusSources
    .map((f, i) =>
      readFileSync(f, 'latin1')
        .split('\n')
        .map((l) => (l === '' || l.startsWith('#') ? l : `${i}-${l}`))
        .join('\n'),
    )
    .join('\n');
}

describe.skipIf(!hasTool('makemap'))('makemap -u dumps what the real makemap -u dumps', () => {
  if (!hasTool('makemap')) console.log('skipped: real makemap (sendmail-bin) is not installed');
  const cases: Array<[string, string[], string]> = [
    ['synthetic, hash', ['hash'], SOURCE + 'UPPER Case Value\nx %%1 100%%\ntab\tsep\tvalue  \n'],
    ['synthetic, btree -f', ['-f', 'btree'], SOURCE + 'UPPER Case Value\nx %%1 100%%\n'],
    ['synthetic, btree -N -t:', ['-N', '-t:', 'btree'], 'a:b c\nd::e\n'],
  ];
  if (corpusSources.length > 0) {
    cases.push([`${corpusSources.length} corpus map sources, hash`, ['hash'], corpusSource()]);
    cases.push([`${corpusSources.length} corpus map sources, btree`, ['btree'], corpusSource()]);
  } else {
    console.log(`skipped: the conformance corpus (${CORPUS}) is not there`);
  }
  it.each(cases)('%s', (_name, args, source) => {
    const dir = tempDir('makemap-oracle-');
    const type = args[args.length - 1];
    const real = runReal('makemap', [...args, path.join(dir, 'real')], source);
    const ours = runOurs('makemap', [...args, path.join(dir, 'ours')], source);
    expect(ours.status).toBe(real.status);
    const realDump = runReal('makemap', ['-u', type, path.join(dir, 'real')]).stdout;
    const ourDump = runOurs('makemap', ['-u', type, path.join(dir, 'ours')]).stdout;
    // hash files list in hash order, ours (and btree files) in key order
    const norm = (s: string) => (type === 'hash' ? s.split('\n').sort().join('\n') : s);
    expect(norm(ourDump)).toBe(norm(realDump));
    expect(ourDump.length).toBeGreaterThan(0);
  });

  it('reports duplicate keys exactly like the real makemap', () => {
    const dir = tempDir('makemap-oracle-');
    const source = 'a 1\nA 2\nb 3\na 4\n';
    for (const flags of [[], ['-d']]) {
      const real = runReal('makemap', [...flags, 'btree', path.join(dir, `real${flags.join('')}`)], source);
      const ours = runOurs('makemap', [...flags, 'btree', path.join(dir, `ours${flags.join('')}`)], source);
      expect(ours.stderr.replaceAll('/ours', '/X')).toBe(real.stderr.replaceAll('/real', '/X'));
      expect(ours.status).toBe(real.status);
    }
  });
});

describe('makemap and editmap check the map file the way sendmail\'s tools do', () => {
  /** A fresh scenario directory: ww/ world writable, gw/ group writable, ok/ safe. */
  function scenario(prefix: string): string {
    const dir = tempDir(prefix);
    for (const [sub, mode] of [['ww', 0o777], ['gw', 0o775], ['ok', 0o755]] as const) {
      mkdirSync(path.join(dir, sub));
      chmodSync(path.join(dir, sub), mode);
    }
    chmodSync(dir, 0o755);
    writeFileSync(path.join(dir, 'no-trusted-user.cf'), 'V10/Berkeley\n');
    return dir;
  }
  // steps run in order in one scenario directory: [tool, args], or a setup function
  type Step = [string, string[], string?] | ((dir: string, run: (tool: string, args: string[], input?: string) => void) => void);
  const steps: Step[] = [
    ['makemap', ['hash', '@/ww/m'], 'a b\n'],
    ['makemap', ['-s', 'hash', '@/ww/m2'], 'a b\n'],
    ['makemap', ['hash', '@/gw/m'], 'a b\n'],
    ['makemap', ['-o', 'hash', '@/ok/missing'], 'a b\n'],
    ['makemap', ['-u', 'hash', '@/nodir/m']],
    ['makemap', ['-C', '@/no-such.cf', 'hash', '@/ok/m'], 'a b\n'],
    (dir, run) => {
      run('makemap', ['hash', `${dir}/ok/target`], 'a b\n');
      symlinkSync(`${dir}/ok/target.db`, `${dir}/ok/link.db`);
      symlinkSync(`${dir}/ok/nothing.db`, `${dir}/ok/dangling.db`);
      run('makemap', ['hash', `${dir}/ok/one`], 'a b\n');
      linkSync(`${dir}/ok/one.db`, `${dir}/ok/two.db`);
    },
    ['makemap', ['hash', '@/ok/link'], 'a b\n'],
    ['makemap', ['-s', 'hash', '@/ok/link'], 'c d\n'],
    ['makemap', ['-s', 'hash', '@/ok/dangling'], 'a b\n'],
    ['makemap', ['hash', '@/ok/two'], 'a b\n'],
    ['makemap', ['-s', 'hash', '@/ok/two'], 'e f\n'],
    ['editmap', ['-q', 'hash', '@/ok/two', 'e']],
    ['editmap', ['-C', '@/no-such.cf', '-q', 'hash', '@/ww/m', 'a']],
  ];
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    steps.push(
      (dir, run) => {
        run('makemap', ['-C', `${dir}/no-trusted-user.cf`, 'hash', `${dir}/ok/nobodys`], 'a b\n');
        chownSync(`${dir}/ok/nobodys.db`, 65534, -1);
      },
      ['makemap', ['-C', '@/no-trusted-user.cf', 'hash', '@/ok/nobodys'], 'a b\n'],
      ['makemap', ['-s', '-C', '@/no-trusted-user.cf', 'hash', '@/ok/nobodys'], 'a b\n'],
      ['editmap', ['-C', '@/no-trusted-user.cf', '-u', 'hash', '@/ok/nobodys', 'k', 'v']],
    );
  }

  /** Run every step on one side (once); the transcript has `@` for the scenario directory. */
  const transcripts = new Map<string, string>();
  function transcript(side: 'ours' | 'real'): string {
    const done = transcripts.get(side);
    if (done !== undefined) return done;
    const dir = scenario(`map-safety-${side}-`);
    const exec = (tool: string, args: string[], input = '') => (side === 'ours' ? runOurs(tool, args, input) : runReal(tool, args, input));
    const out: string[] = [];
    for (const step of steps) {
      if (typeof step === 'function') {
        step(dir, (tool, args, input) => exec(tool, args, input));
        continue;
      }
      const [tool, args, input] = step;
      const r = exec(tool, args.map((a) => a.replace('@', dir)), input);
      out.push(`$ ${tool} ${args.join(' ')}\n${r.stdout}${r.stderr}exit ${r.status}`.replaceAll(dir, '@'));
    }
    transcripts.set(side, out.join('\n'));
    return out.join('\n');
  }

  it('warns about writable directories, refuses links and files of other users', () => {
    const ours = transcript('ours').split('\n$ ');
    const find = (cmd: string) => ours.find((t) => t.replace(/^\$ /, '').startsWith(`${cmd}\n`)) ?? `(no ${cmd})`;
    const ww = 'WARNING: World writable directory @/ww\n';
    expect(find('makemap hash @/ww/m').split(ww).length - 1).toBe(2);
    expect(find('makemap hash @/gw/m')).toContain('WARNING: Group writable directory @/gw\n');
    expect(find('makemap hash @/ok/link')).toMatch(/error opening type hash map @\/ok\/link: Symbolic links not allowed\nexit 73$/);
    expect(find('makemap -s hash @/ok/link')).toMatch(/exit 0$/);
    expect(find('makemap -s hash @/ok/dangling')).toMatch(/@\/ok\/dangling: File exists\nexit 73$/);
    expect(find('makemap hash @/ok/two')).toMatch(/@\/ok\/two: Hard links not allowed\nexit 73$/);
    expect(find('editmap -q hash @/ok/two e')).toMatch(/Hard links not allowed\nexit 73$/);
    expect(find('makemap -C @/no-such.cf hash @/ok/m')).toMatch(/^\$?\s*makemap -C @\/no-such.cf hash @\/ok\/m\nmakemap: @\/no-such.cf: No such file or directory\nexit 66$/);
    if (asRoot) expect(find('makemap -C @/no-trusted-user.cf hash @/ok/nobodys')).toMatch(/: Permission denied\nexit 73$/);
  });

  // (without /etc/mail/sendmail.cf the real tools refuse to run at all; ours do not)
  it.skipIf(!hasTool('makemap') || !hasTool('editmap') || !existsSync('/etc/mail/sendmail.cf'))('with the real tools\' messages, exit codes and outputs', () => {
    expect(transcript('ours')).toBe(transcript('real'));
  });
});
