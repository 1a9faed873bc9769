// The local mailer as the cf declares it (issue 7): a P= program whose A=
// names $u is run with the expanded A= words and the message on its
// standard input, its exit status read as sysexits (a fake procmail, a
// real shell script in a temp dir); P=[IPC] with A=FILE /path is LMTP on
// that Unix socket (a small LMTP peer here), each recipient answered on
// its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { runQueue } from '../src/deliver/runner.js';
import { ipcEndpoint, expandArgvWord } from '../src/deliver/mailer-argv.js';
import { defaultRecipientFlags, newEnvelope, QueueDirectory, QueueIdGenerator } from '../src/queue/index.js';
import { sampleConfigCopy } from './e2e-helpers.js';

const ids = new QueueIdGenerator();
let dir = '';
let passwd = '';

/** The sample cf with its Mlocal line replaced. */
async function cfWithLocal(name: string, mlocal: string): Promise<LoadedConfig> {
  const text = readFileSync(path.join(dir, 'etc-mail/sendmail.cf'), 'latin1').replace(/^Mlocal,.*\n(?:\t.*\n)*/m, `${mlocal}\n`);
  const file = path.join(dir, `etc-mail/${name}.cf`);
  writeFileSync(file, text, 'latin1');
  return loadConfig({ file, print: () => {}, hostName: 'host.example.com' });
}

async function enqueue(qdir: string, recipients: string[], extra: { flags?: string; headers?: [string, string][] } = {}): Promise<string> {
  mkdirSync(qdir, { recursive: true, mode: 0o700 });
  const now = new Date();
  const env = newEnvelope(ids.next(now), '<alice@host.example.com>', now);
  env.recipients = recipients.map((address) => ({ address, flags: defaultRecipientFlags() }));
  env.flags = extra.flags ?? '';
  env.headers = [...(extra.headers ?? []).map(([name, value]) => ({ conditions: '', name, value: ` ${value}` })), { conditions: '', name: 'Subject', value: ' local mailer' }];
  await new QueueDirectory(qdir).storeNew(env, 'hello local\n');
  return env.id;
}

const qfRecipients = (qdir: string, id: string): string[] =>
  existsSync(path.join(qdir, `qf${id}`)) ? readFileSync(path.join(qdir, `qf${id}`), 'latin1').match(/^R.*$/gm)!.map((l) => l.replace(/^R[A-Z]*:/, '')) : [];

