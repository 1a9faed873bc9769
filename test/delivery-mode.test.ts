// DeliveryMode (issue 7): mail is delivered when it is accepted.  A cf built
// by our m4 from cf/ sends every remote recipient through SMART_HOST
// [127.0.0.1] to a loopback smtp-server sink; the daemon runs without -q,
// so only the delivery at acceptance can bring a message there.  -odq keeps
// it queued; local submission with -odi delivers before the command exits,
// and by default (b) returns at once while a detached child delivers.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSink, waitForPort, type Sink } from './deliver-helpers.js';
import { chatFrom, freePort, ROOT, SENDMAIL, stopDaemon } from './e2e-helpers.js';
import { tempDir } from './smtp-helpers.js';
import { hermeticMc, writeHermeticFiles } from './hermetic-cf.mjs';

let sink: Sink;

/** A hermetic cf in a fresh directory: listener on `port`, remote mail to the sink. */
function setup(port: number, sinkPort = sink.port): { dir: string; cf: string; queue: string } {
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
        ...['SMTP', 'ESMTP', 'RELAY'].map((m) => `define(\`${m}_MAILER_ARGS', \`TCP $h ${sinkPort}')dnl`),
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

/**
 * A remote MX that takes the whole message and answers its final dot only
 * after `delayMs` (never when Infinity); `dots` counts the messages it has
 * been sent in full, `answered` those it has accepted.
 */
async function slowMx(delayMs: number): Promise<{ port: number; dots: number; answered: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const mx = { port: 0, dots: 0, answered: 0, close: async () => {} };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let inData = false;
    let buffered = '';
    socket.write('220 slow.example ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        if (inData) {
          if (line !== '.') continue;
          inData = false;
          mx.dots++;
          if (delayMs === Infinity) continue;
          const t = setTimeout(() => {
            timers.delete(t);
            mx.answered++;
            socket.write('250 2.0.0 queued\r\n');
          }, delayMs);
          timers.add(t);
        } else if (/^(EHLO|HELO)/i.test(line)) socket.write('250 slow.example\r\n');
        else if (/^DATA/i.test(line)) {
          inData = true;
          socket.write('354 go on\r\n');
        } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('250 2.0.0 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mx.port = (server.address() as net.AddressInfo).port;
  mx.close = () =>
    new Promise((resolve) => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return mx;
}

/** Sends one message to the daemon on `port`. */
async function sendOne(port: number, to: string, subject: string): Promise<string> {
  const t = await chatFrom(port, '127.0.0.1', ['EHLO client.example', 'MAIL FROM:<sender@host.example.com>', `RCPT TO:<${to}>`, 'DATA', '<DATA>', ...message(to, subject), 'QUIT']);
  return t.join('\n');
}

/** Resolves with the ms from now until `child` exits (after SIGTERM). */
function terminate(child: ChildProcess): Promise<number> {
  const start = Date.now();
  return new Promise((resolve) => {
    child.once('exit', () => resolve(Date.now() - start));
    child.kill('SIGTERM');
  });
}

describe('SIGTERM with deliveries in progress', () => {
  it('a delivery that ends within the grace finishes before the daemon exits: delivered and off the queue', async () => {
    const mx = await slowMx(400);
    const port = await freePort();
    const { cf, queue } = setup(port, mx.port);
    const daemon = await startDaemon(cf, port, []);
    try {
      expect(await sendOne(port, 'gina@remote.example', 'term-finish')).toMatch(/250 2\.0\.0 \S+ Message accepted/);
      expect(await until(() => mx.dots === 1)).toBe(true);
      expect(mx.answered).toBe(0);
      await terminate(daemon);
      expect(mx.answered).toBe(1);
      expect(queued(queue)).toEqual([]);
      expect(readdirSync(queue).filter((f) => f.startsWith('lf'))).toEqual([]);
    } finally {
      await stopDaemon(daemon);
      await mx.close();
    }
  });

  it('a delivery the remote never answers is abandoned after the grace: the message stays queued, its lock released', async () => {
    const mx = await slowMx(Infinity);
    const port = await freePort();
    const { cf, queue } = setup(port, mx.port);
    const daemon = await startDaemon(cf, port, []);
    try {
      await sendOne(port, 'hank@remote.example', 'term-abandon');
      expect(await until(() => mx.dots === 1)).toBe(true);
      const ms = await terminate(daemon);
      expect(ms).toBeLessThan(8000);
      expect(queued(queue)).toHaveLength(1);
      expect(readdirSync(queue).filter((f) => f.startsWith('lf'))).toEqual([]);
    } finally {
      await stopDaemon(daemon);
      await mx.close();
    }
  });
});
