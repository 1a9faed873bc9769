// Aliases files and their LMDB databases: sendmail's parsing rules and
// messages, the summary line, praliases, and real sendmail -bi on the same
// files when it is installed.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aliasSummary, buildAliasDatabases, lookupAlias, parseAliasFile, readAliasDatabase } from '../src/maps/aliases.js';
import { parseMapFlags } from '../src/maps/common.js';
import { createKeyedLmdbMap } from '../src/maps/lmdb/keyed-map.js';
import { MapFile } from '../src/maps/lmdb/map-file.js';
import { CORPUS, REPO, canUnshareUts, hasTool, runOurs, runReal, tempDir } from './lmdb-helpers.js';

/** An aliases file with every construct and error sendmail reports. */
const EDGE_CASES = `# test
Foo: bar,
  baz,
\tqux
# comment in middle
"quoted name": alice
owner-list: alice
list: :include:/tmp/x
err: error:5.1.1:550 No such user here
prog: "|/bin/cat -n"
noval:
nocolon alice
foo: dup
Upper: Alice@Example.COM
   leading: space
file: /var/tmp/f
multi: a,

  b
x: "a b"   ,  c  
my name: x
FOO: again
: c
\\: d
a: b \\
c
y: b,
# c
  d
user@host: y
`;

/** What sendmail 8.17 -bi printed for EDGE_CASES (file name F). */
const EDGE_MESSAGES = [
  'F: line 11: noval:... missing value for alias',
  'F: line 12: missing colon',
  'F: line 13: foo... Warning: duplicate alias name foo',
  'F: line 19: Non-continuation line starts with space',
  'F: line 22: FOO... Warning: duplicate alias name foo',
  'F: line 23: : c... illegal alias name',
  'F: line 24: \\: d... illegal alias name',
  'F: line 30: user@host... cannot alias non-local names',
];

/** What praliases listed after sendmail built EDGE_CASES (sorted). */
const EDGE_DATABASE = [
  '"quoted name":alice',
  '@:@',
  'a:b c',
  'err:error:5.1.1:550 No such user here',
  'file:/var/tmp/f',
  'foo:again',
  'list::include:/tmp/x',
  'multi:a,',
  'my.name:x',
  'owner-list:alice',
  'prog:"|/bin/cat -n"',
  'upper:Alice@Example.COM   leading: space',
  'x:"a b"   ,  c  ',
  'y:b,',
];

describe('aliases file parsing', () => {
  it('follows sendmail: continuations, comments, quoting, duplicates, and its messages', () => {
    const r = parseAliasFile('F', EDGE_CASES);
    expect(r.messages).toEqual(EDGE_MESSAGES);
    expect(r.errors).toBe(6);
    const db = new Map(r.entries.map((e) => [e.name, e.value]));
    expect([...db].map(([k, v]) => `${k}:${v}`).concat('@:@').sort()).toEqual(EDGE_DATABASE);
    expect(r.entries.find((e) => e.name === 'foo')?.value).toBe('bar,  baz,\tqux');
  });

  it('counts like sendmail\'s summary: every entry, longest value, name + value bytes', () => {
    const r = parseAliasFile('F', 'Postmaster: b\nMAILER-DAEMON: c\nlist: :include:/var/lib/lists/list.members\n');
    expect(aliasSummary('/etc/aliases', r.entries)).toBe('/etc/aliases: 3 aliases, longest 36 bytes, 65 bytes total');
  });

  it('refuses binary data', () => {
    const r = parseAliasFile('F', 'a: b\nc: d\0e\n');
    expect(r.fatal).toBe(true);
    expect(r.messages).toEqual(['F: line 2: NUL byte in aliases file (not a text file?)']);
  });
});

/** Summary lines real sendmail -bi printed for the corpus aliases files. */
const CORPUS_SUMMARIES: Record<string, string> = {
  antispam: '4 aliases, longest 5 bytes, 46 bytes total',
  debian: '17 aliases, longest 36 bytes, 255 bytes total',
  'fedora-datix': '19 aliases, longest 10 bytes, 188 bytes total',
  plusdetail: '4 aliases, longest 10 bytes, 51 bytes total',
  'relay-mx': '2 aliases, longest 8 bytes, 26 bytes total',
  satellite: '3 aliases, longest 17 bytes, 58 bytes total',
  'uucp-classic': '3 aliases, longest 5 bytes, 33 bytes total',
  virthost: '8 aliases, longest 18 bytes, 129 bytes total',
};

