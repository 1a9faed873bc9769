// Shared pieces of the delivery tests: real receiving peers on loopback
// (an smtp-server sink with scripted failures, postfix's smtp-sink, real
// sendmail -bD under unshare) and a static-table MxResolver.

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { buildHermeticCf, pinnedSendmail, SENDMAIL_CF_TREE } from './hermetic-cf.mjs';
import type { AddressAnswer, MxAnswer, MxRecord, MxResolver } from '../src/deliver/mx.js';
import { defaultRecipientFlags, newEnvelope, QueueDirectory, type QueueIdGenerator } from '../src/queue/index.js';

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** An MxResolver over fixed tables: what a zone file would say. */
export function tableResolver(
  mx: Record<string, MxRecord[] | 'nxdomain' | 'tempfail'>,
  addresses: Record<string, string[] | 'tempfail'>,
): MxResolver {
  return {
    async lookupMx(domain): Promise<MxAnswer> {
      const e = mx[domain.toLowerCase()];
      if (e === undefined) return addresses[domain.toLowerCase()] ? { kind: 'none' } : { kind: 'nxdomain' };
      if (e === 'nxdomain') return { kind: 'nxdomain' };
      if (e === 'tempfail') return { kind: 'tempfail', message: `${domain}: SERVFAIL` };
      return { kind: 'found', records: e };
    },
    async lookupAddresses(host): Promise<AddressAnswer> {
      const e = addresses[host.toLowerCase()];
      if (e === undefined) return { kind: 'nxdomain' };
      if (e === 'tempfail') return { kind: 'tempfail', message: `${host}: SERVFAIL` };
      return { kind: 'found', addresses: e };
    },
  };
}

export interface SinkMessage {
  from: string;
  to: string[];
  data: string;
  mailDsn: unknown;
  rcptDsn: Record<string, unknown>;
  secure: boolean;
  user: string | undefined;
  size: number | undefined;
  /** MAIL FROM's parameters as smtp-server parsed them (names upper-case). */
  mailArgs: Record<string, string>;
}

export interface SinkScript {
  /** Reply to the connection instead of 220 (e.g. 421). */
  greeting?: { code: number; text: string };
  /** Per-recipient RCPT replies; others are accepted. */
  rcpt?: Record<string, { code: number; text: string }>;
  /** Reply to the end of data instead of 250. */
  dataReply?: { code: number; text: string };
  mail?: { code: number; text: string };
  /** LMTP (with options.lmtp): per-recipient replies to the message; others get 250. */
  lmtpReplies?: Record<string, { code: number; text: string }>;
  /** Extra smtp-server options (size, authMethods, hideSTARTTLS, ...). */
  options?: Partial<SMTPServerOptions>;
  /** Accepted AUTH credentials. */
  auth?: { user: string; pass: string };
}

export interface Sink {
  port: number;
  host: string;
  messages: SinkMessage[];
  connections: number;
  close(): Promise<void>;
}

