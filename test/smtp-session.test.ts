// The session state machine without sockets: policy decisions at the end of
// the message (quarantine, discard, tempfail), the Received: hook, and the
// typed decisions (a reject needs a 5xx reply, a tempfail a 4xx one).
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SmtpSession } from '../src/smtp/session.js';
import { InMemoryPolicy, DecisionTypeError, quarantine, discard, reject, tempfail, type Decision } from '../src/smtp/policy.js';
import { formatReply, makeReply } from '../src/smtp/reply.js';
import { QueueDirectory } from '../src/queue/queue-directory.js';
import { QueueIdGenerator } from '../src/queue/queue-id.js';
import { tempDir } from './smtp-helpers.js';

function session(endOfMessage: Decision, extra: { receivedHeader?: (m: ReadonlyMap<string, string>) => string } = {}): { s: SmtpSession; dir: string } {
  const dir = tempDir('smtp-session-');
  const s = new SmtpSession({
    identity: { hostName: 'mx.example.com', version: '8.17.1.9' },
    policy: new InMemoryPolicy({ localUsers: ['root'], localDomains: ['mx.example.com'], endOfMessage }),
    queue: new QueueDirectory(dir),
    ids: new QueueIdGenerator(42, 0),
    daemon: { name: 'MTA', addr: '127.0.0.1', port: 25, family: 'inet', modifiers: '' },
    client: { addr: '192.0.2.7', port: 40000, name: 'client.example.org', resolve: 'OK' },
    ...extra,
  });
  return { s, dir };
}

async function send(s: SmtpSession): Promise<string> {
  await s.start();
  for (const c of ['EHLO c.example.org', 'MAIL FROM:<a@example.org>', 'RCPT TO:<root>']) await s.command(c);
  expect((await s.command('DATA')).next).toBe('data');
  return formatReply(await s.message(Buffer.from('Subject: t\r\n\r\nbody\r\n'), 20));
}

describe('end-of-message decisions', () => {
  it('quarantine: queued as hf with the q line, 250', async () => {
    const { s, dir } = session(quarantine('looks like spam'));
    expect(await send(s)).toMatch(/^250 2\.0\.0 \w{14} Message accepted for delivery\r\n$/);
    const hf = readdirSync(dir).find((f) => f.startsWith('hf')) ?? '';
    expect(readFileSync(path.join(dir, hf), 'latin1')).toContain('${daemon_flags}\nqlooks like spam\nS<a@example.org>\n');
    expect(readdirSync(dir).filter((f) => f.startsWith('qf'))).toEqual([]);
  });
  it('discard: 250 and nothing queued', async () => {
    const { s, dir } = session(discard());
    expect(await send(s)).toMatch(/^250 2\.0\.0 /);
    expect(readdirSync(dir)).toEqual([]);
  });
  it('tempfail: the 4xx reply and nothing queued', async () => {
    const { s, dir } = session(tempfail(makeReply(451, '4.7.1', 'Please try again later')));
    expect(await send(s)).toBe('451 4.7.1 Please try again later\r\n');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('typed decisions', () => {
  it('refuse a reject with a 4xx reply and a tempfail with a 5xx reply', () => {
    expect(() => reject(makeReply(451, '4.7.1', 'x'))).toThrow(DecisionTypeError);
    expect(() => tempfail(makeReply(550, '5.7.1', 'x'))).toThrow(DecisionTypeError);
  });
});

describe('Received: from the configuration', () => {
  it('uses the hook with the message macros', async () => {
    let seen: ReadonlyMap<string, string> | undefined;
    const { s, dir } = session(quarantine('x'), {
      receivedHeader: (m) => {
        seen = m;
        return ` from ${m.get('s')} by ${m.get('j')} id ${m.get('i')} for ${m.get('u')}`;
      },
    });
    await send(s);
    const qf = readFileSync(path.join(dir, readdirSync(dir).find((f) => f.startsWith('hf')) ?? ''), 'latin1');
    expect(qf).toContain(`H??Received: from c.example.org by mx.example.com id ${seen?.get('i')} for <root>\n`);
    expect(seen?.get('client_addr')).toBe('192.0.2.7');
    expect(seen?.get('_')).toBe('client.example.org [192.0.2.7]');
    expect(seen?.get('r')).toBe('ESMTP');
  });
});

describe('bad commands (sendmail MAXBADCOMMANDS)', () => {
  it('answers the 26th unrecognized command with 421 and closes; NOOP and RSET do not count', async () => {
    const { s } = session(discard());
    await s.start();
    for (let i = 1; i <= 25; i++) {
      expect((await s.command(`XYZZY${i}`)).reply.code).toBe(500);
      expect((await s.command('NOOP')).reply.code).toBe(250);
    }
    const last = await s.command('XYZZY26');
    expect(formatReply(last.reply)).toBe('421 4.7.0 mx.example.com Too many bad commands; closing connection\r\n');
    expect(last.next).toBe('close');
  });
});

describe('a discarded envelope', () => {
  it('after check_mail says discard: recipients are asked with discarding set, the message gets 250 and is not queued', async () => {
    const seen: boolean[] = [];
    class DiscardingSender extends InMemoryPolicy {
      override mail(): Decision {
        return discard();
      }
      override rcpt(m: ReadonlyMap<string, string>, r: string, p: ReadonlyMap<string, string>, envelope?: { discarding: boolean }) {
        seen.push(envelope?.discarding === true);
        return super.rcpt(m, r);
      }
    }
    const dir = tempDir('smtp-session-');
    const s = new SmtpSession({
      identity: { hostName: 'mx.example.com', version: '8.17.1.9' },
      policy: new DiscardingSender({ localUsers: ['root'], localDomains: ['mx.example.com'] }),
      queue: new QueueDirectory(dir),
      ids: new QueueIdGenerator(42, 0),
      daemon: { name: 'MTA', addr: '127.0.0.1', port: 25, family: 'inet', modifiers: '' },
      client: { addr: '192.0.2.7', port: 40000, name: 'client.example.org', resolve: 'OK' },
    });
    await s.start();
    for (const c of ['EHLO c.example.org', 'MAIL FROM:<a@example.org>', 'RCPT TO:<root>']) expect((await s.command(c)).reply.code).toBeLessThan(300);
    expect((await s.command('DATA')).next).toBe('data');
    expect(formatReply(await s.message(Buffer.from('Subject: t\r\n\r\nbody\r\n'), 20))).toMatch(/^250 2\.0\.0 \S+ Message accepted for delivery/);
    expect(seen).toEqual([true]);
    expect(readdirSync(dir).filter((f) => /^[qd]f/.test(f))).toEqual([]);
  });
});
