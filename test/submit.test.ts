// Local submission on the sample cf copied to a temporary directory:
// sendmail -bs (SMTP on stdin/stdout), -bm with recipients and with -t,
// -bv, -bp; replies, output, exit statuses and queue files.  The texts
// and exit statuses are those real sendmail 8.17 gave for the same commands.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSink } from './deliver-helpers.js';
import { freePort, sampleConfigCopy, SENDMAIL } from './e2e-helpers.js';
import { withPipedStdin } from './smtp-helpers.js';

let dir = '';
const queueFiles = (prefix: string): string[] => readdirSync(path.join(dir, 'var/spool/mqueue')).filter((f) => f.startsWith(prefix));

function sendmail(args: string[], input = ''): { stdout: string; stderr: string; status: number | null } {
  // HOME: where a refused message's dead.letter goes
  const r = spawnSync(process.execPath, [SENDMAIL, '-C', 'etc-mail/sendmail.cf', '-odq', ...args], { cwd: dir, input, encoding: 'latin1', env: { ...process.env, HOME: dir } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** sendmail -bs, one line after each complete reply; the transcript. */
function smtpOnStdio(script: readonly string[], cf = 'etc-mail/sendmail.cf'): Promise<string[]> {
  const child = spawn(...withPipedStdin(process.execPath, [SENDMAIL, '-bs', '-C', cf]), { cwd: dir });
  const out: string[] = [];
  let buf = '';
  let i = 0;
  return new Promise((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let n = buf.indexOf('\r\n'); n >= 0; n = buf.indexOf('\r\n')) {
        const line = buf.slice(0, n);
        buf = buf.slice(n + 2);
        out.push(line);
        if (/^\d{3}( |$)/.test(line)) {
          if (i < script.length) child.stdin.write(script[i++] + '\r\n');
          else child.stdin.end();
        }
      }
    });
    child.on('close', () => resolve(out));
  });
}

beforeAll(async () => {
  dir = sampleConfigCopy(await freePort());
});

describe('sendmail -bs', () => {
  it("greets with the cf's SmtpGreetingMessage expanded with the session's macros, as real sendmail 8.17", async () => {
    // Debian's greeting; real sendmail -bs answered (user root):
    // 220 mail.example.test ESMTP Sendmail 8.17.1.9/8.17.1.9/Debian-2+deb12u2; <date>; (No UCE/UBE) logging access from: ()-root@localhost
    const cf = readFileSync(path.join(dir, 'etc-mail/sendmail.cf'), 'latin1').replace(
      /^O SmtpGreetingMessage=.*$/m,
      'O SmtpGreetingMessage=$j Sendmail $v/$Z; $b; (No UCE/UBE) $?{client_addr}logging access from: ${client_name}(${client_resolve})-$_$.',
    );
    writeFileSync(path.join(dir, 'etc-mail/greeting.cf'), cf, 'latin1');
    const t = await smtpOnStdio(['QUIT'], 'etc-mail/greeting.cf');
    expect(t[0]).toMatch(/^220 mail\.example\.test ESMTP Sendmail 8\.17\.1\.9\/8\.17\.1\.9; \w{3}, \d+ \w{3} \d{4} [\d:]{8} [-+A-Z0-9]+; \(No UCE\/UBE\) logging access from: \(\)-(\S+)@localhost$/);
    expect(t[0]).toContain(`-${os.userInfo().username}@localhost`);
    writeFileSync(path.join(dir, 'etc-mail/greeting.cf'), cf.replace(/^O SmtpGreetingMessage=.*$/m, 'O SmtpGreetingMessage=hello'), 'latin1');
    expect((await smtpOnStdio(['QUIT'], 'etc-mail/greeting.cf'))[0]).toBe('220 hello ESMTP');
  });

  it('talks SMTP on standard input and output with the cf policy and queues the message', async () => {
    const before = queueFiles('qf').length;
    const t = await smtpOnStdio([
      'HELO localhost',
      'MAIL FROM:<me@mail.example.test>',
      'RCPT TO:<nosuchuser>',
      'RCPT TO:<root>',
      'DATA',
      'Subject: bs\r\n\r\nbody\r\n.',
      'QUIT',
    ]);
    expect(t[0]).toMatch(/^220 mail\.example\.test ESMTP Sendmail /);
    expect(t[1]).toBe(`250 mail.example.test Hello ${os.userInfo().username}@localhost, pleased to meet you`);
    expect(t).toContain('550 5.1.1 <nosuchuser>... User unknown');
    expect(t).toContain('250 2.1.5 <root>... Recipient ok');
    expect(t.some((l) => /^250 2\.0\.0 \S+ Message accepted for delivery$/.test(l))).toBe(true);
    expect(t[t.length - 1]).toBe('221 2.0.0 mail.example.test closing connection');
    expect(queueFiles('qf').length).toBe(before + 1);
  });
});

