// Side by side with real sendmail 8.17.1.9: the same SMTP script against
// `sendmail -bd` (in its own network namespace, on a cf built by m4 from a
// small mc with the same tables as recordedPolicy) and against our adapter;
// the transcripts and the qf files they write must be the same, dates and
// queue ids aside.  Skipped without root (unshare), sendmail, m4 and the
// sendmail-cf tree.
import { describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { canPinHostName, hasTool, realSendmail, tempDir } from './smtp-helpers.js';
import { SCRIPT_AND_REPLIES, scriptOf, startDaemon } from './smtp-fixtures.js';
import { readHelpFile } from '../src/smtp/helpfile.js';
import { buildHermeticCf } from './hermetic-cf.mjs';

const execFileAsync = promisify(execFile);
const CF_M4 = '/usr/share/sendmail/cf/m4/cf.m4';
const HELPFILE = '/etc/mail/helpfile';

const why = !realSendmail.usable
  ? realSendmail.why
  : !canPinHostName()
    ? 'needs root for unshare --net (sendmail -bd in its own network)'
    : !hasTool('m4') || !existsSync(CF_M4)
      ? 'needs m4 and the sendmail-cf tree (apt-get install m4 sendmail-cf)'
      : !hasTool('ip')
        ? 'needs ip (iproute2) to bring up loopback in the namespace'
        : '';

// The SMTP client both sides get: one line after each complete reply; "<DATA>" sends a block up to ".".
const CHAT_MJS = `
import net from 'node:net';
import fs from 'node:fs';
const lines = fs.readFileSync(0, 'latin1').split('\\n'); lines.pop();
const s = net.connect(+process.argv[2], '127.0.0.1');
let buf = '', i = 0;
const next = () => {
  if (i >= lines.length) return s.end();
  const l = lines[i++];
  if (l === '<DATA>') { let b = ''; while (i < lines.length) { const x = lines[i++]; b += x + '\\r\\n'; if (x === '.') break; } process.stdout.write('>>> (message)\\n'); s.write(b); return; }
  process.stdout.write('>>> ' + l + '\\n'); s.write(l + '\\r\\n');
};
s.on('data', (d) => { buf += d.toString('latin1'); let n; while ((n = buf.indexOf('\\r\\n')) >= 0) { const l = buf.slice(0, n); buf = buf.slice(n + 2); process.stdout.write(l + '\\n'); if (/^\\d{3}( |$)/.test(l)) next(); } });
s.on('close', () => process.exit(0));
setTimeout(() => process.exit(2), 20000);
`;

function writeConfig(dir: string): string {
  const q = path.join(dir, 'mqueue');
  writeFileSync(path.join(dir, 'local-host-names'), 'mx.example.com\n');
  writeFileSync(path.join(dir, 'access'), 'From:spammer@bad.example REJECT\nFrom:temp@bad.example ERROR:4.7.1:451 try later\n');
  const cf = buildHermeticCf(dir, {
    host: 'mx.example.com',
    ostype: 'linux',
    queueDir: q,
    hosts: ['192.0.2.1 example.org', '192.0.2.2 bad.example'],
    aliases: ['root: root', 'postmaster: root', 'list: root'],
    extra: [
      `define(\`confCW_FILE', \`${dir}/local-host-names')dnl`,
      "define(`confMAX_RCPTS_PER_MESSAGE', `3')dnl",
      "define(`confMAX_MESSAGE_SIZE', `10000')dnl",
      `define(\`confHELP_FILE', \`${HELPFILE}')dnl`,
      `FEATURE(\`access_db', \`hash -T<TMPF> ${dir}/access')dnl`,
    ],
  });
  chmodSync(q, 0o700);
  execFileSync('makemap', ['hash', path.join(dir, 'access')], { input: readFileSync(path.join(dir, 'access')), stdio: ['pipe', 'ignore', 'ignore'] });
  return cf;
}

function maskTranscript(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('250-AUTH ')) // no SASL here yet
    .map((l) =>
      l
        .replace(/; \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d (GMT|[+-]\d{4})$/, '; DATE')
        .replace(/^250 2\.0\.0 [0-9A-Za-x]{8}\d{6,} Message/, '250 2.0.0 QID Message'),
    );
}

