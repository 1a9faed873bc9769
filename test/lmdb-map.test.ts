// The hash/btree map classes and the LMDB map file: lookups with sendmail's
// key rules, open failures, rebuilds seen by running readers (in process
// and in a child process reading in a loop), and real sendmail's answers
// for the same maps when it is installed.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMapFlags } from '../src/maps/common.js';
import { createMap } from '../src/maps/registry.js';
import '../src/maps/lmdb/index.js';
import { MapFile } from '../src/maps/lmdb/map-file.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../src/maps/types.js';
import { REPO, canUnshareUts, hasTool, runOurs, runReal, tempDir } from './lmdb-helpers.js';

function declare(name: string, className: string, rawArgs: string): MapDecl {
  const pos = { file: 'test.cf', line: 1 };
  const { flags, args } = parseMapFlags(rawArgs, pos, { mapName: name });
  return { name, className, flags, args, rawArgs, pos };
}

function environment(): MapEnvironment & { reports: string[] } {
  const reports: string[] = [];
  return {
    reports,
    getMap: () => undefined,
    getMacro: () => undefined,
    setMacro: () => {},
    option: () => undefined,
    report: (m) => reports.push(m),
  };
}

function writeMap(file: string, pairs: Array<[string, string]>): void {
  const f = MapFile.open(file, { write: true, create: true });
  try {
    f.replaceAll(pairs.map(([k, v]) => [Buffer.from(k, 'latin1'), Buffer.from(v, 'latin1')]));
  } finally {
    f.close();
  }
}

const lookup = (map: SendmailMap, key: string, args: string[] = []) => map.lookup(key, args) as LookupResult;

