// Delivery that survives SIGKILL (issue 7).  Real processes, real files, a
// real peer on loopback:
// - `bin/sendmail -bD -q1s` delivers queued messages of five recipients
//   (esmtp r=2: three transactions each; CheckpointInterval=2) to a slow
//   smtp-server sink; it is killed with SIGKILL while the sink holds a DATA
//   reply, three times, and started again until the queue is empty.  Every
//   recipient of every message arrives, the duplicates are at most what
//   CheckpointInterval and the transaction in flight allow per kill, no
//   qf/df/tf/xf/lf is left, and the dead daemon's message locks do not stop
//   the next one.
// - a queue runner in a child process (test/deliver-crash-child.mjs) writing
//   big messages into a local mbox is killed while it holds the mailbox's
//   dot lock; after the restarts every message is in the mbox whole, and no
//   partial message is left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { defaultRecipientFlags, newEnvelope, QueueDirectory, QueueIdGenerator } from '../src/queue/index.js';
import { freePort } from './deliver-helpers.js';
import { ROOT, sampleConfigCopy, startOurDaemon, stopDaemon } from './e2e-helpers.js';

const KILLS = 3;
const RCPTS_PER_TXN = 2; // esmtp r=
const CHECKPOINT = 2; // O CheckpointInterval
const DATA_DELAY_MS = 150;
const ids = new QueueIdGenerator();
let dir = '';
let cf = '';

/** A peer that records every recipient of every message at the end of DATA and answers DATA_DELAY_MS later. */
async function startSlowSink(): Promise<{ port: number; deliveries: { subject: string; rcpt: string }[]; close(): Promise<void> }> {
  const deliveries: { subject: string; rcpt: string }[] = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disableReverseLookup: true,
    hideSTARTTLS: true,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const subject = /^Subject: (.*)$/m.exec(Buffer.concat(chunks).toString('latin1'))?.[1]?.trim() ?? '?';
        for (const r of session.envelope.rcptTo as SMTPServerAddress[]) deliveries.push({ subject, rcpt: r.address });
        setTimeout(() => cb(null, 'Ok: queued'), DATA_DELAY_MS);
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return { port, deliveries, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function enqueue(qdir: string, subject: string, recipients: string[], body: string): Promise<void> {
  const now = new Date();
  const env = newEnvelope(ids.next(now), '<alice@host.example.com>', now);
  env.recipients = recipients.map((address) => ({ address, flags: defaultRecipientFlags() }));
  env.headers = [
    { conditions: '', name: 'From', value: ' alice@host.example.com' },
    { conditions: '', name: 'Subject', value: ` ${subject}` },
  ];
  await new QueueDirectory(qdir).storeNew(env, body);
}

function queueFiles(qdir: string): string[] {
  return readdirSync(qdir).filter((f) => /^(qf|df|tf|xf|lf)/.test(f));
}

/** Polls `cond` every few ms (bounded); true when it held before the deadline. */
async function until(cond: () => boolean, ms: number, every = 5): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, every));
  }
  return cond();
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const randomInt = (n: number): number => Math.floor(Math.random() * n);

beforeAll(async () => {
  dir = sampleConfigCopy(await freePort(), { absolutePaths: true });
  cf = path.join(dir, 'etc-mail/sendmail.cf');
});

