#!/usr/bin/env node
// bench/smtp-throughput.mjs — SMTP daemon throughput, ours against real
// sendmail 8.17 -bd, side by side in one run.  Load comes from postfix's
// smtp-source (fetched with `apt-get download postfix` and unpacked into a
// cache directory, postfix is not installed) at 1, 10 and 50 concurrent
// connections.  Both daemons run the same cf (a small mc compiled with GNU
// m4 and sendmail-cf; without them, with our m4 and cf/), through its
// rulesets: ours is `bin/sendmail -bd`, with -O giving it its own queue,
// pid file, port and alias database (LMDB, where sendmail's is Berkeley
// DB).  Each listens on its own loopback port, both queue-only with fsync
// on (ours: df/tf O_SYNC, rename, directory fsync before the 250;
// sendmail: SuperSafe).  Prints messages/s, peak memory (sum of RSS over
// the daemon's process tree, sampled every 20 ms), CPU per message (the
// daemon's and its reaped children's: a figure other load on the machine
// disturbs far less than the rate) and ratios.
// Needs root (unshare: both run as mx.example.com in a private network);
// without real sendmail, m4 and sendmail-cf it measures ours alone.
//
// usage: npx tsc -p tsconfig.json && node bench/smtp-throughput.mjs [levels=1,10,50] [messagesPerConnection=40] [bodyBytes=2000]
//   BENCH_ROUNDS=n      rounds per level, ours and sendmail alternating (default 3); the
//                       median rate and the highest peak are shown (fsync latency on a
//                       shared machine varies a lot from second to second)
//   BENCH_RECONNECT=1   one message per connection (smtp-source without -d)
//   BENCH_PROF=dir      CPU profile of our daemon into dir
//   BENCH_NODE_FLAGS=.. node flags for our daemon (node then runs bin/sendmail itself, with its 16 threads)
//   BENCH_ROOT=dir      take our daemon from dir/dist instead of this checkout's (A/B runs)
//   SMTP_SOURCE=path    use this smtp-source (its libraries beside it in ../lib/postfix)
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { daemonBenchCf, realSendmailHere } from './daemon-bench-cf.mjs';

const root = process.env.BENCH_ROOT ?? path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const LEVELS = (args[0] ?? '1,10,50').split(',').map(Number);
const PER_CONN = Number(args[1] ?? 40);
const BODY = Number(args[2] ?? 2000);
const RECONNECT = process.env.BENCH_RECONNECT === '1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

if (!process.env.BENCH_INNER) {
  const pin = spawnSync('unshare', ['--uts', '--net', 'true']);
  if (pin.status === 0) {
    const r = spawnSync('unshare', ['--uts', '--net', '--fork', 'sh', '-c',
      `hostname mx.example.com; ip link set lo up; BENCH_INNER=1 exec "${process.execPath}" "${import.meta.filename}" ${args.map((a) => `'${a}'`).join(' ')}`], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  console.log('note: cannot unshare (not root); measuring our daemon only');
  process.env.BENCH_INNER = 'ours-only';
}

/** smtp-source from the postfix package, unpacked once into a cache directory. */
function smtpSource() {
  if (process.env.SMTP_SOURCE) return process.env.SMTP_SOURCE;
  const cache = path.join(tmpdir(), 'bench-postfix');
  const bin = path.join(cache, 'x/usr/sbin/smtp-source');
  if (existsSync(bin)) return bin;
  mkdirSync(cache, { recursive: true });
  execFileSync('apt-get', ['download', 'postfix'], { cwd: cache, stdio: 'ignore' });
  const deb = readdirSync(cache).find((f) => /^postfix_.*\.deb$/.test(f));
  if (!deb) throw new Error('apt-get download postfix gave no .deb');
  execFileSync('dpkg', ['-x', deb, 'x'], { cwd: cache });
  return bin;
}

const dir = mkdtempSync(path.join(tmpdir(), 'bench-smtp-'));

/**
 * The one cf both daemons run: an mc compiled with GNU m4 and sendmail-cf
 * when real sendmail is measured, else with our m4 and our cf/ library.
 * Returns the cf, the real sendmail's queue and whether sendmail runs.
 */
function benchConfig() {
  const withReal = process.env.BENCH_INNER !== 'ours-only' && realSendmailHere();
  const c = daemonBenchCf(dir, root, { withReal, hosts: ['192.0.2.1 example.org'] });
  return { ...c, q: c.realQueue };
}

async function waitPort(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((r) => { const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** Sum of RSS (bytes) over pid and all its descendants, from /proc. */
function treeRss(pid) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), { ppid: Number(fields[1]), rss: Number(fields[21]) * 4096 });
    } catch { /* exited meanwhile */ }
  }
  let sum = 0;
  for (const [p, info] of parent) {
    for (let q = p, hops = 0; q > 1 && hops < 64; q = parent.get(q)?.ppid ?? 0, hops++) {
      if (q === pid) { sum += info.rss; break; }
    }
  }
  return sum;
}

