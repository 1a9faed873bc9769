#!/usr/bin/env node
// bench/m4.bench.mjs — sendmail.mc -> sendmail.cf with our m4 and GNU m4, side by side.
//
// Compiles the corpus configs (default: debian and fedora-datix) with
//   GNU m4:            m4 /usr/share/sendmail/cf/m4/cf.m4 CONFIG/sendmail.mc
//   ours, in process:  runM4() from dist/m4/index.js, warm (Node start-up excluded;
//                      its CPU time is this process's, without the children syscmd runs)
//   ours, cold:        the same in a fresh process, first run (what the command pays)
//   ours, command:     bin/m4 ... (whole process: from the V8 startup snapshot when
//                      npm run build made one), and node bin/m4 ... (plain modules)
//   bare Node:         node -e 0
// and a loop-heavy input (a 30000-iteration forloop) for long runs.  The
// commands are run in turn in each round, so a busy host slows them alike;
// wall times are medians, CPU times (user+system of the child and its
// children, from /proc/self/stat, Linux only) are means.  Prints the ratios
// the project targets:
//   in-process / GNU m4 command  (target <= 1)
//   our command / (bare Node + GNU m4 command)  (target <= 1)
// usage: node bench/m4.bench.mjs [--runs N] [config...]   (after npm run build)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
const indexJs = join(root, 'dist', 'm4', 'index.js');
const { runM4 } = await import(indexJs);
const ourM4 = join(root, 'bin', 'm4');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

/** CPU time (ms) of this process's waited-for children so far, or null off Linux. */
function childCpu() {
  try {
    const f = readFileSync('/proc/self/stat', 'latin1').split(') ')[1].split(' ');
    return (Number(f[13]) + Number(f[14])) * 10; // cutime + cstime, in 10 ms ticks
  } catch {
    return null;
  }
}

/** Run the commands in turn, `runs` rounds: per command, median wall ms, mean CPU ms, last stdout. */
function timeCommands(cmds) {
  const res = cmds.map(() => ({ wall: [], cpu: 0, out: '' }));
  for (let i = 0; i < runs; i++) {
    cmds.forEach(([cmd, ...argv], k) => {
      const c0 = childCpu();
      const t0 = performance.now();
      const r = spawnSync(cmd, argv, { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28, encoding: 'latin1' });
      res[k].wall.push(performance.now() - t0);
      if (c0 !== null) res[k].cpu += childCpu() - c0;
      if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
      res[k].out = r.stdout;
    });
  }
  return res.map((r) => ({ wall: median(r.wall), cpu: c0Known ? r.cpu / runs : NaN, out: r.out }));
}
const c0Known = childCpu() !== null;
const fmt = (t) => `${t.wall.toFixed(1)} ms` + (Number.isNaN(t.cpu) ? '' : ` (cpu ${t.cpu.toFixed(0)})`);

// the first compile in a fresh process: its wall and CPU time, Node's start-up and module loading excluded
const coldScript = join(mkdtempSync(join(tmpdir(), 'm4bench-')), 'cold.mjs');
writeFileSync(
  coldScript,
  `import { setFlagsFromString } from 'node:v8';
const budget = /--interrupt-budget=\\d+/.exec(${JSON.stringify(readFileSync(ourM4, 'latin1'))});
if (budget) setFlagsFromString(budget[0]);
const { runM4 } = await import(${JSON.stringify(pathToFileURL(indexJs).href)});
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const c0 = cpu(), t0 = performance.now();
runM4({ options: { writeOut: () => {}, writeErr: () => {} }, predefines: [], trace: [], files: process.argv.slice(2) });
process.stdout.write(JSON.stringify({ wall: performance.now() - t0, cpu: cpu() - c0 }));
`,
);
function coldCompile(files) {
  const wall = [];
  let cpu = 0;
  for (let i = 0; i < runs; i++) {
    const r = JSON.parse(execFileSync(process.execPath, [coldScript, ...files], { cwd: '/', encoding: 'latin1' }));
    wall.push(r.wall);
    cpu += r.cpu;
  }
  return { wall: median(wall), cpu: cpu / runs };
}

function inProcess(files) {
  const compile = () => {
    const out = [];
    const prev = process.cwd();
    process.chdir('/');
    try {
      const rc = runM4({ options: { writeOut: (s) => out.push(s), writeErr: () => {} }, predefines: [], trace: [], files });
      if (rc !== 0) throw new Error(`exit ${rc}`);
    } finally {
      process.chdir(prev);
    }
    return out.join('');
  };
  compile(); // warm-up
  const t = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    compile();
    t.push(performance.now() - t0);
  }
  const u = process.cpuUsage(cpu0);
  return { wall: median(t), cpu: (u.user + u.system) / 1000 / runs, output: compile() };
}

