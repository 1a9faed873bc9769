// The queue runner end to end on the sample cf (copied to a temp dir, its
// maps built as on a fresh clone): a queued message to a local user lands in
// the mailbox and leaves the queue; an alias fans out; a message to a
// mailertable domain goes to a loopback SMTP peer; a dead next hop defers,
// warns after Timeout.queuewarn and bounces after Timeout.queuereturn, with
// a manual clock instead of sleeping; -qR/-qI selections; scheduled runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { ManualClock } from '../src/deliver/clock.js';
import { parseQueueFlags, queueCommand } from '../src/deliver/queue-command.js';
import { mailerPort, parseQueueSelection, runQueue, scheduleQueueRuns, selects, type QueueRunOptions } from '../src/deliver/runner.js';
import { defaultRecipientFlags, newEnvelope, QueueDirectory, QueueIdGenerator } from '../src/queue/index.js';
import { MACRO_EXPAND } from '../src/queue/qf-file.js';
import { freePort, startSink, tableResolver, type Sink } from './deliver-helpers.js';
import { SENDMAIL, sampleConfigCopy } from './e2e-helpers.js';

let dir = '';
let qdir = '';
let mailDir = '';
let loaded: LoadedConfig;
let sink: Sink;
const ids = new QueueIdGenerator();
const START = new Date('2026-11-20T10:00:00Z');

beforeAll(async () => {
  dir = sampleConfigCopy(2525, { absolutePaths: true });
  qdir = path.join(dir, 'var/spool/mqueue');
  mailDir = path.join(dir, 'var/mail');
  mkdirSync(mailDir, { recursive: true });
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  mkdirSync(path.join(dir, 'home/carol'), { recursive: true });
  writeFileSync(
    path.join(dir, 'passwd'),
    ['alice', 'bob', 'carol', 'root'].map((u) => `${u}:x:${uid}:${gid}::${path.join(dir, 'home', u)}:/bin/sh`).join('\n') +
      `\ndave:x:4321:4322::${path.join(dir, 'home/dave')}:/bin/sh\n`,
  );
  writeFileSync(path.join(dir, 'home/carol/.forward'), 'bob\n', { mode: 0o600 });
  appendFileSync(
    path.join(dir, 'etc-mail/aliases'),
    `team: alice, bob\nvirt: info@virtual.example.test\narchive: ${path.join(dir, 'archive.mbox')}\npiped: "|cat >> ${path.join(dir, 'piped.out')}"\n`,
  );
  execFileSync(process.execPath, [SENDMAIL, '-bi', '-C', 'etc-mail/sendmail.cf'], { cwd: dir, stdio: 'ignore' });
  // programs (prog has no F=S) run as DefaultUser when we are root: this test's own user, so they can write here
  const cf = path.join(dir, 'etc-mail/sendmail.cf');
  writeFileSync(cf, readFileSync(cf, 'latin1').replace(/^(O QueueDirectory=.*)$/m, `$1\nO DefaultUser=${uid}:${gid}`), 'latin1');
  loaded = await loadConfig({ file: path.join(dir, 'etc-mail/sendmail.cf'), print: () => {}, hostName: 'host.example.com' });
  sink = await startSink();
});

afterAll(async () => {
  await sink?.close();
});

/** Queues a message the way the SMTP server does (headers in the qf, body in the df). */
async function enqueue(sender: string, recipients: string[], subject: string, at = START): Promise<string> {
  const id = ids.next(at);
  const env = newEnvelope(id, sender, at);
  env.recipients = recipients.map((r) => ({ address: r, flags: defaultRecipientFlags() }));
  env.headers = [
    { conditions: 'P', name: 'Return-Path', value: ` <${MACRO_EXPAND}g>` },
    { conditions: '', name: 'From', value: ` ${sender.replace(/[<>]/g, '')}` },
    { conditions: '', name: 'Subject', value: ` ${subject}` },
  ];
  await new QueueDirectory(qdir).storeNew(env, `body of ${subject}\n`);
  return id;
}

