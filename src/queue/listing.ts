// The queue listing of `mailq` / `sendmail -bp` in sendmail 8.17's layout
// (and the wider `-v` layout with priorities).  Entries are sorted by
// priority, lowest first, as with the default QueueSortOrder.

import { listingDate } from '../smtp/arpadate.js';
import { QueueDirectory, type QueueEntry, type SetAsideFile } from './queue-directory.js';

export interface ListingOptions {
  /** The -v layout: a priority column, full sender, wider recipient column. */
  verbose?: boolean;
  /** List the quarantined messages (hf files) instead, as -qQ does. */
  quarantined?: boolean;
}

function cut(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

/**
 * Sorts entries as the default queue order does: by priority; entries of
 * equal priority keep the directory's order (a stable sort), as sendmail's do.
 */
export function sortEntries(entries: QueueEntry[]): QueueEntry[] {
  return [...entries].sort((a, b) => a.envelope.priority - b.envelope.priority);
}

/** The listing of one queue directory and the total line (mailq for a single queue). */
export function formatQueueListing(dirName: string, entries: QueueEntry[], opts: ListingOptions = {}): string {
  return formatQueueBlock(dirName, entries, opts) + totalLine(entries.length);
}

function totalLine(n: number): string {
  return `\t\tTotal requests: ${n}\n`;
}

/** The listing of one queue directory's entries (already read), without the total line. */
export function formatQueueBlock(dirName: string, entries: QueueEntry[], opts: ListingOptions = {}): string {
  const verbose = opts.verbose === true;
  const n = entries.length;
  let out = '';
  if (n === 0) {
    out += `${dirName} is empty\n`;
  } else {
    out += `\t\t${dirName} (${n} request${n === 1 ? '' : 's'})\n`;
    out += verbose
      ? '-----Q-ID----- --Size-- -Priority- ---Q-Time--- --------Sender/Recipient--------\n'
      : '-----Q-ID----- --Size-- -----Q-Time----- ------------Sender/Recipient-----------\n';
    for (const entry of sortEntries(entries)) {
      const env = entry.envelope;
      const size = padLeft(String(entry.dataSize ?? 0), 8);
      const created = new Date(env.createdAt * 1000);
      out += env.id.padEnd(14) + ' ' + size + ' ';
      out += verbose
        ? `${padLeft(String(env.priority), 10)} ${listingDate(created, false)} ${env.sender}\n`
        : `${listingDate(created, true)} ${cut(env.sender, 39)}\n`;
      if (env.quarantineReason !== undefined) out += `     QUARANTINE: ${env.quarantineReason}\n`;
      if (env.bodyType !== undefined || env.statusMessage !== undefined) {
        let line = padLeft(env.bodyType ?? '', 14);
        if (env.statusMessage !== undefined) line += `   (${cut(env.statusMessage, verbose ? 100 : 60)})`;
        out += `${line}\n`;
      }
      for (const r of env.recipients) {
        out += verbose ? `\t\t\t\t\t\t${cut(r.address, 71)}\n` : `\t\t\t\t\t ${cut(r.address, 38)}\n`;
      }
    }
  }
  return out;
}

/**
 * Prints the listing of one or more queue directories to `out` (mailq,
 * sendmail -bp): a block per directory, then the total.  Corrupt qf files
 * are set aside and reported through `onCorrupt`.
 */
export async function printQueue(
  queueDirs: string | readonly string[],
  out: NodeJS.WritableStream,
  opts: ListingOptions & { onCorrupt?: (f: SetAsideFile) => void } = {},
): Promise<void> {
  let text = '';
  let total = 0;
  for (const dir of typeof queueDirs === 'string' ? [queueDirs] : queueDirs) {
    const entries = await new QueueDirectory(dir).readAll(opts.onCorrupt, opts.quarantined ? 'hf' : 'qf');
    text += formatQueueBlock(dir, entries, opts);
    total += entries.length;
  }
  out.write(text + totalLine(total));
}
