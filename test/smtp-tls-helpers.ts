// Helpers of the STARTTLS and AUTH tests: a self-signed certificate made by
// openssl, a saslauthd stand-in speaking the real protocol on a unix socket,
// our daemon in process on a copy of the sample cf with extra cf lines, and
// a scripted SMTP client that can switch to TLS after STARTTLS.
import { execFileSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { loadConfig } from '../src/config/loader.js';
import { parseDaemonOptions, SmtpListeners } from '../src/smtp/adapter.js';
import { authServerFromOptions } from '../src/smtp/auth.js';
import { countedString, readCountedString } from '../src/smtp/auth-saslauthd.js';
import { tlsSettingsFromOptions } from '../src/smtp/tls.js';
import { sessionOptionsFromConfig } from '../src/submit/session-options.js';
import { freePort, sampleConfigCopy } from './e2e-helpers.js';
import { hasTool } from './smtp-helpers.js';
// a plain .mjs fixture: also run on its own inside network namespaces (smtp-tls-vs-sendmail)
import { tlsChat as chatClient } from './fixtures/smtp-tls/tls-chat.mjs';

export const hasOpenssl = hasTool('openssl');

/** A self-signed certificate and its key (openssl), in `dir`. */
export function makeCertificate(dir: string, cn = 'mail.example.com'): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/C=US/O=Example/CN=${cn}`], {
    stdio: 'ignore',
  });
  return { cert, key };
}

export interface FakeSaslauthd {
  socketPath: string;
  /** Every request as [login, password, service, realm]. */
  requests: string[][];
  close(): Promise<void>;
}

/** A saslauthd stand-in on a unix socket: the counted-string protocol; `users` maps login to password. */
export function startFakeSaslauthd(dir: string, users: Record<string, string>): Promise<FakeSaslauthd> {
  const socketPath = path.join(dir, 'mux');
  const requests: string[][] = [];
  const server = net.createServer((socket) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const fields: string[] = [];
      let rest = buf;
      for (let s = readCountedString(rest); s && fields.length < 4; s = readCountedString(rest)) {
        fields.push(s.text);
        rest = rest.subarray(s.used);
      }
      if (fields.length < 4) return;
      requests.push(fields);
      const ok = Object.hasOwn(users, fields[0]!) && users[fields[0]!] === fields[1];
      socket.end(countedString(ok ? 'OK' : 'NO authentication failed'));
    });
  });
  return new Promise((resolve) => {
    server.listen(socketPath, () => resolve({ socketPath, requests, close: () => new Promise((r) => server.close(() => r())) }));
  });
}

export interface TestDaemon {
  dir: string;
  port: number;
  /** Port of the M=s (SMTPS) listener, when asked for. */
  smtpsPort?: number;
  warnings: string[];
  /** The qf files' texts in the queue. */
  queued(): string[];
  close(): Promise<void>;
}

/**
 * Our daemon in this process on a copy of the sample cf with `cfLines`
 * added; a Sendmail.conf in the copy's directory names `saslauthdPath`.
 */
export async function startTestDaemon(
  cfLines: string[],
  opts: { saslauthdPath?: string; smtps?: boolean; authFailureDelayMs?: number } = {},
): Promise<TestDaemon> {
  await import('../src/maps/index.js');
  const port = await freePort();
  const dir = sampleConfigCopy(port, { absolutePaths: true });
  const cf = path.join(dir, 'etc-mail/sendmail.cf');
  appendFileSync(cf, cfLines.map((l) => `${l}\n`).join(''), 'latin1');
  writeFileSync(path.join(dir, 'Sendmail.conf'), `pwcheck_method: saslauthd\nsaslauthd_path: ${opts.saslauthdPath ?? path.join(dir, 'no-such-mux')}\nmech_list: PLAIN LOGIN\n`);
  const warnings: string[] = [];
  const warn = (m: string): void => void warnings.push(m);
  const loaded = await loadConfig({ file: cf, print: warn, opMode: 'd', hostName: 'mail.example.test' });
  const options = loaded.config.options;
  const session = await sessionOptionsFromConfig(loaded, warn);
  session.auth = authServerFromOptions(options, warn, { saslConfigDirs: [dir] });
  if (session.auth && opts.authFailureDelayMs !== undefined) session.auth.failureDelayMs = opts.authFailureDelayMs;
  const specs = [parseDaemonOptions(`Port=${port}, Addr=127.0.0.1, Name=MTA`)];
  let smtpsPort: number | undefined;
  if (opts.smtps) {
    smtpsPort = await freePort();
    specs.push(parseDaemonOptions(`Port=${smtpsPort}, Addr=127.0.0.1, Name=SMTPS, M=s`));
  }
  const listeners = new SmtpListeners({
    listeners: specs,
    session,
    tls: tlsSettingsFromOptions(options, warn),
    resolveClient: async () => ({ name: 'client.example', resolve: 'OK' }),
  });
  await listeners.start();
  const queueDir = path.join(dir, 'var/spool/mqueue');
  return {
    dir,
    port,
    ...(smtpsPort !== undefined ? { smtpsPort } : {}),
    warnings,
    queued: () =>
      readdirSync(queueDir)
        .filter((f) => f.startsWith('qf'))
        .map((f) => readFileSync(path.join(queueDir, f), 'latin1')),
    close: () => listeners.close(),
  };
}

export interface ChatOptions {
  port: number;
  localAddress?: string;
  /** Connect with TLS at once (SMTPS). */
  implicitTls?: boolean;
}

/**
 * Talks SMTP: each line of `script` after the complete reply to the one
 * before; after a 220 to STARTTLS the connection switches to TLS.  Returns
 * ">>> command" lines and reply lines; "=== TLS version cipher" marks the switch.
 */
export function tlsChat(opts: ChatOptions, script: readonly string[]): Promise<string[]> {
  return chatClient(opts, script) as Promise<string[]>;
}