/**
 * CPU of a daemon in ms: its utime + stime and those of the children it
 * reaped (sendmail's per-connection processes); ours has none.
 */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10; // USER_HZ 100
}

/** CPU in ms of a process's main thread alone (ours: the event loop; the rest is the thread pool and V8's helpers). */
function mainThreadCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

function countQf(q) {
  return readdirSync(q).filter((f) => f.startsWith('qf')).length;
}

/** One smtp-source run at `conns` concurrent connections; msg/s and peak tree RSS. */
async function load(bin, port, pid, queue, conns) {
  const total = conns * PER_CONN;
  const before = countQf(queue);
  const argv = ['-s', String(conns), '-m', String(total), '-l', String(BODY), '-M', 'bench.example.org',
    '-f', 'bench@example.org', '-t', 'root@mx.example.com', ...(RECONNECT ? [] : ['-d']), `127.0.0.1:${port}`];
  let peak = treeRss(pid);
  const sampler = setInterval(() => { peak = Math.max(peak, treeRss(pid)); }, 20);
  const cpu0 = cpuMs(pid);
  const main0 = mainThreadCpuMs(pid);
  const t0 = process.hrtime.bigint();
  const status = await new Promise((resolve) => {
    const p = spawn(bin, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LD_LIBRARY_PATH: path.join(path.dirname(bin), '../lib/postfix') } });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, err }));
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, treeRss(pid));
  // sendmail's children exit with their connections: let the daemon reap them (their CPU joins its cutime)
  await new Promise((r) => setTimeout(r, 300));
  if (status.code !== 0) throw new Error(`smtp-source on port ${port} failed (${status.code}): ${status.err.trim()}`);
  const queued = countQf(queue) - before;
  if (queued !== total) throw new Error(`port ${port}: ${total} messages sent, ${queued} qf files written`);
  return { total, secs, rate: total / secs, peak, cpuPerMsg: (cpuMs(pid) - cpu0) / total, mainPerMsg: (mainThreadCpuMs(pid) - main0) / total };
}

const bin = smtpSource();
const oursQueue = path.join(dir, 'our-queue');
mkdirSync(oursQueue, { mode: 0o700 });
const config = benchConfig();
const { cf } = config;
const real = config.withReal ? config : undefined;
// ours: the real command (`sendmail -bd`) on the same cf, so its policy runs the cf's rulesets;
// only the queue, the pid file, the alias database and the port differ (-O overrides, as for sendmail below)
// run as the command is run (bin/sendmail's own start line: its thread pool); with node flags (V8's
// are not allowed in NODE_OPTIONS) node runs the script itself, with that start line's flag and thread pool
const nodeFlags = [...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []),
  ...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [])];
const oursArgs = ['-bD', '-C', cf, `-OQueueDirectory=${oursQueue}`, `-OPidFile=${path.join(dir, 'ours.pid')}`, `-OAliasFile=${config.ourAliases}`,
  '-ODeliveryMode=queueonly', '-ODaemonPortOptions=Port=2526,Addr=127.0.0.1'];