const snapshot = existsSync(join(root, 'dist', 'm4-snapshot')) && readdirSync(join(root, 'dist', 'm4-snapshot')).some((f) => f.endsWith('.blob'));
console.log(`${runs} rounds; wall: median ms, cpu: mean ms of user+system${c0Known ? '' : ' (not available here)'}`);
console.log(
  'NODE_EXTRA_CA_CERTS is ' + (process.env.NODE_EXTRA_CA_CERTS ? 'set here (every node start pays for it, bare node and ours alike: fair)' : 'not set') +
    '; the unset line shows both without it',
);
const jobs = configs.map((name) => ({ name, files: [cfm4, join(corpus, name, 'sendmail.mc')] }));
const forloop = join(dirname(coldScript), 'forloop.m4');
writeFileSync(
  forloop,
  "define(`forloop', `pushdef(`$1', `$2')_forloop($@)popdef(`$1')')dnl\n" +
    "define(`_forloop', `$4`'ifelse($1, `$3', `', `define(`$1', incr($1))$0($@)')')dnl\n" +
    "forloop(`i', 1, 30000, `define(`x', eval(i * 3 % 7))substr(`abcdef', 1, 2)')\n",
);
jobs.push({ name: 'forloop-30000', files: [forloop] });
for (const { name, files } of jobs) {
  if (!existsSync(files[files.length - 1])) {
    console.log(`${name}: no ${files[files.length - 1]}, skipped`);
    continue;
  }
  const warm = inProcess(files);
  const cold = coldCompile(files);
  // bin/m4 as a program (its sh line starts node from the startup snapshot when built),
  // `node bin/m4` (the plain ES modules), and both with NODE_EXTRA_CA_CERTS unset
  const noCa = ['env', '-u', 'NODE_EXTRA_CA_CERTS'];
  const cmds = [[process.execPath, '-e', '0'], [ourM4, ...files], [process.execPath, ourM4, ...files], [...noCa, process.execPath, '-e', '0'], [...noCa, ourM4, ...files]];
  if (hasGnu) cmds.push(['m4', ...files]);
  const [bare, cmd, plain, bareNoCa, cmdNoCa, gnu] = timeCommands(cmds);
  let line = `${name}: ours in-process warm ${fmt(warm)}, cold ${fmt(cold)}; ours command ${fmt(cmd)} (${snapshot ? 'startup snapshot' : 'NO snapshot built'}), plain modules ${fmt(plain)}; bare node ${fmt(bare)}`;
  line += `\n  NODE_EXTRA_CA_CERTS unset: ours command ${fmt(cmdNoCa)}, bare node ${fmt(bareNoCa)}`;
  if (gnu) {
    line += `; GNU m4 command ${fmt(gnu)}`;
    line += `\n  ratio in-process warm/GNU = ${(warm.wall / gnu.wall).toFixed(2)}, cold/GNU = ${(cold.wall / gnu.wall).toFixed(2)} (target <= 1)`;
    line += `\n  ratio command/(node + GNU) = ${(cmd.wall / (bare.wall + gnu.wall)).toFixed(2)} wall`;
    if (c0Known) line += `, ${(cmd.cpu / (bare.cpu + gnu.cpu)).toFixed(2)} cpu`;
    line += ` (target <= 1); plain modules ${(plain.wall / (bare.wall + gnu.wall)).toFixed(2)} wall`;
    if (c0Known) line += `, ${(plain.cpu / (bare.cpu + gnu.cpu)).toFixed(2)} cpu`;
    line += `; NODE_EXTRA_CA_CERTS unset ${(cmdNoCa.wall / (bareNoCa.wall + gnu.wall)).toFixed(2)} wall`;
    if (c0Known) line += `, ${(cmdNoCa.cpu / (bareNoCa.cpu + gnu.cpu)).toFixed(2)} cpu`;
    // the build-info line carries the time of the run
    const same = (a) => a.replace(/^##### built by .*$/m, '') === gnu.out.replace(/^##### built by .*$/m, '');
    line += `\n  output identical to GNU m4 (build time aside): in-process ${same(warm.output) ? 'yes' : 'NO'}, command ${same(cmd.out) && same(plain.out) ? 'yes' : 'NO'}`;
  } else line += ' (GNU m4 not installed: no ratios)';
  console.log(line);
}
