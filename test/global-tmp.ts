// test/global-tmp.ts — one temporary root per test run: every test's
// os.tmpdir() (TMPDIR, inherited by the workers and the commands they start)
// points into it, and it is removed when the run ends, so the suite leaves
// nothing in /tmp.  SENDMAIL_TEST_KEEP_TMP=1 keeps it for a post-mortem.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'smt-'));
  // passable (not listable) by other users: programs that run as DefaultUser
  // or a .forward's owner, and real sendmail's, reach their own 0777 dirs
  chmodSync(root, 0o711);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    if (process.env.SENDMAIL_TEST_KEEP_TMP === '1') console.log(`test files kept in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  };
}