describe('sendmail [-t] [-i] [-f] rcpt... (local submission)', () => {
  it('queues a message for the named recipients, stopping at a lone dot', () => {
    const before = new Set(queueFiles('qf'));
    const r = sendmail(['-f', 'me@mail.example.test', 'root'], 'Subject: hi\n\nline one\n.\nafter the dot\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const fresh = queueFiles('qf').filter((f) => !before.has(f));
    expect(fresh.length).toBe(1);
    const id = fresh[0]!.slice(2);
    expect(readFileSync(path.join(dir, 'var/spool/mqueue', `df${id}`), 'latin1')).toBe('line one\n');
    const qf = readFileSync(path.join(dir, 'var/spool/mqueue', `qf${id}`), 'latin1');
    // sender and recipient as given, as real sendmail 8.17 writes them
    expect(qf).toMatch(/^Sme@mail\.example\.test$/m);
    expect(qf).toMatch(/^R.*:root$/m);
    // real sendmail 8.17 on this cf: "H??Received: (from root@localhost)\n\tby mail.example.test (8.17.1.9/8.17.1.9) id <id>\n\tfor root; <date>"
    const user = os.userInfo().username;
    expect(qf).toContain(`\nH??Received: (from ${user}@localhost)\n\tby mail.example.test (8.17.1.9/8.17.1.9) id ${id}\n\tfor root; `);
    expect(qf).toContain(`\n$_${user}@localhost\n`);
    expect(qf).not.toMatch(/^\$r/m);
  });

  it('adds From: "$x <$g>" and Full-Name: as queue headers when the message has no From:, as real sendmail 8.17', () => {
    // real sendmail -bm root (user root, gecos "root") queued: H?D?Date, H?F?From: root <root>, H?x?Full-Name: root, H?M?Message-Id
    const before = new Set(queueFiles('qf'));
    const user = os.userInfo().username;
    expect(sendmail(['-F', 'Test User', 'root'], 'Subject: x\n\nbody\n').status).toBe(0);
    const id = queueFiles('qf').filter((f) => !before.has(f))[0]!.slice(2);
    const qf = readFileSync(path.join(dir, 'var/spool/mqueue', `qf${id}`), 'latin1');
    const headers = qf.split('\n').filter((l) => l.startsWith('H')).map((l) => l.replace(/^(H\?.?\?[\w-]+:).*$/, '$1'));
    expect(headers).toEqual(['H?P?Return-Path:', 'H??Received:', 'H?D?Date:', 'H?F?From:', 'H?x?Full-Name:', 'H?M?Message-Id:', 'H??Subject:']);
    expect(qf).toContain(`\nH?F?From: Test User <${user}>\nH?x?Full-Name: Test User\n`);
  });

  it('a -t message from "From: root" leaves through esmtp with From: root@$j and the local Received:, as real sendmail 8.17', async () => {
    // real sendmail -t then -q on this cf (esmtp A=TCP $h <port>) delivered:
    // Received: (from root@localhost)\n\tby mail.example.test (8.17.1.9/8.17.1.9) id <id>;\n\t<date>
    // Date, Message-Id, From: root@mail.example.test, To: u@[127.0.0.1], Subject: t
    const sink = await startSink();
    try {
      const cf = readFileSync(path.join(dir, 'etc-mail/sendmail.cf'), 'latin1').replace(/^(Mesmtp,.*\n(?:\t.*\n)*?\tA=TCP \$h)$/m, `$1 ${sink.port}`);
      writeFileSync(path.join(dir, 'etc-mail/esmtp-port.cf'), cf, 'latin1');
      // asynchronous: the sink answers from this process
      const run = (args: string[], input = ''): Promise<number | null> =>
        new Promise((resolve) => {
          const child = spawn(process.execPath, [SENDMAIL, '-C', 'etc-mail/esmtp-port.cf', ...args], { cwd: dir, stdio: ['pipe', 'ignore', 'ignore'] });
          child.stdin.end(input);
          child.on('close', (code) => resolve(code));
        });
      expect(await run(['-t', '-odq'], 'From: root\nTo: u@[127.0.0.1]\nSubject: t\n\nbody\n')).toBe(0);
      expect(await run(['-q'])).toBe(0);
      const data = sink.messages.map((m) => m.data).find((d) => d.includes('To: u@[127.0.0.1]')) ?? '';
      const user = os.userInfo().username;
      expect(data).toMatch(new RegExp(`^Received: \\(from ${user}@localhost\\)\r\n\tby mail\\.example\\.test \\(8\\.17\\.1\\.9/8\\.17\\.1\\.9\\) id \\w{14};\r\n\t`));
      expect(data).toContain('\r\nFrom: root@mail.example.test\r\nTo: u@[127.0.0.1]\r\nSubject: t\r\n');
    } finally {
      await sink.close();
    }
  });

  it('-t takes recipients from To:, Cc: and Bcc: and removes Bcc:; -i keeps lines after a dot', () => {
    const before = new Set(queueFiles('qf'));
    const r = sendmail(['-t', '-i', '-f', 'me@mail.example.test'], 'To: root\nCc: postmaster\nBcc: admin\nSubject: t\n\nbody\n.\nmore\n');
    expect(r.status).toBe(0);
    const id = queueFiles('qf').filter((f) => !before.has(f))[0]!.slice(2);
    const qf = readFileSync(path.join(dir, 'var/spool/mqueue', `qf${id}`), 'latin1');
    expect(qf.match(/^R.*$/gm)!.map((l) => l.replace(/^R[A-Z]*:/, ''))).toEqual(['root', 'postmaster', 'admin']);
    expect(qf).not.toMatch(/^H.*Bcc:/m);
    // with -t real sendmail writes no "for": "H??Received: (from root@localhost)\n\tby mail.example.test (8.17.1.9/8.17.1.9) id <id>;\n\t<date>"
    expect(qf).toContain(`\nH??Received: (from ${os.userInfo().username}@localhost)\n\tby mail.example.test (8.17.1.9/8.17.1.9) id ${id};\n\t`);
    expect(readFileSync(path.join(dir, 'var/spool/mqueue', `df${id}`), 'latin1')).toBe('body\n.\nmore\n');
  });

  const deadLetter = (): string => {
    try {
      return readFileSync(path.join(dir, 'dead.letter'), 'latin1');
    } catch {
      return '';
    }
  };
  const saved = (): string => `${dir}/dead.letter... Saved message in ${dir}/dead.letter\n`;

  it('prints a refused recipient as sendmail (address as given), keeps the message in ~/dead.letter and exits 67', () => {
    const before = deadLetter();
    const r = sendmail(['-f', 'me@mail.example.test', 'nosuchuser'], 'Subject: x\n\nx\n');
    expect(r.stdout).toBe(`nosuchuser... User unknown\n${saved()}`);
    expect(r.status).toBe(67);
    expect(deadLetter().slice(before.length)).toMatch(/^From me@mail\.example\.test \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\nReturn-Path: <me@mail\.example\.test>\nSubject: x\n\nx\n\n$/);
  });

  it('queues for the good recipients and still exits 67 when one is refused (and keeps a copy in ~/dead.letter)', () => {
    const before = queueFiles('qf').length;
    const r = sendmail(['-f', 'me@mail.example.test', 'nosuchuser', 'root'], 'Subject: x\n\nx\n');
    expect(r.stdout).toBe(`nosuchuser... User unknown\n${saved()}`);
    expect(r.status).toBe(67);
    expect(queueFiles('qf').length).toBe(before + 1);
  });

  it('a message with more trace headers than MaxHopCount is not queued but kept in ~/dead.letter, exit 69 (as 8.17)', () => {
    const before = queueFiles('qf').length;
    const hops = Array.from({ length: 26 }, (_, i) => `Received: from h${i}.example.org by x.example.org; Sun, 22 Nov 2026 10:00:00 +0000\n`).join('');
    const r = sendmail(['-f', 'me@mail.example.test', 'root'], `${hops}Subject: hops\n\nx\n`);
    expect(r.stdout).toBe(saved());
    expect(r.status).toBe(69);
    expect(queueFiles('qf').length).toBe(before);
    expect(deadLetter()).toContain('Subject: hops\n');
  });

  it('without recipients says so on standard output and exits 64, as does -bv (as 8.17)', () => {
    for (const args of [[], ['-bv']]) {
      const r = sendmail(args, 'x\n');
      expect(r).toMatchObject({ stdout: 'Recipient names must be specified\n', stderr: '', status: 64 });
    }
  });
});

describe('sendmail -bv and -bp', () => {
  it('-bv prints errors first, then the deliverable targets newest first, aliases expanded', () => {
    const r = sendmail(['-bv', 'postmaster', 'nosuchuser', 'friend@elsewhere.example', '|/bin/cat']);
    expect(r.stdout).toBe(
      [
        'nosuchuser... User unknown',
        '|/bin/cat... Cannot mail directly to programs',
        'friend@elsewhere.example... deliverable: mailer esmtp, host elsewhere.example, user friend@elsewhere.example',
        'root... deliverable: mailer local, user root',
        '',
      ].join('\n'),
    );
    expect(r.status).toBe(67);
  });

  it('-bp lists the queue as mailq does', () => {
    const r = sendmail(['-bp']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\t\tvar\/spool\/mqueue \(\d+ requests?\)$/m);
    expect(r.stdout).toMatch(/Total requests: \d+/);
  });

  it('mailq is sendmail -bp: every sendmail option is taken; -v adds priorities, -qQ lists the quarantined messages', () => {
    const mailq = (args: string[]): { stdout: string; stderr: string; status: number | null } => {
      const r = spawnSync(process.execPath, [path.join(path.dirname(SENDMAIL), 'mailq'), '-C', 'etc-mail/sendmail.cf', ...args], { cwd: dir, encoding: 'latin1' });
      return { stdout: r.stdout, stderr: r.stderr, status: r.status };
    };
    const other = path.join(dir, 'mailq-queue');
    mkdirSync(other, { mode: 0o700 });
    const plain = mailq([`-OQueueDirectory=${other}`, '-OLogLevel=9', '-odq']);
    expect(plain.stderr).toBe('');
    expect(plain.stdout).toBe(`${other} is empty\n\t\tTotal requests: 0\n`);
    expect(plain.status).toBe(0);
    expect(sendmail(['-bp', `-OQueueDirectory=${other}`]).stdout).toBe(plain.stdout);
    expect(sendmail(['root'], 'Subject: listed\n\nhi\n').status).toBe(0);
    const listed = sendmail(['-bp', '-v']).stdout;
    expect(listed).toMatch(/-Priority-/);
    expect(mailq(['-v']).stdout).toBe(listed);
    expect(sendmail(['-bp', '-qQ']).stdout).toMatch(/^\S+ is empty\n\t\tTotal requests: 0\n$/);
  });

  it('-bp reads the cf as every mode does: -O QueueDirectory counts; a cf that cannot be opened exits 72, one with read errors 70 listing nothing (as sendmail 8.17)', () => {
    const other = path.join(dir, 'other-queue');
    mkdirSync(other, { mode: 0o700 });
    const r = sendmail(['-bp', `-OQueueDirectory=${other}`]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${other} is empty\n\t\tTotal requests: 0\n`);
    const missing = sendmail(['-bp', '-C', path.join(dir, 'nosuch.cf')]);
    expect(missing.status).toBe(72);
    expect(missing.stdout + missing.stderr).toContain('nosuch.cf: line 0: cannot open: No such file or directory');
    const bad = path.join(dir, 'bad.cf');
    writeFileSync(bad, `V10/Berkeley\nO QueueDirectory=${other}\nKfoo hsah /nonexistent\n`);
    const r2 = sendmail(['-bp', '-C', bad]);
    expect(r2.status).toBe(70);
    expect(r2.stdout).toBe(`${bad}: line 3: readcf: map foo: class hsah not available\n`);
  });
});

describe('sendmail -q', () => {
  it('runs the queue once (-qR selection): a message to an alias naming a file is delivered and leaves the queue', () => {
    const box = path.join(dir, 'qrun.mbox');
    writeFileSync(path.join(dir, 'etc-mail/aliases'), readFileSync(path.join(dir, 'etc-mail/aliases'), 'latin1') + `qrun: ${box}\n`);
    expect(sendmail(['-bi']).status).toBe(0);
    expect(sendmail(['qrun'], 'Subject: queue run\n\nbody of the queued message\n').status).toBe(0);
    const qf = queueFiles('qf');
    expect(qf.length).toBeGreaterThan(0);
    // only this message: the other tests queued mail for root, which would go to /var/mail
    const r = sendmail(['-qRqrun']);
    expect(r.status).toBe(0);
    expect(readFileSync(box, 'latin1')).toMatch(/^Subject: queue run\n\nbody of the queued message\n/m);
    expect(r.stderr + r.stdout).toMatch(/to=.*qrun\.mbox, .*stat=Sent/);
    expect(queueFiles('qf').length).toBe(qf.length - 1);
  });
});