describe('SIGKILL during SMTP delivery: bin/sendmail -bD -q1s against a slow loopback peer', () => {
  let sink: Awaited<ReturnType<typeof startSlowSink>>;
  let daemon: ChildProcess | undefined;
  beforeAll(async () => {
    sink = await startSlowSink();
    const text = readFileSync(cf, 'latin1')
      .replace(/^(Mesmtp,.*)$/m, `$1 r=${RCPTS_PER_TXN},`)
      .replace(/^(Mesmtp,.*\n(?:\t.*\n)*?\tA=TCP \$h)$/m, `$1 ${sink.port}`)
      .replace(/^(O QueueDirectory=.*)$/m, `$1\nO CheckpointInterval=${CHECKPOINT}`);
    writeFileSync(cf, text, 'latin1');
  });
  afterAll(async () => {
    if (daemon) await killed(daemon);
    await sink?.close();
  });

  it('delivers every recipient at least once, duplicates bounded per kill, nothing left in the queue', { timeout: 90_000 }, async () => {
    const qdir = path.join(dir, 'var/spool/mqueue');
    const messages = 6;
    const rcpts = ['r1', 'r2', 'r3', 'r4', 'r5'].map((r) => `<${r}@[127.0.0.1]>`);
    for (let i = 0; i < messages; i++) await enqueue(qdir, `crash ${i}`, rcpts, `message ${i}\n`);
    let staleLocks = 0;
    for (let k = 0; k < KILLS; k++) {
      daemon = await startOurDaemon(dir, ['-q1s']);
      const before = sink.deliveries.length;
      // kill while the sink holds the reply to a DATA: that transaction is in flight
      const reached = await until(() => sink.deliveries.length >= before + 1 + randomInt(4), 20_000);
      expect(reached, `kill ${k}: the daemon delivered nothing`).toBe(true);
      await new Promise((r) => setTimeout(r, randomInt(DATA_DELAY_MS * 0.8)));
      await killed(daemon);
      if (readdirSync(qdir).some((f) => f.startsWith('lf'))) staleLocks++;
    }
    expect(staleLocks, 'each kill left the message lock of a dead process').toBe(KILLS);
    daemon = await startOurDaemon(dir, ['-q1s']);
    // everything gone, the df and lock of a message removed by a killed daemon included
    const emptied = await until(() => queueFiles(qdir).length === 0, 40_000, 50);
    await stopDaemon(daemon);
    daemon = undefined;
    expect(emptied, 'the queue was emptied after the restarts').toBe(true);

    const counts = new Map<string, number>();
    for (const d of sink.deliveries) counts.set(`${d.subject} ${d.rcpt}`, (counts.get(`${d.subject} ${d.rcpt}`) ?? 0) + 1);
    for (let i = 0; i < messages; i++) {
      for (const r of rcpts) expect(counts.get(`crash ${i} ${r.slice(1, -1)}`) ?? 0, `crash ${i} to ${r}`).toBeGreaterThanOrEqual(1);
    }
    const duplicates = sink.deliveries.length - messages * rcpts.length;
    console.log(`deliver-crash: ${KILLS} kills, ${sink.deliveries.length} deliveries for ${messages * rcpts.length} recipients, ${duplicates} duplicates`);
    // each kill repeats the transaction in flight, and whatever was sent since the last checkpoint
    expect(duplicates).toBeGreaterThanOrEqual(KILLS);
    expect(duplicates).toBeLessThanOrEqual(KILLS * (CHECKPOINT - 1 + RCPTS_PER_TXN));
    expect(queueFiles(qdir)).toEqual([]);
  });
});