describe('alias databases', () => {
  it.skipIf(!existsSync(CORPUS))('print sendmail\'s summary for the corpus aliases files', async () => {
    for (const [config, summary] of Object.entries(CORPUS_SUMMARIES)) {
      const dir = tempDir('aliases-');
      const file = path.join(dir, 'aliases');
      cpSync(path.join(CORPUS, config, 'aliases'), file);
      const lines: string[] = [];
      expect(await buildAliasDatabases([file], (l) => lines.push(l))).toBe(true);
      expect(lines).toEqual([`${file}: ${summary}`]);
    }
  });

  it('store keys and values with a NUL and the @:@ entry; hash -N maps and lookupAlias read them', async () => {
    const dir = tempDir('aliases-');
    const file = path.join(dir, 'aliases');
    writeFileSync(file, 'Root: admin\ninfo: alice, bob\n');
    expect(await buildAliasDatabases([`hash:${file}`], () => {})).toBe(true);
    expect(readAliasDatabase(`${file}.db`)).toEqual([
      ['@', '@'],
      ['info', 'alice, bob'],
      ['root', 'admin'],
    ]);
    const db = MapFile.open(`${file}.db`);
    expect(db.get(Buffer.from('root\0'))?.toString()).toBe('admin\0');
    expect(lookupAlias(db, 'ROOT')).toBe('admin');
    expect(lookupAlias(db, 'nobody')).toBeUndefined();
    db.close();
    const pos = { file: 'x.cf', line: 1 };
    const { flags, args } = parseMapFlags(`-N ${file}`, pos);
    const env = { getMap: () => undefined, getMacro: () => undefined, setMacro: () => {}, option: () => undefined, report: () => {} };
    const map = createKeyedLmdbMap({ name: 'aliases', className: 'hash', flags, args, rawArgs: '', pos }, env);
    expect(map.lookup('Info', [])).toEqual({ status: 'found', value: 'alice, bob' });
    map.close?.();
  });

  it('merge repeated names silently with -A (hash:-A file), newest value first, as sendmail does', async () => {
    const dir = tempDir('aliases-');
    const file = path.join(dir, 'aliases');
    writeFileSync(file, 'a: b\nA: c\nx: y\na: d, e\n');
    const lines: string[] = [];
    expect(await buildAliasDatabases([`hash:-A ${file}`], (l) => lines.push(l))).toBe(true);
    expect(lines).toEqual([`${file}: 4 aliases, longest 4 bytes, 11 bytes total`]);
    expect(readAliasDatabase(`${file}.db`)).toEqual([['@', '@'], ['a', 'd, e,c,b'], ['x', 'y']]);
  });

  it('keep the old database when the file has errors or is missing; build the others', async () => {
    const dir = tempDir('aliases-');
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    writeFileSync(a, 'x: y\n');
    writeFileSync(b, 'p: q\n');
    expect(await buildAliasDatabases([`${a},${b}`], () => {})).toBe(true);
    const before = readFileSync(`${a}.db`);
    writeFileSync(a, 'x: z\nbroken\n');
    writeFileSync(b, 'p: r\n');
    const lines: string[] = [];
    expect(await buildAliasDatabases([a, `btree:${b}`, path.join(dir, 'missing'), `text:${dir}/t`], (l) => lines.push(l))).toBe(false);
    expect(lines).toEqual([
      `newaliases: cannot open ${dir}/missing: No such file or directory`,
      `${a}: line 2: missing colon`,
      `${a}: 1 error; ${a}.db not changed`,
      `${b}: 1 aliases, longest 1 bytes, 2 bytes total`,
    ]);
    expect(readFileSync(`${a}.db`).equals(before)).toBe(true);
    expect(readAliasDatabase(`${b}.db`)).toEqual([['@', '@'], ['p', 'r']]);
  });
});

describe.skipIf(process.getuid?.() !== 0)('alias databases built by root', () => {
  it('belong to the TrustedUser when one is given', async () => {
    const dir = tempDir('aliases-');
    const file = path.join(dir, 'aliases');
    writeFileSync(file, 'a: b\n');
    expect(await buildAliasDatabases([file], () => {}, { trustedUid: 65534 })).toBe(true);
    expect(statSync(`${file}.db`).uid).toBe(65534);
    expect(statSync(`${file}.db-lock`).uid).toBe(65534);
  });
});

/** A small cf whose ruleset 0 sends names at this host (or without a host) to the local mailer. */
function smallCf(dir: string, extra = ''): string {
  const cf = path.join(dir, 'small.cf');
  writeFileSync(
    cf,
    [
      'V10/Berkeley',
      `O AliasFile=${dir}/aliases`,
      extra,
      'Dj host.example.com',
      'Cwhost.example.com localhost',
      'Mlocal, P=/bin/true, F=lsDFMAw5:/|@q, A=true',
      'Mesmtp, P=[IPC], F=mDFMuX, A=TCP $h',
      'S0',
      'R$+ @ $=w\t$#local $: $1',
      'R$+ @ $+\t$#esmtp $@ $2 $: $1 @ $2',
      'R$+\t$#local $: $1',
      '',
    ].join('\n'),
  );
  return cf;
}

