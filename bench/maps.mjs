#!/usr/bin/env node
// bench/maps.mjs — our makemap / hash map lookups against the real ones, side by side.
//
//   node bench/maps.mjs [--sizes 1000,100000,1000000] [--lookups 100000] [--aliases 100000]
//
// For each size: builds the same generated source with the real
// `makemap hash` and with our bin/makemap (wall time of the whole command,
// start-up included, and its CPU time when GNU time is installed), then measures lookups per second: ours in process
// through the `hash` map class (a fresh LMDB snapshot per lookup), the real
// one through `sendmail -bt` fed `/map` lines (its start-up, measured with a
// single lookup, is subtracted).  Then newaliases on a generated aliases
// file against the real `sendmail -bi` (both parse every name with the cf's
// rulesets 3 and 0; the cf is the corpus debian one, from
// ../shared/conformance, skipped when it is absent; --aliases 0 skips it).
// Needs `npm run build` first; the real tools are used when installed
// (sendmail also needs `unshare --uts`).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { parseMapFlags } = await import(path.join(repo, 'dist/maps/common.js'));
const { createMap } = await import(path.join(repo, 'dist/maps/registry.js'));
await import(path.join(repo, 'dist/maps/lmdb/index.js'));

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const sizes = arg('sizes', '1000,100000,1000000').split(',').map(Number);
const lookupCount = Number(arg('lookups', '100000'));
const aliasCount = Number(arg('aliases', '100000'));

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const canUnshare = has('unshare') && spawnSync('unshare', ['--uts', 'true']).status === 0;
const unshareNet = spawnSync('unshare', ['--uts', '--net', 'true']).status === 0 ? ['--uts', '--net'] : ['--uts'];
const haveMakemap = has('makemap');
const haveSendmail = has('sendmail') && canUnshare;

function key(i) {
  return `user${((i * 2654435761) >>> 0).toString(36)}${i}@domain${i % 977}.example.com`;
}

function source(n) {
  const lines = new Array(n);
  for (let i = 0; i < n; i++) lines[i] = `${key(i)}\tsmtp:[relay${i % 53}.example.net] ${i}`;
  return lines.join('\n') + '\n';
}

// NODE_EXTRA_CA_CERTS makes every node start-up read and parse the CA file
// (~80 ms here); a map build makes no TLS connection, so ours runs without it
const env = { ...process.env };
const droppedCaCerts = env.NODE_EXTRA_CA_CERTS !== undefined;
delete env.NODE_EXTRA_CA_CERTS;

// GNU time gives the CPU time (user + system) of a command: steadier than
// wall time on a busy machine
const gnuTime = spawnSync('/usr/bin/time', ['-f', '%U', 'true']).status === 0;

