/**
 * src/maps/lmdb/reopening-file.ts — a map file kept open by a long-running
 * reader (the daemon).  Opening an LMDB environment costs far more than a
 * lookup, so the file is opened at first use and kept; each lookup reads a
 * fresh snapshot (MapFile.get), so a rebuild is seen at once.  At most once
 * a second the path is looked at again: a file replaced by another (removed
 * and made again) is reopened, and a file that could not be opened is tried
 * again.
 */
import * as fs from 'node:fs';
import { MapFile, MapFileError } from './map-file.js';

const RECHECK_MS = 1000;

function fileIdentity(path: string): string {
  try {
    const st = fs.statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return '';
  }
}

export class ReopeningMapFile {
  private file: MapFile | undefined;
  private fileId = '';
  private failed = false;
  private nextCheck = 0;

  /**
   * `onOpenFailure` hears why the file cannot be opened, once per run of
   * failures (later attempts stay quiet until an open succeeds).
   */
  constructor(
    readonly path: string,
    private readonly onOpenFailure: (err: MapFileError) => void = () => {},
    /** The class the file is opened as (see MapFile.open's mapClass). */
    private readonly mapClass?: string,
  ) {}

  /** True when the file was opened anew (first open or replaced) by the last current(). */
  reopened = false;

  /** The open file, opening it (first use) or reopening it (replaced file); undefined when it cannot be opened. */
  current(): MapFile | undefined {
    this.reopened = false;
    const now = Date.now();
    if (now < this.nextCheck && (this.file || this.failed)) return this.file;
    this.nextCheck = now + RECHECK_MS;
    const id = fileIdentity(this.path);
    if (this.file && id === this.fileId) return this.file;
    this.close();
    try {
      this.file = MapFile.open(this.path, { mapClass: this.mapClass });
      this.fileId = id;
      this.failed = false;
      this.reopened = true;
    } catch (err) {
      if (!(err instanceof MapFileError)) throw err;
      if (!this.failed) this.onOpenFailure(err);
      this.failed = true;
    }
    return this.file;
  }

  close(): void {
    this.file?.close();
    this.file = undefined;
  }
}
