import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ctimeDate,
  deliverToFile,
  deliverToMailbox,
  deliverToProgram,
  mboxEntry,
  resolveSafePath,
  resultFromExit,
  smrshCheck,
} from '../src/deliver/mailers/index.js';
import { buildRealSendmailCf, canUnshareUts, hasTool, runRealSendmail, SENDMAIL_CF_DIR, tempDir } from './deliver-helpers.js';

process.env.TZ = 'UTC';
const DATE = new Date(Date.UTC(2026, 10, 2, 4, 5, 6));
const MSG = Buffer.from('From: a@x.test\r\nSubject: s\r\n\r\nFrom the start\r\nline two\r\n>From kept\r\nlast');

describe('mbox entry format', () => {
  it('writes the From line in ctime form, quotes From in the body, ends lines', () => {
    expect(ctimeDate(DATE)).toBe('Mon Nov  2 04:05:06 2026');
    expect(mboxEntry('a@x.test', DATE, MSG, { endLastLine: true }).toString()).toBe(
      'From a@x.test Mon Nov  2 04:05:06 2026\nFrom: a@x.test\nSubject: s\n\n>From the start\nline two\n>From kept\nlast\n\n',
    );
    expect(mboxEntry('', DATE, Buffer.from('Subject: x\n\nb\n'), { endLastLine: false, contentLength: true }).toString()).toBe(
      'From MAILER-DAEMON Mon Nov  2 04:05:06 2026\nSubject: x\nContent-Length: 2\n\nb\n\n',
    );
  });
});

