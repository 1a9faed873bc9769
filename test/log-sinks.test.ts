// The mail log's LogLevel gate and severities, and its sinks: syslog through
// a real `logger` child into a unix socket of our own (logger -u tries a
// datagram socket, then a stream one: a Node net server stands in for
// syslogd), a file, and the fallback when logger cannot run.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { MailLog, type LogSink } from '../src/log/index.js';
import { FileSink, findLogger, StreamSink, SyslogSink, syslogTime } from '../src/log/sink.js';
import type { SeverityName } from '../src/log/levels.js';
import { tempDir } from './smtp-helpers.js';

class MemorySink implements LogSink {
  lines: string[] = [];
  write(severity: SeverityName, message: string): void {
    this.lines.push(`${severity} ${message}`);
  }
  close(): void {}
}

/** One session of each kind, logged at `level` (the events real sendmail logged in the captures of log-format.test.ts). */
function sessionAt(level: number): string[] {
  const sink = new MemorySink();
  const log = new MailLog(sink, level);
  log.startingDaemon('8.17.1.9', true, 0);
  log.connect('localhost [127.0.0.1]');
  log.rulesetReject(null, 'check_relay', ['[127.0.0.9]', '127.0.0.9'], '[127.0.0.9]', '550 5.7.1 Access denied');
  log.received('Q1', { from: '<a@b>', size: 0, precedenceClass: 0, nrcpts: 0, proto: 'ESMTP', daemon: 'MTA', relay: 'localhost [127.0.0.1]' });
  log.noTransaction('Q2', 'localhost [127.0.0.1]', 'MTA');
  log.lostInput('Q3', 'localhost [127.0.0.1]', 'MTA', 'mail');
  log.delivery('Q4', 'permfail', { to: ['<x@y>'], delaySeconds: 0, mailer: 'esmtp', priority: 1, stat: 'User unknown' });
  log.delivery('Q4', 'sent', { to: ['<x@y>'], delaySeconds: 0, mailer: 'esmtp', priority: 1, stat: 'Sent' });
  log.delivery('Q4', 'tempfail', { to: ['<x@y>'], delaySeconds: 0, mailer: 'esmtp', priority: 1, stat: 'Deferred' });
  return sink.lines.map((l) => l.replace(/^(\S+) (?:(?:Q\d|NOQUEUE): )?(\S+).*$/, '$1 $2'));
}

describe('LogLevel', () => {
  // What real sendmail 8.17 logged of these events at each LogLevel (sendmail -bD -O LogLevel=N, the
  // sessions of log-format.test.ts), with the syslog priority it used: <22> info, <21> notice.
  it('logs each event from the level real sendmail logs it, with its priority', () => {
    expect(sessionAt(0)).toEqual(['info starting']);
    expect(sessionAt(2)).toEqual(['info starting', 'notice lost']);
    expect(sessionAt(4)).toEqual(['info starting', 'notice ruleset=check_relay,', 'notice lost']);
    expect(sessionAt(5)).toContain('info from=<a@b>,');
    expect(sessionAt(5)).not.toContain('info localhost');
    expect(sessionAt(6)).toContain('info localhost');
    expect(sessionAt(7)).toEqual([...sessionAt(6), 'info to=<x@y>,']);
    expect(sessionAt(8)).toHaveLength(sessionAt(7).length + 1);
    expect(sessionAt(9)).toHaveLength(sessionAt(8).length + 1);
    expect(sessionAt(9)).not.toContain('info connect');
    expect(sessionAt(10)).toContain('info connect');
  });

  it('puts NOQUEUE in front when there is no queue id, nothing for a connection refusal', () => {
    const sink = new MemorySink();
    const log = new MailLog(sink, 10);
    log.connect('[192.0.2.1]');
    log.rulesetReject(null, 'check_relay', ['[192.0.2.1]', '192.0.2.1'], '[192.0.2.1]', '550 5.7.1 Access denied');
    expect(sink.lines).toEqual([
      'info NOQUEUE: connect from [192.0.2.1]',
      'notice ruleset=check_relay, arg1=[192.0.2.1], arg2=192.0.2.1, relay=[192.0.2.1], reject=550 5.7.1 Access denied',
    ]);
  });
});

