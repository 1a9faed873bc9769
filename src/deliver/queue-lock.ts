// Which process works on a queued message: a lock file lf<id> beside the qf,
// created exclusively and holding the owner's pid, so two queue runners of
// this program (a daemon's and a `sendmail -q`) never deliver one message
// twice.  A lock whose process is gone is stale and taken over.  (sendmail
// itself locks the qf with flock, which Node cannot reach.)

import { promises as fsp } from 'node:fs';
import path from 'node:path';

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of message `id` in `controlDir`; a release function, or undefined when another live process holds it. */
export async function lockMessage(controlDir: string, id: string): Promise<(() => Promise<void>) | undefined> {
  const file = path.join(controlDir, `lf${id}`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await fsp.open(file, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return () => fsp.rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number((await fsp.readFile(file, 'latin1').catch(() => '')).trim());
    if (alive(owner)) return undefined;
    await fsp.rm(file, { force: true });
  }
  return undefined;
}