describe('local mailbox delivery', () => {
  it('appends messages under a dot lock and removes the lock', async () => {
    const dir = tempDir('deliver-mbox-');
    const mailbox = path.join(dir, 'bob');
    const req = { mailbox, recipient: 'bob', sender: 'a@x.test', message: MSG, date: DATE };
    expect((await deliverToMailbox(req)).kind).toBe('sent');
    expect((await deliverToMailbox(req)).kind).toBe('sent');
    const one = mboxEntry('a@x.test', DATE, MSG, { endLastLine: true }).toString();
    expect(readFileSync(mailbox, 'latin1')).toBe(one + one);
    expect(statSync(mailbox).mode & 0o777).toBe(0o600);
    expect(existsSync(`${mailbox}.lock`)).toBe(false);
  });

  const mailLocal = '/usr/libexec/sendmail/mail.local';
  const canMountTmpfs =
    existsSync(mailLocal) &&
    spawnSync('unshare', ['--mount', 'sh', '-c', 'mount -t tmpfs none /var/mail'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!canMountTmpfs)('writes the same mailbox bytes as the real mail.local (Content-Length, no quoting)', async () => {
    const msg = 'Subject: x\nFrom: a@b\n\nFrom the start\n>From kept\nbody\n';
    const real = spawnSync(
      'unshare',
      ['--mount', 'sh', '-c', `mount -t tmpfs none /var/mail && for i in 1 2; do ${mailLocal} -f a@b.test root <<'EOF'\n${msg}EOF\ndone; cat /var/mail/root`],
      { encoding: 'latin1' },
    );
    expect(real.status).toBe(0);
    const stamp = /^From a@b\.test (.*)$/m.exec(real.stdout)?.[1] ?? '';
    const [, mon, day, hms, year] = /^\w+ (\w+) +(\d+) (\S+) (\d+)$/.exec(stamp) ?? [];
    const date = new Date(`${mon} ${day}, ${year} ${hms}`);
    const mailbox = path.join(tempDir('deliver-mbox-'), 'root');
    for (let i = 0; i < 2; i++) {
      const r = await deliverToMailbox({ mailbox, recipient: 'root', sender: 'a@b.test', message: Buffer.from(msg), date, contentLength: true });
      expect(r.kind).toBe('sent');
    }
    expect(readFileSync(mailbox, 'latin1')).toBe(real.stdout);
  });

  it('defers while another holds the lock, and breaks a stale lock', async () => {
    const dir = tempDir('deliver-mbox-');
    const mailbox = path.join(dir, 'bob');
    writeFileSync(`${mailbox}.lock`, '1\n');
    const busy = await deliverToMailbox({ mailbox, recipient: 'bob', sender: 'a', message: MSG, lockTimeoutMs: 200 });
    expect([busy.kind, busy.status]).toEqual(['tempfail', '4.0.0']);
    expect(busy.text).toContain('lock file busy');
    expect(existsSync(mailbox)).toBe(false);
    const old = new Date(Date.now() - 3600_000);
    utimesSync(`${mailbox}.lock`, old, old);
    const ok = await deliverToMailbox({ mailbox, recipient: 'bob', sender: 'a', message: MSG, lockTimeoutMs: 200 });
    expect(ok.kind).toBe('sent');
  });

  it('refuses a mailbox that is a symbolic or hard link', async () => {
    const dir = tempDir('deliver-mbox-');
    writeFileSync(path.join(dir, 'target'), '');
    symlinkSync(path.join(dir, 'target'), path.join(dir, 'sym'));
    linkSync(path.join(dir, 'target'), path.join(dir, 'hard'));
    for (const name of ['sym', 'hard']) {
      const r = await deliverToMailbox({ mailbox: path.join(dir, name), recipient: name, sender: 'a', message: MSG });
      expect([r.kind, r.status]).toEqual(['permfail', '5.3.0']);
    }
    expect(readFileSync(path.join(dir, 'target'), 'latin1')).toBe('');
  });
});

describe('program delivery', () => {
  it('feeds the message to the program on stdin', async () => {
    const dir = tempDir('deliver-prog-');
    const out = path.join(dir, 'out');
    const r = await deliverToProgram({ command: `cat > ${out}`, recipient: `"|cat > ${out}"`, message: MSG });
    expect(r.kind).toBe('sent');
    expect(readFileSync(out)).toEqual(MSG);
  });

  it('maps exit codes: 67 permanent user unknown, 75 temporary, 1 unknown mailer error', async () => {
    const r67 = await deliverToProgram({ command: 'cat >/dev/null; exit 67', recipient: '"|exit 67"', message: MSG });
    expect([r67.kind, r67.status, r67.diagnostic]).toEqual(['permfail', '5.1.1', '67']);
    expect(r67.transcript).toEqual(['550 5.1.1 "|exit 67"... User unknown']);
    const r75 = await deliverToProgram({ command: 'echo busy >&2; exit 75', recipient: '"|x"', message: MSG });
    expect([r75.kind, r75.status, r75.text]).toEqual(['tempfail', '4.0.0', 'Deferred: prog mailer (/bin/sh) exited with EX_TEMPFAIL']);
    expect(r75.transcript[0]).toBe('busy');
    const r1 = await deliverToProgram({ command: 'exit 1', recipient: '"|exit 1"', message: MSG });
    expect([r1.kind, r1.status, r1.text, r1.transcript]).toEqual(['permfail', '5.0.0', '1', ['554 5.3.0 unknown mailer error 1']]);
  });

  it('classifies every sysexits code as sendmail does', () => {
    const temporary = [71, 74, 75];
    for (let code = 64; code <= 78; code++) {
      expect(resultFromExit(code, 'x', 'm').kind).toBe(temporary.includes(code) ? 'tempfail' : 'permfail');
    }
    expect(resultFromExit(72, 'x', 'm').transcript).toEqual(['554 5.3.5 System file missing']);
  });

  it('restricts programs to the smrsh directory', async () => {
    const dir = tempDir('deliver-smrsh-');
    symlinkSync('/bin/cat', path.join(dir, 'cat'));
    const out = path.join(tempDir('deliver-smrsh-out-'), 'o');
    expect(await smrshCheck('/usr/bin/cat -u', dir)).toEqual({ ok: true, command: `${dir}/cat -u` });
    expect(await smrshCheck('exec cat && cat', dir)).toEqual({ ok: true, command: `exec ${dir}/cat && ${dir}/cat` });
    expect(await smrshCheck('procmail -a x', dir)).toEqual({
      ok: false,
      message: 'smrsh: "procmail" not available for sendmail programs (stat failed)',
    });
    expect(await smrshCheck('cat a;b', dir)).toEqual({ ok: false, message: 'smrsh: cannot use ; in command' });
    const refused = await deliverToProgram({ command: 'rm -rf x', recipient: '"|rm -rf x"', message: MSG, smrshDir: dir });
    expect([refused.kind, refused.status, refused.transcript]).toEqual([
      'permfail',
      '5.5.0',
      ['smrsh: "rm" not available for sendmail programs (stat failed)', '554 5.0.0 Service unavailable'],
    ]);
    const ok = await deliverToProgram({ command: `cat`, recipient: '"|cat"', message: MSG, smrshDir: dir, cwd: dir });
    expect(ok.kind).toBe('sent');
    expect(existsSync(out)).toBe(false);
  });

  const realSmrsh = '/usr/libexec/sendmail/smrsh';
  it.skipIf(!existsSync(realSmrsh) || !existsSync('/etc/mail/smrsh'))('gives the same refusals as the real smrsh', async () => {
    for (const cmd of ['nosuchprogram arg', '/usr/bin/nosuch x', 'exec nosuch', 'nosuch a;b']) {
      const real = spawnSync(realSmrsh, ['-c', cmd], { encoding: 'utf8', input: '' });
      const ours = await smrshCheck(cmd, '/etc/mail/smrsh');
      expect(ours.ok).toBe(false);
      expect(real.status).toBe(69);
      expect(real.stderr.trim().replace(/^\S*smrsh:/, 'smrsh:')).toBe(!ours.ok ? ours.message : '');
    }
  });
});

describe('file delivery', () => {
  it('creates the file 0600 and appends the body and one newline, as the *file* mailer does', async () => {
    const dir = tempDir('deliver-file-');
    const file = path.join(dir, 'log');
    const r = await deliverToFile({ path: file, recipient: file, sender: 'root', message: MSG, date: DATE });
    expect(r.kind).toBe('sent');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'latin1')).toBe(mboxEntry('root', DATE, MSG, { endLastLine: false }).toString());
    expect(readFileSync(file, 'latin1').endsWith('\nlast\n')).toBe(true);
    await deliverToFile({ path: file, recipient: file, sender: 'root', message: Buffer.from('Subject: 2\n\nx\n') });
    expect(readFileSync(file, 'latin1').endsWith('\n\nx\n\n')).toBe(true);
  });

  it('refuses executable files, links and missing directories with EX_CANTCREAT', async () => {
    const dir = tempDir('deliver-file-');
    writeFileSync(path.join(dir, 'exe'), '');
    chmodSync(path.join(dir, 'exe'), 0o755);
    writeFileSync(path.join(dir, 'target'), '');
    writeFileSync(path.join(dir, 'linked'), '');
    symlinkSync(path.join(dir, 'target'), path.join(dir, 'sym'));
    linkSync(path.join(dir, 'linked'), path.join(dir, 'hard'));
    for (const name of ['exe', 'sym', 'hard', 'nodir/x']) {
      const p = path.join(dir, name);
      const r = await deliverToFile({ path: p, recipient: p, sender: 'root', message: MSG });
      expect([r.kind, r.status, r.diagnostic, r.transcript.at(-1)]).toEqual([
        'permfail',
        '5.3.0',
        '73',
        `550 5.0.0 ${p}... Can't create output`,
      ]);
    }
    const allowed = await deliverToFile({ path: path.join(dir, 'sym'), recipient: 's', sender: 'r', message: MSG, allowSymlink: true });
    expect(allowed.kind).toBe('sent');
    expect(readFileSync(path.join(dir, 'target'), 'latin1')).toContain('>From the start');
    expect((await deliverToFile({ path: '/dev/null', recipient: '/dev/null', sender: 'r', message: MSG })).kind).toBe('sent');
  });

  it('keeps deliveries inside SafeFileEnvironment and strips its prefix', async () => {
    const safe = tempDir('deliver-safe-');
    mkdirSync(path.join(safe, 'logs'));
    expect(resolveSafePath(`${safe}/logs/f`, safe)).toEqual({ path: `${safe}/logs/f` });
    expect(resolveSafePath('/logs/f', safe)).toEqual({ path: `${safe}/logs/f` });
    expect(resolveSafePath('/../../etc/passwd', safe)).toEqual({ path: `${safe}/etc/passwd` });
    const r = await deliverToFile({ path: '/logs/f', recipient: '/logs/f', sender: 'r', message: MSG, safeFileEnvironment: safe });
    expect(r.kind).toBe('sent');
    expect(existsSync(path.join(safe, 'logs/f'))).toBe(true);
    symlinkSync(path.join(safe, 'logs/f'), path.join(safe, 'logs/link'));
    const sym = await deliverToFile({
      path: '/logs/link',
      recipient: '/logs/link',
      sender: 'r',
      message: MSG,
      safeFileEnvironment: safe,
      allowSymlink: true,
    });
    expect(sym.kind).toBe('permfail');
  });

  const realSendmail = hasTool('sendmail') && hasTool('m4') && existsSync(SENDMAIL_CF_DIR) && canUnshareUts();
  it.skipIf(!realSendmail)('writes the same bytes as the real *file* mailer', async () => {
    const dir = tempDir('deliver-file-real-');
    chmodSync(dir, 0o1777);
    const target = path.join(dir, 'fbox');
    const cf = buildRealSendmailCf(dir, 0, [], [`fbox: ${target}`]);
    const body = 'From here a line\n>From kept\nlast\n';
    runRealSendmail(['-odi', '-oem', '-C', cf, '-f', 'bouncebox', 'fbox'], `Subject: f\n\n${body}`);
    const real = readFileSync(target, 'latin1');
    const first = real.indexOf('\n');
    const stamp = /^From bouncebox \w+ (\w+) +(\d+) (\S+) (\d+)$/.exec(real.slice(0, first)) ?? [];
    const date = new Date(`${stamp[1]} ${stamp[2]}, ${stamp[4]} ${stamp[3]}`);
    const headers = real.slice(first + 1, real.indexOf('\n\n') + 1);
    const mine = path.join(tempDir('deliver-file-mine-'), 'fbox');
    const r = await deliverToFile({ path: mine, recipient: mine, sender: 'bouncebox', message: Buffer.from(`${headers}\n${body}`), date });
    expect(r.kind).toBe('sent');
    expect(readFileSync(mine, 'latin1')).toBe(real);
  });
});
