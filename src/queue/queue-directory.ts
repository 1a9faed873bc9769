// A sendmail queue directory: qf/df files (and qf/, df/ subdirectories when
// present), durable writes, listing, reading, and setting corrupt files aside.
//
// Durable write of a new message: the data goes to df<id> and the control
// file to tf<id> (sendmail's own temporary name), both written with O_SYNC
// (each write returns once on disk, as write plus fsync); tf<id> is
// renamed to qf<id> and the directory fsynced, which makes both new entries
// durable (when df/ is a separate directory it is fsynced before the
// rename).  The qf rename is the commit point: a df without its qf is never
// taken by a queue runner (sendmail writes its df the same way), so the df
// needs no temporary name of its own.  Only after the directory fsync does
// the message exist, and only then may the SMTP 250 be sent.  Directory
// fsyncs asked for while one is running share the next one (group commit).
// A corrupt qf is renamed to Qf<id> (sendmail's "lost" queue file), never
// deleted.

import { promises as fs, constants as fsConstants, openSync, closeSync, renameSync, write as writeCb, fsync as fsyncCb } from 'node:fs';
import path from 'node:path';
import type { Envelope } from './envelope.js';
import { QfFormatError, formatQf, parseQf } from './qf-file.js';

/** qf: a control file a queue run takes; hf: a quarantined one (kept until released). */
export type ControlKind = 'qf' | 'hf';

/** The control file kind an envelope is stored as. */
export function controlKind(envelope: Envelope): ControlKind {
  return envelope.quarantineReason !== undefined ? 'hf' : 'qf';
}

export interface QueueEntry {
  envelope: Envelope;
  /** Size of the df file in bytes, or undefined when it is missing. */
  dataSize: number | undefined;
  /** The qf file's path. */
  controlPath: string;
}

export interface SetAsideFile {
  id: string;
  /** Where the corrupt file now is (Qf<id>). */
  path: string;
  reason: string;
}

/**
 * Opens `file`, runs `use` on the descriptor and closes it; the first error
 * wins.  Opening, closing and renaming a queue file take microseconds and
 * never wait for the disk, so they run on the calling thread: through the
 * thread pool each cost a hand-off to a pool thread (which, woken, takes the
 * CPU from the main thread on a small machine) and a callback.  Only what
 * waits for the disk (the O_SYNC writes, fsync) goes to the pool.
 */
function withDescriptor(file: string, flags: number, mode: number, use: (fd: number, done: (err: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let fd: number;
    try {
      fd = openSync(file, flags, mode);
    } catch (openErr) {
      return reject(openErr as Error);
    }
    use(fd, (useErr) => {
      let closeErr: Error | null = null;
      try {
        closeSync(fd);
      } catch (err) {
        closeErr = err as Error;
      }
      const err = useErr ?? closeErr;
      if (err) reject(err);
      else resolve();
    });
  });
}

function fsyncPath(p: string): Promise<void> {
  return withDescriptor(p, fsConstants.O_RDONLY, 0, (fd, done) => fsyncCb(fd, done));
}

/** Exclusive create, every write durable before it returns (O_SYNC: write and fsync in one call). */
const CREATE_SYNCED =
  fsConstants.O_SYNC === undefined ? undefined : fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_SYNC;

/**
 * Creates `file` (it must not exist), writes `data` and makes it durable:
 * with O_SYNC the write itself waits for the disk (open, write, close: one
 * thread-pool round trip fewer per file than write, fsync); where the
 * platform has no O_SYNC, an explicit fsync.
 */
function writeSynced(file: string, data: Uint8Array): Promise<void> {
  const flags = CREATE_SYNCED;
  if (flags === undefined) return writeAndFsync(file, data);
  return withDescriptor(file, flags, 0o600, (fd, done) => {
    const writeFrom = (offset: number): void => {
      // an empty file had no write to carry the sync: fsync its inode explicitly
      if (offset >= data.length) return offset === 0 ? fsyncCb(fd, done) : done(null);
      writeCb(fd, data, offset, data.length - offset, null, (writeErr, written) => {
        if (writeErr) done(writeErr);
        else writeFrom(offset + written);
      });
    };
    writeFrom(0);
  });
}

