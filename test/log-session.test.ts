// What one SMTP session logs at the end of a transaction, through
// `bin/sendmail -bs` on a copy of etc-mail/ whose cf refuses at DATA, at
// the end of the headers and at the end of the message by sender
// (check_data, check_eoh, check_eom), logging to a file (SENDMAIL_LOG).
// The expected lines are real sendmail 8.17.1.9's for the same sessions
// (`sendmail -bs -odq` on a hermetic cf with the same three rulesets, its
// syslog read from a private /dev/log):
//
//   ruleset=check_data, arg1=3, relay=root@localhost, reject=550 5.7.1 data refused
//   from=<data@host.example.com>, size=0, class=0, nrcpts=2, proto=ESMTP, relay=root@localhost
//     (RCPT root, root, postmaster: {nrcpts} counts each RCPT, nrcpts= the duplicate once)
//   ruleset=check_eoh, arg1=8, arg2=245, relay=root@localhost, reject=550 5.7.1 eoh refused
//   from=<eoh@host.example.com>, size=253, class=0, nrcpts=1, msgid=<...>, proto=ESMTP, relay=root@localhost
//   to=<root>, delay=00:00:00, pri=30253, stat=eoh refused
//   from=<eom@host.example.com>, size=253, class=0, nrcpts=1, msgid=<...>, proto=ESMTP, relay=root@localhost
//   ruleset=check_eom, arg1=253, relay=root@localhost, reject=550 5.7.1 eom refused
//   to=<root>, delay=00:00:00, pri=30253, stat=eom refused
//     (the to= lines from LogLevel 9; pri= is the size and 30000 a recipient)
//   at LogLevel 10, QUIT after RCPT <root>, <postmaster>:
//   to=<root>, delay=00:00:00, pri=0, stat=aborted by sender
//   to=<postmaster>, delay=00:00:00, pri=0, stat=aborted by sender
//   from=<a@host.example.com>, size=0, class=0, nrcpts=2, proto=ESMTP, relay=root@localhost
//   collect: premature EOM: unexpected close
//   collect: relay=localhost, from=<a@host.example.com>, info=unexpected close
//   from=<a@host.example.com>, size=30, class=0, nrcpts=1, proto=ESMTP, relay=root@localhost
//     (the client went away after "Subject: x", "", "0123456789", "abcdef": 30 bytes as stored)
//
// -bs has no daemon=: sendmail's {daemon_name} is unset there.
import { beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { SENDMAIL, sampleConfigCopy } from './e2e-helpers.js';
import { withPipedStdin } from './smtp-helpers.js';

let dir = '';
beforeAll(() => {
  dir = sampleConfigCopy(2525);
  const refuse = (ruleset: string, who: string): string =>
    `S${ruleset}\nR$*\t\t$: $&f\nR${who} @ $*\t\t$#error $@ 5.7.1 $: "550 ${who} refused"\n`;
  appendFileSync(path.join(dir, 'etc-mail/sendmail.cf'), refuse('check_data', 'data') + refuse('check_eoh', 'eoh') + refuse('check_eom', 'eom'));
}, 20000);

/**
 * One `sendmail -bs` session: each command after the previous reply; the
 * lines after DATA go as the message once 354 came (`drop`: then the input
 * ends without the final dot).  Returns the log file's lines (time stamp,
 * host and tag cut off).
 */
function session(logName: string, commands: readonly string[], message: readonly string[], drop = false, extra: readonly string[] = []): Promise<string[]> {
  const logFile = path.join(dir, logName);
  const child = spawn(...withPipedStdin(process.execPath, [SENDMAIL, '-C', 'etc-mail/sendmail.cf', '-odq', ...extra, '-bs']), {
    cwd: dir,
    env: { ...process.env, SENDMAIL_LOG: logFile },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const queue = [...commands];
  let buffered = '';
  child.stdout.setEncoding('latin1');
  child.stdout.on('data', (text: string) => {
    buffered += text;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (/^\d{3}-/.test(line)) continue;
      if (line.startsWith('354')) {
        child.stdin.write(message.map((l) => `${l}\r\n`).join(''));
        if (drop) child.stdin.end();
        else child.stdin.write('.\r\n');
        continue;
      }
      const next = queue.shift();
      if (next === undefined) child.stdin.end();
      else child.stdin.write(`${next}\r\n`);
    }
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill(), 15000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(
        readFileSync(logFile, 'latin1')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => l.replace(/^.*? sendmail\[\d+\]: [0-9A-Za-z]{14}: /, '')),
      );
    });
  });
}

