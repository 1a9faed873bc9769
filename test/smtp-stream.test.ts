// `sendmail -bs`: one SMTP session on standard input and output, through
// serveStream; the replies are those real sendmail -bs gives (recorded).
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serveStream } from '../src/smtp/adapter.js';
import { QueueDirectory } from '../src/queue/queue-directory.js';
import { QueueIdGenerator } from '../src/queue/queue-id.js';
import { crlfLines, recordedPolicy } from './smtp-fixtures.js';
import { tempDir } from './smtp-helpers.js';

/** Sends each script line after the complete reply to the previous one; returns what came out. */
async function converse(script: string[]): Promise<{ out: string[]; queueDir: string }> {
  const queueDir = tempDir('smtp-bs-');
  const input = new PassThrough();
  const output = new PassThrough();
  const done = serveStream(input, output, {
    session: { identity: { hostName: 'mx.example.com', version: '8.17.1.9' }, policy: recordedPolicy(), queue: new QueueDirectory(queueDir), ids: new QueueIdGenerator() },
  });
  const out: string[] = [];
  let i = 0;
  output.on(
    'data',
    crlfLines((line) => {
      out.push(line);
      if (/^\d{3} /.test(line)) {
        if (i < script.length) input.write(`${script[i++]}\r\n`);
        else input.end();
      }
    }),
  );
  await done;
  return { out, queueDir };
}

describe('serveStream (sendmail -bs)', () => {
  it('answers as sendmail -bs and queues the message', async () => {
    const { out, queueDir } = await converse(['HELO c.example.org', 'MAIL FROM:<a@example.org>', 'RCPT TO:<root>', 'DATA', 'Subject: x\r\n\r\nhi\r\n.', 'QUIT']);
    expect(out[0]).toMatch(/^220 mx\.example\.com ESMTP Sendmail 8\.17\.1\.9\/8\.17\.1\.9; /);
    expect(out.slice(1, 6)).toEqual([
      '250 mx.example.com Hello root@localhost, pleased to meet you',
      '250 2.1.0 <a@example.org>... Sender ok',
      '250 2.1.5 <root>... Recipient ok',
      '354 End data with <CR><LF>.<CR><LF>',
      out[5],
    ]);
    expect(out[5]).toMatch(/^250 2\.0\.0 \w{14} Message accepted for delivery$/);
    expect(out[6]).toBe('221 2.0.0 mx.example.com closing connection');
    const qf = readdirSync(queueDir).find((f) => f.startsWith('qf')) ?? '';
    const text = readFileSync(path.join(queueDir, qf), 'latin1');
    expect(text).toContain('\n$_root@localhost\n$rSMTP\n$sc.example.org\n${daemon_flags}c u\nS<a@example.org>\n');
    expect(text).toContain('H??Received: from c.example.org (root@localhost)\n\tby mx.example.com (8.17.1.9/8.17.1.9) with SMTP id ');
  });

  it('ends when the input ends', async () => {
    const { out } = await converse(['NOOP']);
    expect(out.slice(1)).toEqual(['250 2.0.0 OK']);
  });
});
