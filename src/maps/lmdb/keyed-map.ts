/**
 * src/maps/lmdb/keyed-map.ts — the `hash` and `btree` map classes.
 *
 * `K name hash [-flags] /path/file` reads `/path/file.db` (a trailing `.db`
 * in the K line is not doubled), built by makemap or newaliases.  The file
 * is opened at the first lookup, as sendmail does; when it is missing and
 * the map is not optional (-o) that first lookup reports sendmail's message
 * and every lookup is a temporary failure.  An optional map is opened when
 * declared; if that fails the factory throws a silent MapOpenError (the map
 * is "not open").  The file stays open across
 * lookups and each lookup reads a fresh snapshot, so a rebuild is seen at
 * the next lookup.  If the file is replaced by another one (removed and
 * made again) the map notices within a second and reopens it.
 *
 * Key rules at lookup time (op.txt, K line flags): folded to lower case
 * unless -f; -N looks only for keys with a trailing NUL, -O only without,
 * neither tries without then with, and after the first hit keeps to the
 * form that matched.
 */
import { MapOpenError, NOT_FOUND, foundResult, mapKeyCandidates } from '../common.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../types.js';
import { MapFileError, mapFilePath } from './map-file.js';
import { ReopeningMapFile } from './reopening-file.js';

/** The file a hash/btree map name refers to (map-file.ts owns the rule). */
export { mapFilePath };

/** Strings in this project carry bytes as latin1 code points; wider text goes out as UTF-8. */
export function keyBytes(text: string): Buffer {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\xff]*$/.test(text) ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

/** A stored value as text: up to its first NUL (-N maps store one). */
export function valueText(value: Buffer): string {
  const nul = value.indexOf(0);
  return (nul < 0 ? value : value.subarray(0, nul)).toString('latin1');
}

const TEMP_FAIL_75: LookupResult = Object.freeze({ status: 'tempfail', code: 75 }) as LookupResult;

/** sendmail's message for a map file that cannot be opened. */
export function mapOpenMessage(decl: MapDecl, path: string, err: MapFileError): string {
  if (err.code === 'ENOENT') return `${decl.className} map "${decl.name}": missing map file ${path}: ${err.reason}`;
  return `Cannot open ${decl.className} database ${path}: ${err.reason}`;
}

class KeyedLmdbMap implements SendmailMap {
  private readonly file: ReopeningMapFile;
  /** Adaptive NUL handling: which candidate (0 plain, 1 with NUL) last matched. */
  private nulForm: 0 | 1 | undefined;
  /** Why the file could not be opened the last time it was tried. */
  openError: MapFileError | undefined;

  constructor(
    readonly decl: MapDecl,
    env: MapEnvironment,
    readonly path: string,
  ) {
    // sendmail reports a failed open once; later attempts stay quiet
    this.file = new ReopeningMapFile(
      path,
      (err) => {
        this.openError = err;
        if (!decl.flags.optional) env.report(mapOpenMessage(decl, path, err));
      },
      decl.className,
    );
  }

  lookup(key: string, args: readonly string[]): LookupResult {
    const file = this.file.current();
    if (!file) return this.decl.flags.optional ? NOT_FOUND : TEMP_FAIL_75;
    if (this.file.reopened) this.nulForm = undefined;
    let candidates = mapKeyCandidates(key, this.decl.flags);
    const adaptive = candidates.length === 2;
    if (adaptive && this.nulForm !== undefined) candidates = [candidates[this.nulForm]];
    for (let i = 0; i < candidates.length; i++) {
      const value = file.get(keyBytes(candidates[i]));
      if (value === undefined) continue;
      if (adaptive && this.nulForm === undefined) this.nulForm = candidates[i].endsWith('\0') ? 1 : 0;
      return foundResult(valueText(value), key, args, this.decl.flags);
    }
    return NOT_FOUND;
  }

  /** Open the file now; false when it cannot be opened. */
  tryOpen(): boolean {
    return this.file.current() !== undefined;
  }

  close(): void {
    this.file.close();
  }
}

/** Factory for `hash` and `btree` K lines. */
export function createKeyedLmdbMap(decl: MapDecl, env: MapEnvironment): SendmailMap {
  const name = decl.args[0];
  if (name === undefined) {
    throw new MapOpenError(`${decl.className} map "${decl.name}": missing file name`, decl.pos);
  }
  const map = new KeyedLmdbMap(decl, env, mapFilePath(name));
  // An optional map that cannot be opened is "not open" (sendmail's -bt
  // /map says so), quietly; a required one reports at its first lookup.
  // A file that is there but in sendmail's own Berkeley DB format is named
  // even for an optional map: its entries (an access map's REJECTs) would
  // otherwise be skipped without a word after taking over from sendmail.
  if (decl.flags.optional && !map.tryOpen()) {
    const hint = map.openError?.hint;
    const message = hint ? `${decl.className} map "${decl.name}": ${mapFilePath(name)} is ${hint}` : `${decl.className} map "${decl.name}": cannot open ${mapFilePath(name)}`;
    throw new MapOpenError(message, decl.pos, hint === undefined, true);
  }
  return map;
}