describe('hash and btree map classes', () => {
  it('fold ASCII letters only, as makemap does in the C locale', () => {
    const dir = tempDir('lmdb-map-');
    const r = runOurs('makemap', ['hash', `${dir}/m`], 'CAF\xc9 latin\nMixed.Example.COM ascii\n');
    expect(r.status).toBe(0);
    const map = createMap(declare('m', 'hash', `${dir}/m`), environment());
    expect(lookup(map, 'Caf\xc9')).toEqual({ status: 'found', value: 'latin' });
    expect(lookup(map, 'CAF\xe9')).toEqual({ status: 'notfound' });
    expect(lookup(map, 'MIXED.example.Com')).toEqual({ status: 'found', value: 'ascii' });
  });

  it('apply -N, -O and the adaptive NUL rule', () => {
    const dir = tempDir('lmdb-map-');
    writeMap(path.join(dir, 'nul.db'), [['k\0', 'v\0']]);
    writeMap(path.join(dir, 'plain.db'), [['k', 'v']]);
    const env = environment();
    const withNul = createMap(declare('a', 'hash', `-N ${dir}/nul`), env);
    const without = createMap(declare('b', 'hash', `-O ${dir}/nul`), env);
    const adaptive = createMap(declare('c', 'btree', `${dir}/nul.db`), env);
    const adaptivePlain = createMap(declare('d', 'hash', `${dir}/plain`), env);
    expect(lookup(withNul, 'k')).toEqual({ status: 'found', value: 'v' });
    expect(lookup(without, 'k')).toEqual({ status: 'notfound' });
    expect(lookup(adaptive, 'K')).toEqual({ status: 'found', value: 'v' });
    expect(lookup(adaptivePlain, 'k')).toEqual({ status: 'found', value: 'v' });
    expect(env.reports).toEqual([]);
  });

  it('fold keys unless -f, substitute %n, append -a, return the key with -m', () => {
    const dir = tempDir('lmdb-map-');
    writeMap(path.join(dir, 'm.db'), [
      ['Key', 'V'],
      ['key', 'v'],
      ['k', '%1-%2-%0 100%%'],
    ]);
    const env = environment();
    const exact = createMap(declare('f', 'hash', `-f ${dir}/m`), env);
    const folded = createMap(declare('g', 'hash', `${dir}/m`), env);
    const pct = createMap(declare('p', 'hash', `-a! ${dir}/m`), env);
    const match = createMap(declare('q', 'hash', `-m -a<FOUND> ${dir}/m`), env);
    expect(lookup(exact, 'Key')).toEqual({ status: 'found', value: 'V' });
    expect(lookup(exact, 'KEY')).toEqual({ status: 'notfound' });
    expect(lookup(folded, 'KEY')).toEqual({ status: 'found', value: 'v' });
    expect(lookup(pct, 'k')).toEqual({ status: 'found', value: '--k 100%!' });
    expect(lookup(pct, 'k', ['one', 'two'])).toEqual({ status: 'found', value: 'one-two-k 100%!' });
    expect(lookup(match, 'KEY')).toEqual({ status: 'found', value: 'KEY<FOUND>' });
  });

  it('report a missing or foreign file once, as sendmail does, and fail temporarily; -o maps stay quiet unless the file is a Berkeley DB', () => {
    const dir = tempDir('lmdb-map-');
    writeFileSync(path.join(dir, 'bad.db'), 'garbage\n'.repeat(10));
    const env = environment();
    const missing = createMap(declare('miss', 'hash', `-T<TMPF> ${dir}/late`), env);
    // an optional map that cannot be opened is quietly "not open"
    expect(() => createMap(declare('opt', 'hash', `-o ${dir}/late`), env)).toThrow(
      expect.objectContaining({ name: 'MapOpenError', silent: true }),
    );
    // ... unless the file is there in sendmail's own Berkeley DB format: that is named, even for -o
    const berkeley = Buffer.alloc(4096);
    berkeley.writeUInt32LE(0x061561, 12);
    writeFileSync(path.join(dir, 'access.db'), berkeley);
    expect(() => createMap(declare('access', 'hash', `-o ${dir}/access`), env)).toThrow(
      expect.objectContaining({
        silent: false,
        // said while the cf is read, without making it a cf with read errors (the map is just not open)
        warning: true,
        message: `hash map "access": ${dir}/access.db is a Berkeley DB hash file (sendmail's own map format), not an LMDB map: makemap or newaliases replaces it`,
      }),
    );
    const bad = createMap(declare('bad', 'btree', `${dir}/bad`), env);
    expect(lookup(missing, 'foo')).toEqual({ status: 'tempfail', code: 75 });
    expect(lookup(missing, 'foo')).toEqual({ status: 'tempfail', code: 75 });
    expect(lookup(bad, 'x')).toEqual({ status: 'tempfail', code: 75 });
    expect(env.reports).toEqual([
      `hash map "miss": missing map file ${dir}/late.db: No such file or directory`,
      `Cannot open btree database ${dir}/bad.db: Invalid argument`,
    ]);
  });

  it('see a rebuild at the next lookup, and a replaced file within a second', async () => {
    const dir = tempDir('lmdb-map-');
    const file = path.join(dir, 'm.db');
    writeMap(file, [['a', 'one']]);
    const map = createMap(declare('m', 'hash', `${dir}/m`), environment());
    expect(lookup(map, 'a')).toEqual({ status: 'found', value: 'one' });
    expect(runOurs('makemap', ['hash', `${dir}/m`], 'a two\nb new\n').status).toBe(0);
    // same synchronous turn: no event-loop tick between rebuild and lookup
    expect(lookup(map, 'a')).toEqual({ status: 'found', value: 'two' });
    expect(lookup(map, 'b')).toEqual({ status: 'found', value: 'new' });
    // this process cannot write a file it reads (one LMDB environment per file)
    expect(() => MapFile.open(file, { write: true })).toThrow('open read-only in this process');
    // a different file moved over the old one (not what makemap does)
    writeMap(path.join(dir, 'other.db'), [['a', 'three']]);
    renameSync(path.join(dir, 'other.db'), file);
    await new Promise((r) => setTimeout(r, 1100));
    expect(lookup(map, 'a')).toEqual({ status: 'found', value: 'three' });
    map.close?.();
  });
});

const READER = `
import { existsSync } from 'node:fs';
import { MapFile } from ${JSON.stringify(path.join(REPO, 'dist/maps/lmdb/map-file.js'))};
const [file, stopFile, n] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const map = MapFile.open(file);
const deadline = Date.now() + 60000;
let checks = 0, lastGen = -1;
const bad = [], gens = new Set();
while (!existsSync(stopFile) && Date.now() < deadline) {
  // one snapshot: every entry must belong to the same generation
  let count = 0, gen;
  for (const [, v] of map.entries()) {
    const g = v.toString().split(' ')[0];
    count++;
    if (gen === undefined) gen = g; else if (g !== gen) bad.push('mixed generations ' + gen + '/' + g);
  }
  if (count !== n) bad.push('saw ' + count + ' entries');
  gens.add(gen);
  // single lookups never go back to an older map
  const v = map.get(Buffer.from('k' + (checks % n)));
  const g = v === undefined ? -1 : Number(v.toString().split(' ')[0]);
  if (g < lastGen) bad.push('went back from ' + lastGen + ' to ' + g);
  lastGen = g;
  checks++;
}
console.log(JSON.stringify({ checks, bad: bad.slice(0, 5), badCount: bad.length, gens: [...gens], lastGen }));
`;