function timed(cmd, args, input, withCpu = false) {
  const t = process.hrtime.bigint();
  const [c, a] = withCpu && gnuTime ? ['/usr/bin/time', ['-f', '@cpu %U %S', cmd, ...args]] : [cmd, args];
  const r = spawnSync(c, a, { input, env, maxBuffer: 1 << 30, timeout: 600000 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  const m = /@cpu ([\d.]+) ([\d.]+)/.exec(r.stderr.toString());
  return { ms, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined, stdout: r.stdout.toString() };
}

/** Keys to look up: 90% present, 10% absent, spread over the map. */
function queryKeys(n, count) {
  const out = new Array(count);
  for (let j = 0; j < count; j++) {
    const i = (j * 7919) % n;
    out[j] = j % 10 === 9 ? `absent${j}@nowhere.example` : key(i).toUpperCase();
  }
  return out;
}

function ourLookups(file, keys) {
  const pos = { file: 'bench.cf', line: 1 };
  const { flags, args } = parseMapFlags(file, pos);
  const env = { getMap: () => undefined, getMacro: () => undefined, setMacro: () => {}, option: () => undefined, report: (m) => console.log(m) };
  const map = createMap({ name: 'big', className: 'hash', flags, args, rawArgs: file, pos }, env);
  let found = 0;
  map.lookup(keys[0], []); // open the file
  const t = process.hrtime.bigint();
  for (const k of keys) if (map.lookup(k, []).status === 'found') found++;
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  map.close();
  return { perSec: (keys.length / ms) * 1000, found };
}

function realLookups(dir, file, keys) {
  const cf = path.join(dir, 'bench.cf');
  writeFileSync(
    cf,
    [
      'V10/Berkeley',
      `O QueueDirectory=${dir}`,
      'O DontBlameSendmail=TrustStickyBit',
      'Dj bench.example.com',
      'Mlocal, P=/bin/true, F=lsDFMAw5:/|@q, A=true',
      `Kbig hash ${file}`,
      '',
    ].join('\n'),
  );
  const run = (lines) =>
    timed('unshare', ['--uts', 'sh', '-c', `hostname bench.example.com && exec sendmail -bt -C ${cf}`], lines.map((k) => `/map big ${k}`).join('\n') + '\n');
  const startup = Math.min(run(keys.slice(0, 1)).ms, run(keys.slice(0, 1)).ms);
  const all = run(keys);
  const found = all.stdout.split('\n').filter((l) => l.includes(' returns ')).length;
  return { perSec: (keys.length / (all.ms - startup)) * 1000, found, startup };
}

const fmt = (x) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(2));
console.log(`node ${process.version}, ${lookupCount} lookups per size; ratios > 1 mean ours is faster`);
if (droppedCaCerts) console.log('NODE_EXTRA_CA_CERTS is unset for the commands run (it costs node ~80 ms per start)');
{
  // what a short makemap run costs before its work: node itself, then with
  // lmdb loaded, then with all of makemap's modules (best of 5, wall and CPU)
  const importing = (module) => ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(path.join(repo, module)).href)})`];
  const stages = [
    ["bare node (node -e '')", ['-e', '']],
    ['+ lmdb loaded', importing('dist/maps/lmdb/load-lmdb.js')],
    ["+ makemap's modules", importing('dist/cli/makemap.js')],
  ];
  const parts = stages.map(([name, args]) => {
    const runs = Array.from({ length: 5 }, () => timed(process.execPath, args, '', true));
    const cpu = runs[0].cpu === undefined ? '' : ` (cpu ${fmt(Math.min(...runs.map((r) => r.cpu)))} ms)`;
    return `${name} ${fmt(Math.min(...runs.map((r) => r.ms)))} ms${cpu}`;
  });
  console.log(`start-up: ${parts.join(', ')}`);
}
if (!haveMakemap) console.log('real makemap not installed: building ours only');
if (!haveSendmail) console.log('real sendmail (or unshare --uts) not available: lookups ours only');

for (const n of sizes) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-maps-'));
  try {
    const src = source(n);
    // small builds are start-up bound and noisy: best of several runs
    const runs = n <= 10000 ? 5 : n <= 100000 ? 3 : 1;
    const best = (cmd, args) => {
      const all = Array.from({ length: runs }, () => timed(cmd, args, src, true));
      return { ms: Math.min(...all.map((r) => r.ms)), cpu: all[0].cpu === undefined ? undefined : Math.min(...all.map((r) => r.cpu)) };
    };
    const cpuText = (r) => (r.cpu === undefined ? '' : ` (cpu ${fmt(r.cpu)} ms)`);
    const ours = best(process.execPath, [path.join(repo, 'bin/makemap'), 'hash', path.join(dir, 'ours')]);
    let line = `${String(n).padStart(8)} entries  build${runs > 1 ? ` (best of ${runs})` : ''}: ours ${fmt(ours.ms)} ms${cpuText(ours)}`;
    if (haveMakemap) {
      const real = best('makemap', ['hash', path.join(dir, 'real')]);
      line += `, real makemap ${fmt(real.ms)} ms${cpuText(real)}, ratio ${fmt(real.ms / ours.ms)}x`;
      if (ours.cpu && real.cpu) line += ` (cpu ${fmt(real.cpu / ours.cpu)}x)`;
    }
    console.log(line);
    const keys = queryKeys(n, lookupCount);
    const ol = ourLookups(path.join(dir, 'ours'), keys);
    line = `${' '.repeat(17)}lookups: ours ${fmt(ol.perSec)}/s (${ol.found} found)`;
    if (haveSendmail && haveMakemap) {
      const rl = realLookups(dir, path.join(dir, 'real'), keys);
      line += `, real sendmail -bt /map ${fmt(rl.perSec)}/s (${rl.found} found, start-up ${fmt(rl.startup)} ms subtracted), ratio ${fmt(ol.perSec / rl.perSec)}x`;
    }
    console.log(line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A copy of the corpus debian config in `dir` with `aliases` as its
 * AliasFile (the cf names its files under /CONFDIR).
 */
function aliasConfig(dir, aliases) {
  const corpus = path.resolve(repo, '../shared/conformance/debian');
  mkdirSync(dir);
  for (const f of readdirSync(corpus)) {
    const src = path.join(corpus, f);
    if (statSync(src).isFile()) writeFileSync(path.join(dir, f), readFileSync(src, 'latin1').replaceAll('/CONFDIR', dir), 'latin1');
  }
  writeFileSync(path.join(dir, 'aliases'), aliases, 'latin1');
  return path.join(dir, 'sendmail.cf');
}

if (aliasCount > 0) {
  if (!existsSync(path.resolve(repo, '../shared/conformance/debian/sendmail.cf'))) {
    console.log('newaliases: the corpus debian cf (../shared/conformance/debian) is absent: skipped');
  } else if (!canUnshare) {
    console.log('newaliases: needs unshare --uts (a qualified host name for both): skipped');
  } else {
    const top = mkdtempSync(path.join(tmpdir(), 'bench-aliases-'));
    try {
      const lines = new Array(aliasCount);
      for (let i = 0; i < aliasCount; i++) lines[i] = `user${i}: person${i % 977}@example${i % 53}.org, local${i % 11}`;
      const text = lines.join('\n') + '\n';
      // the hostname is set so sendmail does not wait for a qualified one; no
      // network either (as in the tests), so no side waits for DNS
      const newaliases = (cmd, cf) => timed('unshare', [...unshareNet, 'sh', '-c', `hostname mail.example.com && exec ${cmd} -C ${cf}`], '', true);
      const ours = newaliases(`${process.execPath} ${path.join(repo, 'bin/newaliases')}`, aliasConfig(path.join(top, 'ours'), text));
      let line = `${String(aliasCount).padStart(8)} aliases  newaliases: ours ${fmt(ours.ms)} ms${ours.cpu === undefined ? '' : ` (cpu ${fmt(ours.cpu)} ms)`}`;
      if (haveSendmail) {
        const real = newaliases('sendmail -bi', aliasConfig(path.join(top, 'real'), text));
        line += `, real sendmail -bi ${fmt(real.ms)} ms${real.cpu === undefined ? '' : ` (cpu ${fmt(real.cpu)} ms)`}, ratio ${fmt(real.ms / ours.ms)}x`;
        if (ours.cpu && real.cpu) line += ` (cpu ${fmt(real.cpu / ours.cpu)}x)`;
      }
      console.log(line);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  }
}
