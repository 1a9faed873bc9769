// STARTTLS and AUTH, our daemon against real sendmail 8.17.1.9 (Debian's is
// built with STARTTLS and Cyrus SASL) on the same cf, built by GNU m4 from
// the sendmail-cf tree with confSERVER_CERT/KEY (a self-signed certificate
// from openssl), confAUTH_MECHANISMS `PLAIN LOGIN`, confAUTH_OPTIONS `p,y`
// and TRUST_AUTH_MECH.  Both check passwords with the same saslauthd
// stand-in (its unix socket named by a Sendmail.conf bind-mounted over
// /usr/lib/sasl2); each daemon runs in its own network namespace and the
// same scripts run from 127.0.0.1 and 127.0.0.2.  The transcripts must be
// equal, the greeting's date aside.  Skips without root, unshare, ip, real
// sendmail, GNU m4, the sendmail-cf tree or openssl.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SENDMAIL } from './e2e-helpers.js';
import { buildHermeticCf, HERMETIC_HOST, SENDMAIL_CF_TREE } from './hermetic-cf.mjs';
import { canPinHostName, hasTool, realSendmail, tempDir } from './smtp-helpers.js';
import { hasOpenssl, makeCertificate, startFakeSaslauthd, type FakeSaslauthd } from './smtp-tls-helpers.js';

const execFileAsync = promisify(execFile);
const CHAT = path.join(ROOT, 'test/fixtures/smtp-tls/tls-chat.mjs');
/** Where Cyrus SASL finds Sendmail.conf last (a directory we can mount over). */
const SASL_DIR = '/usr/lib/sasl2';
const PORT = 2525;
const why = !realSendmail.usable
  ? realSendmail.why
  : !canPinHostName()
    ? 'needs root for unshare'
    : !hasTool('ip') || !hasTool('m4') || !existsSync(SENDMAIL_CF_TREE)
      ? 'needs ip, GNU m4 and the sendmail-cf tree'
      : !hasOpenssl
        ? 'needs openssl'
        : !existsSync(SASL_DIR)
          ? `needs ${SASL_DIR} (libsasl2-2)`
          : '';
if (why) console.log(`smtp-tls-vs-sendmail skipped: ${why}`);

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** One script from `client` against `daemon` in a fresh namespace (host name, loopback, hosts file, SASL config). */
async function run(dir: string, daemon: string, client: string, script: string[]): Promise<string[]> {
  const scriptFile = path.join(dir, `script-${client}`);
  writeFileSync(scriptFile, script.join('\n') + '\n');
  const shell = [
    `hostname ${HERMETIC_HOST}`,
    'ip link set lo up',
    'ip addr add 127.0.0.2/32 dev lo',
    `mount --bind ${dir}/hosts /etc/hosts`,
    `mount --bind ${dir}/sasl ${SASL_DIR}`,
    `${daemon} -bD -C ${dir}/sendmail.cf >/dev/null 2>&1 &`,
    'pid=$!',
    `for i in $(seq 150); do (exec 3<>/dev/tcp/127.0.0.1/${PORT}) 2>/dev/null && break; sleep 0.1; done`,
    `${process.execPath} ${CHAT} ${PORT} ${client} < ${scriptFile}`,
    'kill $pid 2>/dev/null; wait 2>/dev/null',
  ].join('\n');
  const { stdout } = await execFileAsync('unshare', ['--mount', '--uts', '--net', 'bash', '-c', shell], { timeout: 60_000 });
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (/^220 \S+ ESMTP /.test(l) ? '220 (greeting)' : l));
}

describe.skipIf(why !== '')('STARTTLS and AUTH: ours and real sendmail on the same cf', () => {
  let dir: string;
  let sasl: FakeSaslauthd;

  beforeAll(async () => {
    dir = tempDir('tls-vs-sendmail-');
    const { cert, key } = makeCertificate(dir, HERMETIC_HOST);
    sasl = await startFakeSaslauthd(dir, { alice: 'secret' });
    mkdirSync(path.join(dir, 'sasl'));
    writeFileSync(path.join(dir, 'sasl/Sendmail.conf'), `pwcheck_method: saslauthd\nsaslauthd_path: ${sasl.socketPath}\nmech_list: PLAIN LOGIN\n`);
    buildHermeticCf(dir, {
      hosts: ['127.0.0.2 client.example', '127.0.0.3 elsewhere.example'],
      extra: [
        "FEATURE(`no_default_msa')dnl",
        `DAEMON_OPTIONS(\`Family=inet, Name=MTA, Port=${PORT}, Addr=127.0.0.1')dnl`,
        `define(\`confSERVER_CERT', \`${cert}')dnl`,
        `define(\`confSERVER_KEY', \`${key}')dnl`,
        `define(\`confCACERT', \`${cert}')dnl`,
        `define(\`confCACERT_PATH', \`${dir}')dnl`,
        "define(`confAUTH_MECHANISMS', `PLAIN LOGIN')dnl",
        "define(`confAUTH_OPTIONS', `p,y')dnl",
        "TRUST_AUTH_MECH(`PLAIN LOGIN')dnl",
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await sasl?.close();
  });

  const scripts: [string, string, string[]][] = [
    [
      'STARTTLS and AUTH replies',
      '127.0.0.1',
      [
        'EHLO client.example',
        `AUTH PLAIN ${b64('\0alice\0secret')}`,
        'STARTTLS now',
        `MAIL FROM:<sender@${HERMETIC_HOST}>`,
        'STARTTLS',
        'RSET',
        'STARTTLS',
        'STARTTLS',
        'EHLO client.example',
        'AUTH LOGIN',
        b64('alice'),
        b64('wrong'),
        'AUTH PLAIN',
        '*',
        'AUTH LOGIN',
        b64('alice'),
        b64('secret'),
        `AUTH PLAIN ${b64('\0alice\0secret')}`,
        'QUIT',
      ],
    ],
    [
      'relaying refused without AUTH, allowed with it',
      '127.0.0.2',
      [
        'EHLO client.example',
        'STARTTLS',
        'EHLO client.example',
        `MAIL FROM:<sender@${HERMETIC_HOST}>`,
        'RCPT TO:<x@elsewhere.example>',
        'RSET',
        `AUTH PLAIN ${b64('\0alice\0secret')}`,
        `MAIL FROM:<sender@${HERMETIC_HOST}>`,
        'RCPT TO:<x@elsewhere.example>',
        'QUIT',
      ],
    ],
  ];

  for (const [name, client, script] of scripts) {
    it(name, async () => {
      const real = await run(dir, 'sendmail', client, script);
      const ours = await run(dir, `${process.execPath} ${SENDMAIL}`, client, script);
      expect(real).toContain('220 2.0.0 Ready to start TLS');
      expect(ours).toEqual(real);
    }, 120_000);
  }
});
