// The queue runner's forward files follow the ForwardPath option: the
// sample cf's Debian path $z/.forward.$w+$h:$z/.forward+$h:$z/.forward.$w:$z/.forward
// (first file that exists and is safe wins; $h the +detail, $w this host),
// a path naming $u in a system directory, and the default $z/.forward
// without the option.  Homes are temp dirs named by the runner's password file.
import { beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { ManualClock } from '../src/deliver/clock.js';
import { runQueue } from '../src/deliver/runner.js';
import { defaultRecipientFlags, newEnvelope, QueueDirectory, QueueIdGenerator } from '../src/queue/index.js';
import { sampleConfigCopy } from './e2e-helpers.js';

const START = new Date('2026-11-20T10:00:00Z');
const ids = new QueueIdGenerator();
const USERS = ['alice', 'bob', 'carol', 'erin', 'frank', 'gina', 'hank', 'ivan'];
let dir = '';
let qdir = '';
let w = '';
const configs: Record<'debian' | 'system' | 'none' | 'localaddr', LoadedConfig> = {} as never;

const home = (u: string): string => path.join(dir, 'home', u);
const forwardFile = (u: string, name: string, to: string, mode = 0o600): void => {
  writeFileSync(path.join(home(u), name), `${to}\n`);
  chmodSync(path.join(home(u), name), mode); // past the umask
};

beforeAll(async () => {
  dir = sampleConfigCopy(2525, { absolutePaths: true });
  qdir = path.join(dir, 'var/spool/mqueue');
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  writeFileSync(path.join(dir, 'passwd'), USERS.map((u) => `${u}:x:${uid}:${gid}::${home(u)}:/bin/sh`).join('\n') + '\n');
  for (const u of USERS) mkdirSync(home(u), { recursive: true });
  mkdirSync(path.join(dir, 'fwd'));
  mkdirSync(path.join(dir, 'mail'));
  const cf = path.join(dir, 'etc-mail/sendmail.cf');
  const text = readFileSync(cf, 'latin1');
  expect(text).toMatch(/^O ForwardPath=\$z\/\.forward\.\$w\+\$h:\$z\/\.forward\+\$h:\$z\/\.forward\.\$w:\$z\/\.forward$/m);
  writeFileSync(path.join(dir, 'system.cf'), text.replace(/^O ForwardPath=.*$/m, `O ForwardPath=${dir}/fwd/$u:$z/.forward`), 'latin1');
  writeFileSync(path.join(dir, 'none.cf'), text.replace(/^O ForwardPath=.*\n/m, ''), 'latin1');
  // ruleset 5 sends ivan to the local user carol (as LUSER_RELAY local:carol would an unknown name)
  expect(text).toMatch(/^Slocaladdr=5\n/m);
  writeFileSync(path.join(dir, 'localaddr.cf'), text.replace(/^Slocaladdr=5\n/m, 'Slocaladdr=5\nRivan\t\t$#local $: carol\n'), 'latin1');
  const load = (file: string) => loadConfig({ file, print: () => {}, hostName: 'host.example.com' });
  configs.debian = await load(cf);
  configs.system = await load(path.join(dir, 'system.cf'));
  configs.none = await load(path.join(dir, 'none.cf'));
  configs.localaddr = await load(path.join(dir, 'localaddr.cf'));
  w = configs.debian.macros.getByName('w') ?? '';
  expect(w).not.toBe('');
});

/** Queues one message to `rcpt`, runs the queue with `loaded` and says whose mailboxes got it. */
async function deliverTo(loaded: LoadedConfig, rcpt: string): Promise<string[]> {
  const id = ids.next(START);
  const subject = `to ${rcpt} ${id}`;
  const env = newEnvelope(id, '<sender@example.org>', START);
  env.recipients = [{ address: `<${rcpt}>`, flags: defaultRecipientFlags() }];
  env.headers = [{ conditions: '', name: 'Subject', value: ` ${subject}` }];
  await new QueueDirectory(qdir).storeNew(env, 'hello\n');
  const mailDir = path.join(dir, 'mail');
  const s = await runQueue(qdir, { loaded, clock: new ManualClock(START), mailboxDir: mailDir, passwdFile: path.join(dir, 'passwd'), log: process.env.RUNNER_LOG ? (l) => console.error(l) : undefined });
  expect(s).toMatchObject({ attempted: 1, completed: 1, reports: 0 });
  return USERS.filter((u) => existsSync(path.join(mailDir, u)) && readFileSync(path.join(mailDir, u), 'latin1').includes(`Subject: ${subject}\n`));
}

describe('queue runner: ForwardPath', () => {
  it('takes the first file of the path that exists: .forward.$w before .forward', async () => {
    forwardFile('erin', `.forward.${w}`, 'alice');
    forwardFile('erin', '.forward', 'bob');
    expect(await deliverTo(configs.debian, 'erin@host.example.com')).toEqual(['alice']);
  });

  it('reads .forward+$h for user+detail, and the plain files for the user without detail', async () => {
    forwardFile('frank', '.forward+lists', 'carol');
    forwardFile('frank', '.forward', 'bob');
    expect(await deliverTo(configs.debian, 'frank+lists@host.example.com')).toEqual(['carol']);
    expect(await deliverTo(configs.debian, 'frank@host.example.com')).toEqual(['bob']);
    forwardFile('frank', `.forward.${w}+lists`, 'alice');
    expect(await deliverTo(configs.debian, 'frank+lists@host.example.com')).toEqual(['alice']);
  });

  it('passes over an unsafe file to the next one', async () => {
    forwardFile('gina', `.forward.${w}`, 'alice', 0o666);
    forwardFile('gina', '.forward', 'bob');
    expect(await deliverTo(configs.debian, 'gina@host.example.com')).toEqual(['bob']);
  });

  it('expands $u in a system directory before $z/.forward', async () => {
    forwardFile('hank', '.forward', 'bob');
    writeFileSync(path.join(dir, 'fwd/hank'), 'carol\n', { mode: 0o600 });
    expect(await deliverTo(configs.system, 'hank@host.example.com')).toEqual(['carol']);
    // the Debian path does not look there
    expect(await deliverTo(configs.debian, 'hank@host.example.com')).toEqual(['bob']);
  });

  it('reads $z/.forward only without the option', async () => {
    // erin has .forward.$w (alice) and .forward (bob)
    expect(await deliverTo(configs.none, 'erin@host.example.com')).toEqual(['bob']);
  });
});

describe('queue runner: ruleset 5 and .forward', () => {
  it('ruleset 5 comes first: a name it sends elsewhere has its .forward ignored; a name it leaves alone has it read', async () => {
    forwardFile('ivan', '.forward', 'alice');
    expect(await deliverTo(configs.localaddr, 'ivan')).toEqual(['carol']);
    expect(await deliverTo(configs.debian, 'ivan')).toEqual(['alice']);
  });
});
