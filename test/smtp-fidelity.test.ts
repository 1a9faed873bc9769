// Session macros and ruleset arguments as real sendmail 8.17 hands them to
// the check_* rulesets, seen through an SMTP session (-bs): a check_rcpt that
// shows {mail_mailer} {mail_host} {mail_addr} in its error text (they stay
// the sender's triple from MAIL to the RCPTs), a check_eoh that shows its
// two arguments (header count, header length) and {hdrlen}.  Ours runs on a
// cf built by our m4 and cf library; the replies learned from real sendmail
// are asserted, and real sendmail (cf from the sendmail-cf tree) is run
// beside it when installed and pinnable.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { canPinHostName, chatStdio as chat, hasTool, realSendmail, tempDir } from './smtp-helpers.js';
import { ROOT, SENDMAIL } from './e2e-helpers.js';
import { buildHermeticCf, hermeticMc, pinnedSendmail, SENDMAIL_CF_TREE, writeHermeticFiles } from './hermetic-cf.mjs';

// host.example.com local on a machine of another name too (real sendmail runs as host.example.com)
const LOCAL_RULES = [
  "LOCAL_DOMAIN(`host.example.com')dnl",
  'LOCAL_RULESETS',
  'SLocal_check_rcpt',
  'R<bad@$*>\t$#error $@ 5.7.1 $: "550 mailer=" $&{mail_mailer} " host=" $&{mail_host} " addr=" $&{mail_addr}',
  'Scheck_eoh',
  'R$* $| $*\t$#error $@ 5.7.1 $: "550 n=" $1 " len=" $2 " hdrlen=" $&{hdrlen}',
];
const HOSTS = ['127.0.0.2 remote.example.org'];

const whyNoReal = !realSendmail.usable
  ? realSendmail.why
  : !canPinHostName()
    ? 'needs root for unshare (real sendmail under a pinned host name)'
    : !hasTool('m4') || !existsSync(path.join(SENDMAIL_CF_TREE, 'm4/cf.m4'))
      ? 'needs GNU m4 and the sendmail-cf tree'
      : '';
if (whyNoReal) console.log(`smtp-fidelity: real sendmail side skipped: ${whyNoReal}`);

function script(sender: string, headers: string[]): string[] {
  return ['HELO client.example.com', `MAIL FROM:${sender}`, 'RCPT TO:<bad@x.example.net>', 'RCPT TO:<root>', 'DATA', '<DATA>', ...headers, '', 'body', '.', 'QUIT'];
}

/** The replies that show what the rulesets saw. */
const shown = (replies: string[]): string[] => replies.filter((l) => l.startsWith('550 5.7.1'));

const CASES: { name: string; sender: string; headers: string[]; expected: string[] }[] = [
  {
    name: 'local sender, three headers',
    sender: '<alice@host.example.com>',
    headers: ['Subject: hi', 'From: alice@host.example.com', 'X-Long: abc'],
    expected: ['550 5.7.1 <bad@x.example.net>... mailer=local host= addr=alice', '550 5.7.1 n=3 len=54 hdrlen='],
  },
  {
    name: 'remote sender, a folded header',
    sender: '<Bob@Remote.Example.ORG>',
    headers: ['Subject: hi', ' there'],
    expected: ['550 5.7.1 <bad@x.example.net>... mailer=esmtp host=remote.example.org. addr=Bob@remote.example.org', '550 5.7.1 n=1 len=20 hdrlen='],
  },
  {
    name: 'null sender, no header',
    sender: '<>',
    headers: [],
    expected: ['550 5.7.1 <bad@x.example.net>... mailer=local host= addr=', '550 5.7.1 n=0 len=1 hdrlen='],
  },
];

let oursCf = '';
let realCf = '';

beforeAll(() => {
  const dir = tempDir('smtp-fidelity-');
  const ours = path.join(dir, 'ours');
  writeHermeticFiles(ours, { hosts: HOSTS });
  mkdirSync(path.join(ours, 'q'), { recursive: true, mode: 0o700 });
  const mc = hermeticMc(ours, { extra: LOCAL_RULES }).replace(/^/, `include(\`${path.join(ROOT, 'cf/m4/cf.m4')}')dnl\n`);
  writeFileSync(path.join(ours, 'sendmail.mc'), mc);
  oursCf = path.join(ours, 'sendmail.cf');
  writeFileSync(oursCf, execFileSync(process.execPath, [path.join(ROOT, 'bin/m4'), path.join(ours, 'sendmail.mc')], { encoding: 'latin1' }), 'latin1');
  execFileSync(process.execPath, [SENDMAIL, '-bi', '-C', oursCf], { stdio: 'ignore' });
  if (!whyNoReal) realCf = buildHermeticCf(path.join(dir, 'real'), { hosts: HOSTS, extra: LOCAL_RULES });
}, 60_000);