function maskQf(text: string): string {
  return text
    .replace(/^T\d+$/m, 'T')
    .replace(/[0-9A-Za-x]{8}\d{6,}/g, 'QID')
    .replace(/\w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d (GMT|[+-]\d{4})/g, 'DATE')
    .replace(/<\d{12}\./g, '<STAMP.');
}

/** Each message's qf (masked) and df, sorted. */
function queueFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith('qf'))
    .map((f) => `${maskQf(readFileSync(path.join(dir, f), 'latin1'))}-- df --\n${readFileSync(path.join(dir, `d${f.slice(1)}`), 'latin1')}`)
    .sort();
}

// VERB is left out: real sendmail then reports delivery progress in 050 lines, which we do not
const SCRIPT = [
  ...scriptOf(SCRIPT_AND_REPLIES).filter((c) => c !== 'VERB'),
  '<DATA>',
  'Subject: hi',
  'From: A <a@example.org>',
  '',
  'hello',
  '.',
  'HELO other.example.net',
  'MAIL FROM:<> BODY=8BITMIME RET=HDRS ENVID=e1',
  'RCPT TO:<root> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;root@mx.example.com',
  'DATA',
  '<DATA>',
  'Subject: two',
  '',
  'body',
  '.',
  'EHLO c.example.org',
  'MAIL FROM:<a@example.org>',
  'RCPT TO:<root> NOTIFY=NEVER',
  'RCPT TO:<postmaster> NOTIFY=DELAY',
  'RCPT TO:<other@example.org>',
  'DATA',
  '<DATA>',
  'Subject: three',
  'To: y',
  '',
  'hi',
  '.',
  // message shapes: no header, the client's own Return-Path and a folded header, header only, all headers given, empty
  ...['no header here\nsecond line', 'Return-Path: <evil@example.org>\nSubject: rp\nX-Folded: a\n  b\n\nbody', 'Subject: only header',
    'Message-ID: <x@y>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nFrom: someone\nSubject: full\n\nbody', ''].flatMap((m) => [
    'MAIL FROM:<a@example.org>',
    'RCPT TO:<root>',
    'DATA',
    '<DATA>',
    ...(m === '' ? [] : m.split('\n')),
    '.',
  ]),
  'RSET',
  'NOOP',
  'QUIT',
];

describe.skipIf(why !== '')('the daemon side by side with real sendmail -bd', () => {
  if (why !== '') console.log(`skipping side-by-side SMTP tests: ${why}`);

  it('gives the same replies and writes the same qf files', async () => {
    const dir = tempDir('smtp-vs-');
    const cf = writeConfig(dir);
    writeFileSync(path.join(dir, 'chat.mjs'), CHAT_MJS);
    writeFileSync(path.join(dir, 'script'), `${SCRIPT.join('\n')}\n`);
    const inner =
      'hostname mx.example.com; ip link set lo up; ' +
      `sendmail -bd -C ${cf} -ODeliveryMode=queueonly -ODaemonPortOptions=Port=2525,Addr=127.0.0.1 || exit 9; ` +
      'for i in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break; sleep 0.1; done; ' +
      `node ${dir}/chat.mjs 2525 < ${dir}/script`;
    const real = await execFileAsync('unshare', ['--uts', '--net', '--mount-proc', '--pid', '--fork', 'bash', '-c', inner], {
      encoding: 'latin1',
      timeout: 60_000,
    });

    const help = existsSync(HELPFILE) ? readHelpFile(HELPFILE) : undefined;
    const ours = await startDaemon({ helpFile: help });
    try {
      const transcript = await execFileAsync('sh', ['-c', `node ${dir}/chat.mjs ${ours.port} < ${dir}/script`], {
        encoding: 'latin1',
        timeout: 60_000,
      });
      expect(maskTranscript(transcript.stdout)).toEqual(maskTranscript(real.stdout));
      const realQf = queueFiles(path.join(dir, 'mqueue'));
      const ourQf = queueFiles(ours.queueDir);
      expect(realQf).toHaveLength(8);
      expect(ourQf).toEqual(realQf);
    } finally {
      await ours.listeners.close();
    }
  }, 90_000);
});
