/**
 * src/maps/lmdb/map-file.ts — one keyed map stored in an LMDB file.
 *
 * A map is the file `name.db` (plus LMDB's `name.db-lock` beside it).  The
 * entries live in the named database `map`; extra values of duplicate keys
 * (`makemap -d`) live in `dups`, keyed by (key length, key, index) so they
 * keep their input order.  Keys and values are raw bytes.
 *
 * Writers change the file only inside one LMDB write transaction, so a
 * rebuild (clear + put everything) is atomic: readers keep the snapshot they
 * started with and see the new map once the transaction commits.  The file
 * is never renamed or truncated.
 */
import * as fs from 'node:fs';
import type { Binary, Database, RootDatabase } from 'lmdb';
import { keyOrder, type KeyRanges } from './key-order.js';
import { asBinary, open } from './load-lmdb.js';

/** The file a hash/btree map name refers to: `name.db`. */
export function mapFilePath(name: string): string {
  return name.endsWith('.db') ? name : `${name}.db`;
}

/** Why a map file could not be used, worded like the C library's strerror. */
export class MapFileError extends Error {
  constructor(
    readonly path: string,
    /** errno-style code: ENOENT, EACCES, EINVAL, EKEYLEN, ... */
    readonly code: string,
    /** The strerror text, e.g. "No such file or directory". */
    readonly reason: string,
    /** What the file is instead, when that is known (a Berkeley DB map). */
    readonly hint?: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'MapFileError';
  }
}

const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  ENOSPC: 'No space left on device',
  EINVAL: 'Invalid argument',
  EEXIST: 'File exists',
};

/** Turn a Node/LMDB error into a MapFileError with a strerror text. */
export function toMapFileError(path: string, err: unknown): MapFileError {
  if (err instanceof MapFileError) return err;
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  if (code && STRERROR[code]) return new MapFileError(path, code, STRERROR[code]);
  const msg = err instanceof Error ? err.message : String(err);
  if (/permission denied/i.test(msg)) return new MapFileError(path, 'EACCES', STRERROR.EACCES);
  if (/no such file/i.test(msg)) return new MapFileError(path, 'ENOENT', STRERROR.ENOENT);
  if (/read-only/i.test(msg)) return new MapFileError(path, 'EROFS', STRERROR.EROFS);
  return new MapFileError(path, code || 'EIO', msg);
}

/** How old a reader's snapshot may get before a lookup renews it. */
export const SNAPSHOT_MAX_AGE_MS = 1;

const NO_OVERWRITE = Object.freeze({ noOverwrite: true });
const APPEND = Object.freeze({ append: true });

/** The largest key LMDB stores (lmdb-js default build). */
export const MAX_KEY_BYTES = 1978;

/** LMDB's meta page magic (0xBEEFC0DE, little endian) at byte 24 of the file. */
const LMDB_MAGIC = Buffer.from([0xde, 0xc0, 0xef, 0xbe]);
const MAGIC_OFFSET = 24;

/** Berkeley DB's magic numbers (at byte 12 of the meta page, either byte order). */
const BERKELEY_MAGIC: Record<number, string> = { 0x061561: 'hash', 0x053162: 'btree' };

/** Name a map format we recognise but do not read (sendmail's own Berkeley DB files). */
function foreignFormat(head: Buffer, n: number): string | undefined {
  if (n < 16) return undefined;
  for (const magic of [head.readUInt32LE(12), head.readUInt32BE(12)]) {
    const kind = BERKELEY_MAGIC[magic];
    if (kind) return `a Berkeley DB ${kind} file (sendmail's own map format), not an LMDB map: makemap or newaliases replaces it`;
  }
  return undefined;
}

