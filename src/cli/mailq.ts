/**
 * src/cli/mailq.ts — `mailq`: sendmail run as `sendmail -bp`, as the real
 * mailq is the sendmail binary under another name.  Every sendmail option
 * is understood (`-C cffile`, `-O QueueDirectory=dir`, `-O...`); `-v` adds
 * priorities and `-qQ` lists the quarantined messages instead
 * (src/submit/queue-listing.ts).
 */
import { main as sendmail } from './sendmail.js';

export async function main(argv: string[], progName: string): Promise<void> {
  await sendmail(argv, progName);
}
