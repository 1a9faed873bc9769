/**
 * src/sys/watched-file.ts — a small system file (the password file, a hosts
 * file) read once and kept parsed for a long-running reader (the daemon
 * looks users and hosts up on every RCPT).  Staleness bound: the file is
 * looked at again (one stat) at most once a second, and read and parsed
 * anew when its inode, size, mtime or ctime changed — so an edit is seen
 * within a second of being made.  A file that cannot be read is tried again
 * on the same schedule.
 */
import { readFileSync, statSync } from 'node:fs';

/** How long a look at the file stays good, in ms. */
export const RECHECK_MS = 1000;

/** What a read gave: the parsed value, or why the file could not be read. */
export type WatchedContent<T> = { ok: true; value: T } | { ok: false; message: string };

export class WatchedFile<T> {
  private content: WatchedContent<T> | undefined;
  private stamp = '';
  private nextCheck = 0;

  constructor(
    readonly path: string,
    private readonly parse: (text: string) => T,
    private readonly now: () => number = Date.now,
  ) {}

  /** The parsed content, as fresh as the staleness bound says. */
  get(): WatchedContent<T> {
    const now = this.now();
    if (this.content && now < this.nextCheck) return this.content;
    this.nextCheck = now + RECHECK_MS;
    let stamp: string;
    try {
      const st = statSync(this.path);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    } catch (err) {
      this.stamp = '';
      return (this.content = { ok: false, message: `${this.path}: ${(err as Error).message}` });
    }
    if (this.content?.ok && stamp === this.stamp) return this.content;
    try {
      this.content = { ok: true, value: this.parse(readFileSync(this.path, 'latin1')) };
      this.stamp = stamp;
    } catch (err) {
      this.content = { ok: false, message: `${this.path}: ${(err as Error).message}` };
      this.stamp = '';
    }
    return this.content;
  }
}

/** One WatchedFile per path and parser, shared by every caller in the process. */
export function watchedFileCache<T>(parse: (text: string) => T): (path: string) => WatchedFile<T> {
  const files = new Map<string, WatchedFile<T>>();
  return (path) => {
    let file = files.get(path);
    if (!file) files.set(path, (file = new WatchedFile(path, parse)));
    return file;
  };
}