/** Whether `path` is a Berkeley DB map file (hash or btree). */
function isBerkeleyMap(path: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(16);
    return foreignFormat(head, fs.readSync(fd, head, 0, 16, 0)) !== undefined;
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Check that `path` holds an LMDB environment before handing it to LMDB
 * (LMDB crashes on some foreign files, e.g. a Berkeley DB map).  An empty
 * file is acceptable only for writing (LMDB initialises it).
 */
function checkLmdbFile(path: string, forWrite: boolean): void {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (err) {
    throw toMapFileError(path, err);
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new MapFileError(path, 'EISDIR', STRERROR.EISDIR);
    if (st.size === 0 && forWrite) return;
    const head = Buffer.alloc(MAGIC_OFFSET + 4);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    if (n < head.length || !head.subarray(MAGIC_OFFSET).equals(LMDB_MAGIC)) {
      throw new MapFileError(path, 'EINVAL', STRERROR.EINVAL, foreignFormat(head, n));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Big-endian (length, key, index) key of one extra duplicate value. */
function dupKey(key: Buffer, index: number): Buffer {
  const out = Buffer.allocUnsafe(2 + key.length + 4);
  out.writeUInt16BE(key.length, 0);
  key.copy(out, 2);
  out.writeUInt32BE(index, 2 + key.length);
  return out;
}

function dupPrefix(key: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + key.length);
  out.writeUInt16BE(key.length, 0);
  key.copy(out, 2);
  return out;
}

/**
 * Values of one buffer handed to lmdb-js's put without a Buffer object per
 * value (a rebuild puts every entry of the source: 100,000 values cost
 * ~90 ms less).  lmdb's writer takes, besides a Uint8Array, a value with
 * `buffer` (its ArrayBuffer) and `start`/`end` offsets in it, and keeps
 * the ArrayBuffer's address on it (`address`): the form msgpackr's reused
 * buffers have (lmdb 3.5.6, pinned in package.json; the build tests read
 * every value back).  `asBinary` (lmdb's own wrapper) skips the encoder.
 * `range` hands out the same object each time: lmdb has copied the value
 * when put returns.
 */
class ValueRanges {
  private readonly view: { buffer: ArrayBufferLike; start: number; end: number; address: number };
  private readonly wrapped: Binary;
  private readonly offset: number;

  constructor(bytes: Buffer) {
    this.offset = bytes.byteOffset;
    this.view = { buffer: bytes.buffer, start: 0, end: 0, address: 0 };
    this.wrapped = asBinary(this.view as unknown as Uint8Array);
  }

  /** Bytes [start, end) of the buffer, as a value for put. */
  range(start: number, end: number): Binary {
    this.view.start = this.offset + start;
    this.view.end = this.offset + end;
    return this.wrapped;
  }
}

/** What to do with an entry whose key the map already has. */
export type ExistingKeyAction = 'replace' | 'duplicate' | 'skip';

/** One entry of a map: raw key and value bytes. */
export type MapEntry = readonly [key: Buffer, value: Buffer];

/**
 * Entries as byte ranges of one buffer (see makemap-source.ts): what a
 * rebuild sorts and appends.  Entry `i` is key `bytes[keyStart[i],
 * keyEnd[i])`, value `bytes[valueStart[i], valueEnd[i])`.
 */
export interface EntryTable extends KeyRanges {
  readonly bytes: Buffer;
  readonly valueStart: Int32Array;
  readonly valueEnd: Int32Array;
}

/** An EntryTable holding `entries` (copied into one buffer). */
export function entryTable(entries: readonly MapEntry[]): EntryTable {
  const count = entries.length;
  let size = 0;
  for (const [k, v] of entries) size += k.length + v.length;
  const bytes = Buffer.allocUnsafe(size);
  const keyStart = new Int32Array(count);
  const keyEnd = new Int32Array(count);
  const valueStart = new Int32Array(count);
  const valueEnd = new Int32Array(count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const [k, v] = entries[i];
    keyStart[i] = pos;
    pos += k.copy(bytes, pos);
    keyEnd[i] = pos;
    valueStart[i] = pos;
    pos += v.copy(bytes, pos);
    valueEnd[i] = pos;
  }
  return { bytes, count, keyStart, keyEnd, valueStart, valueEnd };
}

/**
 * An EntryTable of text pairs (bytes as latin1 code points), each key and
 * value followed by a NUL when `nulTerminated`: the texts joined and
 * encoded at once, no Buffer per entry (an alias database's 100,000 names).
 */
export function textEntryTable(pairs: ReadonlyArray<readonly [key: string, value: string]>, nulTerminated: boolean): EntryTable {
  const count = pairs.length;
  const end = nulTerminated ? '\0' : '';
  const keyStart = new Int32Array(count);
  const keyEnd = new Int32Array(count);
  const valueStart = new Int32Array(count);
  const valueEnd = new Int32Array(count);
  const parts = new Array<string>(count * 2);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const k = pairs[i][0] + end;
    const v = pairs[i][1] + end;
    parts[2 * i] = k;
    parts[2 * i + 1] = v;
    keyStart[i] = pos;
    pos += k.length;
    keyEnd[i] = pos;
    valueStart[i] = pos;
    pos += v.length;
    valueEnd[i] = pos;
  }
  // latin1: one byte per code point, so the offsets above are byte offsets
  const bytes = Buffer.from(parts.join(''), 'latin1');
  return { bytes, count, keyStart, keyEnd, valueStart, valueEnd };
}

function isEntryTable(x: Iterable<MapEntry> | EntryTable): x is EntryTable {
  return (x as EntryTable).keyStart instanceof Int32Array;
}

function* tableEntries(t: EntryTable): Generator<MapEntry> {
  for (let i = 0; i < t.count; i++) {
    yield [t.bytes.subarray(t.keyStart[i], t.keyEnd[i]), t.bytes.subarray(t.valueStart[i], t.valueEnd[i])];
  }
}

export interface OpenOptions {
  /** Open for writing; create the file when missing (otherwise ENOENT). */
  write?: boolean;
  create?: boolean;
  /**
   * Bytes about to be written (a rebuild's input): the memory map is made
   * big enough from the start instead of growing during the transaction.
   */
  sizeHint?: number;
  /**
   * The class the map is opened as (`hash`, `btree`): a file recorded as
   * the other one is refused with EINVAL, as sendmail refuses a Berkeley DB
   * hash file opened as btree.  Files without a record are taken as any.
   */
  mapClass?: string;
}

/** The class a map file records for a makemap/K-line type (`implicit` is hash, as in sendmail). */
export function recordedClass(type: string): string {
  return type === 'implicit' ? 'hash' : type;
}

const CLASS_KEY = Buffer.from('class');

/**
 * One LMDB environment per file and process: LMDB must not open the same
 * file twice in one process, so every MapFile of a file shares it.  Keyed
 * by device and inode, so a file replaced by another gets its own.
 */
interface SharedEnv {
  id: string;
  root: RootDatabase;
  entriesDb: Database<Buffer, Buffer>;
  dupsDb: Database<Buffer, Buffer>;
  /** The map's class (`meta` database); missing in files made before it was recorded. */
  metaDb: Database<Buffer, Buffer> | undefined;
  writable: boolean;
  refs: number;
  /** When the read snapshot was last renewed (performance.now()). */
  renewedAt: number;
  /** This process wrote since: the next read must renew. */
  wrote: boolean;
}
const openEnvs = new Map<string, SharedEnv>();

/** Map size for writing about `bytes` of keys and values: room for B-tree overhead, in 1 MiB steps. */
function mapSizeFor(bytes: number): number | undefined {
  if (bytes <= 0) return undefined;
  const MiB = 1 << 20;
  return Math.ceil((bytes * 2 + 4 * MiB) / MiB) * MiB;
}

function openEnv(path: string, id: string, writable: boolean, sizeHint = 0): SharedEnv {
  const mapSize = writable ? mapSizeFor(sizeHint) : undefined;
  const root = open({
    path,
    noSubdir: true,
    maxDbs: 4,
    readOnly: !writable,
    // a map rebuild must be durable when makemap returns: the commit syncs
    // (no noSync / noMetaSync, no sync deferred to a later transaction)
    overlappingSync: false,
    ...(mapSize ? { mapSize } : {}),
  });
  const dbOptions = { encoding: 'binary', keyEncoding: 'binary' } as const;
  try {
    // reader slots left by processes that died would pin old pages and let
    // the file grow with every rebuild: writers clear them
    if (writable) root.readerCheck();
    const openAll = () => ({
      entriesDb: root.openDB<Buffer, Buffer>({ name: 'map', ...dbOptions }),
      dupsDb: root.openDB<Buffer, Buffer>({ name: 'dups', ...dbOptions }),
      // a read-only open of a file without it gets no database (lmdb-js returns undefined)
      metaDb: (root.openDB<Buffer, Buffer>({ name: 'meta', ...dbOptions }) as Database<Buffer, Buffer> | undefined) ?? undefined,
    });
    // a new file's databases are made in one transaction: one sync, not one each
    const dbs = writable ? root.transactionSync(openAll) : openAll();
    return { id, root, ...dbs, writable, refs: 0, renewedAt: 0, wrote: false };
  } catch (err) {
    void root.close();
    throw err;
  }
}

function fileId(path: string): string {
  const st = fs.statSync(path);
  return `${st.dev}:${st.ino}`;
}

/** An open map file. */
export class MapFile {
  private closed = false;
  private readonly entriesDb: Database<Buffer, Buffer>;
  private readonly dupsDb: Database<Buffer, Buffer>;

  private constructor(
    readonly path: string,
    private readonly env: SharedEnv,
    private readonly writable: boolean,
  ) {
    this.entriesDb = env.entriesDb;
    this.dupsDb = env.dupsDb;
    env.refs++;
  }

  /**
   * Open `path` (the full file name, `name.db`).  Throws MapFileError:
   * ENOENT when it does not exist (unless create), EINVAL when it is not an
   * LMDB map file, EACCES when it cannot be opened, EBUSY when writing is
   * asked for a file this process already reads (LMDB keeps one environment
   * per file and process).  Readers open the file read-only: opening it for
   * writing would wait for a running rebuild to finish.
   */
  static open(path: string, options: OpenOptions = {}): MapFile {
    const write = options.write === true;
    // a Berkeley DB map (the real sendmail's) rebuilt from its source is
    // replaced by a new file: none of our readers can have it open
    if (write && options.create && isBerkeleyMap(path)) {
      try {
        fs.unlinkSync(path);
      } catch (err) {
        throw toMapFileError(path, err);
      }
    }
    if (!fs.existsSync(path)) {
      if (!(write && options.create)) throw new MapFileError(path, 'ENOENT', STRERROR.ENOENT);
      // Create the file ourselves first so a missing directory or a
      // read-only one is reported with the system's reason; exclusively, so
      // a dangling symbolic link is not followed (`File exists`)
      try {
        fs.closeSync(fs.openSync(path, 'wx', 0o640));
      } catch (err) {
        throw toMapFileError(path, err);
      }
    } else {
      checkLmdbFile(path, write);
    }
    if (write) {
      try {
        fs.accessSync(path, fs.constants.W_OK);
      } catch (err) {
        throw toMapFileError(path, err);
      }
    }
    try {
      const id = fileId(path);
      let env = openEnvs.get(id);
      if (env && write && !env.writable) {
        throw new MapFileError(path, 'EBUSY', 'open read-only in this process');
      }
      if (!env) {
        env = openEnv(path, id, write, options.sizeHint);
        openEnvs.set(id, env);
      }
      const file = new MapFile(path, env, write);
      const recorded = options.mapClass === undefined ? undefined : file.mapClass();
      if (recorded !== undefined && recorded !== recordedClass(options.mapClass!)) {
        file.close();
        throw new MapFileError(path, 'EINVAL', STRERROR.EINVAL, `a ${recorded} map, not ${options.mapClass}: rebuild it with makemap ${options.mapClass}`);
      }
      return file;
    } catch (err) {
      if (err instanceof MapFileError) throw err;
      // a read-only open of a file without our databases
      if (/MDB_NOTFOUND|not found/i.test(String((err as Error)?.message))) {
        throw new MapFileError(path, 'EINVAL', STRERROR.EINVAL);
      }
      throw toMapFileError(path, err);
    }
  }

  /**
   * Look one key up in a fresh snapshot: one at most SNAPSHOT_MAX_AGE_MS
   * old, and newer than this process's own writes (renewing costs more than
   * the lookup).  So a long-running reader sees a rebuild at its next
   * lookup.  Returns a copy of the value.
   */
  get(key: Buffer): Buffer | undefined {
    if (key.length === 0 || key.length > MAX_KEY_BYTES) return undefined;
    const now = performance.now();
    if (this.env.wrote || now - this.env.renewedAt >= SNAPSHOT_MAX_AGE_MS) {
      this.entriesDb.resetReadTxn();
      this.env.renewedAt = now;
      this.env.wrote = false;
    }
    return this.entriesDb.getBinary(key);
  }

  /** Every entry in key order; duplicates (-d) right after their first value. */
  *entries(): Generator<MapEntry> {
    this.entriesDb.resetReadTxn();
    const hasDups = this.dupsDb.getCount({ limit: 1 }) > 0;
    for (const { key, value } of this.entriesDb.getRange({ snapshot: true })) {
      yield [Buffer.from(key), Buffer.from(value)];
      if (!hasDups) continue;
      const prefix = dupPrefix(key);
      const end = Buffer.concat([prefix, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff])]);
      for (const d of this.dupsDb.getRange({ start: prefix, end })) {
        yield [Buffer.from(key), Buffer.from(d.value)];
      }
    }
  }

  /** The class recorded in the file (`hash`, `btree`), or undefined when none is. */
  mapClass(): string | undefined {
    return this.env.metaDb?.getBinary(CLASS_KEY)?.toString('latin1');
  }

  /** Record the map's class (inside the caller's write transaction, or in one of its own). */
  private recordClass(type: string | undefined): void {
    if (type === undefined || !this.env.metaDb) return;
    const value = Buffer.from(recordedClass(type), 'latin1');
    if (!this.env.metaDb.getBinary(CLASS_KEY)?.equals(value)) this.env.metaDb.putSync(CLASS_KEY, value);
  }

  /** Number of keys (without extra duplicates). */
  count(): number {
    return this.entriesDb.getCount();
  }

  /**
   * Replace the whole content (or, with `keepOld`, add to it) in one write
   * transaction.  When a key is already there (from the old map with
   * `keepOld`, or from an earlier entry), `onExisting` decides: replace the
   * value, add it as one more duplicate value, or skip the entry (the
   * default is replace); it is called in input order.  Throws MapFileError,
   * leaving the map as it was, when LMDB refuses an entry.
   *
   * A new content given as an array or EntryTable is sorted and appended
   * (LMDB's fastest way in, and the most compact file); other iterables are
   * put one by one as they come.
   */
  replaceAll(
    entries: Iterable<MapEntry> | EntryTable,
    options: {
      keepOld?: boolean;
      onExisting?: (key: Buffer, index: number) => ExistingKeyAction;
      /** The class to record (a rebuild records it; with keepOld only a file without one gets it). */
      mapClass?: string;
    } = {},
  ): void {
    this.requireWritable();
    try {
      this.env.wrote = true;
      this.env.root.transactionSync(() => {
        if (!options.keepOld || this.mapClass() === undefined) this.recordClass(options.mapClass);
        if (options.keepOld) {
          this.putEach(isEntryTable(entries) ? tableEntries(entries) : entries, options.onExisting);
          return;
        }
        this.entriesDb.clearSync();
        this.dupsDb.clearSync();
        if (isEntryTable(entries)) this.appendSorted(entries, options.onExisting);
        else if (Array.isArray(entries)) this.appendSorted(entryTable(entries), options.onExisting);
        else this.putEach(entries, options.onExisting);
      });
    } catch (err) {
      throw toMapFileError(this.path, err);
    }
  }

  /** Put entries one by one (inside a write transaction). */
  private putEach(entries: Iterable<MapEntry>, onExisting?: (key: Buffer, index: number) => ExistingKeyAction): void {
    const dupCounts = new Map<string, number>();
    let index = 0;
    for (const [key, value] of entries) {
      checkKey(this.path, key);
      const i = index++;
      if (!onExisting) {
        this.entriesDb.putSync(key, value);
        continue;
      }
      // a put that refuses to overwrite tells whether the key is there
      // (lmdb-js returns the put's success; its typings say void)
      if ((this.entriesDb.putSync(key, value, NO_OVERWRITE) as unknown as boolean) === true) continue;
      const action = onExisting(key, i);
      if (action === 'skip') continue;
      if (action === 'replace') {
        this.entriesDb.putSync(key, value);
        continue;
      }
      const id = key.toString('latin1');
      let n = dupCounts.get(id);
      if (n === undefined) n = this.dupsDb.getCount({ start: dupPrefix(key), end: dupKey(key, 0xffffffff) });
      this.dupsDb.putSync(dupKey(key, n), value);
      dupCounts.set(id, n + 1);
    }
  }

  /**
   * Write `t` into the empty databases in key order with LMDB's append
   * (inside a write transaction).  Equal keys are settled first, in input
   * order: the first entry of a key stands unless `onExisting` says
   * otherwise for a later one (without it the last one wins).
   */
  private appendSorted(t: EntryTable, onExisting?: (key: Buffer, index: number) => ExistingKeyAction): void {
    const { bytes, count, keyStart, keyEnd, valueStart, valueEnd } = t;
    for (let i = 0; i < count; i++) checkKeyLength(this.path, keyEnd[i] - keyStart[i]);
    const same = new Uint8Array(count);
    const order = keyOrder(t, same);
    // `chosen[first]`: the entry whose value a key gets (first: its first entry)
    const chosen = new Int32Array(count).fill(-1);
    const later: number[] = [];
    const firstOf = new Map<number, number>();
    for (let j = 0; j < count; ) {
      const first = order[j];
      chosen[first] = first;
      let k = j + 1;
      while (k < count && same[k] === 1) {
        later.push(order[k]);
        firstOf.set(order[k], first);
        k++;
      }
      j = k;
    }
    const dups: number[] = [];
    later.sort((a, b) => a - b);
    for (const i of later) {
      const first = firstOf.get(i)!;
      const action = onExisting ? onExisting(bytes.subarray(keyStart[i], keyEnd[i]), i) : 'replace';
      if (action === 'replace') chosen[first] = i;
      else if (action === 'duplicate') dups.push(i);
    }
    const values = new ValueRanges(bytes);
    const { buffer, byteOffset } = bytes;
    // keys as plain views (a Buffer's subarray costs more), values as ranges
    const entriesDb = this.entriesDb as unknown as Database<Binary, Uint8Array>;
    for (let j = 0; j < count; j++) {
      const first = order[j];
      const from = chosen[first];
      if (from < 0) continue;
      const key = new Uint8Array(buffer, byteOffset + keyStart[first], keyEnd[first] - keyStart[first]);
      // LMDB refuses (quietly: false) a key appended out of order; never drop one
      if ((entriesDb.putSync(key, values.range(valueStart[from], valueEnd[from]), APPEND) as unknown as boolean) !== true) {
        throw new MapFileError(this.path, 'EINVAL', `key ${Buffer.from(key).toString('latin1')} out of order for an append (internal error)`);
      }
    }
    const dupCounts = new Map<number, number>();
    for (const i of dups) {
      const first = firstOf.get(i)!;
      const n = dupCounts.get(first) ?? 0;
      dupCounts.set(first, n + 1);
      this.dupsDb.putSync(dupKey(bytes.subarray(keyStart[i], keyEnd[i]), n), bytes.subarray(valueStart[i], valueEnd[i]));
    }
  }

  /**
   * Insert or replace one key (editmap -u), in its own transaction; a file
   * without a recorded class gets `mapClass`.
   */
  put(key: Buffer, value: Buffer, mapClass?: string): void {
    this.requireWritable();
    checkKey(this.path, key);
    try {
      this.env.wrote = true;
      this.env.root.transactionSync(() => {
        if (this.mapClass() === undefined) this.recordClass(mapClass);
        this.entriesDb.putSync(key, value);
      });
    } catch (err) {
      throw toMapFileError(this.path, err);
    }
  }

  /** Delete one key and its duplicates (editmap -x); false when absent. */
  remove(key: Buffer): boolean {
    this.requireWritable();
    if (key.length === 0 || key.length > MAX_KEY_BYTES) return false;
    try {
      this.env.wrote = true;
      return this.env.root.transactionSync(() => {
        const existed = this.entriesDb.removeSync(key);
        for (const { key: dk } of this.dupsDb.getRange({ start: dupPrefix(key), end: dupKey(key, 0xffffffff) })) {
          this.dupsDb.removeSync(dk);
        }
        return existed;
      });
    } catch (err) {
      throw toMapFileError(this.path, err);
    }
  }

  /** Release this handle; the environment closes with its last handle. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (--this.env.refs > 0) return;
    openEnvs.delete(this.env.id);
    void this.env.root.close();
  }

  private requireWritable(): void {
    if (!this.writable) throw new Error(`${this.path}: map opened read-only`);
  }
}

/**
 * Give a map file and its lock file to `uid` (the cf's TrustedUser) when
 * running as root, as sendmail's tools do; the group stays.  Best effort.
 */
export function giveMapFileTo(path: string, uid: number | undefined): void {
  if (uid === undefined || typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  for (const p of [path, `${path}-lock`]) {
    try {
      fs.chownSync(p, uid, -1);
    } catch {
      // a file we could not give away stays root's
    }
  }
}

function checkKey(path: string, key: Buffer): void {
  checkKeyLength(path, key.length);
}

function checkKeyLength(path: string, length: number): void {
  if (length === 0) throw new MapFileError(path, 'EINVAL', 'empty key');
  if (length > MAX_KEY_BYTES) {
    throw new MapFileError(path, 'EKEYLEN', `key of ${length} bytes is longer than ${MAX_KEY_BYTES} bytes`);
  }
}