beforeAll(() => {
  dir = sampleConfigCopy(2525, { absolutePaths: true });
  passwd = path.join(dir, 'passwd-local');
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  writeFileSync(passwd, ['bob', 'carol', 'dave'].map((u) => `${u}:x:${uid}:${gid}:${u}:${dir}/home-${u}:/bin/sh`).join('\n') + '\n');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('mailer A= words', () => {
  it('expands $x and ${name}, $$ is a dollar; [IPC] endpoints from TCP and FILE', () => {
    const m: Record<string, string> = { u: 'bob', h: '', client_addr: '127.0.0.1' };
    expect(['-a', '$h', '-d', '$u', '${client_addr}', 'a$$b'].map((w) => expandArgvWord(w, (n) => m[n]))).toEqual(['-a', '', '-d', 'bob', '127.0.0.1', 'a$b']);
    expect(ipcEndpoint(['TCP', 'localhost', 'lmtp'])).toEqual({ kind: 'tcp', host: 'localhost', port: 24 });
    expect(ipcEndpoint(['TCP', 'mx'])).toEqual({ kind: 'tcp', host: 'mx', port: 25 });
    expect(ipcEndpoint(['FILE', '/run/lmtp'])).toEqual({ kind: 'unix', path: '/run/lmtp' });
    expect(ipcEndpoint(['procmail', '-d'])).toHaveProperty('error');
  });
});

describe('local mailer P= a program (a fake procmail)', () => {
  it('runs P= with the expanded A= words and the message on stdin; exit 75 defers, 67 fails; qf flag b drops Bcc:', async () => {
    const bin = path.join(dir, 'bin');
    const out = path.join(dir, 'procmail-out');
    mkdirSync(bin, { recursive: true });
    mkdirSync(out, { recursive: true });
    // a real program: records argv[0], its arguments and stdin, exits as told for the user after -d
    writeFileSync(
      path.join(bin, 'procmail'),
      `#!/bin/sh\nuser=""; prev=""\nfor a in "$@"; do [ "$prev" = "-d" ] && user="$a"; prev="$a"; done\n` +
        `{ printf '%s\\n' "$0" "$@"; echo ----; cat; } > ${out}/$user\n` +
        `case "$user" in carol) exit 75;; dave) echo "no such user" >&2; exit 67;; esac\nexit 0\n`,
    );
    chmodSync(path.join(bin, 'procmail'), 0o755);
    const loaded = await cfWithLocal(
      'procmail',
      `Mlocal,\tP=${bin}/procmail, F=lsDFMAw5:/|@qSPfhn9, S=EnvFromL/HdrFromL, R=EnvToL/HdrToL,\n\tT=DNS/RFC822/X-Unix,\n\tA=procmail -Y -a $h -d $u`,
    );
    const qdir = path.join(dir, 'var/spool/mq-procmail');
    const id = await enqueue(qdir, ['<bob>', '<carol>', '<dave>']);
    const log: string[] = [];
    const summary = await runQueue(qdir, { loaded, passwdFile: passwd, log: (l) => log.push(l) });
    const bob = readFileSync(path.join(out, 'bob'), 'latin1').split('\n');
    expect(bob.slice(0, 7)).toEqual([`${bin}/procmail`, '-Y', '-a', '', '-d', 'bob', '----']);
    expect(bob.join('\n')).toMatch(/\nSubject: local mailer\n(.*\n)*\nhello local\n$/);
    expect(existsSync(path.join(out, 'carol'))).toBe(true);
    expect(log.join('\n')).toMatch(/to=<carol>,.*stat=Deferred/);
    expect(log.join('\n')).toMatch(/to=<dave>,.*stat=User unknown/);
    // carol stays for a later run; dave's failure went back to alice
    expect(summary).toMatchObject({ attempted: 1, deferred: 1, reports: 1 });
    expect(qfRecipients(qdir, id)).toEqual(['\\carol']);

    // qf flag b: the Bcc: header is not delivered; without it, it is
    const headers: [string, string][] = [['To', 'carol'], ['Bcc', 'bob']];
    for (const flags of ['bs', 's']) {
      await enqueue(qdir, ['<bob>'], { flags, headers });
      await runQueue(qdir, { loaded, passwdFile: passwd, ignoreRetryTime: true });
      const got = readFileSync(path.join(out, 'bob'), 'latin1');
      expect(got).toContain('\nTo: carol\n');
      if (flags === 'bs') expect(got).not.toMatch(/^Bcc:/m);
      else expect(got).toMatch(/^Bcc: bob$/m);
    }
  });
});

describe('local mailer P=[IPC] A=FILE: LMTP on a Unix socket', () => {
  const seen: { to: string[]; data: string }[] = [];
  let server: net.Server;
  let socketPath = '';
  beforeAll(async () => {
    socketPath = path.join(dir, 'lmtp.sock');
    // An LMTP peer by hand: smtp-server refuses a recipient without a domain
    // ("RCPT TO:<bob>"), which is what sendmail sends a local mailer's LMTP
    // server (and what mail.local -l, dovecot-lmtp and cyrus take).
    server = net.createServer((c) => {
      c.write('220 lmtp.test LMTP ready\r\n');
      let buf = '';
      let to: string[] = [];
      let data: string[] | undefined;
      c.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        for (let nl = buf.indexOf('\r\n'); nl >= 0; nl = buf.indexOf('\r\n')) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 2);
          if (data) {
            if (line !== '.') {
              data.push(line.startsWith('..') ? line.slice(1) : line);
              continue;
            }
            seen.push({ to, data: data.join('\r\n') + '\r\n' });
            // one reply per accepted recipient; carol's mailbox is over quota for now
            for (const r of to) c.write(r === 'carol' ? '452 4.2.2 <carol> Mailbox full\r\n' : `250 2.1.5 <${r}> delivered\r\n`);
            data = undefined;
            to = [];
          } else if (/^LHLO /i.test(line)) c.write('250-lmtp.test\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n');
          else if (/^MAIL FROM:/i.test(line)) c.write('250 2.1.0 Ok\r\n');
          else if (/^RCPT TO:<dave>/i.test(line)) c.write('550 5.1.1 <dave> No such mailbox\r\n');
          else if (/^RCPT TO:<([^>]*)>/i.test(line)) {
            to.push(/<([^>]*)>/.exec(line)![1]!);
            c.write('250 2.1.5 Ok\r\n');
          } else if (/^DATA$/i.test(line)) {
            if (to.length === 0) c.write('503 5.5.1 No valid recipients\r\n');
            else {
              data = [];
              c.write('354 go ahead\r\n');
            }
          } else if (/^RSET$/i.test(line)) {
            to = [];
            c.write('250 2.0.0 Ok\r\n');
          } else if (/^QUIT$/i.test(line)) c.end('221 2.0.0 Bye\r\n');
          else c.write('502 5.5.2 What?\r\n');
        }
      });
      c.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(socketPath, () => resolve()));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers over LMTP (F=z), each recipient with its own answer', async () => {
    const loaded = await cfWithLocal(
      'lmtp',
      `Mlocal,\tP=[IPC], F=lsDFMAw5:/|@qSPfhnz9, S=EnvFromL/HdrFromL, R=EnvToL/HdrToL,\n\tT=DNS/RFC822/X-Unix,\n\tA=FILE ${socketPath}`,
    );
    const qdir = path.join(dir, 'var/spool/mq-lmtp');
    const id = await enqueue(qdir, ['<bob>', '<carol>', '<dave>']);
    const log: string[] = [];
    const summary = await runQueue(qdir, { loaded, passwdFile: passwd, log: (l) => log.push(l) });
    expect(seen.map((s) => s.to), log.join('\n')).toEqual([['bob'], ['carol']]);
    expect(seen[0]!.data).toBe('Subject: local mailer\r\n\r\nhello local\r\n');
    expect(log.join('\n')).toMatch(/to=<bob>,.*stat=Sent/);
    expect(log.join('\n')).toMatch(/to=<carol>,.*stat=Deferred/);
    expect(summary).toMatchObject({ attempted: 1, deferred: 1, reports: 1 });
    expect(qfRecipients(qdir, id)).toEqual(['\\carol']);
    expect(readdirSync(qdir).filter((f) => f.startsWith('qf')).length).toBe(2); // carol's message and dave's bounce
  });
});