async function writeAndFsync(file: string, data: Uint8Array): Promise<void> {
  const fh = await fs.open(file, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The I record: "major/minor/inode" of the data file (Linux dev_t encoding).
 * sendmail writes it when it rewrites a qf after a delivery attempt, not
 * when it first stores a message; storeNew does the same.
 */
export function inodeRecord(dev: number, ino: number): string {
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | (Math.floor(dev / 4096) & 0xfff00);
  return `${major}/${minor}/${ino}`;
}

/**
 * fsync of one directory shared by concurrent callers: a caller that comes
 * while a sync runs waits for the next one, which covers everything done
 * before it started.
 */
class DirectorySyncer {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly dir: string) {}

  sync(): Promise<void> {
    if (!this.running) {
      this.running = fsyncPath(this.dir).finally(() => (this.running = undefined));
      return this.running;
    }
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.sync();
      });
    return this.next;
  }
}

export class QueueDirectory {
  private readonly syncers = new Map<string, DirectorySyncer>();
  private layout: Promise<{ control: string; data: string }> | undefined;

  constructor(readonly dir: string) {}

  /** qf/ and df/ subdirectories, looked at once. */
  private dirs(): Promise<{ control: string; data: string }> {
    this.layout ??= (async () => {
      const [q, d] = await Promise.all([isDirectory(path.join(this.dir, 'qf')), isDirectory(path.join(this.dir, 'df'))]);
      return { control: q ? path.join(this.dir, 'qf') : this.dir, data: d ? path.join(this.dir, 'df') : this.dir };
    })();
    return this.layout;
  }

  /** Where qf files live: dir/qf when that subdirectory exists, else dir. */
  async controlDir(): Promise<string> {
    return (await this.dirs()).control;
  }

  /** Where df files live: dir/df when that subdirectory exists, else dir. */
  async dataDir(): Promise<string> {
    return (await this.dirs()).data;
  }

  private syncDir(dir: string): Promise<void> {
    let syncer = this.syncers.get(dir);
    if (!syncer) this.syncers.set(dir, (syncer = new DirectorySyncer(dir)));
    return syncer.sync();
  }