function options(clock: ManualClock, extra: Partial<QueueRunOptions> = {}): QueueRunOptions {
  return {
    loaded,
    clock,
    mailboxDir: mailDir,
    passwdFile: path.join(dir, 'passwd'),
    mxResolver: tableResolver({}, { 'mx.partner.example.test': ['127.0.0.1'] }),
    smtpPort: sink.port,
    log: process.env.RUNNER_LOG ? (l) => console.error(l) : undefined,
    ...extra,
  };
}

const mailbox = (user: string): string => (existsSync(path.join(mailDir, user)) ? readFileSync(path.join(mailDir, user), 'latin1') : '');
const queueFiles = (): string[] => readdirSync(qdir).filter((f) => /^[qd]f/.test(f));

describe('queue runner', () => {
  it('delivers a queued message to a local mailbox and removes qf and df', async () => {
    const id = await enqueue('<sender@example.org>', ['<alice@host.example.com>'], 'first');
    const s = await runQueue(qdir, options(new ManualClock(START)));
    expect(s).toMatchObject({ attempted: 1, completed: 1, deferred: 0 });
    const box = mailbox('alice');
    expect(box).toMatch(/^From sender@example\.org /);
    expect(box).toContain('Return-Path: <sender@example.org>\n');
    expect(box).toContain('Subject: first\n\nbody of first\n');
    expect(queueFiles().filter((f) => f.endsWith(id))).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)("running as root, a new mailbox belongs to its user", async () => {
    await enqueue('<sender@example.org>', ['<dave@host.example.com>'], 'owned');
    expect(await runQueue(qdir, options(new ManualClock(START)))).toMatchObject({ completed: 1 });
    const st = statSync(path.join(mailDir, 'dave'));
    expect([st.uid, st.gid]).toEqual([4321, 4322]);
  });

  it('expands aliases and .forward before local delivery; an unknown user bounces to the sender', async () => {
    await enqueue('<alice@host.example.com>', ['<team@host.example.com>', '<carol>', '<nosuchuser@host.example.com>'], 'fanout');
    const s = await runQueue(qdir, options(new ManualClock(START)));
    expect(s).toMatchObject({ attempted: 1, completed: 1, reports: 1 });
    expect(mailbox('bob').match(/Subject: fanout/g)).toHaveLength(1); // team and carol's .forward both reach bob: once
    expect(mailbox('alice')).toContain('Subject: fanout');
    // the bounce is queued from <> and delivered by the next run
    const s2 = await runQueue(qdir, options(new ManualClock(START)));
    expect(s2).toMatchObject({ attempted: 1, completed: 1 });
    const box = mailbox('alice');
    expect(box).toContain('From: Mail Delivery Subsystem <MAILER-DAEMON>');
    expect(box).toMatch(/550 5\.1\.1 nosuchuser\.\.\. User unknown/);
    expect(box).toContain('Status: 5.1.1');
    expect(queueFiles()).toEqual([]);
  });

  it('alias items with a domain go through the cf again: virtusertable, its error catch-all', async () => {
    const before = mailbox('root').length;
    await enqueue('<alice@host.example.com>', ['<virt@host.example.com>', '<nobody@virtual.example.test>'], 'virtual');
    expect(await runQueue(qdir, options(new ManualClock(START)))).toMatchObject({ completed: 1, reports: 1 });
    // virt -> info@virtual.example.test -> (virtusertable) admin -> (aliases) root
    expect(mailbox('root').slice(before)).toContain('Subject: virtual');
    const aliceBefore = mailbox('alice').length;
    await runQueue(qdir, options(new ManualClock(START)));
    expect(mailbox('alice').slice(aliceBefore)).toContain('(reason: 550 5.0.0 <nobody@virtual.example.test>... No such user here)');
    expect(queueFiles()).toEqual([]);
  });

  it('delivers to a file and a program an alias names; NOTIFY=SUCCESS gets a return receipt', async () => {
    const id = await enqueue('<alice@host.example.com>', ['<archive@host.example.com>', '<piped@host.example.com>'], 'to file and pipe');
    const q = new QueueDirectory(qdir);
    const { envelope } = await q.read(id);
    envelope.recipients[0]!.flags = { ...envelope.recipients[0]!.flags, notifyGiven: true, notifySuccess: true };
    await q.rewriteControl(envelope);
    const before = mailbox('alice').length;
    const s = await runQueue(qdir, options(new ManualClock(START)));
    expect(s).toMatchObject({ attempted: 1, completed: 1, reports: 1 });
    expect(readFileSync(path.join(dir, 'archive.mbox'), 'latin1')).toMatch(/^From alice@host\.example\.com [^\n]*\n[\s\S]*Subject: to file and pipe\n\nbody of to file and pipe\n/);
    expect(readFileSync(path.join(dir, 'piped.out'), 'latin1')).toContain('Subject: to file and pipe\n\nbody of to file and pipe\n');
    await runQueue(qdir, options(new ManualClock(START)));
    const receipt = mailbox('alice').slice(before);
    expect(receipt).toContain('Subject: Return receipt');
    expect(receipt).toContain('Action: delivered');
    expect(queueFiles()).toEqual([]);
  });

  it('sends a mailertable domain to the loopback SMTP peer with the sender through the mailer S= rules', async () => {
    await enqueue('<alice@host.example.com>', ['<user1@partner.example.test>', '<user2@partner.example.test>'], 'remote');
    const before = sink.messages.length;
    const s = await runQueue(qdir, options(new ManualClock(START)));
    expect(s).toMatchObject({ attempted: 1, completed: 1 });
    const got = sink.messages.slice(before);
    expect(got).toHaveLength(1); // one connection's transaction for both recipients
    expect(got[0]!.to.sort()).toEqual(['user1@partner.example.test', 'user2@partner.example.test']);
    expect(got[0]!.from).toBe('alice@host.example.com');
    expect(got[0]!.data).toContain('Subject: remote');
    expect(got[0]!.data).not.toContain('Return-Path'); // esmtp has no P flag
    expect(queueFiles()).toEqual([]);
  });

  it('masquerades an unqualified envelope sender for esmtp as real sendmail /try esmtp does', async () => {
    // sendmail 8.17 on this cf: "/tryflags es" "/try esmtp alice" -> alice@mail.example.test
    await enqueue('<alice>', ['<user3@partner.example.test>'], 'masq');
    const before = sink.messages.length;
    expect(await runQueue(qdir, options(new ManualClock(START)))).toMatchObject({ completed: 1 });
    expect(sink.messages.slice(before).map((m) => m.from)).toEqual(['alice@mail.example.test']);
  });

  it("rewrites header addresses through the mailer's header rulesets, as real sendmail's /try with /tryflags hs and hr", async () => {
    // sendmail 8.17 on this cf: header sender "alice" and header recipient "bob" for esmtp -> @mail.example.test
    const id = ids.next(START);
    const env = newEnvelope(id, '<alice@host.example.com>', START);
    env.recipients = [{ address: '<user4@partner.example.test>', flags: defaultRecipientFlags() }];
    env.headers = [
      { conditions: '', name: 'From', value: ' alice' },
      { conditions: '', name: 'To', value: ' bob, Carol <carol>, user4@partner.example.test' },
      { conditions: '', name: 'Subject', value: ' headers' },
    ];
    await new QueueDirectory(qdir).storeNew(env, 'x\n');
    const before = sink.messages.length;
    expect(await runQueue(qdir, options(new ManualClock(START)))).toMatchObject({ completed: 1 });
    const data = sink.messages.slice(before)[0]!.data;
    expect(data).toContain('From: alice@mail.example.test\r\n');
    expect(data).toContain('To: bob@mail.example.test, Carol <carol@mail.example.test>, user4@partner.example.test\r\n');
    expect(data).toContain('Subject: headers\r\n');
  });

  it("splits recipients into transactions of the mailer's m= size", async () => {
    const esmtp = loaded.config.mailers.find((m) => m.name === 'esmtp')!;
    const saved = esmtp.maxRcpts;
    esmtp.maxRcpts = 2;
    try {
      await enqueue('<alice@host.example.com>', ['<a@partner.example.test>', '<b@partner.example.test>', '<c@partner.example.test>'], 'chunks');
      const before = sink.messages.length;
      expect(await runQueue(qdir, options(new ManualClock(START)))).toMatchObject({ completed: 1 });
      expect(sink.messages.slice(before).map((m) => m.to.length)).toEqual([2, 1]);
    } finally {
      esmtp.maxRcpts = saved;
    }
  });

  it('leaves a message another live runner has locked; takes over a stale lock', async () => {
    const id = await enqueue('<sender@example.org>', ['<bob@host.example.com>'], 'locked');
    writeFileSync(path.join(qdir, `lf${id}`), `${process.pid}\n`);
    expect(await runQueue(qdir, options(new ManualClock(START)))).toMatchObject({ attempted: 0, skipped: 1 });
    expect(existsSync(path.join(qdir, `qf${id}`))).toBe(true);
    writeFileSync(path.join(qdir, `lf${id}`), '2147483646\n'); // no such process
    expect(await runQueue(qdir, options(new ManualClock(START)))).toMatchObject({ attempted: 1, completed: 1 });
    expect(readdirSync(qdir).filter((f) => f.endsWith(id))).toEqual([]);
  });

  it('defers on a dead next hop, warns after queuewarn, bounces after queuereturn', async () => {
    const clock = new ManualClock(START);
    const dead = await freePort();
    const opts = options(clock, { smtpPort: dead, queueWarnSeconds: 600, queueReturnSeconds: 3600, minRetrySeconds: 60 });
    const id = await enqueue('<alice@host.example.com>', ['<far@partner.example.test>'], 'stuck', clock.now());
    const aliceBefore = mailbox('alice').length;

    const s1 = await runQueue(qdir, opts);
    expect(s1).toMatchObject({ attempted: 1, deferred: 1 });
    let qf = readFileSync(path.join(qdir, `qf${id}`), 'latin1');
    expect(qf).toMatch(/^N1$/m);
    expect(qf).toMatch(/^P90000$/m); // RetryFactor's default per deferral
    expect(qf).toMatch(/^M.*Deferred/m);
    expect(qf).toContain('far@partner.example.test');

    // not due yet: retry time is 60 s after the first attempt
    clock.advance(30);
    expect(await runQueue(qdir, opts)).toMatchObject({ attempted: 0, skipped: 1 });

    // past queuewarn: a second deferral and one delay warning
    clock.advance(700);
    const s2 = await runQueue(qdir, opts);
    expect(s2).toMatchObject({ attempted: 1, deferred: 1, reports: 1 });
    qf = readFileSync(path.join(qdir, `qf${id}`), 'latin1');
    expect(qf).toMatch(/^N2$/m);
    expect(qf).toMatch(/^F.*w/m);
    await runQueue(qdir, { ...opts, selections: [parseQueueSelection('-qRalice')] }); // delivers the warning only
    expect(existsSync(path.join(qdir, `qf${id}`))).toBe(true);
    const warned = mailbox('alice').slice(aliceBefore);
    expect(warned).toContain('Subject: Warning: could not send message for past 10 minutes');
    expect(warned).toContain('Will keep trying until message is 1 hour old');

    // past queuereturn: returned to the sender, removed from the queue
    clock.advance(3600);
    const s3 = await runQueue(qdir, opts);
    expect(s3).toMatchObject({ completed: 1, reports: 1 });
    expect(existsSync(path.join(qdir, `qf${id}`))).toBe(false);
    expect(existsSync(path.join(qdir, `df${id}`))).toBe(false);
    await runQueue(qdir, opts);
    const bounced = mailbox('alice').slice(aliceBefore);
    expect(bounced).toContain('Message could not be delivered for 1 hour');
    expect(bounced).toContain('Status: 4.4.7');
    expect(queueFiles()).toEqual([]);
  });
});

describe('queue selection and scheduling', () => {
  it('-qI, -qR, -qS and their negations choose messages', () => {
    const env = newEnvelope('6AM4JfgJ000018', '<alice@host.example.com>');
    env.recipients = [{ address: '<bob@example.net>', flags: defaultRecipientFlags() }];
    const sel = (...specs: string[]) => selects(env, specs.map(parseQueueSelection));
    expect(sel('-qIJfgJ')).toBe(true);
    expect(sel('-qIzzz')).toBe(false);
    expect(sel('-qRBOB')).toBe(true);
    expect(sel('-q!Rbob')).toBe(false);
    expect(sel('-qSalice', '-qRcarol')).toBe(false);
    expect(sel('-qRcarol', '-qRbob')).toBe(true);
    expect(() => parseQueueSelection('-qXfoo')).toThrow(/expected I \(queue id\), R \(recipient\) or S \(sender\)/);
  });

  it("an [IPC] mailer's A= names the port (ESMTP_MAILER_ARGS `TCP $h 2525`)", () => {
    const esmtp = loaded.config.mailers.find((m) => m.name === 'esmtp')!;
    expect(mailerPort(esmtp)).toBe(25);
    expect(mailerPort({ ...esmtp, argv: 'TCP $h 2525' })).toBe(2525);
  });

  it('-q flags: once, every interval, selections; a bad one names itself', async () => {
    expect(parseQueueFlags(['30m'])).toEqual({ intervalSeconds: 1800, selections: [] });
    expect(parseQueueFlags(['p1h', 'f'])).toEqual({ intervalSeconds: 3600, selections: [] });
    expect(parseQueueFlags(['Iabc', '!Rbob'])).toEqual({
      intervalSeconds: 0,
      selections: [
        { kind: 'I', value: 'abc', negate: false },
        { kind: 'R', value: 'bob', negate: true },
      ],
    });
    expect(() => parseQueueFlags(['zz'])).toThrow('-qzz: expected an interval such as 30m, or I, R or S with a substring');
    // a bare -q: one run over the cf's QueueDirectory
    await enqueue('<sender@example.org>', ['<bob@host.example.com>'], 'via -q');
    const r = await queueCommand([''], options(new ManualClock(START)));
    expect(r.kind === 'once' && r.summary).toMatchObject({ attempted: 1, completed: 1 });
    expect(mailbox('bob')).toContain('Subject: via -q');
  });

  it('runs every interval and backs off after a failing run', async () => {
    const clock = new ManualClock(START);
    const starts: number[] = [];
    let fail = true;
    const runs = scheduleQueueRuns(60, options(clock), async () => {
      starts.push(clock.now().getTime());
      if (fail) throw new Error('queue directory unreadable');
      return { attempted: 0, completed: 0, deferred: 0, reports: 0, skipped: 0 };
    });
    const tick = () => new Promise((r) => setImmediate(r));
    await tick();
    expect(starts).toHaveLength(1);
    clock.advance(60); // backoff: the next run waits 120 s after a failure
    await tick();
    expect(starts).toHaveLength(1);
    fail = false;
    clock.advance(60);
    await tick();
    expect(starts).toHaveLength(2);
    clock.advance(60); // a good run: back to the interval
    await tick();
    expect(starts).toHaveLength(3);
    await runs.stop();
    expect(runs.runs).toBe(3);
  });
});

