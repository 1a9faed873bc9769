// The cf's tls_client ruleset, our daemon beside real sendmail 8.17.1.9 on
// the same hermetic cf (GNU m4 and the sendmail-cf tree, a self-signed
// certificate from openssl, Local_tls_client rules appended): at each MAIL
// it runs with `{verify} $| MAIL` ({verify} empty without TLS, NO when the
// client shows no certificate) and its $#error is MAIL's reply; after the
// TLS handshake it runs with `{verify} $| STARTTLS` and its $#error refuses
// the connection as check_relay's does.  Our transcript must equal the
// learned one, and real sendmail's too when it runs here.  Skips without
// root, unshare, ip, GNU m4, the sendmail-cf tree or openssl.
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SENDMAIL } from './e2e-helpers.js';
import { buildHermeticCf, HERMETIC_HOST, SENDMAIL_CF_TREE } from './hermetic-cf.mjs';
import { canPinHostName, hasTool, realSendmail, tempDir } from './smtp-helpers.js';
import { hasOpenssl, makeCertificate } from './smtp-tls-helpers.js';

const execFileAsync = promisify(execFile);
const CHAT = path.join(ROOT, 'test/fixtures/smtp-tls/tls-chat.mjs');
const PORT = 2525;
const why = !canPinHostName()
  ? 'needs root for unshare'
  : !hasTool('ip') || !hasTool('m4') || !existsSync(SENDMAIL_CF_TREE)
    ? 'needs ip, GNU m4 and the sendmail-cf tree'
    : !hasOpenssl
      ? 'needs openssl'
      : '';
if (why) console.log(`smtp-tls-client skipped: ${why}`);
if (!why && !realSendmail.usable) console.log(`smtp-tls-client: real sendmail not compared (${realSendmail.why})`);

/** Each case: the Local_tls_client rules, the client's lines, the transcript learned from real 8.17 (EHLO's keyword lines left out). */
const CASES: { name: string; rules: string[]; script: string[]; learned: string[] }[] = [
  {
    name: 'tls_client at MAIL: {verify} empty without TLS, NO after it; $#error is the reply',
    rules: ['RNO $| MAIL\t$#error $@ 5.7.0 $: "530 no client certificate"', 'R$* $| MAIL\t$#error $@ 5.7.1 $: "550 verify=" $1'],
    script: ['EHLO client.example', `MAIL FROM:<a@${HERMETIC_HOST}>`, 'STARTTLS', 'EHLO client.example', `MAIL FROM:<a@${HERMETIC_HOST}>`, 'RSET', 'QUIT'],
    learned: [
      '>>> EHLO client.example',
      `>>> MAIL FROM:<a@${HERMETIC_HOST}>`,
      `550 5.7.1 <a@${HERMETIC_HOST}>... verify=`,
      '>>> STARTTLS',
      '220 2.0.0 Ready to start TLS',
      '>>> EHLO client.example',
      `>>> MAIL FROM:<a@${HERMETIC_HOST}>`,
      '530 5.7.0 no client certificate',
      '>>> RSET',
      '250 2.0.0 Reset state',
      '>>> QUIT',
      `221 2.0.0 ${HERMETIC_HOST} closing connection`,
    ],
  },
  {
    name: 'tls_client at STARTTLS: $#error refuses the rest of the connection',
    rules: ['R$* $| STARTTLS\t$#error $@ 4.7.0 $: "454 not with you, verify=" $1'],
    script: [
      'EHLO client.example', 'STARTTLS', 'EHLO client.example', `MAIL FROM:<a@${HERMETIC_HOST}>`, `RCPT TO:<a@${HERMETIC_HOST}>`, 'DATA',
      'RSET', 'NOOP', 'HELP', 'VRFY a', 'EXPN a', 'ETRN a', 'VERB', 'AUTH PLAIN', 'STARTTLS', 'HELO x.example', 'QUIT',
    ],
    learned: [
      '>>> EHLO client.example',
      '>>> STARTTLS',
      '220 2.0.0 Ready to start TLS',
      '>>> EHLO client.example',
      '250 ENHANCEDSTATUSCODES',
      ...['MAIL FROM:<a@host.example.com>', 'RCPT TO:<a@host.example.com>', 'DATA'].flatMap((c) => [`>>> ${c}`, '454 4.7.0 not with you, verify=NO']),
      '>>> RSET',
      '250 2.0.0 Reset state',
      '>>> NOOP',
      '250 2.0.0 OK',
      ...['HELP', 'VRFY a', 'EXPN a', 'ETRN a', 'VERB', 'AUTH PLAIN', 'STARTTLS'].flatMap((c) => [`>>> ${c}`, '454 4.7.0 not with you, verify=NO']),
      '>>> HELO x.example',
      `250 ${HERMETIC_HOST} Hello localhost [127.0.0.1], pleased to meet you`,
      '>>> QUIT',
      `221 2.0.0 ${HERMETIC_HOST} closing connection`,
    ],
  },
];

