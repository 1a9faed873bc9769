// Helpers of the end-to-end tests: a copy of the sample configuration in a
// temporary directory listening on a free loopback port, our daemon started
// from it, and the SMTP chat client (test/fixtures/e2e/chat.mjs) run from a
// chosen loopback address.
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './smtp-helpers.js';

const execFileAsync = promisify(execFile);
export const ROOT = path.resolve(import.meta.dirname, '..');
export const CHAT = path.join(ROOT, 'test/fixtures/e2e/chat.mjs');
export const SENDMAIL = path.join(ROOT, 'bin/sendmail');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface CopyOptions {
  /** Lines appended to the access map's source. */
  extraAccess?: readonly string[];
  /** Paths in the cf made absolute (for loading it in this process). */
  absolutePaths?: boolean;
}

/** A copy of etc-mail/ under a fresh directory, its one listener on 127.0.0.1:`port`; returns the directory. */
export function sampleConfigCopy(port: number, opts: CopyOptions = {}): string {
  const dir = tempDir('e2e-');
  // the sources only: the databases are built here, as on a fresh clone
  cpSync(path.join(ROOT, 'etc-mail'), path.join(dir, 'etc-mail'), { recursive: true, filter: (src) => !/\.db(-lock)?$/.test(src) });
  mkdirSync(path.join(dir, 'var/spool/mqueue'), { recursive: true, mode: 0o700 });
  const cf = path.join(dir, 'etc-mail/sendmail.cf');
  const text = readFileSync(cf, 'latin1')
    .split('\n')
    .filter((l) => !/^O DaemonPortOptions=/.test(l))
    .join('\n')
    .replace(/^(O QueueDirectory=.*)$/m, `$1\nO DaemonPortOptions=Port=${port}, Addr=127.0.0.1, Name=MTA`);
  writeFileSync(cf, opts.absolutePaths ? text.replace(/(^|[\s=:,])(etc-mail|var)\//gm, `$1${dir}/$2/`) : text, 'latin1');
  if (opts.extraAccess) {
    const access = path.join(dir, 'etc-mail/access');
    writeFileSync(access, readFileSync(access, 'latin1') + opts.extraAccess.join('\n') + '\n', 'latin1');
  }
  for (const map of ['access', 'virtusertable', 'mailertable']) {
    execFileSync(process.execPath, [path.join(ROOT, 'bin/makemap'), 'hash', `etc-mail/${map}`], { cwd: dir, input: readFileSync(path.join(dir, 'etc-mail', map)) });
  }
  execFileSync(process.execPath, [SENDMAIL, '-bi', '-C', 'etc-mail/sendmail.cf'], { cwd: dir, stdio: 'ignore' });
  return dir;
}

/** Starts `bin/sendmail -bD -C etc-mail/sendmail.cf` in `dir`; resolves once it listens. */
export function startOurDaemon(dir: string, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SENDMAIL, '-bD', '-C', 'etc-mail/sendmail.cf', ...extra], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`daemon did not start: ${err}`)), 15000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('listening on')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code}: ${err}`));
    });
  });
}

export function stopDaemon(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Runs the chat client: `script` lines against 127.0.0.1:`port` from `from`; the transcript's lines. */
export async function chatFrom(port: number, from: string, script: readonly string[]): Promise<string[]> {
  const child = execFileAsync(process.execPath, [CHAT, String(port), from], { encoding: 'latin1' });
  child.child.stdin!.end(script.join('\n') + '\n');
  const { stdout } = await child;
  return stdout.split('\n').filter((l) => l !== '');
}

/** The reply lines that answer `command` in a transcript (up to the final line). */
export function replyTo(transcript: readonly string[], command: string): string {
  const i = transcript.indexOf(`>>> ${command}`);
  if (i < 0) throw new Error(`${command} not in transcript:\n${transcript.join('\n')}`);
  let j = i + 1;
  while (j < transcript.length && /^\d{3}-/.test(transcript[j]!)) j++;
  return transcript[j] ?? '';
}