describe('atomic rebuilds with a reader in another process', () => {
  it('a process reading in a loop always sees a whole map, old or new, and picks up each rebuild', async () => {
    const dir = tempDir('lmdb-atomic-');
    const n = 3000;
    const source = (gen: number) => Array.from({ length: n }, (_, i) => `k${i} ${gen} value ${i} of generation ${gen}`).join('\n') + '\n';
    const mapName = path.join(dir, 'm');
    expect(runOurs('makemap', ['hash', mapName], source(0)).status).toBe(0);
    writeFileSync(path.join(dir, 'reader.mjs'), READER);
    const stopFile = path.join(dir, 'stop');
    const child = spawn(process.execPath, [path.join(dir, 'reader.mjs'), `${mapName}.db`, stopFile, String(n)]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise((r) => child.on('exit', r));
    await new Promise((r) => setTimeout(r, 300));
    const gens = 4;
    for (let gen = 1; gen <= gens; gen++) {
      const r = await new Promise<number | null>((resolve) => {
        const mk = spawn(process.execPath, [path.join(REPO, 'bin/makemap'), 'hash', mapName]);
        mk.on('exit', resolve);
        mk.stdin.end(source(gen));
      });
      expect(r).toBe(0);
      await new Promise((r) => setTimeout(r, 100));
    }
    writeFileSync(stopFile, '');
    await exited;
    const report = JSON.parse(out) as { checks: number; badCount: number; bad: string[]; gens: string[]; lastGen: number };
    expect(report.bad).toEqual([]);
    expect(report.badCount).toBe(0);
    expect(report.checks).toBeGreaterThan(10);
    expect(report.gens.length).toBeGreaterThanOrEqual(3);
    expect(report.lastGen).toBe(gens);
  });
});

const SLOW_WRITER = `
import { writeFileSync } from 'node:fs';
import { MapFile } from ${JSON.stringify(path.join(REPO, 'dist/maps/lmdb/map-file.js'))};
const [file, midwayFile] = [process.argv[2], process.argv[3]];
const map = MapFile.open(file, { write: true });
function* entries() {
  for (let i = 0; i < 100; i++) yield [Buffer.from('k' + i), Buffer.from('new')];
  // half of the new map is written inside the open transaction: wait there
  writeFileSync(midwayFile, '');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
  for (let i = 100; i < 200; i++) yield [Buffer.from('k' + i), Buffer.from('new')];
}
map.replaceAll(entries());
map.close();
`;

describe('a rebuild in progress', () => {
  it('neither blocks a reader that opens the map nor shows it a half-built map', async () => {
    const dir = tempDir('lmdb-midway-');
    const file = path.join(dir, 'm.db');
    writeMap(file, Array.from({ length: 150 }, (_, i): [string, string] => [`k${i}`, 'old']));
    writeFileSync(path.join(dir, 'writer.mjs'), SLOW_WRITER);
    const midway = path.join(dir, 'midway');
    const writer = spawn(process.execPath, [path.join(dir, 'writer.mjs'), file, midway]);
    let errors = '';
    writer.stderr.on('data', (d) => (errors += d));
    const exited = new Promise((r) => writer.on('exit', r));
    for (let i = 0; i < 200 && !existsSync(midway); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(midway)).toBe(true);
    const started = Date.now();
    const reader = MapFile.open(file);
    const seen = [...reader.entries()].map(([k, v]) => `${k}=${v}`);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(seen.length).toBe(150);
    expect(seen.every((e) => e.endsWith('=old'))).toBe(true);
    expect(reader.get(Buffer.from('k160'))).toBeUndefined();
    expect(await exited).toBe(0);
    expect(errors).toBe('');
    // after the commit the next lookup sees the whole new map
    expect(reader.get(Buffer.from('k160'))?.toString()).toBe('new');
    expect([...reader.entries()].length).toBe(200);
    reader.close();
  });
});

const canRunSendmail = hasTool('sendmail') && hasTool('makemap') && canUnshareUts();

describe.skipIf(!canRunSendmail)('lookups agree with real sendmail -bt /map on the same sources', () => {
  if (!canRunSendmail) console.log('skipped: needs real sendmail, makemap and unshare --uts');
  it('answers every /map line like sendmail', () => {
    const dir = tempDir('lmdb-oracle-');
    const sources: Record<string, [string[], string]> = {
      plain: [['hash'], 'k v\nKey Value\nmixed %1+%0 100%%\n'],
      tree: [['btree'], 'k v\nKey Value\n'],
      nul: [['-N', 'hash'], 'k v\nn with null\n'],
      exact: [['-f', 'hash'], 'Key V\nkey v\n'],
    };
    for (const [name, [args, text]] of Object.entries(sources)) {
      expect(runReal('makemap', [...args, path.join(dir, `real-${name}`)], text).status).toBe(0);
      expect(runOurs('makemap', [...args, path.join(dir, `ours-${name}`)], text).status).toBe(0);
    }
    const klines: Array<[string, string, string]> = [
      ['plain', 'hash', 'plain'],
      ['plainm', 'hash', '-m -a.M plain'],
      ['plaina', 'btree', '-a! tree'],
      ['nulN', 'hash', '-N nul'],
      ['nulO', 'hash', '-O nul'],
      ['nulAuto', 'hash', 'nul'],
      ['exactf', 'hash', '-f exact'],
      ['exact', 'hash', 'exact'],
      ['gone', 'hash', 'missing'],
      ['goneT', 'hash', '-T<TMP> missing'],
      // a btree file declared as hash: sendmail cannot open it (Invalid argument)
      ['treeAsHash', 'hash', 'tree'],
    ];
    const queries = [
      ['plain', 'k'], ['plain', 'KEY'], ['plain', 'nothere'], ['plain', 'mixed'], ['plainm', 'Key'], ['plaina', 'k'],
      ['nulN', 'k'], ['nulO', 'k'], ['nulAuto', 'N'], ['exactf', 'Key'], ['exactf', 'KEY'], ['exact', 'KEY'],
      ['gone', 'x'], ['gone', 'y'], ['treeAsHash', 'k'],
    ];
    const fileFor = (who: string, spec: string) =>
      spec.replace(/(\S+)$/, (f) => path.join(dir, `${who}-${f}`));
    const cf = [
      'V10/Berkeley',
      `O QueueDirectory=${dir}`,
      'O DontBlameSendmail=TrustStickyBit,GroupWritableDirPathSafe',
      'Dj host.example.com',
      'Mlocal, P=/bin/true, F=lsDFMAw5:/|@q, A=true',
      ...klines.map(([name, cls, spec]) => `K${name} ${cls} ${fileFor('real', spec)}`),
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'x.cf'), cf);
    const input = queries.map(([m, k]) => `/map ${m} ${k}`).join('\n') + '\n';
    const real = spawnSync('unshare', ['--uts', 'sh', '-c', `hostname host.example.com && sendmail -bt -C ${dir}/x.cf`], {
      input,
      timeout: 60000,
    });
    const realLines = real.stdout
      .toString('latin1')
      .split('\n')
      .map((l) => l.replace(/^> /, ''))
      .filter((l) => l.startsWith('map_lookup:') || l.includes(' map "') || l.startsWith('Cannot open'));
    const env = environment();
    const maps = new Map(klines.map(([name, cls, spec]) => [name, createMap(declare(name, cls, fileFor('ours', spec)), env)]));
    const ourLines: string[] = [];
    for (const [m, k] of queries) {
      const r = lookup(maps.get(m)!, k);
      for (const rep of env.reports.splice(0)) ourLines.push(rep);
      const code = r.code ?? (r.status === 'tempfail' ? 75 : 0);
      ourLines.push(`map_lookup: ${m} (${k}) ${r.status === 'found' ? `returns ${r.value}` : 'no match'} (${code})`);
    }
    expect(ourLines.join('\n').replaceAll('/ours-', '/X-')).toBe(realLines.join('\n').replaceAll('/real-', '/X-'));
    expect(existsSync(path.join(dir, 'ours-plain.db'))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});