/** One script against `daemon` in a fresh namespace; the greeting, EHLO's lines and the TLS note left out. */
async function run(dir: string, cf: string, daemon: string, script: string[]): Promise<string[]> {
  const scriptFile = path.join(dir, 'script');
  writeFileSync(scriptFile, script.join('\n') + '\n');
  const shell = [
    `hostname ${HERMETIC_HOST}`,
    'ip link set lo up',
    `mount --bind ${dir}/hosts /etc/hosts`,
    `${daemon} -bD -C ${cf} >/dev/null 2>&1 &`,
    'pid=$!',
    `for i in $(seq 150); do (exec 3<>/dev/tcp/127.0.0.1/${PORT}) 2>/dev/null && break; sleep 0.1; done`,
    `${process.execPath} ${CHAT} ${PORT} 127.0.0.1 < ${scriptFile}`,
    'kill $pid 2>/dev/null; wait 2>/dev/null',
  ].join('\n');
  const { stdout } = await execFileAsync('unshare', ['--mount', '--uts', '--net', 'bash', '-c', shell], { timeout: 60_000 });
  return stdout.split('\n').filter((l) => l !== '' && !/^220 \S+ ESMTP /.test(l) && !l.startsWith('250-') && !l.startsWith('=== TLS') && l !== '250 HELP');
}

describe.skipIf(why !== '')('tls_client: ours as real sendmail 8.17', () => {
  let dir: string;
  let baseCf: string;

  beforeAll(() => {
    dir = tempDir('tls-client-');
    const { cert, key } = makeCertificate(dir, HERMETIC_HOST);
    buildHermeticCf(dir, {
      extra: [
        "FEATURE(`no_default_msa')dnl",
        `DAEMON_OPTIONS(\`Family=inet, Name=MTA, Port=${PORT}, Addr=127.0.0.1')dnl`,
        `define(\`confSERVER_CERT', \`${cert}')dnl`,
        `define(\`confSERVER_KEY', \`${key}')dnl`,
        `define(\`confCACERT', \`${cert}')dnl`,
        `define(\`confCACERT_PATH', \`${dir}')dnl`,
        // tls_client calls Local_tls_client (what LOCAL_TLS_CLIENT does; its rules are appended below)
        "define(`_LOCAL_TLS_CLIENT_')dnl",
      ],
    });
    baseCf = path.join(dir, 'sendmail.cf');
  }, 60_000);

  CASES.forEach(({ name, rules, script, learned }, i) => {
    it(name, async () => {
      const cf = path.join(dir, `case${i}.cf`);
      writeFileSync(cf, readFileSync(baseCf));
      appendFileSync(cf, ['SLocal_tls_client', ...rules, ''].join('\n'));
      const ours = await run(dir, cf, `${process.execPath} ${SENDMAIL}`, script);
      expect(ours).toEqual(learned);
      if (realSendmail.usable) expect(await run(dir, cf, 'sendmail', script)).toEqual(learned);
    }, 120_000);
  });
});
