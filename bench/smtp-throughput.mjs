#!/usr/bin/env node
// bench/smtp-throughput.mjs — messages per second accepted over SMTP by our
// daemon and by real sendmail 8.17 -bd, side by side in one run: C
// connections each sending M messages (EHLO once, then MAIL/RCPT/DATA per
// message), queue-only delivery, both writing qf/df with fsync.  Prints both
// rates and the ratio.  Needs root (unshare: sendmail runs as
// mx.example.com in a private network), real sendmail, m4 and sendmail-cf;
// without them it measures ours alone.
//
// usage: npm run build && node bench/smtp-throughput.mjs [C=8] [M=50] [bodyBytes=2000]
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, chmodSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const [C = 8, M = 50, BODY = 2000] = process.argv.slice(2).map(Number);

if (!process.env.BENCH_INNER) {
  const pin = spawnSync('unshare', ['--uts', '--net', 'true']);
  if (pin.status === 0) {
    const r = spawnSync('unshare', ['--uts', '--net', '--fork', 'sh', '-c',
      `hostname mx.example.com; ip link set lo up; BENCH_INNER=1 exec "${process.execPath}" "${import.meta.filename}" ${C} ${M} ${BODY}`], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  console.log('note: cannot unshare (not root); measuring our daemon only');
  process.env.BENCH_INNER = 'ours-only';
}

const dir = mkdtempSync(path.join(tmpdir(), 'bench-smtp-'));

function realConfig() {
  const cfM4 = '/usr/share/sendmail/cf/m4/cf.m4';
  if (process.env.BENCH_INNER === 'ours-only' || !existsSync(cfM4) || spawnSync('sh', ['-c', 'command -v sendmail && command -v m4']).status !== 0) return undefined;
  const q = path.join(dir, 'real-queue');
  mkdirSync(q); chmodSync(q, 0o700);
  writeFileSync(path.join(dir, 'service.switch'), 'hosts files\naliases files\n');
  writeFileSync(path.join(dir, 'hosts'), '127.0.0.1 localhost mx.example.com\n192.0.2.1 example.org\n');
  writeFileSync(path.join(dir, 'aliases'), 'postmaster: root\n');
  const mc = ['divert(0)dnl', "OSTYPE(`linux')dnl",
    `define(\`confSERVICE_SWITCH_FILE', \`${dir}/service.switch')dnl`, `define(\`confHOSTS_FILE', \`${dir}/hosts')dnl`,
    "define(`confDOMAIN_NAME', `mx.example.com')dnl", "define(`confDONT_PROBE_INTERFACES', `True')dnl",
    `define(\`ALIAS_FILE', \`${dir}/aliases')dnl`, "define(`confDONT_BLAME_SENDMAIL', `TrustStickyBit')dnl",
    `define(\`QUEUE_DIR', \`${q}')dnl`, `define(\`confPID_FILE', \`${dir}/sendmail.pid')dnl`,
    "define(`confMAX_DAEMON_CHILDREN', `0')dnl", "define(`confCONNECTION_RATE_THROTTLE', `0')dnl",
    "define(`confREFUSE_LA', `1000')dnl", "define(`confQUEUE_LA', `1000')dnl",
    "MAILER(`local')dnl", "MAILER(`smtp')dnl", ''].join('\n');
  writeFileSync(path.join(dir, 'sendmail.mc'), mc);
  const cf = path.join(dir, 'sendmail.cf');
  writeFileSync(cf, execFileSync('m4', [cfM4, path.join(dir, 'sendmail.mc')], { cwd: dir }));
  execFileSync('sendmail', ['-bi', '-C', cf], { stdio: 'ignore' });
  return { cf, q };
}

async function waitPort(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((r) => { const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** One connection sending n messages; resolves with the number of 250s after DATA. */
function oneClient(port, n) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const body = `Subject: bench\r\n\r\n${'x'.repeat(76)}\r\n`.padEnd(BODY, 'y') + '\r\n.\r\n';
    const cmds = ['EHLO bench.example.org\r\n'];
    for (let i = 0; i < n; i++) cmds.push('MAIL FROM:<bench@example.org>\r\n', 'RCPT TO:<root>\r\n', 'DATA\r\n', body);
    cmds.push('QUIT\r\n');
    let buf = ''; let k = 0; let accepted = 0;
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let nl;
      while ((nl = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, nl); buf = buf.slice(nl + 2);
        if (!/^\d{3} /.test(line)) continue;
        if (/^250 2\.0\.0 \S+ Message accepted/.test(line)) accepted++;
        else if (/^[45]/.test(line)) { reject(new Error(`port ${port}: ${line}`)); s.destroy(); return; }
        if (k < cmds.length) s.write(cmds[k++]);
      }
    });
    s.on('close', () => resolve(accepted));
    s.on('error', reject);
    setTimeout(() => { s.destroy(); reject(new Error(`port ${port}: no progress after 60 s (${accepted} accepted)`)); }, 60_000).unref();
  });
}

