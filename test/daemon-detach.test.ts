// `sendmail -bd` returns once a background copy of the daemon listens (as
// the real sendmail -bd forks into the background), so init scripts and
// systemd Type=forking units work unchanged; the PidFile names the
// background process, which runs in a session of its own.  A daemon that
// cannot start fails the command with its message and a non-zero status.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { chatFrom, freePort, sampleConfigCopy, SENDMAIL } from './e2e-helpers.js';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone already
    }
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The session id of a process, from /proc (Linux). */
function sessionOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

function runBd(dir: string, extra: string[] = []) {
  return spawnSync(process.execPath, [SENDMAIL, '-bd', '-C', 'etc-mail/sendmail.cf', `-OPidFile=${dir}/daemon.pid`, ...extra], {
    cwd: dir,
    encoding: 'latin1',
    timeout: 20000,
  });
}

describe('sendmail -bd goes to the background once it listens', () => {
  it('returns 0, leaves a daemon in its own session named by the PidFile, answering on the port', async () => {
    const port = await freePort();
    const dir = sampleConfigCopy(port);
    const r = runBd(dir);
    expect(r.status, r.stderr).toBe(0);
    const pidFile = path.join(dir, 'daemon.pid');
    expect(existsSync(pidFile)).toBe(true);
    const [pidLine, commandLine] = readFileSync(pidFile, 'latin1').split('\n');
    const pid = Number(pidLine);
    started.push(pid);
    expect(alive(pid)).toBe(true);
    expect(commandLine).toMatch(/-bd -C etc-mail\/sendmail\.cf/);
    // setsid: the daemon leads a session of its own, not the test's
    expect(sessionOf(pid)).toBe(pid);
    expect(sessionOf(pid)).not.toBe(sessionOf(process.pid));
    const transcript = await chatFrom(port, '127.0.0.1', ['QUIT']);
    expect(transcript[0]).toMatch(/^220 /);
  }, 30000);

  it('fails with the reason and a non-zero status when the port is taken', async () => {
    const port = await freePort();
    const dir = sampleConfigCopy(port);
    const first = runBd(dir);
    expect(first.status, first.stderr).toBe(0);
    started.push(Number(readFileSync(path.join(dir, 'daemon.pid'), 'latin1').split('\n')[0]));
    const second = runBd(dir, [`-OPidFile=${dir}/second.pid`]);
    expect(second.status).not.toBe(0);
    expect(second.stderr).toMatch(/EADDRINUSE|address already in use/i);
    expect(existsSync(path.join(dir, 'second.pid'))).toBe(false);
  }, 30000);
});
