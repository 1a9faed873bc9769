#!/usr/bin/env node
// bench/bt.mjs — address test mode throughput: the same N `3,0 <address>`
// lines fed to real sendmail and to ours (`sendmail -bt`) in one run, on the
// same configuration (a conformance-corpus config, maps built by each side's
// own makemap), both under `unshare --uts --net` with the host name pinned to
// the config's $j when that is allowed.  Prints lines/s of each, the ratio,
// and whether the two transcripts are identical.
//
// usage: node bench/bt.mjs [--lines N] [--config DIR] [--sendmail PATH] [--makemap PATH]
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const lines = Number(arg('--lines', '100000'));
const configDir = resolve(arg('--config', resolve(root, '../shared/conformance/engine')));
const realSendmail = arg('--sendmail', '/usr/sbin/sendmail');
const realMakemap = arg('--makemap', existsSync('/usr/bin/makemap') ? '/usr/bin/makemap' : '/usr/sbin/makemap');
const ourSendmail = join(root, 'bin/sendmail');
const ourMakemap = join(root, 'bin/makemap');

if (!existsSync(join(configDir, 'sendmail.cf'))) {
  console.error(`bench/bt: no sendmail.cf in ${configDir} (use --config DIR)`);
  process.exit(2);
}
if (!existsSync(realSendmail)) {
  console.error(`bench/bt: ${realSendmail} not installed; nothing to compare with`);
  process.exit(2);
}

/** Copy the config to a fresh directory with /CONFDIR replaced; build its maps. */
function prepare(label, makemap) {
  const dir = mkdtempSync(join(tmpdir(), `bench-bt-${label}-`));
  for (const f of readdirSync(configDir)) {
    const src = join(configDir, f);
    if (f.endsWith('.out')) continue;
    const text = readFileSync(src, 'latin1');
    writeFileSync(join(dir, f), text.split('/CONFDIR').join(dir), 'latin1');
  }
  const cf = readFileSync(join(dir, 'sendmail.cf'), 'latin1');
  const built = new Set();
  for (const m of cf.matchAll(/^K\S+\s+(hash|btree)\s.*?(\S+)\s*$/gm)) {
    const file = m[2].replace(/\.db$/, '');
    if (!file.startsWith(dir) || built.has(file) || !existsSync(file)) continue;
    built.add(file);
    spawnSync(makemap, [m[1], file], { cwd: dir, input: readFileSync(file), stdio: ['pipe', 'ignore', 'ignore'] });
  }
  return dir;
}

const forms = [
  'user',
  'user@engine.example.com',
  'User@Remote.Example.ORG',
  'Full Name <user@remote.example.org>',
  'user%other@remote.example.org',
  'host!user',
  '<@a.example:user@c.example>',
  'user+detail@engine.example.com',
  '"quoted user"@remote.example.org',
  'postmaster',
  'user@[192.0.2.1]',
  'user@mail',
  'a.b.c@sub.remote.example.org (comment)',
];
let input = '';
for (let i = 0; i < lines; i++) input += `3,0 ${forms[(i * 7919) % forms.length]}\n`;

const hostLine = /^Dj(.*)$/m.exec(readFileSync(join(configDir, 'sendmail.cf'), 'latin1'));
const hostName = hostLine ? hostLine[1].trim() : 'mail.example.com';
const pinned = spawnSync('unshare', ['--uts', '--net', 'true']).status === 0;
if (!pinned) console.error('bench/bt: unshare not allowed; running unpinned (real sendmail may stall on an unqualified host name)');

function run(label, command, dir) {
  const inFile = join(dir, 'bench.in');
  const outFile = join(dir, 'bench.out');
  writeFileSync(inFile, input);
  const timeFile = join(dir, 'bench.time');
  const script =
    `${pinned ? `hostname ${hostName}; ` : ''}TIMEFORMAT='%3U %3S'; ` +
    `{ time ${command} -bt -C ${dir}/sendmail.cf < ${inFile} > ${outFile} 2>&1 ; } 2> ${timeFile}`;
  const argv = pinned ? ['unshare', '--uts', '--net', 'bash', '-c', script] : ['bash', '-c', script];
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: dir, stdio: 'inherit' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) console.error(`bench/bt: ${label} exited with ${r.status}`);
  const [user, sys] = readFileSync(timeFile, 'latin1').trim().split(/\s+/).map(Number);
  return { seconds, rate: lines / seconds, cpu: user + sys, out: readFileSync(outFile) };
}

const realDir = prepare('real', realMakemap);
const ourDir = prepare('ours', ourMakemap);
try {
  const real = run('real sendmail', realSendmail, realDir);
  const ours = run('ours', `node ${ourSendmail}`, ourDir);
  const same = Buffer.compare(
    Buffer.from(real.out.toString('latin1').split(realDir).join('DIR'), 'latin1'),
    Buffer.from(ours.out.toString('latin1').split(ourDir).join('DIR'), 'latin1'),
  ) === 0;
  console.log(`config: ${configDir}, ${lines} lines of "3,0 <address>"`);
  console.log(`real sendmail: ${real.seconds.toFixed(2)} s, ${Math.round(real.rate)} lines/s (cpu ${real.cpu.toFixed(2)} s)`);
  console.log(`ours:          ${ours.seconds.toFixed(2)} s, ${Math.round(ours.rate)} lines/s (cpu ${ours.cpu.toFixed(2)} s)`);
  console.log(`ratio (ours/real): ${(ours.rate / real.rate).toFixed(2)}x wall, ${(real.cpu / ours.cpu).toFixed(2)}x cpu; transcripts ${same ? 'identical' : 'differ'}`);
} finally {
  rmSync(realDir, { recursive: true, force: true });
  rmSync(ourDir, { recursive: true, force: true });
}