// Programs run as their controlling user when we are root: a .forward's
// user, an :include: file's owner, else DefaultUser (real setuid: the uids
// need no account, only a password-file line of ours).
describe.skipIf(process.getuid?.() !== 0)('programs run as the controlling user (running as root)', () => {
  it('.forward program as its user (also after a deferral, by the qf C line), :include: program as the file owner, a queued "|program" as DefaultUser', async () => {
    const { chownSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    // outside the 0700 test directory: the programs' users must reach it
    const out = mkdtempSync(path.join(tmpdir(), 'ctl-'));
    chmodSync(out, 0o777);
    try {
      const home = path.join(out, 'erin');
      mkdirSync(home);
      chownSync(home, 4242, 4243);
      writeFileSync(path.join(out, 'list.inc'), `"|id -u > ${out}/include.uid; id -g >> ${out}/include.uid"\n`);
      chownSync(path.join(out, 'list.inc'), 4444, 4445);
      // the last program defers until "go" exists: its qf C line keeps erin as its controlling user
      const later = `"|test -f ${out}/go || exit 75; id -u > ${out}/later.uid"`;
      writeFileSync(path.join(home, '.forward'), `"|id -u > ${out}/forward.uid; id -g >> ${out}/forward.uid", :include:${out}/list.inc, ${later}\n`, { mode: 0o600 });
      chownSync(path.join(home, '.forward'), 4242, 4243);
      const pw = path.join(dir, 'passwd-ctl');
      writeFileSync(pw, `erin:x:4242:4243:Erin:${home}:/bin/sh\n`);
      const text = readFileSync(path.join(dir, 'etc-mail/sendmail.cf'), 'latin1').replace(/^(O QueueDirectory=.*)$/m, '$1\nO DefaultUser=4343:4344');
      const file = path.join(dir, 'etc-mail/ctl.cf');
      writeFileSync(file, text, 'latin1');
      const loaded = await loadConfig({ file, print: () => {}, hostName: 'host.example.com' });
      const qdir = path.join(dir, 'var/spool/mq-ctl');
      await enqueue(qdir, ['<erin>', `"|id -u > ${out}/direct.uid; id -g >> ${out}/direct.uid"`]);
      const log: string[] = [];
      const summary = await runQueue(qdir, { loaded, passwdFile: pw, mailboxDir: path.join(dir, 'mail-ctl'), log: (l) => log.push(l) });
      expect(summary.deferred, log.join('\n')).toBe(1);
      const ids = (name: string) => readFileSync(path.join(out, name), 'latin1').trim().split('\n');
      expect(ids('forward.uid')).toEqual(['4242', '4243']);
      expect(ids('include.uid')).toEqual(['4444', '4445']);
      expect(ids('direct.uid')).toEqual(['4343', '4344']);
      const qf = readdirSync(qdir).find((f) => f.startsWith('qf'))!;
      expect(readFileSync(path.join(qdir, qf), 'latin1')).toContain(`\nCerin:4242:4243:erin\nR`);
      writeFileSync(path.join(out, 'go'), '');
      expect((await runQueue(qdir, { loaded, passwdFile: pw, mailboxDir: path.join(dir, 'mail-ctl'), ignoreRetryTime: true })).completed).toBe(1);
      expect(ids('later.uid')).toEqual(['4242']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
