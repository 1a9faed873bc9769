#!/usr/bin/env node
// bench/accepted-to-delivered.mjs — how fast mail goes through: from the
// first connection of postfix's smtp-source to the moment postfix's
// smtp-sink (the remote MX, on 127.0.0.1:25) has received every message
// and the queue is empty again; ours (`bin/sendmail -bD`) against the real
// sendmail 8.17 (`sendmail -bd`), one after the other in one run, each with
// a fresh sink.  Both run the same cf (one mc: SMART_HOST([127.0.0.1]), so
// every remote recipient goes to the sink through the relay mailer),
// DeliveryMode background (the default: each message is delivered as soon
// as it is accepted), fsync on.  Prints messages/s, ratios, the machine's
// CPU per message (all processes: daemon, its children, smtp-source and
// smtp-sink, which cost both sides the same) and peak memory (ours: the
// daemon's process tree; sendmail: every process named sendmail, since its
// delivery processes leave the daemon's tree), our daemon's own CPU per
// message (exact, whatever else the machine runs) and the load average.
// Needs root (unshare: both run as mx.example.com in a private network where
// port 25 is free); without real sendmail, m4 and sendmail-cf it measures ours alone.
//
// usage: npx tsc -p tsconfig.json && node bench/accepted-to-delivered.mjs [levels=1,10,50] [messagesPerConnection=20] [bodyBytes=2000]
//   BENCH_ROUNDS=n   rounds per level, ours and sendmail alternating (default 3; the median rate is shown)
//   BENCH_PROF=dir   CPU profile of our daemon into dir
//   SMTP_SOURCE=path smtp-source to use (smtp-sink beside it, libraries in ../lib/postfix)
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, chmodSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { daemonBenchCf, realSendmailHere } from './daemon-bench-cf.mjs';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const LEVELS = (args[0] ?? '1,10,50').split(',').map(Number);
const PER_CONN = Number(args[1] ?? 20);
const BODY = Number(args[2] ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DEADLINE_MS = 180_000;

if (!process.env.BENCH_INNER) {
  if (spawnSync('unshare', ['--uts', '--net', 'true']).status !== 0) {
    console.log('cannot unshare (needs root): the sink must own 127.0.0.1:25 in a private network');
    process.exit(1);
  }
  const r = spawnSync('unshare', ['--uts', '--net', '--fork', 'sh', '-c',
    `hostname mx.example.com; ip link set lo up; BENCH_INNER=1 exec "${process.execPath}" "${import.meta.filename}" ${args.map((a) => `'${a}'`).join(' ')}`], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

/** smtp-source and smtp-sink from the postfix package, unpacked once (not installed). */
function postfixTools() {
  const source = process.env.SMTP_SOURCE ?? path.join(tmpdir(), 'bench-postfix/x/usr/sbin/smtp-source');
  if (!existsSync(source)) {
    const cache = path.join(tmpdir(), 'bench-postfix');
    mkdirSync(cache, { recursive: true });
    execFileSync('apt-get', ['download', 'postfix'], { cwd: cache, stdio: 'ignore' });
    const deb = readdirSync(cache).find((f) => /^postfix_.*\.deb$/.test(f));
    if (!deb) throw new Error('apt-get download postfix gave no .deb');
    execFileSync('dpkg', ['-x', deb, 'x'], { cwd: cache });
  }
  const env = { ...process.env, LD_LIBRARY_PATH: path.join(path.dirname(source), '../lib/postfix') };
  return { source, sink: path.join(path.dirname(source), 'smtp-sink'), env };
}

const dir = mkdtempSync(path.join(tmpdir(), 'bench-a2d-'));
chmodSync(dir, 0o711); // the sink writes its dumps as nobody
const tools = postfixTools();

/** The one cf both daemons run (GNU m4 + sendmail-cf when real sendmail is measured, else our m4 and cf/). */
function benchConfig() {
  return daemonBenchCf(dir, root, {
    withReal: realSendmailHere(),
    hosts: ['192.0.2.1 example.org', '192.0.2.2 remote.example.net'],
    extra: ["define(`SMART_HOST', `[127.0.0.1]')dnl"],
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) => { const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on ${port}`);
}

/** Every process's parent, RSS and command name, from /proc. */
function processTable() {
  const table = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), { ppid: Number(fields[1]), rss: Number(fields[21]) * 4096, comm });
    } catch { /* exited meanwhile */ }
  }
  return table;
}

/** RSS (bytes) of pid's process tree, or of every process named `comm`. */
function memoryOf({ pid, comm }) {
  const table = processTable();
  let sum = 0;
  for (const [p, info] of table) {
    if (comm !== undefined) {
      if (info.comm === comm) sum += info.rss;
      continue;
    }
    for (let q = p, hops = 0; q > 1 && hops < 64; q = table.get(q)?.ppid ?? 0, hops++) {
      if (q === pid) { sum += info.rss; break; }
    }
  }
  return sum;
}

/** Busy CPU of the whole machine in ms (all but idle and iowait), from /proc/stat. */
function machineBusyMs() {
  const f = readFileSync('/proc/stat', 'latin1').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + steal) * 10; // USER_HZ 100
}

/** CPU (user+sys, ms) of one process and its reaped children, from /proc/PID/stat; undefined for a process-name daemon. */
function processCpuMs({ pid }) {
  if (pid === undefined) return undefined;
  const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
}

const countQf = (q) => readdirSync(q).filter((f) => f.startsWith('qf')).length;

/**
 * A fresh smtp-sink on 127.0.0.1:25 dumping each message to a file of its
 * own (its -c counters reach a pipe only at exit); `received()` counts them.
 */
let sinks = 0;
async function startSink() {
  const dumps = path.join(dir, `sink-${++sinks}`);
  mkdirSync(dumps);
  chmodSync(dumps, 0o777);
  const sink = spawn(tools.sink, ['-u', 'nobody', '-d', `${dumps}/%H%M%S.`, '127.0.0.1:25', '256'], { stdio: ['ignore', 'ignore', 'pipe'], env: tools.env });
  let err = '';
  sink.stderr.on('data', (d) => (err += d));
  await waitPort(25).catch((e) => { throw new Error(`${e.message}: smtp-sink: ${err}`); });
  return {
    received: () => readdirSync(dumps).length,
    stop: () => new Promise((r) => { if (sink.exitCode !== null) return r(); sink.once('exit', r); sink.kill('SIGTERM'); }),
  };
}

/**
 * One round: smtp-source sends conns x PER_CONN messages to `port`; done
 * when the sink has them all and the queue holds no qf file.
 */
async function round(daemon, conns) {
  const total = conns * PER_CONN;
  const sink = await startSink();
  try {
    const argv = ['-s', String(conns), '-m', String(total), '-l', String(BODY), '-M', 'bench.example.org',
      '-f', 'bench@example.org', '-t', 'someone@remote.example.net', '-d', `127.0.0.1:${daemon.port}`];
    let peak = memoryOf(daemon.memory);
    const sampler = setInterval(() => { peak = Math.max(peak, memoryOf(daemon.memory)); }, 20);
    const cpu0 = machineBusyMs();
    const own0 = processCpuMs(daemon.memory);
    const t0 = process.hrtime.bigint();
    const source = new Promise((resolve) => {
      const p = spawn(tools.source, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: tools.env });
      let err = '';
      p.stderr.on('data', (d) => (err += d));
      p.on('close', (code) => resolve({ code, err }));
    });
    let accepted;
    let secs;
    for (const start = Date.now(); ; ) {
      if (Date.now() - start > DEADLINE_MS) {
        clearInterval(sampler);
        throw new Error(`${daemon.name}: after ${DEADLINE_MS / 1000} s the sink has ${sink.received()} of ${total} (queue: ${countQf(daemon.queue)} qf files)`);
      }
      await sleep(25);
      if (!accepted) {
        accepted = await Promise.race([source, sleep(0).then(() => undefined)]);
        if (accepted && accepted.code !== 0) {
          clearInterval(sampler);
          throw new Error(`${daemon.name}: smtp-source failed (${accepted.code}): ${accepted.err.trim()}`);
        }
      }
      if (accepted && sink.received() >= total && countQf(daemon.queue) === 0) {
        secs = Number(process.hrtime.bigint() - t0) / 1e9;
        break;
      }
    }
    clearInterval(sampler);
    const cpuPerMsg = (machineBusyMs() - cpu0) / total;
    const ownCpuPerMsg = own0 === undefined ? undefined : (processCpuMs(daemon.memory) - own0) / total;
    if (sink.received() !== total) throw new Error(`${daemon.name}: ${total} sent, the sink received ${sink.received()}`);
    return { total, secs, rate: total / secs, peak, cpuPerMsg, ownCpuPerMsg };
  } finally {
    await sink.stop();
  }
}

const config = benchConfig();
const oursQueue = path.join(dir, 'our-queue');
mkdirSync(oursQueue, { mode: 0o700 });
// BENCH_PROF=dir: a CPU profile of our daemon (node run directly, as bin/sendmail's start line would)
const prof = process.env.BENCH_PROF ? [process.execPath, '--max-semi-space-size=4', '--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`, path.join(root, 'bin/sendmail')] : [path.join(root, 'bin/sendmail')];
const ours = spawn(prof[0], [...prof.slice(1), '-bD', '-C', config.cf, `-OQueueDirectory=${oursQueue}`,
  `-OPidFile=${path.join(dir, 'ours.pid')}`, `-OAliasFile=${config.ourAliases}`, '-ODaemonPortOptions=Port=2526,Addr=127.0.0.1'],
{ stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '16' } });
let oursErr = '';
ours.stderr.on('data', (d) => { oursErr = (oursErr + d).slice(-20000); });
const daemons = [{ name: 'ours', port: 2526, queue: oursQueue, memory: { pid: ours.pid } }];
const mb = (b) => (b / 1048576).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  await waitPort(2526);
  if (config.withReal) {
    execFileSync('sendmail', ['-bd', '-C', config.cf, '-ODaemonPortOptions=Port=2525,Addr=127.0.0.1'], { stdio: 'ignore' });
    await waitPort(2525);
    daemons.push({ name: 'sendmail', port: 2525, queue: config.realQueue, memory: { comm: 'sendmail' } });
  }
  console.log(`accepted to delivered: smtp-source -d -> daemon (DeliveryMode background, fsync on) -> smtp-sink on 127.0.0.1:25 (SMART_HOST), ` +
    `${PER_CONN} messages per connection, ${BODY}-byte messages, median of ${ROUNDS} rounds (${dir})`);
  // warm-up: JIT for ours, page cache for both
  for (const d of daemons) await round(d, 5);
  const header = ['conns', 'ours msg/s', 'sendmail msg/s', 'ratio', 'ours peak MB', 'sendmail peak MB', 'mem ratio', 'ours CPU ms/msg', 'sendmail CPU ms/msg', 'ours daemon CPU ms/msg'];
  console.log(header.join('  '));
  for (const conns of LEVELS) {
    const results = new Map(daemons.map((d) => [d.name, []]));
    for (let r = 0; r < ROUNDS; r++) for (const d of daemons) results.get(d.name).push(await round(d, conns));
    const sum = (name) => {
      const rs = results.get(name);
      if (!rs) return undefined;
      return { rate: median(rs.map((x) => x.rate)), peak: Math.max(...rs.map((x) => x.peak)), cpu: median(rs.map((x) => x.cpuPerMsg)), own: median(rs.map((x) => x.ownCpuPerMsg ?? 0)) };
    };
    const o = sum('ours');
    const s = sum('sendmail');
    const cells = [String(conns).padStart(5), o.rate.toFixed(0).padStart(10), (s ? s.rate.toFixed(0) : '-').padStart(14),
      (s ? (o.rate / s.rate).toFixed(2) : '-').padStart(5), mb(o.peak).padStart(12), (s ? mb(s.peak) : '-').padStart(16),
      (s ? (o.peak / s.peak).toFixed(2) : '-').padStart(9), o.cpu.toFixed(2).padStart(15), (s ? s.cpu.toFixed(2) : '-').padStart(19), o.own.toFixed(2).padStart(22)];
    console.log(`${cells.join('  ')}   (load ${readFileSync('/proc/loadavg', 'latin1').split(' ')[0]})`);
  }
} catch (e) {
  console.error(`bench failed: ${e.message}\nours' stderr (tail):\n${oursErr.slice(-3000)}`);
  process.exitCode = 1;
} finally {
  ours.kill('SIGTERM');
  try {
    const pid = Number(readFileSync(path.join(dir, 'sendmail.pid'), 'latin1').split('\n')[0]);
    if (pid) process.kill(pid, 'SIGTERM');
  } catch { /* sendmail did not start */ }
  if (!process.env.BENCH_KEEP) setTimeout(() => rmSync(dir, { recursive: true, force: true }), 500);
}
