// Which process works on a queued message: a lock file lf<id> beside the qf,
// created exclusively and holding the owner's pid and its start time, so
// two queue runners of this program (a daemon's and a `sendmail -q`) never
// deliver one message twice.  A lock whose process is gone is stale and
// taken over; the start time (from /proc, where there is one) tells a
// process that reuses a dead owner's pid from the owner.  (sendmail itself
// locks the qf with flock, which Node cannot reach.)

import { closeSync, open, readFileSync, rmSync, writeSync, promises as fsp } from 'node:fs';
import path from 'node:path';

/** A process's start time in clock ticks since boot (field 22 of /proc/PID/stat); undefined where unknown. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // the command name (field 2) may hold spaces and parentheses: count from the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

/** What a lock file says about its owner: "PID [STARTTIME]". */
export function lockOwnerText(pid: number = process.pid): string {
  const start = processStartTime(pid);
  return start === undefined ? `${pid}\n` : `${pid} ${start}\n`;
}

/** Whether the process a lock file names ("PID [STARTTIME]") still runs. */
export function ownerAlive(text: string): boolean {
  const [pidText, start] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (start === undefined) return true;
  const now = processStartTime(pid);
  return now === undefined || now === start;
}

/** An empty lock file's owner died between creating and writing it (microseconds apart) once it is this old. */
export const EMPTY_LOCK_GRACE_MS = 2000;

/** Whether a lock file (its text and modification time) belongs to no running process. */
export function lockIsStale(text: string, mtimeMs: number, now = Date.now()): boolean {
  const firstLine = text.split('\n')[0] ?? '';
  return firstLine.trim() === '' ? now - mtimeMs > EMPTY_LOCK_GRACE_MS : !ownerAlive(firstLine);
}

/** Takes the lock of message `id` in `controlDir`; a release function, or undefined when another live process holds it. */
export async function lockMessage(controlDir: string, id: string): Promise<(() => Promise<void>) | undefined> {
  const file = path.join(controlDir, `lf${id}`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // the create may wait for the file system's journal: in the thread
      // pool; writing a few bytes to the new file and closing it do not
      const fd = await new Promise<number>((resolve, reject) => open(file, 'wx', 0o600, (err, fd) => (err ? reject(err) : resolve(fd))));
      try {
        writeSync(fd, ownLockText);
      } finally {
        closeSync(fd);
      }
      heldLocks.add(file);
      return () => {
        heldLocks.delete(file);
        return removeLock(file);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const [text, st] = await Promise.all([fsp.readFile(file, 'latin1').catch(() => ''), fsp.stat(file).catch(() => undefined)]);
    if (st && !lockIsStale(text, st.mtimeMs)) return undefined;
    await removeLock(file);
  }
  return undefined;
}

/** The lock files this process holds now. */
const heldLocks = new Set<string>();

/**
 * Releases every message lock this process holds, at once and
 * synchronously: a daemon stopping abandons the deliveries still running,
 * whose messages stay queued for the next run (a lock left behind would
 * be taken over only once this process is gone).
 */
export function releaseHeldLocks(): number {
  const n = heldLocks.size;
  for (const file of heldLocks) rmSync(file, { force: true });
  heldLocks.clear();
  return n;
}

/** This process's lock text (its pid and start time do not change). */
const ownLockText = lockOwnerText();

/** Removes a lock file; one already gone is no error. */
function removeLock(file: string): Promise<void> {
  return fsp.unlink(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
