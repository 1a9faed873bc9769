// Bare CR / bare LF in message data (SMTP smuggling, CVE-2023-51765): the
// scanner on its own, then the daemon on loopback and serveStream (-bs),
// with the replies and log lines real sendmail 8.17.1.9 (Debian's, with
// the fix) gives for the same bytes (learned by sending them to its -bd
// and -bs, its syslog captured on a private /dev/log).
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { BareLineEndScanner } from '../src/smtp/bare-line-ends.js';
import { serveStream } from '../src/smtp/adapter.js';
import { MailLog } from '../src/log/index.js';
import type { LogSink } from '../src/log/sink.js';
import { QueueDirectory } from '../src/queue/queue-directory.js';
import { QueueIdGenerator } from '../src/queue/queue-id.js';
import { crlfLines, recordedPolicy, startDaemon } from './smtp-fixtures.js';
import { tempDir } from './smtp-helpers.js';

function scan(...chunks: string[]): ReturnType<BareLineEndScanner['feed']> | 'ended' | undefined {
  const s = new BareLineEndScanner();
  for (const c of chunks) {
    const found = s.feed(Buffer.from(c, 'latin1'));
    if (found) return found;
  }
  return s.ended ? 'ended' : undefined;
}

describe('BareLineEndScanner', () => {
  it('finds a bare LF or CR, where it was and the size taken before it (CRLF counts one)', () => {
    expect(scan('Subject: a\r\n\r\nline1\nline2\r\n')).toEqual({ kind: 'LF', where: 'body', size: 17 });
    expect(scan('Subject: a\r\n\r\nline1\rline2\r\n')).toEqual({ kind: 'CR', where: 'body', size: 17 });
    // still in the header: the line with it is not complete
    expect(scan('Subject: a\r\nX: y\r\nline1\nline2\r\n')).toMatchObject({ kind: 'LF', where: 'header' });
    // a completed line that is no header field ends the header
    expect(scan('Subject: a\r\nnot a header\r\nx\ny')).toMatchObject({ where: 'body' });
    expect(scan('Subject: a\r\n folded\r\nx\ny')).toMatchObject({ where: 'header' });
  });

  it('reads up to CRLF.CRLF only: commands after it may end in LF; the stuffing dot is not counted', () => {
    expect(scan('Subject: a\r\n\r\nbody\r\n.\r\nNOOP\nQUIT\n')).toBe('ended');
    expect(scan('.\r\n')).toBe('ended');
    expect(scan('Subject: a\r\n\r\n..x\r\n.\r\n')).toBe('ended');
    expect(scan('\r\n..x\n')).toEqual({ kind: 'LF', where: 'body', size: 3 });
    // "<LF>.<CR><LF>" and "<CR><LF>.<LF>": the smuggling forms
    expect(scan('Subject: a\r\n\r\nbody\n.\r\nMAIL FROM:<x>\r\n')).toMatchObject({ kind: 'LF' });
    expect(scan('Subject: a\r\n\r\nbody\r\n.\n')).toMatchObject({ kind: 'LF' });
  });

  it('decides a CR at the end of a chunk by the next one', () => {
    expect(scan('Subject: a\r', '\n\r\nbody\r', '\n.\r', '\n')).toBe('ended');
    expect(scan('Subject: a\r\n\r\nbody\r', 'x')).toEqual({ kind: 'CR', where: 'body', size: 16 });
    expect(scan('Subject: a\r\n\r\nbody\r')).toBeUndefined();
  });
});

/** Sends the commands one by one, then `data` raw after the 354; the replies and whether the server closed. */
function rawSession(port: number, data: string): Promise<{ replies: string[]; closed: boolean }> {
  return new Promise((resolve) => {
    const commands = ['EHLO c.example.org', 'MAIL FROM:<a@example.org>', 'RCPT TO:<root>', 'DATA'];
    const replies: string[] = [];
    const socket = net.connect(port, '127.0.0.1');
    let i = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ replies, closed: false });
    }, 3000);
    socket.on(
      'data',
      crlfLines((line) => {
        if (!/^\d{3} /.test(line)) return;
        replies.push(line);
        if (i < commands.length) socket.write(`${commands[i++]}\r\n`);
        else if (line.startsWith('354')) socket.write(data);
      }),
    );
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ replies, closed: true });
    });
  });
}

describe('the daemon and -bs refuse a bare line end in DATA as sendmail 8.17.1.9 does', () => {
  it('421 at once (before the end of data) and the connection closed; the collect and from= lines logged', async () => {
    const lines: string[] = [];
    const sink: LogSink = { write: (_severity, message) => void lines.push(message), close: () => {} };
    const d = await startDaemon({ mailLog: new MailLog(sink, 9) });
    try {
      // no terminating dot: the reply must not wait for one
      const lf = await rawSession(d.port, 'Subject: a\r\n\r\nline1\nline2\r\n');
      expect(lf.replies.slice(-2)).toEqual(['354 End data with <CR><LF>.<CR><LF>', '421 4.5.0 Bare linefeed (LF) not allowed']);
      expect(lf.closed).toBe(true);
      const cr = await rawSession(d.port, 'Subject: a\r\nX: y\r\nline1\rline2\r\n');
      expect(cr.replies.at(-1)).toBe('421 4.5.0 Bare carriage return (CR) not allowed');
      expect(cr.closed).toBe(true);
      const collect = lines.filter((l) => /: collect: |: from=/.test(l)).map((l) => l.replace(/^\w+: /, 'QID: '));
      expect(collect).toEqual([
        'QID: collect: relay=localhost, from=<a@example.org>, info=Bare linefeed (LF) not allowed, where=body, status=tempfail',
        'QID: from=<a@example.org>, size=17, class=0, nrcpts=1, proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]',
        'QID: collect: relay=localhost, from=<a@example.org>, info=Bare carriage return (CR) not allowed, where=header, status=tempfail',
        'QID: from=<a@example.org>, size=21, class=0, nrcpts=1, proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]',
      ]);
      // nothing was queued, and a clean message still goes through
      const ok = await rawSession(d.port, 'Subject: a\r\n\r\n..dot\r\nbody\r\n.\r\n');
      expect(ok.replies.at(-1)).toMatch(/^250 2\.0\.0 \w+ Message accepted for delivery$/);
    } finally {
      await d.listeners.close();
    }
  });

  it('sendmail -bs: message lines ending in LF alone are refused too', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const done = serveStream(input, output, {
      session: { identity: { hostName: 'mx.example.com', version: '8.17.1.9' }, policy: recordedPolicy(), queue: new QueueDirectory(tempDir('smtp-bare-')), ids: new QueueIdGenerator() },
    });
    const script = ['EHLO x\n', 'MAIL FROM:<a@example.org>\n', 'RCPT TO:<root>\n', 'DATA\n', 'Subject: a\n\nbody\n.\n'];
    const out: string[] = [];
    output.on(
      'data',
      crlfLines((line) => {
        if (!/^\d{3} /.test(line)) return;
        out.push(line);
        const next = script.shift();
        if (next !== undefined) input.write(next);
      }),
    );
    await done;
    expect(out.slice(-2)).toEqual(['354 End data with <CR><LF>.<CR><LF>', '421 4.5.0 Bare linefeed (LF) not allowed']);
  });
});
