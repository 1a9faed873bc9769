// The mail log of a running daemon: bin/sendmail -bD on a copy of etc-mail/
// on a free loopback port, SENDMAIL_LOG naming a file, sessions from a plain
// Node socket client (test/fixtures/e2e/chat.mjs) from 127.0.0.1 (RELAY),
// 127.0.0.2 (unlisted: relaying denied) and 127.0.0.9 (Connect: REJECT).
// At LogLevel 9 the file holds sendmail's lines for each; at 0 only the
// start.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { chatFrom, freePort, sampleConfigCopy, SENDMAIL, startOurDaemon, stopDaemon } from './e2e-helpers.js';

const MESSAGE = ['DATA', '<DATA>', 'Message-Id: <log-test-1@client.example.test>', 'Subject: log', '', 'hello', '.', 'QUIT'];

let port = 0;
let dir = '';
beforeAll(async () => {
  port = await freePort();
  dir = sampleConfigCopy(port, { extraAccess: ['Connect:127.0.0.9\tREJECT'] });
}, 20000);

/** Runs the sessions (at once) against a daemon at `level`; the log file's lines (time stamp and host cut off). */
async function sessionsAt(level: number): Promise<string[]> {
  const logFile = path.join(dir, `mail-${level}.log`);
  const saved = process.env.SENDMAIL_LOG;
  process.env.SENDMAIL_LOG = logFile;
  let daemon: ChildProcess | undefined;
  try {
    daemon = await startOurDaemon(dir, ['-odq', '-O', `LogLevel=${level}`]);
    stop = daemon;
    await Promise.all([
      chatFrom(port, '127.0.0.1', ['EHLO client.example.test', 'MAIL FROM:<sender@mail.example.test>', 'RCPT TO:<root@mail.example.test>', ...MESSAGE]),
      chatFrom(port, '127.0.0.2', ['EHLO client.example.test', 'MAIL FROM:<sender@mail.example.test>', 'RCPT TO:<friend@elsewhere.example>', 'QUIT']),
      chatFrom(port, '127.0.0.9', ['EHLO client.example.test', 'QUIT']),
      chatFrom(port, '127.0.0.1', ['EHLO client.example.test', 'QUIT']),
      // the client goes away after MAIL
      chatFrom(port, '127.0.0.1', ['EHLO client.example.test', 'MAIL FROM:<sender@mail.example.test>']),
    ]);
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    if (saved === undefined) delete process.env.SENDMAIL_LOG;
    else process.env.SENDMAIL_LOG = saved;
  }
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'latin1')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ /, ''));
}

let stop: ChildProcess | undefined;
afterEach(async () => {
  if (stop) await stopDaemon(stop);
  stop = undefined;
});

describe('sendmail -bD logging to a file (SENDMAIL_LOG)', () => {
  it('at LogLevel 9: start, from= with msgid, relaying denied, check_relay, no MAIL, lost input channel', async () => {
    const lines = await sessionsAt(9);
    const text = lines.join('\n') + '\n';
    expect(lines[0]).toMatch(/^sendmail\[\d+\]: starting daemon \(8\.17\.1\.9\): SMTP$/);
    const id = String.raw`[0-9A-Za-z]{8}\d{6}`;
    const relay = String.raw`relay=(localhost )?\[127\.0\.0\.1\]`;
    expect(text).toMatch(
      new RegExp(
        String.raw`: ${id}: from=<sender@mail\.example\.test>, size=\d+, class=0, nrcpts=1, msgid=<log-test-1@client\.example\.test>, proto=ESMTP, daemon=MTA, ${relay}\n`,
      ),
    );
    expect(text).toMatch(
      new RegExp(String.raw`: ${id}: ruleset=check_rcpt, arg1=<friend@elsewhere\.example>, relay=(\S+ )?\[127\.0\.0\.2\], reject=550 5\.7\.1 <friend@elsewhere\.example>\.\.\. Relaying denied`),
    );
    // the transaction given up: its from= line with size=0, nrcpts=0, under the same id as the refusal
    const refused = new RegExp(String.raw`: (${id}): ruleset=check_rcpt`).exec(text)?.[1];
    expect(text).toContain(`: ${refused}: from=<sender@mail.example.test>, size=0, class=0, nrcpts=0, proto=ESMTP, daemon=MTA, relay=`);
    expect(text).toMatch(/: ruleset=check_relay, arg1=\S+, arg2=127\.0\.0\.9, relay=\S*\[127\.0\.0\.9\], reject=550 5\.7\.1 Access denied\n/);
    expect(text).toMatch(new RegExp(String.raw`: ${id}: (localhost )?\[127\.0\.0\.1\] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA\n`));
    expect(text).toMatch(new RegExp(String.raw`: ${id}: lost input channel from (localhost )?\[127\.0\.0\.1\] to MTA after mail\n`));
    expect(text).not.toContain('connect from');
  }, 30000);

  it('a local submission logs from=user, relay=user@localhost, without proto or daemon', () => {
    const logFile = path.join(dir, 'local.log');
    const user = os.userInfo().username;
    execFileSync(process.execPath, [SENDMAIL, '-C', 'etc-mail/sendmail.cf', '-odq', 'root'], {
      cwd: dir,
      input: 'Subject: local\n\nhello\n',
      env: { ...process.env, SENDMAIL_LOG: logFile },
    });
    const text = readFileSync(logFile, 'latin1');
    expect(text).toMatch(
      new RegExp(
        String.raw`sendmail\[\d+\]: [0-9A-Za-z]{14}: from=${user}, size=22, class=0, nrcpts=1, msgid=<\d{12}\.[0-9A-Za-z]{14}@mail\.example\.test>, relay=${user}@localhost\n$`,
      ),
    );
  });

  it('a queue run logs the to= line of each delivery (and -q prints it)', () => {
    const logFile = path.join(dir, 'qrun.log');
    const box = path.join(dir, 'logbox.mbox');
    const aliases = path.join(dir, 'etc-mail/aliases');
    writeFileSync(aliases, readFileSync(aliases, 'latin1') + `logbox: ${box}\n`);
    const run = (args: string[], input = ''): string =>
      execFileSync(process.execPath, [SENDMAIL, '-C', 'etc-mail/sendmail.cf', ...args], {
        cwd: dir,
        input,
        env: { ...process.env, SENDMAIL_LOG: logFile },
        encoding: 'latin1',
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    run(['-bi']);
    run(['-odq', 'logbox'], 'Subject: queued\n\nfor the log\n');
    const id = /: ([0-9A-Za-z]{14}): from=/.exec(readFileSync(logFile, 'latin1'))?.[1];
    run(['-qRlogbox']);
    // the alias controls the file: its name with DefaultUser's uid (this cf: the default 1) and gid 0, as sendmail 8.17 logs it
    const line = String.raw`${id}: to=${box.replace(/[.]/g, '\\.')}, ctladdr=logbox \(1\/0\), delay=\d\d:\d\d:\d\d, xdelay=\d\d:\d\d:\d\d, mailer=\*file\*, pri=\d+, dsn=2\.0\.0, stat=Sent`;
    expect(readFileSync(logFile, 'latin1')).toMatch(new RegExp(String.raw`sendmail\[\d+\]: ${line}\n`));
  });

  it('at LogLevel 0: only the start', async () => {
    const lines = await sessionsAt(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/starting daemon/);
  }, 30000);
});
