#!/usr/bin/env node
// bench/queue-run.mjs — one queue run over the same queued messages, real
// sendmail's and ours side by side.  Real sendmail (as host.example.com
// under unshare --uts) queues N messages with -odq (not timed); the queue
// directory is copied; then `sendmail -q -v` (foreground) runs the original and our
// runQueue (dist/deliver/runner.js, loading the same cf) runs the copy.
// Both deliver by esmtp to bob@[127.0.0.1] at a Node smtp-server peer in
// this process (ESMTP_MAILER_ARGS sets the port).  Prints messages per
// second and the ratio ours / real.
//
//   npm run build && node bench/queue-run.mjs [--messages 200]
//
// Needs sendmail, GNU m4, the sendmail-cf tree and unshare --uts (root).

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PINNED, queuedCount, realSendmailQueue, SENDMAIL_CF_TREE } from './real-sendmail-queue.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { loadConfig } = await import(path.join(repo, 'dist/config/loader.js'));
const { runQueue } = await import(path.join(repo, 'dist/deliver/runner.js'));
const { SMTPServer } = createRequire(path.join(repo, 'package.json'))('smtp-server');

const i = process.argv.indexOf('--messages');
const count = Number(i >= 0 ? process.argv[i + 1] : 200);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
if (!has('sendmail') || !has('m4') || !existsSync(SENDMAIL_CF_TREE) || spawnSync('unshare', ['--uts', 'true']).status !== 0) {
  console.log('queue-run: real sendmail, m4, the cf tree or unshare --uts not available; nothing to compare');
  process.exit(0);
}

let received = 0;
const peer = new SMTPServer({
  logger: false,
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  disableReverseLookup: true,
  onData(stream, _session, cb) {
    stream.resume();
    stream.on('end', () => {
      received++;
      cb();
    });
  },
});
await new Promise((r) => peer.listen(0, '127.0.0.1', r));
const port = peer.server.address().port;

const text = (n) => `From: bench@host.example.com\nTo: bob@[127.0.0.1]\nSubject: bench ${n}\n\n${('x'.repeat(72) + '\n').repeat(30)}`;
const { dir, cf, queued } = realSendmailQueue('bench-queue-run-', port, count, text);
cpSync(path.join(dir, 'q'), path.join(dir, 'q-ours'), { recursive: true });

// real sendmail: spawned without blocking, so the peer in this process answers
let t = process.hrtime.bigint();
await new Promise((resolve) => spawn('unshare', [...PINNED, '-q', '-v', '-C', cf], { stdio: 'ignore' }).on('exit', resolve));
const realSeconds = Number(process.hrtime.bigint() - t) / 1e9;
const realSent = queued - queuedCount(path.join(dir, 'q'));
const realReceived = received;

const loaded = await loadConfig({ file: cf, print: () => {}, hostName: 'host.example.com' });
t = process.hrtime.bigint();
const summary = await runQueue(path.join(dir, 'q-ours'), { loaded, passwdFile: '/etc/passwd', mailboxDir: path.join(dir, 'mail') });
const oursSeconds = Number(process.hrtime.bigint() - t) / 1e9;
const oursSent = queued - queuedCount(path.join(dir, 'q-ours'));

const rate = (n, s) => (s > 0 ? n / s : 0);
console.log(`messages queued by real sendmail -odq: ${queued}; peer: smtp-server on 127.0.0.1:${port}`);
console.log(`real sendmail -q -v: ${realSent} delivered (peer got ${realReceived}) in ${realSeconds.toFixed(2)} s = ${rate(realSent, realSeconds).toFixed(1)} msg/s`);
console.log(`ours runQueue:    ${oursSent} delivered (peer got ${received - realReceived}) in ${oursSeconds.toFixed(2)} s = ${rate(oursSent, oursSeconds).toFixed(1)} msg/s  ${JSON.stringify(summary)}`);
console.log(`ratio ours/real: ${(rate(oursSent, oursSeconds) / rate(realSent, realSeconds)).toFixed(2)}x`);
peer.close();
rmSync(dir, { recursive: true, force: true });
