// Local submission (sendmail [-f from] rcpt...) writes the envelope lines of
// its qf as real sendmail 8.17 does: the sender (S) and recipients (R) as
// the user gave them, the submitter's A line (xtext "user@host" after the
// sender rulesets, none for "<>"), and the r line (an address with a domain
// as given, one without as user@$j).  The expected lines are those real
// sendmail 8.17.1.9 wrote for the same commands (run with -odq under
// unshare, its $j mapped to the sample cf's mail.example.test).
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, sampleConfigCopy, SENDMAIL } from './e2e-helpers.js';

let dir = '';

/** Submits one message and returns the envelope lines of its qf (headers left out). */
function submit(args: string[]): string[] {
  const queue = path.join(dir, 'var/spool/mqueue');
  for (const f of readdirSync(queue)) rmSync(path.join(queue, f));
  const r = spawnSync(process.execPath, [SENDMAIL, '-C', 'etc-mail/sendmail.cf', '-odq', ...args], { cwd: dir, input: 'Subject: t\n\nbody\n', encoding: 'latin1' });
  expect(r.status, r.stderr).toBe(0);
  const qf = readdirSync(queue).filter((f) => f.startsWith('qf'));
  expect(qf).toHaveLength(1);
  return readFileSync(path.join(queue, qf[0]!), 'latin1')
    .split('\n')
    .filter((l) => /^[SACrR]/.test(l));
}

beforeAll(async () => {
  dir = sampleConfigCopy(await freePort());
});

describe('local submission: the qf envelope lines', () => {
  it('the invoking user as S, A user@$j; a recipient as given in R', () => {
    const user = os.userInfo().username;
    expect(submit(['root'])).toEqual([`S${user}`, `A${user}@mail.example.test`, 'rRFC822; root@mail.example.test', 'RPFD:root']);
  });

  it('-f "Name <addr>" kept whole in S; A is the parsed sender in xtext; "Name <a@b>" recipients whole in r and R', () => {
    expect(submit(['-f', 'Bob <bob+x@MAIL.example.test>', 'Root <root@Mail.Example.test>', '<root+y>'])).toEqual([
      'SBob <bob+x@MAIL.example.test>',
      'Abob+2Bx@mail.example.test',
      'rRFC822; Root <root@Mail.Example.test>',
      'RPFD:Root <root@Mail.Example.test>',
      'rRFC822; root+y@mail.example.test',
      'RPFD:<root+y>',
    ]);
  });

  it('-f "<>": no A line', () => {
    expect(submit(['-f', '<>', 'root'])).toEqual(['S<>', 'rRFC822; root@mail.example.test', 'RPFD:root']);
  });
});
