// When the rulesets meet a temporary failure (here: DNS unreachable, so the
// host map behind $[ $] cannot answer), sendmail 8.17 still goes by their
// result: an error mailer is the error, any other address is taken and kept
// for a queue run -- MAIL "Sender ok", RCPT "Recipient ok (will queue)",
// -bt /parse "Transient parse error -- message queued for future delivery",
// -bv "deliverable".  (Ours used to answer every MAIL with 451 4.3.0 while
// DNS was down.)  Both run in a private network with a resolv.conf naming
// an address without a route and 127.0.0.1, where no server listens; the replies learned from real sendmail
// are asserted, and real sendmail (cf from the sendmail-cf tree) is run
// beside ours when installed.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { canPinHostName, chatStdio, hasTool, realSendmail, tempDir } from './smtp-helpers.js';
import { ROOT, SENDMAIL } from './e2e-helpers.js';
import { compileWithSendmailCf, HERMETIC_HOST, hermeticMc, SENDMAIL_CF_TREE, writeHermeticFiles } from './hermetic-cf.mjs';

const whyNoNamespace = canPinHostName() ? '' : 'needs root for unshare (a private network without DNS)';
if (whyNoNamespace) console.log(`smtp-transient-parse: skipped: ${whyNoNamespace}`);
const whyNoReal = whyNoNamespace || (!realSendmail.usable ? realSendmail.why : !hasTool('m4') || !existsSync(path.join(SENDMAIL_CF_TREE, 'm4/cf.m4')) ? 'needs GNU m4 and the sendmail-cf tree' : '');
if (!whyNoNamespace && whyNoReal) console.log(`smtp-transient-parse: real sendmail side skipped: ${whyNoReal}`);

/** A hermetic setup whose host lookups go to DNS only (the service switch), in `dir`. */
function setUp(dir: string): void {
  writeHermeticFiles(dir);
  writeFileSync(path.join(dir, 'service.switch'), 'hosts dns\naliases files\n');
  // one server without a route to it (the connect fails), one where nothing listens (refused)
  writeFileSync(path.join(dir, 'resolv.conf'), 'nameserver 192.0.2.1\nnameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  mkdirSync(path.join(dir, 'q'), { recursive: true, mode: 0o700 });
}

/** unshare arguments running `cmd` as HERMETIC_HOST in a network of its own whose resolver has no server. */
function withoutDns(dir: string, cmd: string[]): string[] {
  const script = `mount --bind '${dir}/resolv.conf' /etc/resolv.conf && ip link set lo up && hostname ${HERMETIC_HOST} && exec "$@"`;
  return ['--uts', '--net', '--mount', 'sh', '-c', script, 'sh', ...cmd];
}

const SESSION = ['EHLO client.example.net', 'MAIL FROM:<alice@host.example.com>', 'RCPT TO:<root@host.example.com>', 'DATA', '<DATA>', 'Subject: t', '', 'body', '.', 'MAIL FROM:<bob@elsewhere.example.org>', 'QUIT'];
const EXPECTED_REPLIES = [
  '250 2.1.0 <alice@host.example.com>... Sender ok',
  '250 2.1.5 <root@host.example.com>... Recipient ok (will queue)',
  '354 End data with <CR><LF>.<CR><LF>',
  '451 4.1.8 Domain of sender address bob@elsewhere.example.org does not resolve',
];
const replies = (lines: string[]): string[] => lines.filter((l) => /^(250 2\.1\.\d|354|4\d\d|5\d\d) /.test(l));
const PARSE_LINE = 'root@host.example.com... Transient parse error -- message queued for future delivery';

const sides: { name: string; why: string; cf: string; dir: string; cmd: string[] }[] = [];

beforeAll(() => {
  const top = tempDir('transient-parse-');
  if (whyNoNamespace) return;
  const ours = path.join(top, 'ours');
  setUp(ours);
  const mc = `include(\`${path.join(ROOT, 'cf/m4/cf.m4')}')dnl\n${hermeticMc(ours)}`;
  writeFileSync(path.join(ours, 'sendmail.mc'), mc);
  const oursCf = path.join(ours, 'sendmail.cf');
  writeFileSync(oursCf, execFileSync(process.execPath, [path.join(ROOT, 'bin/m4'), path.join(ours, 'sendmail.mc')], { encoding: 'latin1' }), 'latin1');
  execFileSync(process.execPath, [SENDMAIL, '-bi', '-C', oursCf], { stdio: 'ignore' });
  sides.push({ name: 'ours', why: '', cf: oursCf, dir: ours, cmd: [process.execPath, SENDMAIL] });
  if (whyNoReal) return;
  const real = path.join(top, 'real');
  setUp(real);
  writeFileSync(path.join(real, 'sendmail.mc'), hermeticMc(real));
  const realCf = path.join(real, 'sendmail.cf');
  writeFileSync(realCf, compileWithSendmailCf(path.join(real, 'sendmail.mc')), 'latin1');
  spawnSync('unshare', withoutDns(real, ['sendmail', '-bi', '-C', realCf]), { stdio: 'ignore', timeout: 20_000 });
  sides.push({ name: 'real sendmail', why: '', cf: realCf, dir: real, cmd: ['sendmail'] });
}, 60_000);

describe.skipIf(whyNoNamespace !== '')('a temporary failure in the rulesets (DNS unreachable)', () => {
  for (const name of ['ours', 'real sendmail']) {
    const skip = name !== 'ours' && whyNoReal !== '';
    const side = () => sides.find((s) => s.name === name)!;
    it.skipIf(skip)(`${name}: MAIL and RCPT are taken (will queue), a sender whose domain cannot be looked up now gets 451 4.1.8`, async () => {
      const s = side();
      const t = await chatStdio('unshare', withoutDns(s.dir, [...s.cmd, '-bs', '-odq', '-C', s.cf]), SESSION);
      expect(replies(t), t.join("\n")).toEqual(EXPECTED_REPLIES);
      expect(t.some((l) => /^250 2\.0\.0 \S+ Message accepted for delivery$/.test(l))).toBe(true);
    });
    it.skipIf(skip)(`${name}: -bt /parse says the address waits for a queue run; -bv calls it deliverable`, () => {
      const s = side();
      const bt = spawnSync('unshare', withoutDns(s.dir, [...s.cmd, '-bt', '-C', s.cf]), { input: '/parse root@host.example.com\n', encoding: 'latin1', timeout: 20_000 });
      expect(bt.stdout.split('\n')).toContain(PARSE_LINE);
      expect(bt.stdout).toContain('mailer local, user root');
      const bv = spawnSync('unshare', withoutDns(s.dir, [...s.cmd, '-bv', '-C', s.cf, 'nobody-here@host.example.com']), { encoding: 'latin1', timeout: 20_000 });
      expect(bv.stdout).toBe('nobody-here@host.example.com... deliverable: mailer local, user nobody-here\n');
      expect(bv.status).toBe(0);
    });
  }
});
