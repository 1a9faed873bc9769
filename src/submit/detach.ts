// `sendmail -bd` goes to the background as the real one does: the command
// starts a copy of itself in a new session and returns once that copy
// listens (its mail log goes to syslog, or the file SENDMAIL_LOG names;
// its stderr ends with the command), so init scripts and systemd's Type=forking units that run
// `sendmail -bd` work unchanged.  Unlike sendmail, which forks before it
// binds, the parent waits for the child's word on a pipe (fd 3): a daemon
// that cannot start (port in use, bad cf) fails the command with the
// child's message and exit status instead of failing silently in the
// background.  `-bD` stays in the foreground.

import { spawn } from 'node:child_process';
import { closeSync, writeSync } from 'node:fs';

/** Set in the environment of the background copy; its value is the readiness fd. */
const CHILD_ENV = 'SENDMAIL_DAEMON_READY_FD';
const READY = 'ready\n';
/** The child did not say it was ready and gave no exit status (killed by a signal). */
const EX_OSERR = 71;

/**
 * In the background copy started by detachDaemon: the fd to announce
 * readiness on (taken out of the environment, so programs the daemon runs
 * don't see it); undefined in a command run by hand.
 */
export function takeDaemonReadyFd(): number | undefined {
  const value = process.env[CHILD_ENV];
  if (value === undefined) return undefined;
  delete process.env[CHILD_ENV];
  const fd = Number(value);
  return Number.isInteger(fd) && fd > 2 ? fd : undefined;
}

/**
 * Start this command again (same node flags, script and arguments) in a
 * new session with stdin and stdout closed, relay what it writes on stderr
 * until it calls daemonReady (resolves 0) or exits first (resolves its
 * exit status).  After that the child's stderr leads nowhere: the command
 * that started it (a shell's `$(...)`, an init script) is not kept
 * waiting for a pipe the daemon holds open.
 */
export function detachDaemon(argv: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...argv], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, [CHILD_ENV]: '3' },
  });
  return new Promise((resolve) => {
    let said = '';
    let done = false;
    const readyPipe = child.stdio[3] as NodeJS.ReadableStream & { destroy(): void };
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      readyPipe.destroy();
      child.stderr!.destroy();
      child.unref();
      resolve(code);
    };
    child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    readyPipe.setEncoding('latin1');
    readyPipe.on('data', (chunk: string) => {
      said += chunk;
      if (said.startsWith(READY)) finish(0);
    });
    readyPipe.on('error', () => {});
    child.stderr!.on('error', () => {});
    child.on('error', (err) => {
      process.stderr.write(`sendmail: cannot start the daemon: ${err.message}\n`);
      finish(EX_OSERR);
    });
    // 'close', not 'exit': the child's last words on stderr are relayed first
    child.on('close', (code) => finish(code ?? EX_OSERR));
  });
}

/** In the background copy: tell the waiting command that the listeners are open. */
export function daemonReady(fd: number): void {
  // from now on nobody reads our stderr: writes to it fail (EPIPE) quietly
  process.stderr.on('error', () => {});
  try {
    writeSync(fd, READY);
    closeSync(fd);
  } catch {
    // the command was killed while waiting: nobody to tell
  }
}
