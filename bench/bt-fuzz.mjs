#!/usr/bin/env node
// Differential fuzzer for `sendmail -bt`: random address-test-mode input per
// corpus config, run through real sendmail and through ours with the corpus
// runner's own set-up (run-bt.sh: /CONFDIR substituted, maps built, aliases,
// host name pinned with unshare), then compared command by command.
//
//   node bench/bt-fuzz.mjs [--lines N] [--seed S] [--real /usr/sbin/sendmail]
//                          [--corpus DIR] [--out DIR] [config...]
//
// Prints, per config, the number of lines fuzzed and of commands whose output
// differs, and writes each difference (input, real, ours) to OUT/<config>.diff.
// Needs root (real sendmail -bi) and the real sendmail; not a unit test.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const opts = { lines: 300, seed: 1, real: '/usr/sbin/sendmail', corpus: resolve(root, '../shared/conformance'), out: '' };
const names = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--lines') opts.lines = Number(argv[++i]);
  else if (a === '--seed') opts.seed = Number(argv[++i]);
  else if (a === '--real') opts.real = argv[++i];
  else if (a === '--corpus') opts.corpus = argv[++i];
  else if (a === '--out') opts.out = argv[++i];
  else names.push(a);
}
const runner = join(opts.corpus, 'run-bt.sh');
if (!existsSync(runner) || !existsSync(opts.real)) {
  console.error(`bt-fuzz: needs ${runner} and ${opts.real}`);
  process.exit(2);
}
const configs = names.length > 0 ? names
  : readdirSync(opts.corpus).filter((d) => existsSync(join(opts.corpus, d, 'cases.bt'))).sort();
const work = mkdtempSync(join(tmpdir(), 'bt-fuzz-'));
const outDir = opts.out || join(work, 'diffs');
mkdirSync(outDir, { recursive: true });

// mulberry32: small seeded generator, so a run can be repeated.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(rand, cfgText, casesText) {
  const int = (n) => Math.floor(rand() * n);
  const pick = (xs) => xs[int(xs.length)];
  const rulesets = [...cfgText.matchAll(/^S([A-Za-z0-9_]+)/gm)].map((m) => m[1]);
  const maps = [...cfgText.matchAll(/^K([A-Za-z0-9_]+)/gm)].map((m) => m[1]);
  const classes = [...new Set([...cfgText.matchAll(/^[CF](\{[A-Za-z0-9_]+\}|[A-Za-z])/gm)].map((m) => m[1]))];
  const mailers = [...cfgText.matchAll(/^M([A-Za-z0-9_-]+)/gm)].map((m) => m[1]);
  const macroNames = [...new Set([...cfgText.matchAll(/^D(\{[A-Za-z0-9_]+\}|[A-Za-z])/gm)].map((m) => m[1]))];
  const domains = [...new Set([...casesText.matchAll(/[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g)].map((m) => m[0]))];
  const caseLines = casesText.split('\n').filter((l) => l && !l.startsWith('#'));
  const users = ['user', 'root', 'postmaster', 'MAILER-DAEMON', 'nobody', 'a', 'first.last', 'u+det', 'u++', 'dad', 'x_y'];
  const dom = () => (domains.length && rand() < 0.8 ? pick(domains) : pick(['localhost', 'example.com', 'a.b.c.d.e', 'x']));
  const lit = () => pick([`[${int(256)}.${int(256)}.${int(256)}.${int(256)}]`, '[127.0.0.1]', '[IPv6:::1]',
    '[IPv6:2001:db8::1]', '[1.2.3]', '[IPv6:fe80::1%eth0]', '[]', '[a.b]', '[127.0.0.1](c)']);
  const odd = () => pick(['"', '(', ')', '<', '>', '@', ',', ';', ':', '\\', '%', '!', '.', '[', ']', '$', '$|',
    '$&j', '$*', '<>', '<@>', '""', '()', '\u00e9', '\xff', '\x01', '\t', '  ', 'x'.repeat(int(300))]);
  const local = () => {
    switch (int(8)) {
      case 0: return `"${pick(users)} ${pick(users)}"`;
      case 1: return `${pick(users)}%${dom()}`;
      case 2: return `${dom()}!${pick(users)}`;
      case 3: return `${pick(users)}${odd()}`;
      case 4: return `"a\\"b"`;
      default: return pick(users);
    }
  };
  const addr = (depth = 0) => {
    const base = () => {
      switch (int(12)) {
        case 0: return local();
        case 1: return `${local()}@${lit()}`;
        case 2: return `<${local()}@${dom()}>`;
        case 3: return `Full Name <${local()}@${dom()}>`;
        case 4: return `<@${dom()},@${dom()}:${local()}@${dom()}>`;
        case 5: return `group: ${local()}@${dom()}, ${local()};`;
        case 6: return `${local()}@${dom()} (comment ${odd()})`;
        case 7: return `${local()}@${dom()}.`;
        case 8: return `"@${dom()},@${dom()}":${local()}@${dom()}`;
        case 9: return `${local()}@${dom().toUpperCase()}`;
        case 10: return depth < 2 ? `${addr(depth + 1)}, ${addr(depth + 1)}` : local();
        default: return `${local()}@${dom()}`;
      }
    };
    let s = base();
    if (rand() < 0.15) { const p = int(s.length + 1); s = s.slice(0, p) + odd() + s.slice(p); }
    if (rand() < 0.05) { const p = int(s.length); s = s.slice(0, p) + s.slice(p + 1); }
    return s;
  };
  const rs = () => (rulesets.length && rand() < 0.7 ? pick(rulesets) : String(pick([0, 1, 2, 3, 4, 5, 96, 97, 98, 99, 100, 199, 200])));
  const rsList = () => pick(['3,0', '3,0', '3', '0', '3,4', '3,1,4', '3,2,4', `3,${rs()}`, rs(), `${rs()},${rs()}`, '', ',', '3,,0', '3,x']);
  const line = () => {
    const k = int(40);
    if (k < 6 && caseLines.length) {
      // a corpus line, mutated
      let s = pick(caseLines);
      const p = int(s.length + 1);
      return rand() < 0.5 ? s.slice(0, p) + odd() + s.slice(p) : s.slice(0, p);
    }
    if (k < 18) return `${rsList()} ${addr()}`;
    switch (k) {
      case 18: return `check_rcpt <${local()}@${dom()}>`;
      case 19: return `check_mail <${addr()}>`;
      case 20: return `.D${pick(macroNames.length ? macroNames : ['x'])} ${pick(['', dom(), local(), 'a b', '$j'])}`;
      case 21: return `.C${pick(classes.length ? classes : ['w'])} ${pick([dom(), local(), 'a b', ''])}`;
      case 22: return `=S${rs()}`;
      case 23: return `=M${pick(['', ' x'])}`;
      case 24: return `/parse ${addr()}`;
      case 25: return `/try ${pick(mailers.length ? mailers : ['local'])} ${addr()}`;
      case 26: return `/tryflags ${pick(['h', 'e', 's', 'r', 'hs', 'er', 'x', ''])}`;
      case 27: return `/canon ${pick([dom(), 'localhost', 'x', '', lit(), 'a..b'])}`;
      case 28: return `/map ${pick(maps.length ? maps : ['host'])} ${pick([dom(), local(), `${local()}@${dom()}`, '', lit()])}`;
      case 29: return `$=${pick(classes.length ? classes : ['w'])}`;
      case 30: return `$${pick(macroNames.length ? macroNames : ['j'])}`;
      case 31: return pick(['/', '/mx', `/mx ${dom()}`, '/foo', '=', '=X', '.', '.X', '.Dx', '?', '$', '$=', '$={', '${', '/map', '/try', '/parse', '/canon']);
      case 32: return odd() + odd();
      case 33: return `${rsList()} ${odd()}${odd()}${odd()}`;
      case 34: return `${rsList()} ${pick(['', ' ', '<>', '<@>', '@', '""', '<<>>', ':;', 'a:;', '\\', '"', '('])}`;
      default: return `${rsList()} ${addr()}`;
    }
  };
  return line;
}