const ours = nodeFlags.length === 0
  ? spawn(path.join(root, 'bin/sendmail'), oursArgs, { stdio: ['ignore', 'inherit', 'pipe'] })
  : spawn(process.execPath, ['--max-semi-space-size=4', ...nodeFlags, path.join(root, 'bin/sendmail'), ...oursArgs],
    { stdio: ['ignore', 'inherit', 'pipe'], env: { UV_THREADPOOL_SIZE: '16', ...process.env } });
let oursErr = '';
ours.stderr.on('data', (d) => { oursErr += d; if (oursErr.length > 20000) oursErr = oursErr.slice(-10000); });
let realPid;
const mb = (b) => (b / 1048576).toFixed(1);
try {
  await waitPort(2526);
  if (real) {
    execFileSync('sendmail', ['-bd', '-C', real.cf, '-ODeliveryMode=queueonly', '-ODaemonPortOptions=Port=2525,Addr=127.0.0.1'], { stdio: 'ignore' });
    await waitPort(2525);
    realPid = Number(readFileSync(path.join(dir, 'sendmail.pid'), 'latin1').split('\n')[0]);
  }
  console.log(`smtp-source ${RECONNECT ? 'one message per connection' : '-d (messages share connections)'}, ${PER_CONN} messages per connection, ${BODY}-byte messages, fsync on, median of ${ROUNDS} rounds (${dir})`);
  // warm-up: JIT for ours (V8 still compiles the hot paths after a few hundred messages: a short
  // warm-up made the 1-connection figure a measure of start-up), page cache for both
  for (const conns of [2, 10]) {
    await load(bin, 2526, ours.pid, oursQueue, conns);
    if (real) await load(bin, 2525, realPid, real.q, conns);
  }
  const rows = [['conns', 'ours msg/s', 'sendmail msg/s', 'ratio', 'ours peak MB', 'sendmail peak MB', 'mem ratio', 'ours CPU ms/msg', 'sendmail CPU ms/msg']];
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const conns of LEVELS) {
    const o = []; const r = [];
    for (let round = 0; round < ROUNDS; round++) {
      o.push(await load(bin, 2526, ours.pid, oursQueue, conns));
      if (real) r.push(await load(bin, 2525, realPid, real.q, conns));
    }
    const oRate = median(o.map((x) => x.rate)); const oPeak = Math.max(...o.map((x) => x.peak));
    const rRate = real ? median(r.map((x) => x.rate)) : 0; const rPeak = real ? Math.max(...r.map((x) => x.peak)) : 0;
    rows.push([String(conns), oRate.toFixed(0), real ? rRate.toFixed(0) : '-', real ? (oRate / rRate).toFixed(2) : '-',
      mb(oPeak), real ? mb(rPeak) : '-', real ? (oPeak / rPeak).toFixed(2) : '-', median(o.map((x) => x.cpuPerMsg)).toFixed(2),
      real ? median(r.map((x) => x.cpuPerMsg)).toFixed(2) : '-']);
    if (process.env.BENCH_VERBOSE) {
      const each = (xs, f) => xs.map(f).join(' ');
      console.log(`${conns} conns, each round: ours ${each(o, (x) => x.rate.toFixed(0))} msg/s, ${each(o, (x) => mb(x.peak))} MB, ${each(o, (x) => x.cpuPerMsg.toFixed(2))} CPU ms/msg (main thread ${each(o, (x) => x.mainPerMsg.toFixed(2))}); ` +
        `sendmail ${each(r, (x) => x.rate.toFixed(0))} msg/s, ${each(r, (x) => mb(x.peak))} MB, ${each(r, (x) => x.cpuPerMsg.toFixed(2))} CPU ms/msg; load average ${readFileSync('/proc/loadavg', 'latin1').split(' ')[0]}`);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((c, i) => c.padStart(widths[i])).join('  '));
  if (!real) console.log('sendmail: not measured (needs root, sendmail, m4 and sendmail-cf)');
} catch (err) {
  if (oursErr) console.error(`our daemon's stderr:\n${oursErr.trim()}`);
  throw err;
} finally {
  ours.kill('SIGTERM');
  if (realPid) try { process.kill(realPid, 'SIGTERM'); } catch { /* gone */ }
}
