// Open SMTP connections kept between messages (sendmail's connection cache,
// ConnectionCacheSize / ConnectionCacheTimeout): a queue run that sends
// several messages to the same host reuses one session, starting each
// transaction with RSET.  The caller owns the cache and closes it at the end
// of the run; idle connections are closed after the timeout.  Several idle
// sessions to one host may be kept (the daemon's concurrent deliveries each
// put theirs back, as each of sendmail's delivery processes has its own
// cache); `size` bounds them all together, the oldest going first.

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
  /** Most idle sessions kept open at once, all hosts together (ConnectionCacheSize, default 2). */
  readonly size?: number;
  /** Close a session idle this long (ms, ConnectionCacheTimeout, default 5 minutes). */
  readonly idleTimeoutMs?: number;
}

export class SmtpConnectionCache {
  /** Idle sessions by host key, each list oldest first; the Map's order is not used. */
  private readonly sessions = new Map<string, { session: CachedSession; timer: NodeJS.Timeout }[]>();
  /** Every idle session in the order it was put back (the oldest is closed first when full). */
  private readonly order: { key: string; session: CachedSession }[] = [];
  private readonly size: number;
  private readonly idleTimeoutMs: number;

  constructor(options: ConnectionCacheOptions = {}) {
    this.size = options.size ?? 2;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  }

  /** Takes the most recently used idle session for `key` out of the cache, if there is a live one. */
  take(key: string): CachedSession | undefined {
    const list = this.sessions.get(key);
    for (let entry = list?.pop(); entry !== undefined; entry = list?.pop()) {
      this.forget(key, entry);
      if (!entry.session.conn.destroyed) return entry.session;
    }
    return undefined;
  }

  /** Keeps a session for reuse; the oldest one is closed when the cache is full. */
  put(key: string, session: CachedSession): void {
    if (this.size <= 0 || session.conn.destroyed) {
      session.conn.close();
      return;
    }
    while (this.order.length >= this.size) {
      const oldest = this.order[0]!;
      const entry = this.sessions.get(oldest.key)?.find((e) => e.session === oldest.session);
      if (entry) this.drop(oldest.key, entry);
      else this.order.shift();
    }
    const entry = { session, timer: setTimeout(() => this.drop(key, entry), this.idleTimeoutMs) };
    entry.timer.unref();
    const list = this.sessions.get(key);
    if (list) list.push(entry);
    else this.sessions.set(key, [entry]);
    this.order.push({ key, session });
  }

  /** Number of idle sessions held. */
  get idle(): number {
    return this.order.length;
  }

  /** Ends every idle session (QUIT). */
  close(): void {
    for (const [key, list] of [...this.sessions]) for (const entry of [...list]) this.drop(key, entry);
  }

  /** Takes an entry out of the lists without closing it. */
  private forget(key: string, entry: { session: CachedSession; timer: NodeJS.Timeout }): void {
    clearTimeout(entry.timer);
    const list = this.sessions.get(key);
    const at = list?.indexOf(entry) ?? -1;
    if (list && at >= 0) list.splice(at, 1);
    if (list?.length === 0) this.sessions.delete(key);
    const o = this.order.findIndex((x) => x.session === entry.session);
    if (o >= 0) this.order.splice(o, 1);
  }

  private drop(key: string, entry: { session: CachedSession; timer: NodeJS.Timeout }): void {
    this.forget(key, entry);
    entry.session.conn.quit();
  }
}