// Split a transcript into the output of each command: the header, then one
// chunk per input line (each starts with the "> " prompt).
function chunks(text) {
  return text.split(/(?<=^|\n|> )(?=> )/);
}

const sh = (cmd, args, env = {}) => spawnSync(cmd, args, { encoding: 'latin1', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
let grandLines = 0;
let grandDiffs = 0;
for (const name of configs) {
  const src = join(opts.corpus, name);
  const dir = join(work, name);
  cpSync(src, dir, { recursive: true });
  const rand = rng(opts.seed * 1000003 + [...name].reduce((h, c) => h * 31 + c.charCodeAt(0), 7));
  const next = generator(rand, readFileSync(join(src, 'sendmail.cf'), 'latin1'), readFileSync(join(src, 'cases.bt'), 'latin1'));
  const input = [];
  for (let i = 0; i < opts.lines; i++) input.push(next().replace(/[\r\n]/g, ''));
  writeFileSync(join(dir, 'cases.bt'), input.join('\n') + '\n', 'latin1');
  const w = sh('bash', [runner, '--write-expected', opts.real, dir]);
  if (w.status !== 0) { console.log(`${name}: real sendmail run failed: ${w.stdout}${w.stderr}`); continue; }
  const o = sh('bash', [runner, '--keep', '--makemap', join(root, 'bin/makemap'), join(root, 'bin/sendmail'), dir]);
  const kept = /(\/\S*bt\.[A-Za-z0-9]+)/.exec(o.stdout.split('\n').filter((l) => /kept|bt\./.test(l)).join('\n'));
  const real = readFileSync(join(dir, 'cases.bt.out'), 'latin1');
  let ours = '';
  if (kept && existsSync(join(kept[1], 'cases.bt.actual'))) ours = readFileSync(join(kept[1], 'cases.bt.actual'), 'latin1');
  else { console.log(`${name}: could not find our transcript:\n${o.stdout}`); continue; }
  rmSync(kept[1], { recursive: true, force: true });
  const a = chunks(real);
  const b = chunks(ours);
  const report = [];
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) continue;
    report.push(`### line ${i}: ${JSON.stringify(input[i - 1] ?? '')}\n--- real\n${a[i] ?? '(none)'}\n+++ ours\n${b[i] ?? '(none)'}\n`);
    if (a.length !== b.length) { report.push('(transcripts have different numbers of prompts; later chunks not compared)\n'); break; }
  }
  writeFileSync(join(outDir, `${name}.diff`), report.join('\n'), 'latin1');
  writeFileSync(join(outDir, `${name}.bt`), input.join('\n') + '\n', 'latin1');
  writeFileSync(join(outDir, `${name}.real`), real, 'latin1');
  writeFileSync(join(outDir, `${name}.ours`), ours, 'latin1');
  grandLines += input.length;
  grandDiffs += report.length;
  console.log(`${name}: ${input.length} lines fuzzed, ${report.length} differing commands (${o.stdout.match(/TOTAL: .*/)?.[0] ?? ''})`);
}
console.log(`ALL: ${grandLines} lines, ${grandDiffs} differing commands; details in ${outDir}`);
