#!/usr/bin/env node
// bench/deliver-smtp.mjs — remote SMTP delivery throughput, ours and real
// sendmail's side by side, into the same receiving peer (postfix's
// smtp-sink on 127.0.0.1, unpacked from the Debian package into a cache
// directory by the delivery tests or by this script).
//
//   node bench/deliver-smtp.mjs [--messages 300] [--concurrency 1,8]
//
// Ours: deliverSmtp (dist/deliver) for each message, one connection per
// message, with the given number of deliveries in flight; then one at a time
// over a cached session (SmtpConnectionCache, RSET between messages).  Real sendmail:
// the same messages queued with -odq (not timed), then one timed queue run
// (sendmail -q -v) delivering them to [127.0.0.1] on the sink's port.
// Prints messages per second and the ratio ours / real.  Not like for like:
// the real queue run also reads and removes each qf/df pair and forks per
// message, while ours has the message in memory (no queue I/O yet).  Needs
// `npm run build`; the real side needs sendmail, m4, the sendmail-cf tree
// and unshare --uts (root).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PINNED, queuedCount, realSendmailQueue, SENDMAIL_CF_TREE } from './real-sendmail-queue.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { deliverSmtp, systemResolver, SmtpConnectionCache } = await import(path.join(repo, 'dist/deliver/index.js'));

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const count = Number(arg('messages', '300'));
const concurrencies = arg('concurrency', '1,8').split(',').map(Number);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function smtpSink() {
  const cache = path.join(tmpdir(), 'sendmail-ts-postfix');
  const bin = path.join(cache, 'root/usr/sbin/smtp-sink');
  if (!existsSync(bin) && has('apt-get') && has('dpkg')) {
    mkdirSync(cache, { recursive: true });
    spawnSync('apt-get', ['download', 'postfix'], { cwd: cache, stdio: 'ignore', timeout: 60000 });
    const deb = readdirSync(cache).find((f) => /^postfix_.*\.deb$/.test(f));
    if (deb) spawnSync('dpkg', ['-x', path.join(cache, deb), path.join(cache, 'root')], { stdio: 'ignore' });
  }
  return existsSync(bin) ? { bin, libDir: path.join(cache, 'root/usr/lib/postfix') } : undefined;
}

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function waitListening(port) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

const sink = smtpSink();
if (!sink) {
  console.log('smtp-sink not available (apt-get download postfix failed); nothing to measure');
  process.exit(0);
}
const port = await freePort();
const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
const sinkProc = spawn(sink.bin, [...user, `127.0.0.1:${port}`, '256'], {
  env: { ...process.env, LD_LIBRARY_PATH: sink.libDir },
  stdio: 'ignore',
});
if (!(await waitListening(port))) throw new Error('smtp-sink did not start');

const body = 'x'.repeat(72) + '\n';
const message = (i) =>
  `From: bench@host.example.com\nTo: bob@example.test\nSubject: bench ${i}\nMessage-ID: <bench${i}@host.example.com>\n\n${body.repeat(30)}`;

async function ours(concurrency, cache) {
  let next = 0;
  let sent = 0;
  const t = process.hrtime.bigint();
  async function worker() {
    while (next < count) {
      const i = next++;
      const rep = await deliverSmtp({
        nextHop: `[127.0.0.1]:${port}`,
        sender: 'bench@host.example.com',
        recipients: [{ address: 'bob@example.test' }],
        message: Buffer.from(message(i)),
        heloName: 'host.example.com',
        noTls: true,
        connectionCache: cache,
        route: { resolver: systemResolver, localNames: ['host.example.com'], defaultPort: 25 },
      });
      if (rep.results.get('bob@example.test')?.kind === 'sent') sent++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  return { sent, seconds: s, rate: sent / s };
}

function real() {
  if (!has('sendmail') || !has('m4') || !has('unshare') || !existsSync(SENDMAIL_CF_TREE)) return undefined;
  if (spawnSync('unshare', ['--uts', 'true']).status !== 0) return undefined;
  const { dir, cf, queueDir, queued } = realSendmailQueue('bench-deliver-', port, count, message);
  const t = process.hrtime.bigint();
  spawnSync('unshare', [...PINNED, '-q', '-v', '-C', cf], { stdio: 'ignore', timeout: 600000 });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  const left = queuedCount(queueDir);
  rmSync(dir, { recursive: true, force: true });
  const sent = queued - left;
  return { sent, seconds: s, rate: sent / s };
}

const fmt = (r) => `${r.sent} sent in ${r.seconds.toFixed(2)} s = ${r.rate.toFixed(1)} msg/s`;
const realResult = real();
console.log(`messages: ${count} of ${message(0).length} bytes, peer: postfix smtp-sink on 127.0.0.1:${port}`);
console.log(realResult ? `real sendmail queue run (-q): ${fmt(realResult)}` : 'real sendmail: not available');
const ratio = (r) => (realResult && realResult.rate > 0 ? `  ratio ours/real ${(r.rate / realResult.rate).toFixed(2)}x` : '');
for (const c of concurrencies) {
  const r = await ours(c);
  console.log(`ours deliverSmtp, ${c} in flight, new connection each: ${fmt(r)}${ratio(r)}`);
}
const cache = new SmtpConnectionCache({ size: 2 });
const cached = await ours(1, cache);
cache.close();
console.log(`ours deliverSmtp, 1 in flight, connection cache: ${fmt(cached)}${ratio(cached)}`);
sinkProc.kill();