const ID = '<m1@client.example.test>';
const HEADERS = ['Subject: x', `Message-Id: ${ID}`, '', '0123456789'];

describe('sendmail -bs: the log of a transaction that ends without a message', () => {
  it('check_data: its ruleset= line with {nrcpts} as arg1, then from= with size=0 and nrcpts= counting a duplicate once', async () => {
    const rcpts = ['RCPT TO:<root@mail.example.test>', 'RCPT TO:<root@mail.example.test>', 'RCPT TO:<postmaster@mail.example.test>'];
    const lines = await session('data.log', ['EHLO client.example.test', 'MAIL FROM:<data@mail.example.test>', ...rcpts, 'DATA', 'QUIT'], HEADERS);
    expect(lines).toEqual([
      'ruleset=check_data, arg1=3, relay=root@localhost, reject=550 5.7.1 data refused',
      'from=<data@mail.example.test>, size=0, class=0, nrcpts=2, proto=ESMTP, relay=root@localhost',
    ]);
  });

  it('check_eoh: its ruleset= line (header count, length) before the from= line with the size and msgid', async () => {
    const lines = await session('eoh.log', ['EHLO client.example.test', 'MAIL FROM:<eoh@mail.example.test>', 'RCPT TO:<root@mail.example.test>', 'DATA', 'QUIT'], HEADERS);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe(`to=<root@mail.example.test>, delay=00:00:00, pri=${30000 + Number(lines[1]!.match(/size=(\d+)/)![1])}, stat=eoh refused`);
    expect(lines[0]).toMatch(/^ruleset=check_eoh, arg1=\d+, arg2=\d+, relay=root@localhost, reject=550 5\.7\.1 eoh refused$/);
    expect(lines[1]).toBe(`from=<eoh@mail.example.test>, size=${lines[1]!.match(/size=(\d+)/)![1]}, class=0, nrcpts=1, msgid=${ID}, proto=ESMTP, relay=root@localhost`);
    expect(Number(lines[1]!.match(/size=(\d+)/)![1])).toBeGreaterThan(40);
  });

  it('check_eom: the from= line first, then its ruleset= line with the size as arg1', async () => {
    const lines = await session('eom.log', ['EHLO client.example.test', 'MAIL FROM:<eom@mail.example.test>', 'RCPT TO:<root@mail.example.test>', 'DATA', 'QUIT'], HEADERS);
    const size = lines[0]?.match(/size=(\d+)/)?.[1];
    expect(lines).toEqual([
      `from=<eom@mail.example.test>, size=${size}, class=0, nrcpts=1, msgid=${ID}, proto=ESMTP, relay=root@localhost`,
      `ruleset=check_eom, arg1=${size}, relay=root@localhost, reject=550 5.7.1 eom refused`,
      `to=<root@mail.example.test>, delay=00:00:00, pri=${30000 + Number(size)}, stat=eom refused`,
    ]);
  });

  it('at LogLevel 10 a transaction given up logs each recipient "aborted by sender" before its from= line', async () => {
    const rcpts = ['RCPT TO:<root@mail.example.test>', 'RCPT TO:<postmaster@mail.example.test>'];
    const lines = await session('aborted.log', ['EHLO client.example.test', 'MAIL FROM:<a@mail.example.test>', ...rcpts, 'QUIT'], [], false, ['-O', 'LogLevel=10']);
    expect(lines.filter((l) => !l.includes('NOQUEUE: connect from'))).toEqual([
      'to=<root@mail.example.test>, delay=00:00:00, pri=0, stat=aborted by sender',
      'to=<postmaster@mail.example.test>, delay=00:00:00, pri=0, stat=aborted by sender',
      'from=<a@mail.example.test>, size=0, class=0, nrcpts=2, proto=ESMTP, relay=root@localhost',
    ]);
  });

  it('the client gone during DATA: collect lines, then from= with the bytes received so far (CRLF counted as one)', async () => {
    const lines = await session(
      'drop.log',
      ['EHLO client.example.test', 'MAIL FROM:<a@mail.example.test>', 'RCPT TO:<root@mail.example.test>', 'DATA'],
      ['Subject: x', '', '0123456789', 'abcdef'],
      true,
    );
    expect(lines).toEqual([
      'collect: premature EOM: unexpected close',
      'collect: relay=localhost, from=<a@mail.example.test>, info=unexpected close',
      'from=<a@mail.example.test>, size=30, class=0, nrcpts=1, proto=ESMTP, relay=root@localhost',
    ]);
  });
});