  /**
   * Stores a new message durably: `body` is the df content (the message body
   * without its header; headers are in the envelope).  Resolves once qf and
   * df are on disk.  Fails if a message with this id exists.
   */
  async storeNew(envelope: Envelope, body: Buffer | Uint8Array | string): Promise<void> {
    const { control: qdir, data: ddir } = await this.dirs();
    const id = envelope.id;
    const dataFile = path.join(ddir, `df${id}`);
    const controlTemp = path.join(qdir, `tf${id}`);
    const controlFinal = path.join(qdir, `${controlKind(envelope)}${id}`);
    // exclusive creates: two writers of one id cannot mix
    const written = await Promise.allSettled([
      writeSynced(dataFile, typeof body === 'string' ? Buffer.from(body, 'latin1') : body),
      writeSynced(controlTemp, Buffer.from(formatQf(envelope), 'latin1')),
    ]);
    const failed = written.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      // remove only what this call created
      if (written[0]?.status === 'fulfilled') await fs.rm(dataFile, { force: true });
      if (written[1]?.status === 'fulfilled') await fs.rm(controlTemp, { force: true });
      throw failed.reason;
    }
    // df/ apart from the qf: its entry must be on disk before the qf can be
    if (ddir !== qdir) await this.syncDir(ddir);
    renameSync(controlTemp, controlFinal);
    await this.syncDir(qdir);
  }

  /**
   * Rewrites an existing control file (after a delivery attempt, or to
   * quarantine or release a message) through tf<id> and a rename; a message
   * quarantined or released moves between qf<id> and hf<id>.
   */
  async rewriteControl(envelope: Envelope): Promise<void> {
    const qdir = await this.controlDir();
    const temp = path.join(qdir, `tf${envelope.id}`);
    const kind = controlKind(envelope);
    await writeSynced(temp, Buffer.from(formatQf(envelope), 'latin1'));
    await fs.rename(temp, path.join(qdir, `${kind}${envelope.id}`));
    await fs.rm(path.join(qdir, `${kind === 'qf' ? 'hf' : 'qf'}${envelope.id}`), { force: true });
    await this.syncDir(qdir);
  }

  /**
   * The ids of every qf file in the queue (hf: every quarantined one), in
   * the directory's own order (as readdir gives it, unsorted: sendmail lists
   * messages of equal priority in this order).
   */
  async ids(kind: ControlKind = 'qf'): Promise<string[]> {
    const qdir = await this.controlDir();
    const ids: string[] = [];
    for await (const entry of await fs.opendir(qdir)) {
      if (entry.name.startsWith(kind) && entry.name.length > 2) ids.push(entry.name.slice(2));
    }
    return ids;
  }

  /** Reads one queued message's envelope; throws QfFormatError if its control file is corrupt. */
  async read(id: string, kind: ControlKind = 'qf'): Promise<QueueEntry> {
    const qdir = await this.controlDir();
    const controlPath = path.join(qdir, `${kind}${id}`);
    const text = (await fs.readFile(controlPath)).toString('latin1');
    const envelope = parseQf(text, id, controlPath);
    const ddir = envelope.dataDirectory ?? (await this.dataDir());
    let dataSize: number | undefined;
    try {
      dataSize = (await fs.stat(path.join(ddir, `df${id}`))).size;
    } catch {
      dataSize = undefined;
    }
    return { envelope, dataSize, controlPath };
  }

  /**
   * The queue entry of a message this process has just stored, without
   * reading it: the envelope as its qf reads back (formatted and parsed
   * again), its qf path (a quarantined message's hf is not there).
   */
  async entryOf(envelope: Envelope, dataSize: number): Promise<QueueEntry> {
    const controlPath = path.join(await this.controlDir(), `qf${envelope.id}`);
    return { envelope: parseQf(formatQf(envelope), envelope.id, controlPath), dataSize, controlPath };
  }

  /** The df content of a queued message. */
  async readBody(id: string): Promise<Buffer> {
    return fs.readFile(path.join(await this.dataDir(), `df${id}`));
  }

  /** Renames qf<id> (or hf<id>) to Qf<id> so that no queue run takes it again; the file is kept. */
  async setAside(id: string, reason: string, kind: ControlKind = 'qf'): Promise<SetAsideFile> {
    const qdir = await this.controlDir();
    const target = path.join(qdir, `Qf${id}`);
    await fs.rename(path.join(qdir, `${kind}${id}`), target);
    await this.syncDir(qdir);
    return { id, path: target, reason };
  }

  /**
   * Reads every entry (kind hf: every quarantined one).  Corrupt files are
   * set aside (renamed to Qf) and reported through `onCorrupt`; files that
   * vanish meanwhile are skipped.
   */
  async readAll(onCorrupt: (f: SetAsideFile) => void = () => {}, kind: ControlKind = 'qf'): Promise<QueueEntry[]> {
    const entries: QueueEntry[] = [];
    for (const id of await this.ids(kind)) {
      try {
        entries.push(await this.read(id, kind));
      } catch (err) {
        if (err instanceof QfFormatError) {
          onCorrupt(await this.setAside(id, err.message, kind));
        } else if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw err;
        }
      }
    }
    return entries;
  }

  /** Removes a delivered message: its control file first (the commit point), then df. */
  async remove(id: string): Promise<void> {
    const [qdir, ddir] = await Promise.all([this.controlDir(), this.dataDir()]);
    // through the thread pool: an unlink may wait for the file system's
    // journal (an fsync running), which must not stop the event loop.  The
    // qf goes first, so a crash never leaves a qf without its df.
    await Promise.all([rmIfThere(path.join(qdir, `qf${id}`)), rmIfThere(path.join(qdir, `hf${id}`))]);
    await rmIfThere(path.join(ddir, `df${id}`));
    // the directory fsync (shared with other callers) only bounds
    // duplicates: a removal lost in a crash delivers the message again,
    // never loses it; nobody waits for it
    void this.syncDir(qdir).catch(() => undefined);
  }
}

/**
 * The queue directories a QueueDirectory option names: "/var/spool/mqueue"
 * is itself; a last component ending in "*" ("/var/spool/mqueue/q*") is
 * every directory beside it whose name starts with what comes before the
 * "*", sorted by name.
 */
/** Removes `file`; one that is gone already is no error. */
async function rmIfThere(file: string): Promise<void> {
  await fs.unlink(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

export async function expandQueueDirectory(option: string): Promise<string[]> {
  const base = path.basename(option);
  if (!base.endsWith('*')) return [option];
  const parent = path.dirname(option);
  const prefix = base.slice(0, -1);
  const entries = await fs.readdir(parent, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && e.name.startsWith(prefix))
    .map((e) => path.join(parent, e.name))
    .sort();
}
