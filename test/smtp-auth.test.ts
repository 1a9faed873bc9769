// SMTP AUTH on our daemon (no TLS needed: AuthOptions without p), checked
// against a saslauthd stand-in speaking the real counted-string protocol on
// a unix socket: the exact replies (real sendmail 8.17.1.9's texts), the
// request saslauthd gets, relaying refused without AUTH and allowed after it
// (the cf's check_rcpt trusts {auth_type} in class {TrustAuthMech}), and the
// Received: header of the message ("authenticated", ESMTPA).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCountedString, countedString } from '../src/smtp/auth-saslauthd.js';
import { decodeBase64 } from '../src/smtp/auth.js';
import { tempDir } from './smtp-helpers.js';
import { startFakeSaslauthd, startTestDaemon, tlsChat, type FakeSaslauthd, type TestDaemon } from './smtp-tls-helpers.js';

const PLAIN_ALICE = Buffer.from('\0alice\0secret').toString('base64');
const PLAIN_WRONG = Buffer.from('\0alice\0wrong').toString('base64');
const AUTH_CF = ['O AuthMechanisms=PLAIN LOGIN CRAM-MD5', 'O AuthOptions=y', 'C{TrustAuthMech}PLAIN LOGIN'];

/** The reply lines of a transcript (no commands, no EHLO extension lines but AUTH/STARTTLS). */
const replies = (t: string[]): string[] => t.filter((l) => !l.startsWith('>>> ') && !/^250-(?!AUTH|STARTTLS)/.test(l) && !l.startsWith('220 mail'));

describe('counted strings', () => {
  it('round-trips and waits for the whole string', () => {
    const b = countedString('alice');
    expect([...b.subarray(0, 2)]).toEqual([0, 5]);
    expect(readCountedString(b)).toEqual({ text: 'alice', used: 7 });
    expect(readCountedString(b.subarray(0, 4))).toBeUndefined();
    expect(decodeBase64('=')).toEqual(Buffer.alloc(0));
    expect(decodeBase64('!!!')).toBeUndefined();
  });
});