async function measure(port) {
  await Promise.all(Array.from({ length: C }, () => oneClient(port, 2))); // warm-up
  const t0 = process.hrtime.bigint();
  const counts = await Promise.all(Array.from({ length: C }, () => oneClient(port, M)));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const total = counts.reduce((a, b) => a + b, 0);
  return { total, secs, rate: total / secs };
}

const oursQueue = path.join(dir, 'our-queue');
mkdirSync(oursQueue);
const child = path.join(dir, 'ours.mjs');
writeFileSync(child, `
import { runDaemon } from ${JSON.stringify(path.join(root, 'dist/smtp/daemon.js'))};
import { InMemoryPolicy } from ${JSON.stringify(path.join(root, 'dist/smtp/policy.js'))};
import { QueueDirectory } from ${JSON.stringify(path.join(root, 'dist/queue/queue-directory.js'))};
import { QueueIdGenerator } from ${JSON.stringify(path.join(root, 'dist/queue/queue-id.js'))};
await runDaemon({
  listeners: [{ name: 'MTA', port: 2526, addr: '127.0.0.1', family: 'inet', modifiers: '' }],
  session: { identity: { hostName: 'mx.example.com', version: '8.17.1.9' },
    policy: new InMemoryPolicy({ localUsers: ['root', 'postmaster'], localDomains: ['mx.example.com'] }),
    queue: new QueueDirectory(${JSON.stringify(oursQueue)}), ids: new QueueIdGenerator() },
  resolveClient: async () => ({ name: 'localhost', resolve: 'OK' }), log: () => {},
});
`);
const ours = spawn(process.execPath, [...(process.env.BENCH_PROF ? ["--cpu-prof", "--cpu-prof-dir=" + process.env.BENCH_PROF] : []), child], { stdio: "inherit", env: { ...process.env, UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? "4" } });
try {
  await waitPort(2526);
  const o = await measure(2526);
  console.log(`ours:     ${o.total} messages in ${o.secs.toFixed(2)} s = ${o.rate.toFixed(0)} msg/s (${C} connections x ${M}, ${BODY}-byte messages)`);
  const real = realConfig();
  if (real) {
    execFileSync('sendmail', ['-bd', '-C', real.cf, '-ODeliveryMode=queueonly', '-ODaemonPortOptions=Port=2525,Addr=127.0.0.1'], { stdio: 'ignore' });
    await waitPort(2525);
    const r = await measure(2525);
    console.log(`sendmail: ${r.total} messages in ${r.secs.toFixed(2)} s = ${r.rate.toFixed(0)} msg/s`);
    console.log(`ratio ours/sendmail: ${(o.rate / r.rate).toFixed(2)}`);
    console.log(`queue files: ours ${readdirSync(oursQueue).filter((f) => f.startsWith('qf')).length} qf, sendmail ${readdirSync(real.q).filter((f) => f.startsWith('qf')).length} qf`);
    spawnSync('sh', ['-c', `kill $(head -1 ${dir}/sendmail.pid)`]);
  } else {
    console.log('sendmail: not measured (needs root, sendmail, m4 and sendmail-cf)');
  }
} finally {
  ours.kill('SIGTERM');
}