describe('check_* rulesets see what real sendmail 8.17 gives them', () => {
  for (const c of CASES) {
    it(`ours: ${c.name}`, async () => {
      expect(shown(await chat(process.execPath, [SENDMAIL, '-bs', '-C', oursCf], script(c.sender, c.headers)))).toEqual(c.expected);
    });
    it.skipIf(whyNoReal !== '')(`real sendmail: ${c.name}`, async () => {
      expect(shown(await chat('unshare', [...pinnedSendmail(), '-bs', '-C', realCf], script(c.sender, c.headers)))).toEqual(c.expected);
    });
  }
});

// A cf with read errors: real sendmail 8.17 prints them and runs no session (exit 70); -bt runs, then exits 70.
describe('a cf with read errors', () => {
  const cfLines = (queue: string): string =>
    ['V10/Berkeley', 'Djhost.example.com', `O QueueDirectory=${queue}`, 'O DontProbeInterfaces=true', 'Mlocal,\tP=/bin/true, F=lsDFMq, S=0, R=0, A=true $u', 'S0', 'R$*\t$#local $: $1', 'Zfoo', ''].join('\n');
  const EXPECTED_BS = '554 5.0.0 bad.cf: line 8: unknown configuration line "Zfoo"\r\n';
  let dir = '';
  beforeAll(() => {
    dir = tempDir('smtp-fidelity-cf-');
    mkdirSync(path.join(dir, 'q'), { mode: 0o700 });
    writeFileSync(path.join(dir, 'bad.cf'), cfLines(path.join(dir, 'q')));
    // a class file that cannot be opened first (EX_OSERR), then an unknown option; and an unknown delivery mode (fatal)
    const lines = cfLines(path.join(dir, 'q')).split('\n').filter((l) => l !== 'Zfoo');
    writeFileSync(path.join(dir, 'oserr.cf'), [...lines.slice(0, 2), 'Fw/nonexistent/local-host-names', 'O Bogus=1', ...lines.slice(2)].join('\n'));
    writeFileSync(path.join(dir, 'mode.cf'), [...lines.slice(0, 2), 'O Bogus=1', 'O DeliveryMode=z', 'O Bogus2=1', ...lines.slice(2)].join('\n'));
  });
  const EXPECTED_OSERR_BS =
    "451 4.0.0 oserr.cf: line 3: fileclass: cannot open '/nonexistent/local-host-names': No such file or directory\r\n" +
    '554 5.0.0 oserr.cf: line 4: readcf: unknown option name Bogus\r\n';
  const EXPECTED_MODE_BT = 'mode.cf: line 3: readcf: unknown option name Bogus\nmode.cf: line 4: Unknown delivery mode z\n';
  const run = (cmd: string, args: string[], input: string): { status: number | null; stdout: string } => {
    const r = spawnSync(cmd, args, { cwd: dir, input, encoding: 'latin1', timeout: 20_000 });
    return { status: r.status, stdout: r.stdout };
  };
  const ours = (args: string[], input = ''): { status: number | null; stdout: string } => run(process.execPath, [SENDMAIL, ...args], input);
  const real = (args: string[], input = ''): { status: number | null; stdout: string } => run('unshare', [...pinnedSendmail(), ...args], input);

  it('-bs: the errors as 554 replies, no greeting, exit 70', () => {
    expect(ours(['-bs', '-C', 'bad.cf'], 'QUIT\r\n')).toEqual({ status: 70, stdout: EXPECTED_BS });
  });
  it('-bt: the errors, then the session; exit 70', () => {
    const r = ours(['-bt', '-C', 'bad.cf'], '');
    expect(r.status).toBe(70);
    expect(r.stdout.startsWith('bad.cf: line 8: unknown configuration line "Zfoo"\nADDRESS TEST MODE')).toBe(true);
  });
  it('the first error gives the status: a file that cannot be opened 71 (451 4.0.0); an unknown delivery mode ends reading, 64', () => {
    expect(ours(['-bs', '-C', 'oserr.cf'], 'QUIT\r\n')).toEqual({ status: 71, stdout: EXPECTED_OSERR_BS });
    expect(ours(['-bt', '-C', 'oserr.cf'], '').status).toBe(71);
    expect(ours(['-bt', '-C', 'mode.cf'], '')).toEqual({ status: 64, stdout: EXPECTED_MODE_BT });
  });
  it.skipIf(!realSendmail.usable || !canPinHostName())('real sendmail answers the same', () => {
    expect(real(['-bs', '-C', 'bad.cf'], 'QUIT\r\n')).toEqual({ status: 70, stdout: EXPECTED_BS });
    expect(real(['-bt', '-C', 'bad.cf'], '').status).toBe(70);
    expect(real(['-bs', '-C', 'oserr.cf'], 'QUIT\r\n')).toEqual({ status: 71, stdout: EXPECTED_OSERR_BS });
    expect(real(['-bt', '-C', 'oserr.cf'], '').status).toBe(71);
    expect(real(['-bt', '-C', 'mode.cf'], '')).toEqual({ status: 64, stdout: EXPECTED_MODE_BT });
  });
});