describe('AUTH PLAIN and LOGIN against saslauthd', () => {
  let sasl: FakeSaslauthd;
  let daemon: TestDaemon;

  beforeAll(async () => {
    sasl = await startFakeSaslauthd(tempDir('saslauthd-'), { alice: 'secret' });
    // failed attempts slow AUTH down (1 s, 2 s, 4 s ... in sendmail): 5 ms here
    daemon = await startTestDaemon(AUTH_CF, { saslauthdPath: sasl.socketPath, authFailureDelayMs: 5 });
  });

  afterAll(async () => {
    await daemon?.close();
    await sasl?.close();
  });

  it('offers the implemented mechanisms of AuthMechanisms and answers as sendmail does', async () => {
    const t = await tlsChat({ port: daemon.port }, [
      'EHLO client.example',
      'AUTH',
      'AUTH CRAM-MD5',
      'AUTH PLAIN !!!',
      'AUTH PLAIN',
      '*',
      'AUTH LOGIN',
      Buffer.from('alice').toString('base64'),
      Buffer.from('wrong').toString('base64'),
      `AUTH PLAIN ${PLAIN_WRONG}`,
      'AUTH PLAIN',
      'not base64',
      'MAIL FROM:<sender@mail.example.test>',
      `AUTH PLAIN ${PLAIN_ALICE}`,
      'RSET',
      `AUTH PLAIN ${PLAIN_ALICE}`,
      `AUTH PLAIN ${PLAIN_ALICE}`,
      'QUIT',
    ]);
    expect(replies(t)).toEqual([
      '250-AUTH PLAIN LOGIN',
      '250 HELP',
      '501 5.5.2 AUTH mechanism must be specified',
      '504 5.3.3 AUTH mechanism CRAM-MD5 not available',
      "501 5.5.4 cannot BASE64 decode '!!!'",
      '334 ',
      '501 5.0.0 AUTH aborted',
      '334 VXNlcm5hbWU6',
      '334 UGFzc3dvcmQ6',
      '535 5.7.0 authentication failed',
      '535 5.7.0 authentication failed',
      '334 ',
      '501 5.5.4 cannot decode AUTH parameter not base64',
      '250 2.1.0 <sender@mail.example.test>... Sender ok',
      '503 5.5.0 AUTH not permitted during a mail transaction',
      '250 2.0.0 Reset state',
      '235 2.0.0 OK Authenticated',
      '503 5.5.0 Already Authenticated',
      '221 2.0.0 mail.example.test closing connection',
    ]);
    expect(sasl.requests.slice(-3)).toEqual([
      ['alice', 'wrong', 'smtp', ''],
      ['alice', 'wrong', 'smtp', ''],
      ['alice', 'secret', 'smtp', ''],
    ]);
  });

  it('refuses relaying without AUTH and relays after it, with the AUTH facts in Received:', async () => {
    const script = (auth: string[]): string[] => [
      'EHLO client.example',
      ...auth,
      'MAIL FROM:<sender@mail.example.test>',
      'RCPT TO:<x@elsewhere.example>',
      'DATA',
      'Subject: relayed\r\n\r\nhello\r\n.',
      'QUIT',
    ];
    const refused = await tlsChat({ port: daemon.port, localAddress: '127.0.0.2' }, script([]));
    expect(refused).toContain('550 5.7.1 <x@elsewhere.example>... Relaying denied');
    const before = daemon.queued().length;
    const relayed = await tlsChat({ port: daemon.port, localAddress: '127.0.0.2' }, script([`AUTH PLAIN ${PLAIN_ALICE}`]));
    expect(relayed).toContain('235 2.0.0 OK Authenticated');
    expect(relayed).toContain('250 2.1.5 <x@elsewhere.example>... Recipient ok');
    const qf = daemon.queued();
    expect(qf.length).toBe(before + 1);
    const mine = qf.find((q) => q.includes('Subject: relayed'))!;
    expect(mine).toMatch(/\n\$rESMTPA\n/);
    expect(mine).toMatch(/\nH\?\?Received: from client\.example \(client\.example \[127\.0\.0\.2\]\)\n\t\(authenticated bits=0\)\n\tby mail\.example\.test \([^)]*\) with ESMTPA id /);
  });

  it('slows AUTH down after failed attempts, doubling the wait each time', async () => {
    const started = Date.now();
    const t = await tlsChat({ port: daemon.port }, ['EHLO client.example', 'AUTH', 'AUTH FOO', 'AUTH BAR', 'AUTH BAZ', 'AUTH QUX', 'QUIT']);
    expect(t.filter((l) => /^50[14] /.test(l))).toHaveLength(5);
    // 2 failures: 5 ms, then 10, 20 (doubling); the whole session takes at least their sum
    expect(Date.now() - started).toBeGreaterThanOrEqual(5 + 10 + 20);
  });

  it('fails (535) when saslauthd cannot be reached', async () => {
    const lonely = await startTestDaemon(AUTH_CF);
    try {
      const t = await tlsChat({ port: lonely.port }, ['EHLO client.example', `AUTH PLAIN ${PLAIN_ALICE}`, 'QUIT']);
      expect(t).toContain('535 5.7.0 authentication failed');
    } finally {
      await lonely.close();
    }
  });

  it('keeps plaintext mechanisms back without TLS under AuthOptions p', async () => {
    const strict = await startTestDaemon(['O AuthMechanisms=PLAIN LOGIN', 'O AuthOptions=p,y'], { saslauthdPath: sasl.socketPath });
    try {
      const t = await tlsChat({ port: strict.port }, ['EHLO client.example', `AUTH PLAIN ${PLAIN_ALICE}`, 'QUIT']);
      expect(t.some((l) => l.startsWith('250-AUTH'))).toBe(false);
      expect(t).toContain('503 5.3.3 AUTH not available');
    } finally {
      await strict.close();
    }
  });
});
