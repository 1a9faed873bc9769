/**
 * src/cli/mailq.ts — `mailq [-v] [-qQ] [-C cffile] [-O QueueDirectory=dir]`:
 * list the mail queue in sendmail 8.17's format (same as `sendmail -bp`);
 * -qQ lists the quarantined messages.
 *
 * The queue directory is the cf file's `O QueueDirectory=` (default
 * /etc/mail/sendmail.cf, then /var/spool/mqueue); "dir/q*" lists every
 * queue directory dir/q1, dir/q2, ...  Corrupt queue files are
 * renamed to Qf<id> and reported on stderr.
 */
import { readFileSync } from 'node:fs';
import { printQueue } from '../queue/listing.js';
import { expandQueueDirectory } from '../queue/queue-directory.js';

const USAGE = 'Usage: mailq [-v] [-qQ] [-C cffile] [-O QueueDirectory=dir]\n';
const EX_USAGE = 64;
const EX_CONFIG = 78;

/** The QueueDirectory option of a cf file, or undefined when the file does not set it. */
export function queueDirectoryFromCf(cfText: string): string | undefined {
  let dir: string | undefined;
  for (const line of cfText.split('\n')) {
    const m = /^O\s*QueueDirectory\s*=\s*(.*?)\s*$/.exec(line);
    if (m) dir = m[1];
  }
  return dir;
}

export async function main(argv: string[], progName: string): Promise<void> {
  let verbose = false;
  let quarantined = false;
  let cfFile = '/etc/mail/sendmail.cf';
  let queueDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (): string | undefined => (arg.length > 2 ? arg.slice(2) : argv[++i]);
    if (arg === '-v') verbose = true;
    else if (arg === '-qQ') quarantined = true;
    else if (arg.startsWith('-C')) cfFile = value() ?? '';
    else if (arg.startsWith('-O')) {
      const m = /^QueueDirectory=(.+)$/.exec(value() ?? '');
      if (!m) {
        process.stderr.write(`${progName}: only -O QueueDirectory=dir is understood\n${USAGE}`);
        process.exitCode = EX_USAGE;
        return;
      }
      queueDir = m[1];
    } else {
      process.stderr.write(`${progName}: unknown argument ${arg}\n${USAGE}`);
      process.exitCode = EX_USAGE;
      return;
    }
  }
  if (queueDir === undefined) {
    let cfText = '';
    try {
      cfText = readFileSync(cfFile, 'latin1');
    } catch (err) {
      if (cfFile !== '/etc/mail/sendmail.cf') {
        process.stderr.write(`${progName}: cannot read ${cfFile}: ${(err as Error).message}\n`);
        process.exitCode = EX_CONFIG;
        return;
      }
    }
    queueDir = queueDirectoryFromCf(cfText) ?? '/var/spool/mqueue';
  }
  try {
    await printQueue(await expandQueueDirectory(queueDir), process.stdout, {
      verbose,
      quarantined,
      onCorrupt: (f) => process.stderr.write(`${progName}: ${f.reason}; set aside as ${f.path}\n`),
    });
  } catch (err) {
    process.stderr.write(`${progName}: ${queueDir}: ${(err as Error).message}\n`);
    process.exitCode = EX_CONFIG;
  }
}
