// VRFY and EXPN with the cf policy (sendmail -bs on the sample cf, aliases
// of our own): the replies real sendmail 8.17.1.9 gave for the same aliases
// and commands (its $j mapped to the sample cf's mail.example.test).
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, sampleConfigCopy, SENDMAIL } from './e2e-helpers.js';

let dir = '';
let aliases = '';

/** One -bs session, each command sent after the reply to the one before; the final replies' lines. */
function session(commands: readonly string[], privacy: string): Promise<string[][]> {
  const child = spawn(process.execPath, [SENDMAIL, '-bs', '-C', 'etc-mail/sendmail.cf', `-OAliasFile=${aliases}`, `-OPrivacyOptions=${privacy}`], { cwd: dir });
  const replies: string[][] = [];
  let current: string[] = [];
  let buf = '';
  let i = 0;
  return new Promise((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let n = buf.indexOf('\r\n'); n >= 0; n = buf.indexOf('\r\n')) {
        const line = buf.slice(0, n);
        buf = buf.slice(n + 2);
        current.push(line);
        if (/^[1-5]\d\d( |$)/.test(line)) {
          replies.push(current);
          current = [];
          if (i < commands.length) child.stdin.write(commands[i++] + '\r\n');
          else child.stdin.end();
        }
      }
    });
    child.on('close', () => resolve(replies.slice(1)));
  });
}

/** The first gecos field of a passwd user, as sendmail shows it before "<user@host>". */
function fullName(user: string): string {
  const line = readFileSync('/etc/passwd', 'latin1').split('\n').find((l) => l.startsWith(`${user}:`));
  const name = line?.split(':')[4]?.split(',')[0]?.replace(/&/g, user.charAt(0).toUpperCase() + user.slice(1)).trim() ?? '';
  return name === '' ? '' : `${name} `;
}

beforeAll(async () => {
  dir = sampleConfigCopy(await freePort());
  aliases = path.join(dir, 'expn-aliases');
  writeFileSync(path.join(dir, 'list.inc'), 'root\n');
  writeFileSync(aliases, `postmaster: root\nteam: root, bob@example.org, postmaster\nlist: :include:${dir}/list.inc\nprog: "|/bin/cat"\n`);
  const built = spawnSync(process.execPath, [SENDMAIL, '-bi', '-C', 'etc-mail/sendmail.cf', `-OAliasFile=${aliases}`], { cwd: dir, encoding: 'latin1' });
  expect(built.status, built.stderr).toBe(0);
});

describe('VRFY and EXPN (cf policy)', () => {
  it('EXPN expands aliases all the way, duplicates once; accounts with their full name', async () => {
    const root = `${fullName('root')}<root@mail.example.test>`;
    const r = await session(['EHLO c.example.org', 'EXPN team', 'EXPN list', 'EXPN prog', 'EXPN bob@example.org', 'EXPN nosuch', 'QUIT'], 'authwarnings');
    expect(r.slice(1, 6)).toEqual([
      [`250-2.1.5 ${root}`, '250 2.1.5 <bob@example.org>'],
      [`250 2.1.5 ${root}`],
      ['250 2.1.5 <|/bin/cat>'],
      ['250 2.1.5 <bob@example.org>'],
      ['550 5.1.1 nosuch... User unknown'],
    ]);
  });

  it('VRFY: an account with its full name, an alias as <name@$j>, another host 252', async () => {
    const r = await session(['EHLO c.example.org', 'VRFY root', 'VRFY team', 'VRFY bob@example.org', 'VRFY nosuch', 'QUIT'], 'authwarnings');
    expect(r.slice(1, 5)).toEqual([
      [`250 2.1.5 ${fullName('root')}<root@mail.example.test>`],
      ['250 2.1.5 <team@mail.example.test>'],
      ['252 2.1.5 <bob@example.org>'],
      ['550 5.1.1 nosuch... User unknown'],
    ]);
  });

  it('PrivacyOptions=noexpn: EXPN is refused, VRFY still answers', async () => {
    const r = await session(['EHLO c.example.org', 'EXPN team', 'VRFY root', 'QUIT'], 'noexpn');
    expect(r[1]).toEqual(['502 5.7.0 Sorry, we do not allow this operation']);
    expect(r[2]).toEqual([`250 2.1.5 ${fullName('root')}<root@mail.example.test>`]);
  });
});
