/**
 * The hosts file (HostsFile option, default /etc/hosts) as sendmail's
 * `files` host service reads it: `address name name ...`, `#` starts a
 * comment, names compare without regard to case, and a name's canonical
 * form is the first name on its line that contains a dot, else the first.
 * The file is kept parsed (src/sys/watched-file.ts): an edit is seen within
 * a second; a file that cannot be read has no entries.
 */
import { WatchedFile } from '../sys/watched-file.js';

export interface HostsEntry {
  address: string;
  names: string[];
}

/** Parse hosts-file text into entries (lines without a name are skipped). */
export function parseHostsFile(text: string): HostsEntry[] {
  const entries: HostsEntry[] = [];
  for (const rawLine of text.split('\n')) {
    const hash = rawLine.indexOf('#');
    const line = hash >= 0 ? rawLine.slice(0, hash) : rawLine;
    const fields = line.split(/[ \t\r\f\v]+/).filter((f) => f.length > 0);
    if (fields.length < 2) continue;
    entries.push({ address: fields[0], names: fields.slice(1) });
  }
  return entries;
}

/** The canonical name of a hosts line: its first dotted name, else its first name. */
export function canonicalNameOf(entry: HostsEntry): string {
  return entry.names.find((n) => n.includes('.')) ?? entry.names[0];
}

interface IndexedHosts {
  entries: HostsEntry[];
  /** Lower-case name -> first line naming it. */
  byName: Map<string, HostsEntry>;
}

function indexHosts(text: string): IndexedHosts {
  const entries = parseHostsFile(text);
  const byName = new Map<string, HostsEntry>();
  for (const e of entries) {
    for (const n of e.names) if (!byName.has(n.toLowerCase())) byName.set(n.toLowerCase(), e);
  }
  return { entries, byName };
}

const NO_HOSTS: IndexedHosts = { entries: [], byName: new Map() };

/** A hosts file, re-read when it changes on disk. */
export class HostsFile {
  private readonly file: WatchedFile<IndexedHosts>;

  constructor(readonly path: string) {
    this.file = new WatchedFile(path, indexHosts);
  }

  private indexed(): IndexedHosts {
    const content = this.file.get();
    return content.ok ? content.value : NO_HOSTS;
  }

  private load(): HostsEntry[] {
    return this.indexed().entries;
  }

  /** The first line naming `name` (case-insensitive, exact otherwise). */
  findName(name: string): HostsEntry | undefined {
    return this.indexed().byName.get(name.toLowerCase());
  }

  /** Every address listed for `name`, in file order. */
  addressesOf(name: string): string[] {
    const want = name.toLowerCase();
    return this.load()
      .filter((e) => e.names.some((n) => n.toLowerCase() === want))
      .map((e) => e.address);
  }

  /** The first line for an address (textual compare after normalising IPv6). */
  findAddress(address: string): HostsEntry | undefined {
    const want = normalizeAddress(address);
    return this.load().find((e) => normalizeAddress(e.address) === want);
  }
}

function normalizeAddress(a: string): string {
  return a.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}
