// Local delivery into a user's mailbox file, the way mail.local does it:
// take the dot lock "<mailbox>.lock" (created with O_EXCL; fcntl locks are
// not reachable from Node), refuse a mailbox that is a symbolic or hard
// link or not a regular file, append the mbox entry (From line, >From
// quoting, blank line after), and on a failed write cut the mailbox back to
// its old size so no half message is left behind.
//
// A killed deliverer cannot cut anything back, so the dot lock says what it
// would have done: its owner (pid and start time) and, once the mailbox is
// open, the mailbox's size and inode before the append.  A lock whose owner
// is dead is taken over at once (not after the stale-lock age; an empty one, whose
// owner died before writing it, after two seconds), and the
// mailbox, when it is still that file, is cut back to the recorded size:
// the dead process's partial (or complete but unacknowledged) message goes,
// and the queue, which was not told it was delivered, delivers it again.

import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { DeliveryResult } from '../status.js';
import { mboxEntry } from './mbox-format.js';
import { EX_CANTCREAT, EX_OK, EX_TEMPFAIL, resultFromExit } from './sysexits.js';
import { lockIsStale, lockOwnerText } from '../queue-lock.js';

export interface MailboxDeliveryRequest {
  /** Path of the mailbox file, e.g. /var/mail/bob. */
  readonly mailbox: string;
  /** The recipient as it appears in transcripts. */
  readonly recipient: string;
  /** Envelope sender for the From line; "" is the null sender. */
  readonly sender: string;
  readonly message: Buffer;
  readonly date?: Date;
  /** Add a Content-Length: header (Debian's mail.local does). */
  readonly contentLength?: boolean;
  /** Owner of a newly created mailbox (when running as root). */
  readonly owner?: { readonly uid: number; readonly gid: number };
  /** How long to wait for a busy lock before deferring (ms, default 30000). */
  readonly lockTimeoutMs?: number;
  /** A lock file older than this is stale and removed (ms, default 300000). */
  readonly staleLockMs?: number;
}

const MAILER = 'local mailer (mail.local)';

function errCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
}

/** A held dot lock: `record` writes what a successor must undo if we die; `previous` is what a dead owner left. */
export interface DotLock {
  readonly ok: true;
  release(): Promise<void>;
  /** Rewrites the lock file: our owner line, then `note` (e.g. "size 1234 ino 5678"). */
  record(note: string): Promise<void>;
  /** The lock file a dead owner left, when this lock was taken over from one. */
  readonly previous?: string;
}

/** Takes the dot lock; resolves to the held lock, or a reason it could not. */
export async function acquireDotLock(target: string, timeoutMs: number, staleMs: number): Promise<DotLock | { ok: false; reason: string }> {
  const lock = `${target}.lock`;
  const deadline = Date.now() + timeoutMs;
  const owner = lockOwnerText();
  let wait = 50;
  let previous: string | undefined;
  for (;;) {
    try {
      const fh = await fsp.open(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      await fh.writeFile(owner);
      await fh.close();
      return {
        ok: true,
        previous,
        release: () => fsp.unlink(lock).catch(() => undefined),
        record: (note) => fsp.writeFile(lock, `${owner}${note}\n`),
      };
    } catch (err) {
      if (errCode(err) !== 'EEXIST') {
        return { ok: false, reason: `${lock}: ${(err as Error).message}` };
      }
    }
    try {
      const [st, text] = await Promise.all([fsp.stat(lock), fsp.readFile(lock, 'latin1')]);
      const deadOwner = lockIsStale(text, st.mtimeMs);
      if (deadOwner || Date.now() - st.mtimeMs > staleMs) {
        if (deadOwner) previous = text;
        await fsp.unlink(lock).catch(() => undefined);
        continue;
      }
    } catch {
      continue; // the holder just released it
    }
    if (Date.now() >= deadline) return { ok: false, reason: `${lock}: lock file busy` };
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 1000);
  }
}