describe('SIGKILL during local mbox delivery: a queue runner in a child process', () => {
  it('leaves every message whole in the mailbox and no partial one', { timeout: 60_000 }, async () => {
    const qdir = path.join(dir, 'var/spool/mq-local');
    const mailDir = path.join(dir, 'mail-crash');
    mkdirSync(qdir, { recursive: true, mode: 0o700 });
    mkdirSync(mailDir, { recursive: true });
    const passwd = path.join(dir, 'passwd-crash');
    writeFileSync(passwd, `crashbox:x:${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}:Crash Box:/nonexistent:/bin/sh\n`);
    // big messages: the append and its fsync take long enough to be killed in
    const bodyOf = (i: number) => `${`line of message ${i} ${'x'.repeat(60)}\n`.repeat(40_000)}END local ${i}\n`;
    const messages = 10;
    for (let i = 0; i < messages; i++) await enqueue(qdir, `local ${i}`, ['<crashbox>'], bodyOf(i));
    const mailbox = path.join(mailDir, 'crashbox');
    const start = (): { child: ChildProcess; done: Promise<number | null> } => {
      const child = spawn(process.execPath, [path.join(ROOT, 'test/deliver-crash-child.mjs'), cf, qdir, mailDir, passwd], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      done.then((code) => {
        if (code !== 0 && code !== null) console.error(`crash child exited ${code}: ${err}`);
      });
      return { child, done };
    };
    let killedHolding = 0;
    let appendsLeft = 0;
    for (let k = 0; k < KILLS; k++) {
      const { child } = start();
      // kill while it holds the mailbox's dot lock: in the middle of a delivery
      // (once it has recorded the mailbox size: about to append, or appending)
      const lockText = () => (existsSync(`${mailbox}.lock`) ? readFileSync(`${mailbox}.lock`, 'latin1') : '');
      if (await until(() => lockText().includes('size '), 20_000, 1)) killedHolding++;
      // then somewhere in building, writing or syncing the entry
      await new Promise((r) => setTimeout(r, randomInt(25)));
      await killed(child);
      // what the dead process left: an append it never reported, for the next one to cut off
      const recorded = Number(/size (\d+)/.exec(lockText())?.[1] ?? NaN);
      if (existsSync(mailbox) && statSync(mailbox).size > recorded) appendsLeft++;
    }
    expect(killedHolding).toBe(KILLS);
    const last = start();
    expect(await Promise.race([last.done, new Promise((r) => setTimeout(() => r('timeout'), 40_000))])).toBe(0);
    expect(queueFiles(qdir)).toEqual([]);
    expect(existsSync(`${mailbox}.lock`)).toBe(false);

    const text = readFileSync(mailbox, 'latin1');
    const entries = text.split(/(?=^From )/m);
    const seen = new Map<number, number>();
    for (const e of entries) {
      const i = Number(/^Subject: local (\d+)$/m.exec(e)?.[1] ?? -1);
      expect(i, `an mbox entry without its Subject: ${e.slice(0, 200)}`).toBeGreaterThanOrEqual(0);
      expect(e.endsWith(`\n\n${bodyOf(i)}\n`), `mbox entry of local ${i} is whole`).toBe(true);
      seen.set(i, (seen.get(i) ?? 0) + 1);
    }
    for (let i = 0; i < messages; i++) expect(seen.get(i) ?? 0, `local ${i} delivered`).toBeGreaterThanOrEqual(1);
    const duplicates = entries.length - messages;
    console.log(`deliver-crash (mbox): ${KILLS} kills holding the lock, ${appendsLeft} after appending (cut back by the next run), ${entries.length} entries for ${messages} messages`);
    expect(duplicates).toBeLessThanOrEqual(KILLS * CHECKPOINT);
  });
});

describe('checkpoints and the traces of a dead deliverer, in process', () => {
  it('rewrites the qf without the delivered recipients every CheckpointInterval addresses sent', { timeout: 30_000 }, async () => {
    const { loadConfig } = await import('../src/config/loader.js');
    const { runQueue } = await import('../src/deliver/runner.js');
    const qdir = path.join(dir, 'var/spool/mq-ckpt');
    mkdirSync(qdir, { recursive: true, mode: 0o700 });
    // the qf's recipients as the peer sees them at each DATA
    const seen: string[][] = [];
    const server = new SMTPServer({
      logger: false,
      authOptional: true,
      disableReverseLookup: true,
      hideSTARTTLS: true,
      onData(stream, _session, cb) {
        stream.resume();
        stream.on('end', () => {
          const qf = readdirSync(qdir).find((f) => f.startsWith('qf'))!;
          seen.push(readFileSync(path.join(qdir, qf), 'latin1').match(/^R.*$/gm)!.map((l) => l.replace(/^R[A-Z]*:<?([^@>]*).*$/, '$1')));
          cb(null, 'Ok');
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.server.address() as { port: number }).port;
    try {
      for (const interval of [2, 10]) {
        const text = readFileSync(cf, 'latin1')
          .replace(/^O CheckpointInterval=.*\n/m, '')
          .replace(/ r=\d+,/, '')
          .replace(/^(Mesmtp,.*)$/m, '$1 r=2,')
          .replace(/^(Mesmtp,.*\n(?:\t.*\n)*?\tA=TCP \$h)( \d+)?$/m, `$1 ${port}`)
          .replace(/^(O QueueDirectory=.*)$/m, `$1\nO CheckpointInterval=${interval}`);
        const file = path.join(dir, `etc-mail/ckpt-${interval}.cf`);
        writeFileSync(file, text, 'latin1');
        const loaded = await loadConfig({ file, print: () => {}, hostName: 'host.example.com' });
        seen.length = 0;
        await enqueue(qdir, 'checkpoints', ['r1', 'r2', 'r3', 'r4', 'r5'].map((r) => `<${r}@[127.0.0.1]>`), 'body\n');
        const summary = await runQueue(qdir, { loaded, mailboxDir: path.join(dir, 'mail'), passwdFile: path.join(dir, 'no-passwd') });
        expect(summary.completed).toBe(1);
        if (interval === 2) expect(seen).toEqual([['r1', 'r2', 'r3', 'r4', 'r5'], ['r3', 'r4', 'r5'], ['r5']]);
        else expect(seen).toEqual([['r1', 'r2', 'r3', 'r4', 'r5'], ['r1', 'r2', 'r3', 'r4', 'r5'], ['r1', 'r2', 'r3', 'r4', 'r5']]);
        expect(queueFiles(qdir)).toEqual([]);
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("takes over a dead deliverer's mailbox lock at once and cuts its partial message off", async () => {
    const { deliverToMailbox } = await import('../src/deliver/mailers/local.js');
    const { lockOwnerText } = await import('../src/deliver/queue-lock.js');
    const mailDir = path.join(dir, 'mail-dead');
    mkdirSync(mailDir, { recursive: true });
    const mailbox = path.join(mailDir, 'bob');
    const whole = 'From alice Sat Nov 21 10:00:00 2026\nSubject: one\n\nfirst\n\n';
    writeFileSync(mailbox, `${whole}From alice Sat Nov 21 10:01:00 2026\nSubject: two\n\nhalf of it`);
    // a process that has exited: its pid is the dead owner
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    const { statSync } = await import('node:fs');
    writeFileSync(`${mailbox}.lock`, `${lockOwnerText(dead.pid!)}size ${whole.length} ino ${statSync(mailbox).ino}\n`);
    const started = Date.now();
    const r = await deliverToMailbox({ mailbox, recipient: 'bob', sender: 'carol', message: Buffer.from('Subject: three\n\nthird\n'), date: new Date('2026-11-21T10:02:00Z'), lockTimeoutMs: 5000 });
    expect(r.kind).toBe('sent');
    expect(Date.now() - started).toBeLessThan(1000);
    const text = readFileSync(mailbox, 'latin1');
    expect(text.startsWith(whole)).toBe(true);
    expect(text).not.toContain('half of it');
    expect(text.slice(whole.length)).toMatch(/^From carol .*\nSubject: three\n\nthird\n\n$/);
    expect(existsSync(`${mailbox}.lock`)).toBe(false);
  });
});
