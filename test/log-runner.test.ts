// The queue runner's log lines with a real SMTP peer on loopback: a message
// for <bob@[127.0.0.1]> delivered, one refused (550 5.1.1) and one deferred
// (451 4.3.0) by the peer; the to= lines (and the DSN line) in the mail log
// at LogLevel 9, the same text as the runner's -v lines, in the form real
// sendmail 8.17 logged for the same outcomes (see log-format.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { ManualClock } from '../src/deliver/clock.js';
import { runQueue } from '../src/deliver/runner.js';
import { MailLog, useMailLog, type LogSink } from '../src/log/index.js';
import { defaultRecipientFlags, newEnvelope, QueueDirectory, QueueIdGenerator } from '../src/queue/index.js';
import { startSink, type Sink } from './deliver-helpers.js';
import { sampleConfigCopy } from './e2e-helpers.js';

const START = new Date('2026-11-20T10:00:00Z');
let dir = '';
let qdir = '';
let loaded: LoadedConfig;
let sink: Sink;
const logged: string[] = [];
const memory: LogSink = { write: (severity, message) => void logged.push(`${severity} ${message}`), close: () => {} };
let previous: MailLog;

beforeAll(async () => {
  dir = sampleConfigCopy(2525, { absolutePaths: true });
  qdir = path.join(dir, 'var/spool/mqueue');
  loaded = await loadConfig({ file: path.join(dir, 'etc-mail/sendmail.cf'), print: () => {}, hostName: 'host.example.com' });
  sink = await startSink({
    rcpt: { 'nobody@[127.0.0.1]': { code: 550, text: '5.1.1 <nobody@[127.0.0.1]>... User unknown' }, 'later@[127.0.0.1]': { code: 451, text: '4.3.0 try later' } },
  });
  previous = useMailLog(new MailLog(memory, 9));
}, 20000);
afterAll(async () => {
  useMailLog(previous);
  await sink?.close();
});

describe('queue run: the mail log', () => {
  it('logs sent, refused and deferred recipients as sendmail does, and the DSN it queues', async () => {
    const ids = new QueueIdGenerator();
    const id = ids.next(START);
    const env = newEnvelope(id, '<alice@mail.example.test>', START);
    env.priority = 30017;
    env.recipients = ['<bob@[127.0.0.1]>', '<nobody@[127.0.0.1]>', '<later@[127.0.0.1]>'].map((address) => ({ address, flags: defaultRecipientFlags() }));
    env.headers = [{ conditions: '', name: 'Subject', value: ' log' }];
    await new QueueDirectory(qdir).storeNew(env, 'hello\n');
    const verbose: string[] = [];
    await runQueue(qdir, {
      loaded,
      clock: new ManualClock(START),
      mailboxDir: path.join(dir, 'mail'),
      passwdFile: path.join(dir, 'no-passwd'),
      smtpPort: sink.port,
      log: (l) => verbose.push(l),
    });
    const relay = 'relay=[127.0.0.1] [127.0.0.1]';
    const common = `delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=30017, ${relay}`;
    expect(logged).toContain(`info ${id}: to=<bob@[127.0.0.1]>, ${common}, dsn=2.0.0, stat=Sent (Message queued)`.replace('Message queued', sinkOk(verbose)));
    expect(logged).toContain(
      `info ${id}: to=<nobody@[127.0.0.1]>, ${common}, dsn=5.1.1, reply=550 5.1.1 <nobody@[127.0.0.1]>... User unknown, stat=User unknown`,
    );
    expect(logged).toContain(`info ${id}: to=<later@[127.0.0.1]>, ${common}, dsn=4.3.0, reply=451 4.3.0 try later, stat=Deferred: 451 4.3.0 try later`);
    expect(logged.some((l) => new RegExp(String.raw`^info ${id}: [0-9A-Za-z]{14}: DSN: User unknown$`).test(l))).toBe(true);
    // -v shows the same lines
    for (const l of logged.filter((x) => x.includes(' to='))) expect(verbose).toContain(l.replace(/^info /, ''));
  });
});

/** The text the sink put after 250 (smtp-server's own words), as our client saw it. */
function sinkOk(verbose: readonly string[]): string {
  return /stat=Sent \((.*)\)$/.exec(verbose.find((l) => l.includes('to=<bob@')) ?? '')?.[1] ?? '?';
}
