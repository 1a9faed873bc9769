// DeliveryMode (issue 7): mail is delivered when it is accepted.  A cf built
// by our m4 from cf/ sends every remote recipient through SMART_HOST
// [127.0.0.1] to a loopback smtp-server sink; the daemon runs without -q,
// so only the delivery at acceptance can bring a message there.  -odq keeps
// it queued; local submission with -odi delivers before the command exits,
// and by default (b) returns at once while a detached child delivers.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSink, waitForPort, type Sink } from './deliver-helpers.js';
import { chatFrom, freePort, ROOT, SENDMAIL, stopDaemon } from './e2e-helpers.js';
import { tempDir } from './smtp-helpers.js';
import { hermeticMc, writeHermeticFiles } from './hermetic-cf.mjs';

let sink: Sink;

/** A hermetic cf in a fresh directory: listener on `port`, remote mail to the sink. */
function setup(port: number): { dir: string; cf: string; queue: string } {
  const dir = tempDir('delivery-mode-');
  writeHermeticFiles(dir, { aliases: ['postmaster: root', 'MAILER-DAEMON: postmaster'] });
  const queue = path.join(dir, 'q');
  mkdirSync(queue, { mode: 0o700 });
  const mc = path.join(dir, 'sendmail.mc');
  writeFileSync(
    mc,
    hermeticMc(dir, {
      extra: [
        "FEATURE(`no_default_msa')dnl",
        `DAEMON_OPTIONS(\`Family=inet, Name=MTA, Port=${port}, Addr=127.0.0.1')dnl`,
        "define(`SMART_HOST', `[127.0.0.1]')dnl",
        ...['SMTP', 'ESMTP', 'RELAY'].map((m) => `define(\`${m}_MAILER_ARGS', \`TCP $h ${sink.port}')dnl`),
      ],
    }),
  );
  const cf = path.join(dir, 'sendmail.cf');
  writeFileSync(cf, execFileSync(process.execPath, [path.join(ROOT, 'bin/m4'), path.join(ROOT, 'cf/m4/cf.m4'), mc], { encoding: 'latin1' }), 'latin1');
  execFileSync(process.execPath, [SENDMAIL, '-bi', '-C', cf], { stdio: 'ignore' });
  return { dir, cf, queue };
}

const queued = (queue: string): string[] => readdirSync(queue).filter((f) => f.startsWith('qf'));

/** Waits up to `ms` for `cond`. */
async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

async function startDaemon(cf: string, port: number, extra: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SENDMAIL, '-bD', '-C', cf, ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  if (!(await waitForPort(port))) {
    child.kill('SIGKILL');
    throw new Error(`daemon did not listen on ${port}: ${err}`);
  }
  return child;
}

function message(to: string, subject: string): string[] {
  return [`From: sender@host.example.com`, `To: ${to}`, `Subject: ${subject}`, '', 'hello', '.'];
}

/** `bin/sendmail args` with `input`, asynchronously: the sink answers from this process. */
function submit(args: string[], input: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SENDMAIL, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin!.end(input);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

const arrived = (subject: string): boolean => sink.messages.some((m) => m.data.includes(`Subject: ${subject}`));

beforeAll(async () => {
  sink = await startSink();
});
afterAll(async () => {
  await sink.close();
});

describe('DeliveryMode in the daemon (-bD without -q)', () => {
  it('b (the default) delivers a message as soon as it is accepted and removes it from the queue', async () => {
    const port = await freePort();
    const { cf, queue } = setup(port);
    const daemon = await startDaemon(cf, port, []);
    try {
      const t = await chatFrom(port, '127.0.0.1', [
        'EHLO client.example',
        'MAIL FROM:<sender@host.example.com>',
        'RCPT TO:<bob@remote.example>',
        'DATA',
        '<DATA>',
        ...message('bob@remote.example', 'daemon-b'),
        'QUIT',
      ]);
      expect(t.join('\n')).toMatch(/250 2\.0\.0 \S+ Message accepted for delivery/);
      expect(await until(() => arrived('daemon-b'))).toBe(true);
      const got = sink.messages.find((m) => m.data.includes('Subject: daemon-b'))!;
      expect(got.to).toEqual(['bob@remote.example']);
      expect(await until(() => queued(queue).length === 0)).toBe(true);
    } finally {
      await stopDaemon(daemon);
    }
  });

  it('-odq only queues: the message stays in the queue and nothing reaches the sink', async () => {
    const port = await freePort();
    const { cf, queue } = setup(port);
    const daemon = await startDaemon(cf, port, ['-odq']);
    try {
      await chatFrom(port, '127.0.0.1', [
        'EHLO client.example',
        'MAIL FROM:<sender@host.example.com>',
        'RCPT TO:<carol@remote.example>',
        'DATA',
        '<DATA>',
        ...message('carol@remote.example', 'daemon-q'),
        'QUIT',
      ]);
      expect(queued(queue)).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 700));
      expect(arrived('daemon-q')).toBe(false);
      expect(queued(queue)).toHaveLength(1);
    } finally {
      await stopDaemon(daemon);
    }
  });
});

describe('DeliveryMode in local submission', () => {
  it('-odi -t delivers before the command exits', async () => {
    const { cf, queue } = setup(await freePort());
    const r = await submit(['-odi', '-t', '-C', cf], message('dave@remote.example', 'local-i').join('\n') + '\n');
    expect(r.status).toBe(0);
    // no waiting: the sink has it the moment the command is done
    expect(arrived('local-i')).toBe(true);
    expect(queued(queue)).toEqual([]);
  });

  it('the default (b) returns with the message queued and a detached child delivers it', async () => {
    const { cf, queue } = setup(await freePort());
    const r = await submit(['-C', cf, 'erin@remote.example'], message('erin@remote.example', 'local-b').join('\n') + '\n');
    expect(r.status).toBe(0);
    expect(await until(() => arrived('local-b'))).toBe(true);
    expect(await until(() => queued(queue).length === 0)).toBe(true);
  });

  it('-odq leaves the message for a queue run', async () => {
    const { cf, queue } = setup(await freePort());
    const r = await submit(['-odq', '-C', cf, 'fred@remote.example'], message('fred@remote.example', 'local-q').join('\n') + '\n');
    expect(r.status).toBe(0);
    await new Promise((r) => setTimeout(r, 700));
    expect(arrived('local-q')).toBe(false);
    expect(queued(queue)).toHaveLength(1);
  });
});