describe('sinks', () => {
  it('a file sink appends lines in mail.log form', async () => {
    const file = path.join(tempDir('log-file-'), 'mail.log');
    const sink = new FileSink(file, { tag: 'sendmail', pid: 4242 });
    sink.write('info', 'Q1: from=<a@b>, size=1');
    sink.write('notice', 'two\nlines');
    sink.close();
    await new Promise((r) => setTimeout(r, 100));
    const lines = readFileSync(file, 'latin1').split('\n');
    expect(lines[0]).toMatch(/^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ sendmail\[4242\]: Q1: from=<a@b>, size=1$/);
    expect(lines[1]).toMatch(/sendmail\[4242\]: two lines$/);
  });

  it('a file sink that cannot write says so once on its fallback and goes on there', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const sink = new FileSink('/nonexistent-dir/mail.log', { tag: 'sendmail', pid: 1 }, () => new StreamSink({ tag: 'sendmail', pid: 1 }, out));
    sink.write('info', 'first');
    await new Promise((r) => setTimeout(r, 100));
    sink.write('info', 'second');
    expect(text).toMatch(/cannot write log file \/nonexistent-dir\/mail\.log: .*ENOENT.*; logging to standard error\n.*sendmail\[1\]: second\n$/);
  });

  it('syslog time stamps pad the day with a space, as syslogd does', () => {
    expect(syslogTime(new Date(2026, 10, 2, 7, 5, 9))).toBe('Nov  2 07:05:09');
  });

  const logger = findLogger();
  if (!logger) console.log('log-sinks: syslog tests skipped: no logger (util-linux) on PATH');

  it.skipIf(!logger)('syslog through logger: each line with its own priority, our tag and pid, as sendmail sends them', async () => {
    const socketPath = path.join(tempDir('log-syslog-'), 'log.sock');
    let received = '';
    const server = net.createServer((c) => c.on('data', (d: Buffer) => (received += d.toString('latin1'))));
    await new Promise<void>((r) => server.listen(socketPath, r));
    try {
      const sink = new SyslogSink({ tag: 'sm-mta', pid: 4242 }, { logger: logger!, socket: socketPath });
      sink.write('info', '6AM79ep3032363: from=<alice@example.org>, size=46, class=0');
      sink.write('notice', 'ruleset=check_relay, arg1=[127.0.0.9], reject=550 5.7.1 Access denied');
      sink.close();
      for (let i = 0; i < 50 && received.split('\n').length < 3; i++) await new Promise((r) => setTimeout(r, 50));
      const lines = received.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^<22>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d sm-mta\[4242\]: 6AM79ep3032363: from=<alice@example\.org>, size=46, class=0$/);
      expect(lines[1]).toMatch(/^<21>.* sm-mta\[4242\]: ruleset=check_relay, arg1=\[127\.0\.0\.9\], reject=550 5\.7\.1 Access denied$/);
    } finally {
      server.close();
    }
  });

  it('syslog: a logger that cannot run is tried again once, then the lines go to the fallback with a note', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const sink = new SyslogSink({ tag: 'sendmail', pid: 7 }, { logger: '/nonexistent/logger', fallback: () => new StreamSink({ tag: 'sendmail', pid: 7 }, out) });
    sink.write('info', 'one'); // first logger dies
    await new Promise((r) => setTimeout(r, 200));
    sink.write('info', 'two'); // second logger dies
    await new Promise((r) => setTimeout(r, 200));
    sink.write('info', 'three');
    expect(text).toMatch(/syslog unavailable \(.*ENOENT.*\); logging to standard error\n.*sendmail\[7\]: three\n$/);
    expect(text.match(/syslog unavailable/g)).toHaveLength(1);
  });
});