/** The size and inode a dead owner recorded before appending ("size N ino I"), if any. */
function recordedAppend(previous: string | undefined): { size: number; ino: number } | undefined {
  const m = previous === undefined ? null : /^size (\d+) ino (\d+)$/m.exec(previous);
  return m ? { size: Number(m[1]), ino: Number(m[2]) } : undefined;
}

/** Opens the mailbox for appending, creating it when absent; refuses links and non-files. */
async function openMailbox(
  req: MailboxDeliveryRequest,
): Promise<{ fh: FileHandle; size: number } | { refused: string; temporary: boolean }> {
  let existing;
  try {
    existing = await fsp.lstat(req.mailbox);
  } catch (err) {
    if (errCode(err) !== 'ENOENT') return { refused: `${req.mailbox}: ${(err as Error).message}`, temporary: true };
  }
  if (existing !== undefined) {
    if (existing.isSymbolicLink()) return { refused: `${req.mailbox}: is a symbolic link`, temporary: false };
    if (!existing.isFile()) return { refused: `${req.mailbox}: not a regular file`, temporary: false };
    if (existing.nlink > 1) return { refused: `${req.mailbox}: linked file`, temporary: false };
  }
  try {
    const flags = existing
      ? constants.O_WRONLY | constants.O_APPEND | constants.O_NOFOLLOW
      : constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const fh = await fsp.open(req.mailbox, flags, 0o600);
    const st = await fh.stat();
    if (existing && (st.ino !== existing.ino || st.dev !== existing.dev)) {
      await fh.close();
      return { refused: `${req.mailbox}: changed while opening`, temporary: true };
    }
    if (!existing && req.owner) await fh.chown(req.owner.uid, req.owner.gid);
    return { fh, size: st.size };
  } catch (err) {
    const code = errCode(err);
    return { refused: `${req.mailbox}: ${(err as Error).message}`, temporary: code !== 'ELOOP' && code !== 'EACCES' };
  }
}

function withDetail(code: number, req: MailboxDeliveryRequest, detail: string): DeliveryResult {
  const r = resultFromExit(code, req.recipient, MAILER);
  return {
    ...r,
    text: r.kind === 'tempfail' ? `Deferred: ${detail}` : r.text,
    transcript: [`mail.local: ${detail}`, ...r.transcript],
  };
}

/** Appends one message to a mailbox under its dot lock. */
export async function deliverToMailbox(req: MailboxDeliveryRequest): Promise<DeliveryResult> {
  const lock = await acquireDotLock(req.mailbox, req.lockTimeoutMs ?? 30_000, req.staleLockMs ?? 300_000);
  if (!lock.ok) return withDetail(EX_TEMPFAIL, req, lock.reason);
  try {
    const opened = await openMailbox(req);
    if ('refused' in opened) {
      return withDetail(opened.temporary ? EX_TEMPFAIL : EX_CANTCREAT, req, opened.refused);
    }
    const { fh } = opened;
    let { size } = opened;
    try {
      // undo a dead deliverer's unfinished append to this same file
      const undo = recordedAppend(lock.previous);
      const st = await fh.stat();
      if (undo && undo.ino === st.ino && undo.size < size) {
        await fh.truncate(undo.size);
        size = undo.size;
      }
      await lock.record(`size ${size} ino ${st.ino}`);
      const entry = mboxEntry(req.sender, req.date ?? new Date(), req.message, {
        endLastLine: true,
        contentLength: req.contentLength,
      });
      await fh.write(entry, 0, entry.length);
      await fh.sync();
    } catch (err) {
      await fh.truncate(size).catch(() => undefined);
      return withDetail(EX_TEMPFAIL, req, `${req.mailbox}: ${(err as Error).message}`);
    } finally {
      await fh.close();
    }
    return resultFromExit(EX_OK, req.recipient, MAILER);
  } finally {
    await lock.release();
  }
}
