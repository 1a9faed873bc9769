// Open SMTP connections kept between messages (sendmail's connection cache,
// ConnectionCacheSize / ConnectionCacheTimeout): a queue run that sends
// several messages to the same host reuses one session, starting each
// transaction with RSET.  The caller owns the cache and closes it at the end
// of the run; idle connections are closed after the timeout.

import type SMTPConnection from 'nodemailer/lib/smtp-connection';

/** One open session and what was learned when it was opened. */
export interface CachedSession {
  readonly conn: SMTPConnection;
  /** Where the transcript logger writes; swapped for each transaction. */
  readonly capture: { lines: string[] };
  /** The dialogue up to the first transaction (greeting, EHLO, STARTTLS, AUTH). */
  readonly opening: readonly string[];
}

export interface ConnectionCacheOptions {
  /** Most sessions kept open at once (ConnectionCacheSize, default 2). */
  readonly size?: number;
  /** Close a session idle this long (ms, ConnectionCacheTimeout, default 5 minutes). */
  readonly idleTimeoutMs?: number;
}

export class SmtpConnectionCache {
  private readonly sessions = new Map<string, { session: CachedSession; timer: NodeJS.Timeout }>();
  private readonly size: number;
  private readonly idleTimeoutMs: number;

  constructor(options: ConnectionCacheOptions = {}) {
    this.size = options.size ?? 2;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  }

  /** Takes the idle session for `key` out of the cache, if there is a live one. */
  take(key: string): CachedSession | undefined {
    const entry = this.sessions.get(key);
    if (entry === undefined) return undefined;
    this.sessions.delete(key);
    clearTimeout(entry.timer);
    if (entry.session.conn.destroyed) return undefined;
    return entry.session;
  }

  /** Keeps a session for reuse; the oldest one is closed when the cache is full. */
  put(key: string, session: CachedSession): void {
    if (this.size <= 0 || session.conn.destroyed) {
      session.conn.close();
      return;
    }
    const old = this.sessions.get(key);
    if (old) this.drop(key, old);
    while (this.sessions.size >= this.size) {
      const first = this.sessions.entries().next().value;
      if (first === undefined) break;
      this.drop(first[0], first[1]);
    }
    const timer = setTimeout(() => {
      const e = this.sessions.get(key);
      if (e?.session === session) this.drop(key, e);
    }, this.idleTimeoutMs);
    timer.unref();
    this.sessions.set(key, { session, timer });
  }

  /** Number of idle sessions held. */
  get idle(): number {
    return this.sessions.size;
  }

  /** Ends every idle session (QUIT). */
  close(): void {
    for (const [key, entry] of [...this.sessions]) this.drop(key, entry);
  }

  private drop(key: string, entry: { session: CachedSession; timer: NodeJS.Timeout }): void {
    clearTimeout(entry.timer);
    this.sessions.delete(key);
    entry.session.conn.quit();
  }
}
