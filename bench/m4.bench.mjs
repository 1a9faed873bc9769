#!/usr/bin/env node
// bench/m4.bench.mjs — sendmail.mc -> sendmail.cf with our m4 and GNU m4, side by side.
//
// Compiles the corpus configs (default: debian and fedora-datix) with
//   GNU m4:            m4 /usr/share/sendmail/cf/m4/cf.m4 CONFIG/sendmail.mc
//   ours, in process:  runM4() from dist/m4/index.js (Node start-up excluded)
//   ours, command:     node bin/m4 ... (whole process)
//   bare Node:         node -e 0
// and prints medians and the ratios the project targets:
//   in-process / GNU m4 command  (target <= 1)
//   our command / (bare Node + GNU m4 command)  (target <= 1)
// usage: node bench/m4.bench.mjs [--runs N] [config...]   (after npm run build)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.CONFORMANCE_DIR ?? join(root, '..', 'shared', 'conformance');
const cfm4 = '/usr/share/sendmail/cf/m4/cf.m4';
const args = process.argv.slice(2);
let runs = 15;
const configs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else configs.push(args[i]);
}
if (configs.length === 0) configs.push('debian', 'fedora-datix');

const hasGnu = spawnSync('m4', ['--version'], { stdio: 'ignore' }).status === 0;
if (!existsSync(cfm4)) {
  console.log(`skipped: ${cfm4} not found (install sendmail-cf)`);
  process.exit(0);
}
const { runM4 } = await import(join(root, 'dist', 'm4', 'index.js'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const timeCmd = (cmd, argv) => {
  const t = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, argv, { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
    t.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return median(t);
};

const bare = timeCmd(process.execPath, ['-e', '0']);
console.log(`bare node start-up: ${bare.toFixed(1)} ms (median of ${runs})`);
for (const name of configs) {
  const mc = join(corpus, name, 'sendmail.mc');
  if (!existsSync(mc)) {
    console.log(`${name}: no ${mc}, skipped`);
    continue;
  }
  // in-process compile, output captured; warm-up run first
  const compile = () => {
    const out = [];
    const prev = process.cwd();
    process.chdir('/');
    try {
      const rc = runM4({ options: { writeOut: (s) => out.push(s), writeErr: () => {} }, predefines: [], trace: [], files: [cfm4, mc] });
      if (rc !== 0) throw new Error(`exit ${rc}`);
    } finally {
      process.chdir(prev);
    }
    return out.join('');
  };
  compile();
  const inproc = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    compile();
    inproc.push(performance.now() - t0);
  }
  const ours = median(inproc);
  const cmd = timeCmd(process.execPath, [join(root, 'bin', 'm4'), cfm4, mc]);
  let line = `${name}: ours in-process ${ours.toFixed(1)} ms, ours command ${cmd.toFixed(1)} ms`;
  if (hasGnu) {
    const gnu = timeCmd('m4', [cfm4, mc]);
    line += `, GNU m4 command ${gnu.toFixed(1)} ms`;
    line += `\n  ratio in-process/GNU = ${(ours / gnu).toFixed(2)} (target <= 1)`;
    line += `\n  ratio command/(node + GNU) = ${(cmd / (bare + gnu)).toFixed(2)} (target <= 1)`;
    const same = compile() === execFileSync('m4', [cfm4, mc], { cwd: '/', encoding: 'latin1', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
    line += `\n  output identical to GNU m4 (build-info lines aside): ${same ? 'yes' : 'check run-m4-cf.sh'}`;
  } else line += ' (GNU m4 not installed: no ratios)';
  console.log(line);
}