describe('sendmail -bi parses alias names with the cf\'s rulesets', () => {
  it('stores a local name under its user part and refuses others, exit 70 on errors', () => {
    const dir = tempDir('aliases-bi-');
    const cf = smallCf(dir, process.getuid?.() === 0 ? 'O TrustedUser=65534' : '');
    writeFileSync(path.join(dir, 'aliases'), 'postmaster: root\nFoo@Host.Example.COM: bar\nMy Name: x\n<angle>: t\n');
    const good = runOurs('sendmail', ['-bi', '-C', cf]);
    // what sendmail 8.17 -bi built from this cf and file (no ruleset 3: the brackets and the blank stay)
    expect([good.status, good.stdout]).toEqual([0, `${dir}/aliases: 4 aliases, longest 4 bytes, 36 bytes total\n`]);
    expect(readAliasDatabase(`${dir}/aliases.db`)).toEqual([['<angle>', 't'], ['@', '@'], ['foo', 'bar'], ['my name', 'x'], ['postmaster', 'root']]);
    if (process.getuid?.() === 0) expect(statSync(`${dir}/aliases.db`).uid).toBe(65534);
    writeFileSync(path.join(dir, 'aliases'), 'a: b\nremote@other.org: y\n');
    const bad = runOurs('newaliases', ['-C', cf]);
    expect(bad.status).toBe(70);
    expect(bad.stdout).toBe(
      `${dir}/aliases: line 2: remote@other.org... cannot alias non-local names\n` +
        `${dir}/aliases: 1 error; ${dir}/aliases.db not changed\n`,
    );
  });

  it('says why a name does not parse before refusing it', () => {
    const dir = tempDir('aliases-bi-');
    const cf = path.join(dir, 'no-rules.cf');
    writeFileSync(cf, `V10/Berkeley\nO AliasFile=${dir}/aliases\nMlocal, P=/bin/true, F=lsDFMAw5:/|@q, A=true\n`);
    writeFileSync(path.join(dir, 'aliases'), 'postmaster: root\n');
    // what sendmail 8.17 -bi printed for this cf (it has no ruleset 0)
    expect(runOurs('sendmail', ['-bi', '-C', cf]).stdout).toBe(
      `${dir}/aliases: line 1: buildaddr: no mailer in parsed address\n` +
        `${dir}/aliases: line 1: postmaster... cannot alias non-local names\n` +
        `${dir}/aliases: 1 error; ${dir}/aliases.db not changed\n`,
    );
  });
});

describe('praliases', () => {
  it('lists the databases of the cf\'s AliasFile, or looks keys up', async () => {
    const dir = tempDir('praliases-');
    const file = path.join(dir, 'aliases');
    writeFileSync(file, 'root: admin\nlist: :include:/x\n');
    await buildAliasDatabases([file], () => {});
    writeFileSync(path.join(dir, 'x.cf'), `V10/Berkeley\nO AliasFile=${file}\n`);
    const all = runOurs('praliases', ['-C', path.join(dir, 'x.cf')]);
    expect(all.stdout).toBe('@:@\nlist::include:/x\nroot:admin\n');
    expect(all.status).toBe(0);
    const keys = runOurs('praliases', ['-f', file, 'root', 'ROOT', 'nosuch']);
    expect(keys.stdout).toBe('root:admin\nROOT: No such key\nnosuch: No such key\n');
    const noCf = runOurs('praliases', ['-C', path.join(dir, 'nope.cf')]);
    expect(noCf.stderr).toBe(`praliases: ${dir}/nope.cf: No such file or directory\n`);
    expect(noCf.status).toBe(66);
    expect(runOurs('praliases', ['-x']).stderr).toBe("praliases: invalid option -- 'x'\nusage: praliases [-C cffile] [-f aliasfile] [key ...]\n");
  });
});

const canRunSendmail = hasTool('sendmail') && hasTool('praliases') && canUnshareUts() && existsSync(path.join(CORPUS, 'debian'));

/** An alias database's entries, `key:value` sorted: real praliases for sendmail's, ours read in process. */
function readAliasDbWith(side: 'real' | 'ours', file: string): string[] {
  if (side === 'real') return runReal('praliases', ['-f', file]).stdout.split('\n').filter(Boolean).sort();
  return readAliasDatabase(`${file}.db`).map(([k, v]) => `${k}:${v}`).sort();
}

