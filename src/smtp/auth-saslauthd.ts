// Password checks through saslauthd, as Cyrus SASL does for sendmail when
// its Sendmail.conf says `pwcheck_method: saslauthd`: one connection to the
// daemon's unix socket per check, four counted strings (a 16-bit big-endian
// length, then the bytes) — login, password, service, realm — and one
// counted string back, "OK ..." or "NO ...".  Anything else (no daemon, a
// short or garbled answer, a timeout) is a temporary failure.
//
// The Cyrus configuration (Sendmail.conf) is looked for where the library
// looks: /etc/sasl2, /etc/sasl, /usr/lib/x86_64-linux-gnu/sasl2,
// /usr/lib/sasl2; its saslauthd_path and mech_list are honoured.

import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';

export type PasswordCheck = 'ok' | 'no' | 'tempfail';

/** Checks a user name and password (PLAIN and LOGIN hand theirs here). */
export interface PasswordVerifier {
  verify(user: string, password: string): Promise<PasswordCheck>;
}

export const DEFAULT_SASLAUTHD_PATH = '/var/run/saslauthd/mux';
export const SASL_CONFIG_DIRS = ['/etc/sasl2', '/etc/sasl', '/usr/lib/x86_64-linux-gnu/sasl2', '/usr/lib/sasl2'];

/** One counted string: 16-bit big-endian length, then the bytes. */
export function countedString(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  if (body.length > 0xffff) throw new RangeError('saslauthd: string too long');
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, body]);
}

/** The first counted string in `buf` and the bytes it took, or undefined while incomplete. */
export function readCountedString(buf: Buffer): { text: string; used: number } | undefined {
  if (buf.length < 2) return undefined;
  const n = buf.readUInt16BE(0);
  if (buf.length < 2 + n) return undefined;
  return { text: buf.subarray(2, 2 + n).toString('utf8'), used: 2 + n };
}

export interface SaslauthdOptions {
  /** The daemon's socket (saslauthd_path; default /var/run/saslauthd/mux). */
  socketPath?: string;
  /** The service name sent (sendmail: "smtp"). */
  service?: string;
  /** The realm sent (AuthRealm; Cyrus sends "" when none is configured). */
  realm?: string;
  timeoutMs?: number;
}

export class SaslauthdVerifier implements PasswordVerifier {
  readonly socketPath: string;
  private readonly service: string;
  private readonly realm: string;
  private readonly timeoutMs: number;

  constructor(opts: SaslauthdOptions = {}) {
    this.socketPath = opts.socketPath ?? DEFAULT_SASLAUTHD_PATH;
    this.service = opts.service ?? 'smtp';
    this.realm = opts.realm ?? '';
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  verify(user: string, password: string): Promise<PasswordCheck> {
    let request: Buffer;
    try {
      request = Buffer.concat([user, password, this.service, this.realm].map(countedString));
    } catch {
      return Promise.resolve('no');
    }
    return new Promise((resolve) => {
      let got = Buffer.alloc(0);
      let settled = false;
      const finish = (result: PasswordCheck): void => {
        if (settled) return;
        settled = true;
        socket.destroy();
        resolve(result);
      };
      const socket = connect(this.socketPath, () => socket.write(request));
      socket.setTimeout(this.timeoutMs, () => finish('tempfail'));
      socket.on('data', (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        const answer = readCountedString(got);
        if (!answer) return;
        const word = answer.text.replace(/\0+$/, '').slice(0, 2);
        finish(word === 'OK' ? 'ok' : word === 'NO' ? 'no' : 'tempfail');
      });
      socket.on('error', () => finish('tempfail'));
      socket.on('close', () => finish('tempfail'));
    });
  }
}

/** The settings of a Cyrus SASL application file (`key: value` lines). */
export interface SaslAppConfig {
  file: string;
  values: Map<string, string>;
}

/** The first `<app>.conf` in the Cyrus configuration directories, or undefined. */
export function readSaslAppConfig(app = 'Sendmail', dirs: readonly string[] = SASL_CONFIG_DIRS): SaslAppConfig | undefined {
  for (const dir of dirs) {
    const file = path.join(dir, `${app}.conf`);
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    const values = new Map<string, string>();
    for (const line of text.split('\n')) {
      const m = /^\s*([A-Za-z0-9_]+)\s*:\s*(.*?)\s*$/.exec(line);
      if (m && !line.trimStart().startsWith('#')) values.set(m[1]!.toLowerCase(), m[2]!);
    }
    return { file, values };
  }
  return undefined;
}