function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/** A real SMTP server on loopback that answers by script and records what it got. */
export async function startSink(script: SinkScript = {}, host = '127.0.0.1', port = 0): Promise<Sink> {
  const messages: SinkMessage[] = [];
  const rcptDsn: Record<string, unknown> = {};
  let mailSize: number | undefined;
  let mailArgs: Record<string, string> = {};
  const sink: Sink = { port: 0, host, messages, connections: 0, close: async () => {} };
  const server = new SMTPServer({
    logger: false,
    hideDSN: false,
    authOptional: true,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    ...script.options,
    onConnect(_session, cb) {
      sink.connections++;
      cb(script.greeting ? smtpError(script.greeting.code, script.greeting.text) : null);
    },
    onAuth(auth, _session, cb) {
      if (script.auth && auth.username === script.auth.user && auth.password === script.auth.pass) {
        cb(null, { user: auth.username });
      } else cb(smtpError(535, '5.7.8 Authentication failed'));
    },
    onMailFrom(address, _session, cb) {
      const args = address.args as Record<string, string> | false;
      mailSize = args && args['SIZE'] !== undefined ? Number(args['SIZE']) : undefined;
      mailArgs = args ? { ...args } : {};
      cb(script.mail ? smtpError(script.mail.code, script.mail.text) : null);
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, cb) {
      rcptDsn[address.address] = (address as { dsn?: unknown }).dsn;
      const r = script.rcpt?.[address.address];
      cb(r ? smtpError(r.code, r.text) : null);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const env = session.envelope as { mailFrom: false | SMTPServerAddress; rcptTo: SMTPServerAddress[]; dsn?: unknown };
        const from = env.mailFrom;
        messages.push({
          from: from ? from.address : '',
          to: env.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString('latin1'),
          mailDsn: env.dsn,
          rcptDsn: { ...rcptDsn },
          secure: session.secure,
          user: session.user as string | undefined,
          size: mailSize,
          mailArgs,
        });
        const d = script.dataReply;
        if (script.options?.lmtp) {
          const per = env.rcptTo.map((r) => {
            const x = script.lmtpReplies?.[r.address];
            return x ? smtpError(x.code, x.text) : 'Ok: delivered';
          });
          (cb as unknown as (err: null, replies: unknown[]) => void)(null, per);
          return;
        }
        cb(d ? smtpError(d.code, d.text) : null, 'Ok: queued');
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  sink.port = (server.server.address() as net.AddressInfo).port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

/** A peer that greets, accepts EHLO and MAIL, then drops the connection at the first RCPT. */
export async function startDroppingPeer(host = '127.0.0.1'): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    sock.write('220 drop.test ESMTP\r\n');
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (/^EHLO/i.test(line)) sock.write('250 drop.test\r\n');
        else if (/^MAIL/i.test(line)) sock.write('250 ok\r\n');
        else {
          sock.destroy();
          return;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A free TCP port on 127.0.0.1 (nothing listens on it when this returns). */
/** Queues a message from <alice@host.example.com> to `recipient` in `qdir`, made at `start` (Subject " to <recipient>", body "hello"); its id. */
export async function queueTestMessage(qdir: string, recipient: string, start: Date, ids: QueueIdGenerator): Promise<string> {
  const id = ids.next(start);
  const env = newEnvelope(id, '<alice@host.example.com>', start);
  env.recipients = [{ address: recipient, flags: defaultRecipientFlags() }];
  env.headers = [{ conditions: '', name: 'Subject', value: ` to ${recipient}` }];
  await new QueueDirectory(qdir).storeNew(env, 'hello\n');
  return id;
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function waitForPort(port: number, host = '127.0.0.1', ms = 10000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, host, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * postfix's smtp-sink, unpacked from the Debian package into a cache
 * directory (never installed).  Undefined when apt-get or the download is
 * not available.
 */
export function smtpSinkBinary(): { bin: string; libDir: string } | undefined {
  const cache = path.join(tmpdir(), 'sendmail-ts-postfix');
  const bin = path.join(cache, 'root/usr/sbin/smtp-sink');
  const libDir = path.join(cache, 'root/usr/lib/postfix');
  if (existsSync(bin)) return { bin, libDir };
  if (!hasTool('apt-get') || !hasTool('dpkg')) return undefined;
  try {
    mkdirSync(cache, { recursive: true });
    execFileSync('apt-get', ['download', 'postfix'], { cwd: cache, stdio: 'ignore', timeout: 60000 });
    const deb = readdirSync(cache).find((f) => /^postfix_.*\.deb$/.test(f));
    if (deb === undefined) return undefined;
    execFileSync('dpkg', ['-x', path.join(cache, deb), path.join(cache, 'root')], { stdio: 'ignore' });
    return existsSync(bin) ? { bin, libDir } : undefined;
  } catch {
    return undefined;
  }
}

/** Starts smtp-sink on 127.0.0.1:port with extra arguments; resolves when it listens. */
export async function startSmtpSink(
  sink: { bin: string; libDir: string },
  port: number,
  args: string[] = [],
): Promise<ChildProcess | undefined> {
  const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const child = spawn(sink.bin, [...user, ...args, `127.0.0.1:${port}`, '64'], {
    env: { ...process.env, LD_LIBRARY_PATH: sink.libDir },
    stdio: 'ignore',
  });
  if (!(await waitForPort(port))) {
    child.kill();
    return undefined;
  }
  return child;
}

/** True when this process may pin a host name with unshare --uts (root). */
export function canUnshareUts(): boolean {
  if (!hasTool('unshare')) return false;
  const r = spawnSync('unshare', ['--uts', 'sh', '-c', 'hostname pin.example.invalid && uname -n'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === 'pin.example.invalid';
}

/** Real sendmail must run on a qualified host name, or it sleeps 60 s at start. */
const PINNED_SENDMAIL = pinnedSendmail();

export const SENDMAIL_CF_DIR = SENDMAIL_CF_TREE;

/**
 * A hermetic real-sendmail cf in `dir` (test/hermetic-cf.mjs: host
 * host.example.com, queue in dir/q) with its daemon on 127.0.0.1:port;
 * `extra` lines go before the MAILER lines, `aliases` after postmaster's
 * and MAILER-DAEMON's.
 */
export function buildRealSendmailCf(dir: string, port: number, extra: string[] = [], aliases: string[] = []): string {
  return buildHermeticCf(dir, {
    aliases: ['postmaster: root', 'MAILER-DAEMON: postmaster', ...aliases],
    extra: ["FEATURE(`no_default_msa')dnl", `DAEMON_OPTIONS(\`Family=inet, Name=MTA, Port=${port}, Addr=127.0.0.1')dnl`, ...extra],
  });
}

/** Runs real sendmail in the foreground as host.example.com with `args`. */
export function spawnRealSendmail(args: string[]): ChildProcess {
  return spawn('unshare', [...PINNED_SENDMAIL, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** Runs real sendmail to completion as host.example.com, without network when `noNet`. */
export function runRealSendmail(args: string[], input: string | Buffer, noNet = true): { status: number | null; output: string } {
  const r = spawnSync('unshare', [...(noNet ? ['--net'] : []), ...PINNED_SENDMAIL, ...args], {
    input,
    encoding: 'latin1',
    timeout: 30000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Runs real sendmail as host.example.com without blocking the event loop (peers in this process keep answering). */
export function runRealSendmailAsync(args: string[], input: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('unshare', [...PINNED_SENDMAIL, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('latin1')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
    child.stdin.end(input);
  });
}
