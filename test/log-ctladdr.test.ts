// ctladdr= on the queue runner's to= lines: the controlling user of each
// delivery, as real sendmail 8.17.1.9 logs it.  Its lines for the same
// setup (a hermetic cf, DefaultUser=1234:100, user fred 1234/1234 whose
// .forward names a file and a program, aliases logbox: /file and
// inc: :include:FILE owned by 1234/1234, amy 2000/100 a plain user; read
// from a private /dev/log):
//
//   SMTP from <amy@host.example.com>, RCPT <fred>, <logbox>, <inc> (its list
//   names root and /out/inc.mbox):
//   to=/out/fred.mbox, ctladdr=<fred> (1234/1234), ... mailer=*file*
//   to="|/bin/cat >>/out/fredprog.out", ctladdr=<fred> (1234/1234), ... mailer=prog
//   to=/out/logbox.mbox, ctladdr=<logbox> (1234/0), ... mailer=*file*
//   to=/out/inc.mbox, ctladdr=:include:/inc.list (1234/1234), ... mailer=*file*
//   to=root, ctladdr=<amy@host.example.com> (2000/100), ... mailer=local
//   (from <x@host.example.com>, not a user: to=root has no ctladdr)
//   -bm as root: to=amy, ctladdr=root (0/0); many: root, logbox, fred gives
//   to=/out/logbox.mbox, ctladdr=logbox (1234/0) and ctladdr=fred (1234/1234)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { ManualClock } from '../src/deliver/clock.js';
import { runQueue } from '../src/deliver/runner.js';
import { MailLog, useMailLog, type LogSink } from '../src/log/index.js';
import { defaultRecipientFlags, newEnvelope, QueueDirectory, QueueIdGenerator } from '../src/queue/index.js';
import { SENDMAIL, sampleConfigCopy } from './e2e-helpers.js';

const START = new Date('2026-11-20T10:00:00Z');
const UID = process.getuid?.() ?? 0;
const GID = process.getgid?.() ?? 0;
let dir = '';
let out = '';
let loaded: LoadedConfig;
const logged: string[] = [];
const memory: LogSink = { write: (_severity, message) => void logged.push(message), close: () => {} };
let previous: MailLog;

beforeAll(async () => {
  dir = sampleConfigCopy(2525, { absolutePaths: true });
  out = path.join(dir, 'out');
  mkdirSync(out, { mode: 0o1777 });
  const home = path.join(dir, 'home/fred');
  mkdirSync(home, { recursive: true });
  writeFileSync(path.join(home, '.forward'), `${out}/fred.mbox\n"|cat >/dev/null"\n`, { mode: 0o644 });
  const inc = path.join(dir, 'inc.list');
  writeFileSync(inc, `${out}/inc.mbox\n`);
  writeFileSync(path.join(dir, 'passwd'), `root:x:0:0:root:/root:/bin/sh\nfred:x:${UID}:${GID}:Fred:${home}:/bin/sh\n`);
  const aliases = path.join(dir, 'etc-mail/aliases');
  writeFileSync(aliases, readFileSync(aliases, 'latin1') + `logbox: ${out}/logbox.mbox\ninc: :include:${inc}\nmany: logbox, fred\n`);
  execFileSync(process.execPath, [SENDMAIL, '-bi', '-C', path.join(dir, 'etc-mail/sendmail.cf')], { cwd: dir, stdio: 'ignore' });
  const cf = path.join(dir, 'etc-mail/sendmail.cf');
  writeFileSync(cf, readFileSync(cf, 'latin1') + 'O DefaultUser=1234:100\n');
  loaded = await loadConfig({ file: cf, print: () => {}, hostName: 'host.example.com' });
  previous = useMailLog(new MailLog(memory, 9));
}, 20000);
afterAll(() => {
  useMailLog(previous);
});

async function deliver(sender: string, recipients: readonly string[]): Promise<string[]> {
  const id = new QueueIdGenerator().next(START);
  const env = newEnvelope(id, sender, START);
  env.recipients = recipients.map((address) => ({ address, flags: defaultRecipientFlags() }));
  env.headers = [{ conditions: '', name: 'Subject', value: ' ctladdr' }];
  const qdir = path.join(dir, 'var/spool/mqueue');
  await new QueueDirectory(qdir).storeNew(env, 'hello\n');
  logged.length = 0;
  await runQueue(qdir, { loaded, clock: new ManualClock(START), mailboxDir: path.join(dir, 'mail'), passwdFile: path.join(dir, 'passwd') });
  return logged.filter((l) => l.startsWith(`${id}: to=`)).map((l) => l.slice(id.length + 2).replace(/, delay=.*mailer=/, ', mailer=').replace(/, pri=.*$/, ''));
}

describe('queue run: ctladdr= on to= lines', () => {
  it('a program or file names its .forward user, :include: file or alias; other deliveries the sender when it is a local user', async () => {
    const st = statSync(path.join(dir, 'inc.list'));
    const lines = await deliver('<fred@mail.example.test>', ['<fred>', '<logbox>', '<inc>', '<root>']);
    expect(lines).toEqual(
      expect.arrayContaining([
        `to=${out}/fred.mbox, ctladdr=<fred> (${UID}/${GID}), mailer=*file*`,
        `to="|cat >/dev/null", ctladdr=<fred> (${UID}/${GID}), mailer=prog`,
        `to=${out}/logbox.mbox, ctladdr=<logbox> (1234/0), mailer=*file*`,
        `to=${out}/inc.mbox, ctladdr=:include:${dir}/inc.list (${st.uid}/${st.gid}), mailer=*file*`,
        `to=<root>, ctladdr=<fred@mail.example.test> (${UID}/${GID}), mailer=local`,
      ]),
    );
    expect(lines).toHaveLength(5);
  });

  it('a sender without an account gives no ctladdr; an alias within an alias names the inner one', async () => {
    const lines = await deliver('<someone@elsewhere.example>', ['root', 'many']);
    expect(lines).toEqual(
      expect.arrayContaining([
        'to=root, mailer=local',
        `to=${out}/logbox.mbox, ctladdr=logbox (1234/0), mailer=*file*`,
        `to=${out}/fred.mbox, ctladdr=fred (${UID}/${GID}), mailer=*file*`,
      ]),
    );
  });
});
