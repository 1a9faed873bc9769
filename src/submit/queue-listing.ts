// `sendmail -bp` / `mailq`: the queue of the cf's QueueDirectory ("dir/q*"
// lists every dir/q1, dir/q2, ...; default /var/spool/mqueue) in sendmail
// 8.17's layout (src/queue/listing.ts).  Corrupt queue files are renamed
// to Qf<id> and reported on stderr, never deleted.
import type { LoadedConfig } from '../config/loader.js';
import { printQueue } from '../queue/listing.js';
import { expandQueueDirectory } from '../queue/queue-directory.js';

const EX_OK = 0;
const EX_CONFIG = 78;

/** Lists the queue; the exit status. */
export async function listQueue(loaded: LoadedConfig, opts: { verbose: boolean; quarantined: boolean }, progName: string): Promise<number> {
  const queueDir = loaded.config.options.get('QueueDirectory') ?? '/var/spool/mqueue';
  try {
    await printQueue(await expandQueueDirectory(queueDir), process.stdout, {
      ...opts,
      onCorrupt: (f) => process.stderr.write(`${progName}: ${f.reason}; set aside as ${f.path}\n`),
    });
    return EX_OK;
  } catch (err) {
    process.stderr.write(`${progName}: ${queueDir}: ${(err as Error).message}\n`);
    return EX_CONFIG;
  }
}
