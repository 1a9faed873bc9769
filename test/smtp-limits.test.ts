// MaxHeadersLength and BadRcptThrottle on a real loopback connection, with
// the replies, timings and log lines real sendmail 8.17.1.9 gives for the
// same scripts (learned by running `sendmail -bd` with
// -OMaxHeadersLength=300 / -OBadRcptThrottle=2 side by side with ours, its
// syslog captured on a private /dev/log).
import { describe, expect, it } from 'vitest';
import { MailLog } from '../src/log/index.js';
import type { LogSink } from '../src/log/sink.js';
import { chat, startDaemon } from './smtp-fixtures.js';

/** A log sink that keeps the lines. */
function capturingLog(): { log: MailLog; lines: string[] } {
  const lines: string[] = [];
  const sink: LogSink = { write: (_severity, message) => void lines.push(message), close: () => {} };
  return { log: new MailLog(sink, 9), lines };
}

/** One transaction whose header is `count` lines ("X-n: xxx") of `total` bytes in all, newlines not counted. */
function messageWithHeader(count: number, total: number): string[] {
  const names = Array.from({ length: count }, (_, i) => `X-${String(i).padStart(2, '0')}: `);
  const room = total - names.reduce((n, s) => n + s.length, 0);
  const each = Math.floor(room / count);
  const lines = names.map((name, i) => name + 'x'.repeat(i === count - 1 ? room - each * (count - 1) : each));
  return ['MAIL FROM:<a@example.org>', 'RCPT TO:<root>', 'DATA', '<DATA>', ...lines, '', 'body', '.'];
}

describe('MaxHeadersLength', () => {
  it('refuses a message whose header (lines with their newlines, and the blank line) is longer, before check_eoh, and logs it as sendmail does', async () => {
    const { log, lines } = capturingLog();
    const d = await startDaemon({ maxHeadersLength: 300, mailLog: log });
    try {
      // 3 lines of 296 bytes: 296 + 3 newlines + the blank line = 300, taken; one byte more is refused (real: the same)
      const t = await chat(d.port, ['EHLO c.example.org', ...messageWithHeader(3, 296), ...messageWithHeader(3, 297), 'QUIT']);
      const ends = t.filter((l) => /^(250 2\.0\.0|552)/.test(l));
      expect(ends[0]).toMatch(/^250 2\.0\.0 \w+ Message accepted for delivery$/);
      expect(ends[1]).toBe('552 5.6.0 Headers too large (300 max)');
      const qid = lines.find((l) => l.includes('headers too large'))?.split(':')[0];
      // the size: header (297 + 3 newlines), blank line, "body\n"; the msgid the message would have got
      expect(lines.filter((l) => l.startsWith(`${qid}:`)).map((l) => l.replace(/delay=[\d:]+/, 'delay=D').replace(/<\d{12}\./, '<STAMP.'))).toEqual([
        `${qid}: headers too large (300 max) from localhost during message collect`,
        `${qid}: from=<a@example.org>, size=306, class=0, nrcpts=1, msgid=<STAMP.${qid}@mx.example.com>, proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]`,
        `${qid}: to=<root>, delay=D, pri=30306, stat=Headers too large (300 max)`,
      ]);
    } finally {
      await d.listeners.close();
    }
  });

  it('is 32768 when the cf does not set it, and continuation lines count', async () => {
    const d = await startDaemon({ maxMessageSize: 0 });
    try {
      // real 8.17: 40 lines of 32727 bytes taken, 32728 refused with "(32768 max)"
      const t = await chat(d.port, ['EHLO c.example.org', ...messageWithHeader(40, 32727), ...messageWithHeader(40, 32728), 'QUIT']);
      expect(t.filter((l) => /^(250 2\.0\.0|552)/.test(l)).map((l) => l.slice(0, 3))).toEqual(['250', '552']);
      expect(t).toContain('552 5.6.0 Headers too large (32768 max)');
      // a folded header: 4 raw lines of 296 bytes (+ 4 newlines + blank line = 301) is over 300
      const folded = (n: number): string[] => ['X-0: ' + 'x'.repeat(n), 'X-1: ' + 'y'.repeat(n), '\t' + 'z'.repeat(n), 'X-2: ' + 'w'.repeat(296 - 16 - 3 * n)];
      const d300 = await startDaemon({ maxHeadersLength: 300 });
      try {
        const f = await chat(d300.port, ['EHLO c.example.org', 'MAIL FROM:<a@example.org>', 'RCPT TO:<root>', 'DATA', '<DATA>', ...folded(70), '', 'b', '.', 'QUIT']);
        expect(f).toContain('552 5.6.0 Headers too large (300 max)');
      } finally {
        await d300.listeners.close();
      }
    } finally {
      await d.listeners.close();
    }
  });
});

describe('BadRcptThrottle', () => {
  it('once a transaction has that many refused RCPTs (syntax errors too), holds every further RCPT a second; a new transaction starts again', async () => {
    const { log, lines } = capturingLog();
    const d = await startDaemon({ badRcptThrottle: 2, mailLog: log });
    try {
      const script = [
        'EHLO c.example.org',
        'MAIL FROM:<a@example.org>',
        'RCPT TO:<nobody1>',
        'RCPT TO:',
        'RCPT TO:<root>',
        'RCPT TO:<nobody2>',
        'RSET',
        'MAIL FROM:<a@example.org>',
        'RCPT TO:<root>',
        'QUIT',
      ];
      const started = Date.now();
      const t = await chat(d.port, script);
      const elapsed = Date.now() - started;
      // real 8.17's replies (its times: 0.0 0.0 1.0 2.1 | 2.1 2.1)
      expect(t.filter((l) => !l.startsWith('250-') && !l.startsWith('220 '))).toEqual([
        '>>> EHLO c.example.org',
        '250 HELP',
        '>>> MAIL FROM:<a@example.org>',
        '250 2.1.0 <a@example.org>... Sender ok',
        '>>> RCPT TO:<nobody1>',
        '550 5.1.1 <nobody1>... User unknown',
        '>>> RCPT TO:',
        '501 5.5.2 Syntax error in parameters scanning "TO"',
        '>>> RCPT TO:<root>',
        '250 2.1.5 <root>... Recipient ok',
        '>>> RCPT TO:<nobody2>',
        '550 5.1.1 <nobody2>... User unknown',
        '>>> RSET',
        '250 2.0.0 Reset state',
        '>>> MAIL FROM:<a@example.org>',
        '250 2.1.0 <a@example.org>... Sender ok',
        '>>> RCPT TO:<root>',
        '250 2.1.5 <root>... Recipient ok',
        '>>> QUIT',
        '221 2.0.0 mx.example.com closing connection',
      ]);
      // two RCPTs held a second each, the one after RSET not
      expect(elapsed).toBeGreaterThanOrEqual(1900);
      expect(elapsed).toBeLessThan(2900);
      // logged once, when the throttle starts (real: "QID: localhost [127.0.0.1]: Possible SMTP RCPT flood, throttling.")
      expect(lines.filter((l) => l.includes('flood')).map((l) => l.replace(/^\w+: /, 'QID: '))).toEqual([
        'QID: localhost [127.0.0.1]: Possible SMTP RCPT flood, throttling.',
      ]);
    } finally {
      await d.listeners.close();
    }
  });
});
