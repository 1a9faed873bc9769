// A hermetic real-sendmail setup shared by the delivery benchmarks (the
// hermetic cf itself comes from test/hermetic-cf.mjs): a temp dir whose cf's
// esmtp mailer talks to 127.0.0.1:<port>, the aliases built, and <count>
// messages queued with `sendmail -odq`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildHermeticCf, pinnedSendmail, SENDMAIL_CF_TREE } from '../test/hermetic-cf.mjs';

export { SENDMAIL_CF_TREE };
/** `unshare` arguments that run real sendmail as host.example.com (no 60 s wait on an unqualified name). */
export const PINNED = pinnedSendmail();

/** Number of qf files in a queue directory. */
export const queuedCount = (dir) => readdirSync(dir).filter((f) => f.startsWith('qf')).length;

/** Builds the setup and queues `count` messages (message(i) is the text of the i-th). */
export function realSendmailQueue(prefix, port, count, message) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const queueDir = path.join(dir, 'q');
  const cf = buildHermeticCf(dir, { extra: [`define(\`ESMTP_MAILER_ARGS', \`TCP $h ${port}')dnl`] });
  for (let i = 0; i < count; i++) {
    spawnSync('unshare', [...PINNED, '-odq', '-C', cf, '-f', 'bench@host.example.com', 'bob@[127.0.0.1]'], {
      input: message(i),
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  }
  return { dir, cf, queueDir, queued: queuedCount(queueDir) };
}
