// Contract tests of the SMTP daemon: the adapter on a real socket on
// 127.0.0.1, exact reply lines as real sendmail 8.17.1.9 gives them (the
// expected lines were recorded from `sendmail -bd` with the same tables), a
// and swaks when installed.  test/smtp-vs-sendmail.test.ts runs real
// sendmail side by side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseDaemonOptions } from '../src/smtp/adapter.js';
import { hasTool } from './smtp-helpers.js';
import {
  EHLO_REPLY,
  crlfLines,
  GREETING,
  SCRIPT_AND_REPLIES,
  chat,
  expectedOf,
  mask,
  recordedPolicy,
  scriptOf,
  startDaemon,
  type Daemon,
} from './smtp-fixtures.js';

const execFileAsync = promisify(execFile);

describe('SMTP adapter contract (real socket on 127.0.0.1)', () => {
  let daemon: Daemon;
  beforeAll(async () => {
    daemon = await startDaemon();
  });
  afterAll(async () => {
    await daemon.listeners.close();
  });

  it('answers every command with sendmail 8.17.1.9 exact replies', async () => {
    const script = [...scriptOf(SCRIPT_AND_REPLIES), '<DATA>', 'Subject: hi', '', 'hello', '.', 'RSET', 'QUIT'];
    const t = await chat(daemon.port, script);
    expect(t[0]).toMatch(GREETING);
    expect(mask(t.slice(1))).toEqual([
      ...expectedOf(SCRIPT_AND_REPLIES),
      '>>> (message)',
      '250 2.0.0 QID Message accepted for delivery',
      '>>> RSET',
      '250 2.0.0 Reset state',
      '>>> QUIT',
      '221 2.0.0 mx.example.com closing connection',
    ]);
  });

  it('has the message on disk (qf and df) when the 250 arrives', async () => {
    const t = await chat(daemon.port, [
      'EHLO c.example.org',
      'MAIL FROM:<a@example.org> BODY=8BITMIME RET=HDRS ENVID=env1',
      'RCPT TO:<root> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;root@mx.example.com',
      'RCPT TO:<other@example.org>',
      'DATA',
      '<DATA>',
      'Subject: hi',
      'From: A <a@example.org>',
      '',
      '..dot-stuffed line',
      'hello',
      '.',
      'QUIT',
    ]);
    const accepted = t.find((l) => l.startsWith('250 2.0.0 ') && l.endsWith('Message accepted for delivery'));
    const id = accepted?.split(' ')[2] ?? '';
    const qf = readFileSync(path.join(daemon.queueDir, `qf${id}`), 'latin1');
    expect(readFileSync(path.join(daemon.queueDir, `df${id}`), 'latin1')).toBe('.dot-stuffed line\nhello\n');
    expect(qf).toMatch(/^V8\nT\d+\nK0\nN0\nP60061\nB7BIT\nFdns\n/);
    expect(qf).toContain(
      '$_localhost [127.0.0.1]\n$rESMTP\n$sc.example.org\n${daemon_flags}\nS<a@example.org>\nZenv1\n' +
        'Qrfc822;root@mx.example.com\nrRFC822; root@mx.example.com\nRPNSF:<root>\n' +
        'rRFC822; other@example.org\nRPFD:<other@example.org>\nH?P?Return-Path: <\x81g>\n' +
        'H??Received: from c.example.org (localhost [127.0.0.1])\n\tby mx.example.com (8.17.1.9/8.17.1.9) with ESMTP id ',
    );
    expect(qf).toMatch(/\nH\?M\?Message-Id: <\d{12}\.\w+@mx\.example\.com>\nH\?\?Subject: hi\nH\?\?From: A <a@example\.org>\n\.\n$/);
    expect(readdirSync(daemon.queueDir).filter((f) => !/^[qd]f/.test(f))).toEqual([]);
  });

  it('refuses a message over MaxMessageSize after DATA with 552 5.2.3', async () => {
    const body = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(60)}`);
    const t = await chat(daemon.port, ['EHLO c.example.org', 'MAIL FROM:<a@example.org>', 'RCPT TO:<root>', 'DATA', '<DATA>', ...body, '.', 'QUIT']);
    expect(t.slice(-3)).toEqual(['552 5.2.3 Message exceeds maximum fixed size (10000)', '>>> QUIT', '221 2.0.0 mx.example.com closing connection']);
  });

  it('treats commands pipelined after EHLO as a protocol error, as sendmail does', async () => {
    const t = await chat(daemon.port, ['EHLO c.example.org\r\nMAIL FROM:<a@example.org>\r\n'], true);
    expect(t.slice(1, 4)).toEqual(['>>> EHLO c.example.org\r\nMAIL FROM:<a@example.org>\r\n', '554 5.5.0 SMTP protocol error', '550 5.0.0 Command rejected']);
  });

  it('goaway privacy: VRFY 252 (even before HELO), no EXPN, no VERB', async () => {
    const d = await startDaemon({ privacy: ['goaway'] });
    try {
      const t = await chat(d.port, ['VRFY root', 'EHLO c.example.org', 'VRFY root', 'EXPN root', 'VERB', 'MAIL FROM:<a@example.org>', 'QUIT']);
      expect(t.slice(1)).toEqual([
        '>>> VRFY root',
        '252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)',
        '>>> EHLO c.example.org',
        '250-mx.example.com Hello localhost [127.0.0.1], pleased to meet you',
        '250-ENHANCEDSTATUSCODES',
        '250-PIPELINING',
        '250-8BITMIME',
        '250-SIZE 10000',
        '250-DSN',
        '250-ETRN',
        '250-DELIVERBY',
        '250 HELP',
        '>>> VRFY root',
        '252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)',
        '>>> EXPN root',
        '502 5.7.0 Sorry, we do not allow this operation',
        '>>> VERB',
        '502 5.7.0 Verbose unavailable',
        '>>> MAIL FROM:<a@example.org>',
        '250 2.1.0 <a@example.org>... Sender ok',
        '>>> QUIT',
        '221 2.0.0 mx.example.com closing connection',
      ]);
    } finally {
      await d.listeners.close();
    }
  });

  it('needvrfyhelo and needexpnhelo ask for HELO in their own words (real 8.17)', async () => {
    const d = await startDaemon({ privacy: ['needvrfyhelo', 'needexpnhelo', 'needmailhelo'] });
    try {
      const t = await chat(d.port, ['VRFY root', 'EXPN root', 'MAIL FROM:<a@example.org>', 'QUIT']);
      expect(t.slice(1)).toEqual([
        '>>> VRFY root',
        '503 5.0.0 I demand that you introduce yourself first',
        '>>> EXPN root',
        '503 5.0.0 I demand that you introduce yourself first',
        '>>> MAIL FROM:<a@example.org>',
        '503 5.0.0 Polite people say HELO first',
        '>>> QUIT',
        '221 2.0.0 mx.example.com closing connection',
      ]);
    } finally {
      await d.listeners.close();
    }
  });

  it('noetrn, needmailhelo and no help file', async () => {
    const d = await startDaemon({ privacy: ['noetrn', 'needmailhelo'], helpFile: undefined });
    try {
      const t = await chat(d.port, ['MAIL FROM:<a@example.org>', 'ETRN example.org', 'HELP', 'STARTTLS', 'AUTH PLAIN', 'QUIT']);
      expect(t.slice(1)).toEqual([
        '>>> MAIL FROM:<a@example.org>',
        '503 5.0.0 Polite people say HELO first',
        '>>> ETRN example.org',
        '502 5.7.0 Sorry, we do not allow this operation',
        '>>> HELP',
        '502 5.3.0 Sendmail 8.17.1.9 -- HELP not implemented',
        '>>> STARTTLS',
        '454 4.3.3 TLS not available after start',
        '>>> AUTH PLAIN',
        '504 5.3.3 AUTH mechanism PLAIN not available',
        '>>> QUIT',
        '221 2.0.0 mx.example.com closing connection',
      ]);
    } finally {
      await d.listeners.close();
    }
  });

  it('a client refused at connect (check_relay 5xx) gets the refusal at MAIL, RCPT, DATA, VRFY, HELP', async () => {
    const d = await startDaemon({}, recordedPolicy({ rejectClient: true }));
    try {
      const t = await chat(d.port, ['EHLO c.example.org', 'MAIL FROM:<a@example.org>', 'RCPT TO:<root>', 'DATA', 'VRFY root', 'NOOP', 'RSET', 'HELP', 'FOO', 'QUIT']);
      expect(t[0]).toMatch(GREETING);
      expect(t.slice(1)).toEqual([
        '>>> EHLO c.example.org',
        '250-mx.example.com Hello localhost [127.0.0.1], pleased to meet you',
        '250 ENHANCEDSTATUSCODES',
        '>>> MAIL FROM:<a@example.org>',
        '550 5.7.1 Access denied',
        '>>> RCPT TO:<root>',
        '550 5.7.1 Access denied',
        '>>> DATA',
        '550 5.7.1 Access denied',
        '>>> VRFY root',
        '550 5.7.1 Access denied',
        '>>> NOOP',
        '250 2.0.0 OK',
        '>>> RSET',
        '250 2.0.0 Reset state',
        '>>> HELP',
        '550 5.7.1 Access denied',
        '>>> FOO',
        '500 5.5.1 Command unrecognized: "FOO"',
        '>>> QUIT',
        '221 2.0.0 mx.example.com closing connection',
      ]);
    } finally {
      await d.listeners.close();
    }
  });

  it('a client tempfailed at connect with 421 gets it instead of the greeting and is disconnected', async () => {
    const d = await startDaemon({}, recordedPolicy({ tempfailClient: true }));
    try {
      expect(await chat(d.port, ['EHLO c.example.org'])).toEqual(['421 4.3.2 go away now', '>>> EHLO c.example.org']);
    } finally {
      await d.listeners.close();
    }
  });

  it('closes an idle connection after Timeout.command without a reply, as sendmail does', async () => {
    const { port, listeners } = await startDaemon({}, recordedPolicy(), { timeouts: { command: 300 } });
    try {
      const t0 = Date.now();
      const received = await new Promise<string>((resolve) => {
        let text = '';
        const socket = net.connect(port, '127.0.0.1');
        socket.on('data', (d) => (text += d.toString('latin1')));
        socket.on('close', () => resolve(text));
      });
      const elapsed = Date.now() - t0;
      expect(received).toMatch(/^220 [^\r\n]*\r\n$/); // the greeting and nothing else
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(5000);
    } finally {
      await listeners.close();
    }
  });
});

describe('greet_pause', () => {
  it('refuses a client that talks before the greeting, as sendmail does', async () => {
    const d = await startDaemon({}, recordedPolicy({ greetPauseMs: 2000 }));
    try {
      const t0 = Date.now();
      const lines = await new Promise<string[]>((resolve) => {
        const out: string[] = [];
        const script = ['MAIL FROM:<a@example.org>', 'NOOP', 'VRFY root', 'QUIT'];
        const s = net.connect(d.port, '127.0.0.1', () => s.write('EHLO early.example.org\r\n'));
        s.on(
          'data',
          crlfLines((line) => {
            out.push(line);
            if (/^\d{3} /.test(line) && !line.startsWith('554 mx')) s.write(`${script.shift() ?? 'QUIT'}\r\n`);
          }),
        );
        s.on('close', () => resolve(out));
      });
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(lines).toEqual([
        '554 mx.example.com ESMTP not accepting messages',
        '250-mx.example.com Hello localhost [127.0.0.1], pleased to meet you',
        '250 ENHANCEDSTATUSCODES',
        '550 5.0.0 Command rejected',
        '250 2.0.0 OK',
        '550 5.0.0 Command rejected',
        '221 2.0.0 mx.example.com closing connection',
      ]);
    } finally {
      await d.listeners.close();
    }
  });

  it('greets a patient client after the pause', async () => {
    const d = await startDaemon({}, recordedPolicy({ greetPauseMs: 300 }));
    try {
      const t0 = Date.now();
      const t = await chat(d.port, ['QUIT']);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
      expect(t[0]).toMatch(GREETING);
    } finally {
      await d.listeners.close();
    }
  });
});

describe('limits', () => {
  it('closes the connection on a command line of 2047 octets, as sendmail does', async () => {
    const d = await startDaemon();
    try {
      const ok = `NOOP ${'a'.repeat(2041)}`; // 2046 octets: still taken
      const tooLong = `NOOP ${'a'.repeat(2042)}`;
      const t = await chat(d.port, ['EHLO c.example.org', ok, tooLong, 'QUIT']);
      expect(t.slice(-4)).toEqual([
        '250 2.0.0 OK',
        `>>> ${tooLong}`,
        '421 4.7.0 mx.example.com Command too long, possible attack localhost [127.0.0.1]',
        '>>> QUIT',
      ]);
    } finally {
      await d.listeners.close();
    }
  });

  it('MaxDaemonChildren: at the limit the listener is closed (connection refused) and opens again when a session ends, as real sendmail 8.17', async () => {
    // real sendmail -bd -O MaxDaemonChildren=1, one client connected: a second connect() got ECONNREFUSED, and
    // the log said "rejecting connections on daemon Daemon0: 1 children, max 1", later "accepting connections again for daemon Daemon0"
    const events: string[] = [];
    const { port, listeners } = await startDaemon({}, recordedPolicy(), {
      maxClients: 1,
      onChildrenLimit: {
        refusing: (daemon, children, max) => events.push(`rejecting connections on daemon ${daemon}: ${children} children, max ${max}`),
        accepting: (daemon) => events.push(`accepting connections again for daemon ${daemon}`),
      },
    });
    const connectError = (): Promise<string> =>
      new Promise((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('data', () => (s.destroy(), resolve('greeted')));
        s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      });
    const first = net.connect(port, '127.0.0.1');
    try {
      await new Promise((r) => first.once('data', r));
      expect(await connectError()).toBe('ECONNREFUSED');
      expect(events).toEqual(['rejecting connections on daemon MTA: 1 children, max 1']);
      first.end('QUIT\r\n');
      await new Promise((r) => first.once('close', r));
      await new Promise((r) => setTimeout(r, 50));
      expect(events.at(-1)).toBe('accepting connections again for daemon MTA');
      const t = await chat(port, ['QUIT']);
      expect(t[0]).toMatch(GREETING);
    } finally {
      first.destroy();
      await listeners.close();
    }
  });

  it('names a daemon without Name= "Daemon<index>", as sendmail', () => {
    expect(parseDaemonOptions('Port=2525', 1).name).toBe('Daemon1');
  });
});

describe('IPv6 listener', () => {
  it('takes a client on ::1 and names it as sendmail does', async () => {
    const d = await startDaemon({}, recordedPolicy(), {
      listeners: [parseDaemonOptions('Port=0, Addr=::1, Family=inet6, Name=MTA-v6')],
      resolveClient: async () => ({ name: undefined, resolve: 'FAIL' }),
    });
    try {
      const t = await chat(d.port, ['HELO c.example.org', 'QUIT'], false, '::1');
      expect(t.slice(1, 3)).toEqual(['>>> HELO c.example.org', '250 mx.example.com Hello [IPv6:0:0:0:0:0:0:0:1], pleased to meet you']);
    } finally {
      await d.listeners.close();
    }
  });
});

describe('DAEMON_OPTIONS', () => {
  it('reads Port, Addr, Family, Name and M= modifiers', () => {
    expect(parseDaemonOptions('Family=inet,  Name=MSP-v4, Port=submission, M=Ea, Addr=127.0.0.1')).toEqual({
      name: 'MSP-v4',
      port: 587,
      addr: '127.0.0.1',
      family: 'inet',
      modifiers: 'Ea',
    });
    expect(parseDaemonOptions('Name=MTA-v6, Family=inet6').addr).toBe('::');
    expect(() => parseDaemonOptions('Port=nonsense')).toThrow(/Port=nonsense/);
  });
});

describe.skipIf(!hasTool('swaks'))('swaks against the adapter', () => {
  if (!hasTool('swaks')) console.log('skipping swaks tests: swaks is not installed (apt-get install swaks)');
  it('delivers a message with swaks and gets sendmail replies', async () => {
    const d = await startDaemon();
    try {
      const { stdout } = await execFileAsync(
        'swaks',
        ['--server', '127.0.0.1', '--port', String(d.port), '--from', 'a@example.org', '--to', 'root@mx.example.com', '--helo', 'c.example.org', '--body', 'hi there'],
        { encoding: 'latin1', timeout: 20_000 },
      );
      const got = stdout.split('\n').filter((l) => l.startsWith('<-')).map((l) => l.replace(/^<-+ +/, ''));
      expect(got[0]).toMatch(GREETING);
      expect(mask(got.slice(1))).toEqual([
        ...EHLO_REPLY.map((l) => l.replace('Hello localhost', 'Hello localhost')),
        '250 2.1.0 <a@example.org>... Sender ok',
        '250 2.1.5 <root@mx.example.com>... Recipient ok',
        '354 End data with <CR><LF>.<CR><LF>',
        '250 2.0.0 QID Message accepted for delivery',
        '221 2.0.0 mx.example.com closing connection',
      ]);
      expect(readdirSync(d.queueDir).filter((f) => f.startsWith('qf'))).toHaveLength(1);
    } finally {
      await d.listeners.close();
    }
  });
});
