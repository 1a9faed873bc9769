// End to end, on a fresh machine (Node only): bin/sendmail -bD on a copy of
// etc-mail/ listening on a free loopback port, SMTP from 127.0.0.1 (RELAY in
// the access map) and from 127.0.0.2 (not listed: an unauthorised client),
// replies and queue files checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { hasTool } from './smtp-helpers.js';
import { chatFrom, freePort, replyTo, sampleConfigCopy, startOurDaemon, stopDaemon } from './e2e-helpers.js';

const noSwaks = !hasTool('swaks');
if (noSwaks) console.log('swaks tests skipped: swaks is not installed (apt-get install swaks)');

/** swaks against our daemon; its transcript (stdout and stderr), whatever the exit status. */
function swaks(port: number, args: string[]): string {
  try {
    return execFileSync('swaks', ['--server', `127.0.0.1:${port}`, '--timeout', '15', ...args], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}

const MESSAGE = ['DATA', '<DATA>', 'Subject: e2e', '', 'hello', '.', 'QUIT'];

describe('sendmail -bD with the sample cf', () => {
  let dir = '';
  let port = 0;
  let daemon: ChildProcess;
  const queue = (): string[] => readdirSync(path.join(dir, 'var/spool/mqueue')).filter((f) => f.startsWith('qf'));

  beforeAll(async () => {
    port = await freePort();
    dir = sampleConfigCopy(port);
    daemon = await startOurDaemon(dir, ['-odq']);
  }, 20000);
  afterAll(async () => {
    if (daemon) await stopDaemon(daemon);
  });

  it('takes mail for local users and relays for the RELAY client, and queues it', async () => {
    const t = await chatFrom(port, '127.0.0.1', [
      'EHLO client.example.test',
      'MAIL FROM:<sender@mail.example.test>',
      'RCPT TO:<root@mail.example.test>',
      'RCPT TO:<postmaster>',
      'RCPT TO:<nosuchuser@mail.example.test>',
      'RCPT TO:<nobody@mail.example.test>',
      'RCPT TO:<friend@elsewhere.example>',
      ...MESSAGE,
    ]);
    expect(t[0]).toMatch(/^220 mail\.example\.test ESMTP Sendmail 8\.17\.1\.9\//);
    expect(replyTo(t, 'MAIL FROM:<sender@mail.example.test>')).toBe('250 2.1.0 <sender@mail.example.test>... Sender ok');
    expect(replyTo(t, 'RCPT TO:<root@mail.example.test>')).toBe('250 2.1.5 <root@mail.example.test>... Recipient ok');
    expect(replyTo(t, 'RCPT TO:<postmaster>')).toBe('250 2.1.5 <postmaster>... Recipient ok');
    expect(replyTo(t, 'RCPT TO:<nosuchuser@mail.example.test>')).toBe('550 5.1.1 <nosuchuser@mail.example.test>... User unknown');
    expect(replyTo(t, 'RCPT TO:<nobody@mail.example.test>')).toBe('550 5.1.1 <nobody@mail.example.test>... No such user');
    expect(replyTo(t, 'RCPT TO:<friend@elsewhere.example>')).toBe('250 2.1.5 <friend@elsewhere.example>... Recipient ok');
    const accepted = replyTo(t, '(message)');
    expect(accepted).toMatch(/^250 2\.0\.0 (\S+) Message accepted for delivery$/);
    const id = /^250 2\.0\.0 (\S+)/.exec(accepted)![1]!;
    expect(queue()).toContain(`qf${id}`);
    const qf = readFileSync(path.join(dir, 'var/spool/mqueue', `qf${id}`), 'latin1');
    expect(qf).toMatch(/^S<sender@mail\.example\.test>$/m);
    expect(qf.match(/^R.*$/gm)).toEqual(['RPFD:<root@mail.example.test>', 'RPFD:<postmaster>', 'RPFD:<friend@elsewhere.example>']);
    expect(readFileSync(path.join(dir, 'var/spool/mqueue', `df${id}`), 'latin1')).toBe('hello\n');
  });

  it('refuses a sender the access map rejects', async () => {
    const t = await chatFrom(port, '127.0.0.1', ['EHLO c', 'MAIL FROM:<spammer@bad.example>', 'MAIL FROM:<x@bad.example>', 'QUIT']);
    expect(replyTo(t, 'MAIL FROM:<spammer@bad.example>')).toBe('550 5.7.1 <spammer@bad.example>... Access denied');
    expect(replyTo(t, 'MAIL FROM:<x@bad.example>')).toBe('550 5.7.1 <x@bad.example>... Access denied');
  });

  it('is no open relay: every relaying trick from an unauthorised client is refused and nothing is queued', async () => {
    const before = queue().length;
    const tricks = [
      '<friend@elsewhere.example>',
      '<friend%elsewhere.example@mail.example.test>',
      '<elsewhere.example!friend@mail.example.test>',
      '<elsewhere.example!friend>',
      '<"friend@elsewhere.example"@mail.example.test>',
      '<"friend@elsewhere.example">',
      '<@mail.example.test:friend@elsewhere.example>',
      '<friend@[192.0.2.55]>',
      '<friend@elsewhere.example.>',
      '<friend%elsewhere.example@[127.0.0.1]>',
      '<friend@elsewhere.example@mail.example.test>',
    ];
    const t = await chatFrom(port, '127.0.0.2', ['EHLO c', 'MAIL FROM:<sender@mail.example.test>', ...tricks.map((r) => `RCPT TO:${r}`), ...MESSAGE]);
    for (const r of tricks) {
      const reply = replyTo(t, `RCPT TO:${r}`);
      expect(reply, r).toMatch(/^5\d\d /);
      expect(reply, r).toContain(`${r}... `);
    }
    expect(replyTo(t, 'RCPT TO:<friend@elsewhere.example>')).toBe('550 5.7.1 <friend@elsewhere.example>... Relaying denied. IP name lookup failed [127.0.0.2]');
    expect(replyTo(t, 'DATA')).toBe('503 5.0.0 Need RCPT (recipient)');
    expect(queue().length).toBe(before);
  });

  it('lets the unauthorised client send to local users and relay domains', async () => {
    const t = await chatFrom(port, '127.0.0.2', ['EHLO c', 'MAIL FROM:<sender@mail.example.test>', 'RCPT TO:<root@mail.example.test>', 'RCPT TO:<x@relay.example.test>', 'QUIT']);
    expect(replyTo(t, 'RCPT TO:<root@mail.example.test>')).toBe('250 2.1.5 <root@mail.example.test>... Recipient ok');
    expect(replyTo(t, 'RCPT TO:<x@relay.example.test>')).toBe('250 2.1.5 <x@relay.example.test>... Recipient ok');
  });

  it.skipIf(noSwaks)('swaks delivers into the queue from 127.0.0.1 and is refused relaying from 127.0.0.2', () => {
    const before = queue().length;
    const ok = swaks(port, ['--from', 'you@mail.example.test', '--to', 'postmaster@mail.example.test']);
    expect(ok).toMatch(/<- {2}250 2\.0\.0 \S+ Message accepted for delivery/);
    expect(queue().length).toBe(before + 1);
    const denied = swaks(port, ['--local-interface', '127.0.0.2', '--from', 'you@mail.example.test', '--to', 'friend@elsewhere.example']);
    expect(denied).toContain('<** 550 5.7.1 <friend@elsewhere.example>... Relaying denied. IP name lookup failed [127.0.0.2]');
    expect(queue().length).toBe(before + 1);
  });
});