/** A hermetic copy of the corpus debian config with `aliases` replaced. */
function debianConfig(aliases: string): string {
  const dir = tempDir('aliases-oracle-');
  for (const f of readdirSync(path.join(CORPUS, 'debian'))) {
    const src = path.join(CORPUS, 'debian', f);
    if (!statSync(src).isFile()) continue;
    writeFileSync(path.join(dir, f), readFileSync(src, 'latin1').replaceAll('/CONFDIR', dir), 'latin1');
  }
  writeFileSync(path.join(dir, 'aliases'), aliases, 'latin1');
  return dir;
}

describe.skipIf(!canRunSendmail)('against real sendmail -bi', () => {
  if (!canRunSendmail) console.log('skipped: needs real sendmail, praliases, unshare --uts and the corpus');
  it.each([
    ['corpus debian aliases', existsSync(CORPUS) ? readFileSync(path.join(CORPUS, 'debian', 'aliases'), 'latin1') : ''],
    ['continuations and quoting', 'A: b,\n  c,\n\td\nx: "a b"  ,  c  \nmy name: y\nz: p \\\nq\n# c\n  hidden\n'],
    ['8-bit names and values', 'caf\xe9: b\nx: caf\xe9\n'],
  ])('%s: same messages, summary and database', async (_name, text) => {
    const dir = debianConfig(text);
    const real = spawnSync('unshare', ['--uts', '--net', 'sh', '-c', `hostname mail.example.com && sendmail -bi -C ${dir}/sendmail.cf`], {
      timeout: 60000,
    });
    const realLines = real.stdout.toString('latin1').split('\n').filter((l) => l.length > 0);
    const realDb = runReal('praliases', ['-f', path.join(dir, 'aliases')]).stdout.split('\n').filter(Boolean).sort();
    const ours = path.join(dir, 'ours');
    writeFileSync(ours, text, 'latin1');
    const ourLines: string[] = [];
    await buildAliasDatabases([ours], (l) => ourLines.push(l));
    expect(ourLines.map((l) => l.replaceAll(ours, 'F'))).toEqual(realLines.map((l) => l.replaceAll(`${dir}/aliases`, 'F')));
    const ourDb = readAliasDatabase(`${ours}.db`).map(([k, v]) => `${k}:${v}`).sort();
    expect(ourDb.join('\n')).toBe(realDb.join('\n'));
  });

  it('names with a host, % or ! go through the cf\'s rulesets as in sendmail -bi', () => {
    const run = (side: 'real' | 'ours', text: string) => {
      const dir = debianConfig(text);
      const cmd = side === 'real' ? 'sendmail' : `${process.execPath} ${path.join(REPO, 'bin/sendmail')}`;
      const r = spawnSync('unshare', ['--uts', '--net', 'sh', '-c', `hostname mail.example.com && ${cmd} -bi -C ${dir}/sendmail.cf`], {
        timeout: 60000,
      });
      const lines = r.stdout.toString('latin1').replaceAll(dir, 'D').split('\n');
      const db = existsSync(`${dir}/aliases.db`) ? readAliasDbWith(side, `${dir}/aliases`) : [];
      return { status: r.status, errors: lines.filter((l) => l.includes(': line ')), db };
    };
    const good = 'postmaster: root\nfoo@mail.example.com: bar\nbar@localhost: b\n<angle>: t\n"q n": y\n';
    const bad = 'a: b\nremote@other.org: y\njoe%other.org: v\nbang!path: u\nuser@[10.1.2.3]: z\n';
    for (const text of [good, bad]) {
      const [real, ours] = [run('real', text), run('ours', text)];
      expect(ours.status).toBe(real.status);
      expect(ours.errors).toEqual(real.errors);
      // with errors ours keeps the old database (none here); sendmail writes the good lines
      if (ours.errors.length === 0) expect(ours.db).toEqual(real.db);
    }
  });

  it('edge cases: same messages as sendmail -bi (which also builds a partial database)', async () => {
    const dir = debianConfig(EDGE_CASES);
    const real = spawnSync('unshare', ['--uts', '--net', 'sh', '-c', `hostname mail.example.com && sendmail -bi -C ${dir}/sendmail.cf`], {
      timeout: 60000,
    });
    const realLines = real.stdout.toString('latin1').split('\n').filter((l) => l.length > 0);
    expect(realLines.slice(0, -1)).toEqual(EDGE_MESSAGES.map((m) => m.replace(/^F:/, `${dir}/aliases:`)));
    const realDb = runReal('praliases', ['-f', path.join(dir, 'aliases')]).stdout.split('\n').filter(Boolean).sort();
    expect(realDb).toEqual(EDGE_DATABASE);
  });
});
