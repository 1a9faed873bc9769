// Where log lines go: syslog, a file, standard error, or nowhere.  A sink
// never throws and never blocks mail flow: writes are queued on a pipe or a
// file stream, and a sink that breaks hands over to standard error, once.
//
// Syslog goes through a long-lived `logger` (util-linux) child reading our
// lines on its standard input.  Why: syslog(3) on Linux is a unix *datagram*
// socket (/dev/log) and Node's dgram module has no AF_UNIX; the npm packages
// that add it (unix-dgram, modern-syslog, posix) are native add-ons that need
// a compiler at install time.  `logger` is in util-linux (bsdutils, Essential
// on Debian), and with --prio-prefix each line carries its own priority
// ("<22>" = mail.info), --id gives our pid, -t our name, so what reaches
// syslogd is byte for byte what sendmail sends: "<22>Nov 22 07:07:57
// sendmail[28032]: 6AM77v2Q028032: from=<...>, ...".  `logger -u path`
// tries a datagram socket first and falls back to a stream socket.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, statSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAIL_FACILITY, Severity, type SeverityName } from './levels.js';

export interface LogSink {
  /** Queues one line (without a newline) at a severity. */
  write(severity: SeverityName, message: string): void;
  /** Lets the process exit without waiting for the sink (pending writes still finish). */
  close(): void;
}

/** Who is logging: the tag ("sendmail", "sm-mta") and the pid shown as tag[pid]. */
export interface LogIdentity {
  tag: string;
  pid: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The RFC 3164 time stamp syslogd writes: "Nov  2 07:07:05" (day padded with a space). */
export function syslogTime(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** A line as syslogd files it in /var/log/mail.log: "Nov 22 07:07:57 host sendmail[123]: text". */
export function mailLogFileLine(id: LogIdentity, message: string, now: Date, host = os.hostname().split('.')[0] ?? 'localhost'): string {
  return `${syslogTime(now)} ${host} ${id.tag}[${id.pid}]: ${message}`;
}

/** Log text on one line: a newline would split it into two syslog messages. */
function oneLine(message: string): string {
  return message.replace(/[\r\n]+/g, ' ');
}

/** Lines dropped. */
export class NullSink implements LogSink {
  write(): void {}
  close(): void {}
}

/** Lines in mail.log form on a writable stream (standard error). */
export class StreamSink implements LogSink {
  constructor(
    private readonly id: LogIdentity,
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {}

  write(_severity: SeverityName, message: string): void {
    try {
      this.out.write(`${mailLogFileLine(this.id, oneLine(message), new Date())}\n`);
    } catch {
      // standard error gone: nothing left to tell
    }
  }

  close(): void {}
}

/** Lines in mail.log form appended to a file; on a write error the rest goes to `fallback`. */
export class FileSink implements LogSink {
  private stream: WriteStream | undefined;
  private failed: LogSink | undefined;

  constructor(
    readonly file: string,
    private readonly id: LogIdentity,
    private readonly fallback: () => LogSink = () => new StreamSink(id),
  ) {}

  write(severity: SeverityName, message: string): void {
    if (this.failed) return this.failed.write(severity, message);
    if (!this.stream) {
      this.stream = createWriteStream(this.file, { flags: 'a', mode: 0o640 });
      this.stream.on('error', (err) => this.fail(err.message));
    }
    this.stream.write(`${mailLogFileLine(this.id, oneLine(message), new Date())}\n`);
  }

  private fail(why: string): void {
    if (this.failed) return;
    this.failed = this.fallback();
    this.failed.write('err', `cannot write log file ${this.file}: ${why}; logging to standard error`);
  }

  close(): void {
    this.stream?.end();
  }
}

/** The local syslog socket, when there is one. */
export function syslogSocket(candidate = '/dev/log'): string | undefined {
  try {
    return statSync(candidate).isSocket() ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/** The `logger` program on PATH, or undefined. */
export function findLogger(pathVar = process.env.PATH ?? '/usr/bin:/bin'): string | undefined {
  for (const dir of pathVar.split(':')) {
    if (dir === '') continue;
    const file = path.join(dir, 'logger');
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface SyslogSinkOptions {
  /** The logger program. */
  logger: string;
  /** A socket other than /dev/log (logger -u). */
  socket?: string | undefined;
  /** Where lines go once logger died twice. */
  fallback?: () => LogSink;
}

/**
 * Syslog through a `logger` child.  If the child dies it is started once
 * more; if it dies again the lines go to the fallback (standard error),
 * with one line saying so.
 */
export class SyslogSink implements LogSink {
  private child: ChildProcess | undefined;
  private starts = 0;
  private failed: LogSink | undefined;
  private closed = false;

  constructor(
    private readonly id: LogIdentity,
    private readonly opts: SyslogSinkOptions,
  ) {}

  private start(): ChildProcess | undefined {
    if (this.starts >= 2) return undefined;
    this.starts++;
    const args = ['--prio-prefix', '-t', this.id.tag, `--id=${this.id.pid}`, '-S', '8192', '--socket-errors=off'];
    if (this.opts.socket !== undefined) args.push('-u', this.opts.socket);
    const child = spawn(this.opts.logger, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    const lost = (why: string): void => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.closed) return;
      if (this.starts >= 2) this.fail(why);
    };
    child.on('error', (err) => lost(err.message));
    child.on('exit', (code, signal) => lost(`logger exited (${signal ?? code})`));
    child.stdin!.on('error', (err) => lost(err.message));
    // the daemon or a one-shot command exits when its own work is done, not the logger's
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    this.child = child;
    return child;
  }

  private fail(why: string): void {
    if (this.failed) return;
    this.failed = (this.opts.fallback ?? (() => new StreamSink(this.id)))();
    this.failed.write('err', `syslog unavailable (${why}); logging to standard error`);
  }

  write(severity: SeverityName, message: string): void {
    if (this.failed) return this.failed.write(severity, message);
    const child = this.child ?? this.start();
    if (!child) return this.fail('logger could not be started');
    child.stdin!.write(`<${MAIL_FACILITY + Severity[severity]}>${oneLine(message)}\n`);
  }

  close(): void {
    this.closed = true;
    this.child?.stdin?.end();
  }
}
