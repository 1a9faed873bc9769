// A queue runner in a child process for test/deliver-crash.test.ts: runs
// the queue of CF in QDIR again and again (local mailboxes in MAILDIR, users
// from PASSWD) until no qf is left, so that the test can SIGKILL it at any
// point and start another.  Built code (dist/), as bin/sendmail uses.
import { readdirSync } from 'node:fs';
import { loadConfig } from '../dist/config/loader.js';
import { runQueue } from '../dist/deliver/runner.js';

const [cf, qdir, mailboxDir, passwdFile] = process.argv.slice(2);
const loaded = await loadConfig({ file: cf, print: () => {}, hostName: 'host.example.com' });
process.stdout.write('ready\n');
for (let run = 0; run < 100 && readdirSync(qdir).some((f) => f.startsWith('qf')); run++) {
  await runQueue(qdir, { loaded, mailboxDir, passwdFile, ignoreRetryTime: true, log: (l) => process.stderr.write(`${l}\n`) });
}
