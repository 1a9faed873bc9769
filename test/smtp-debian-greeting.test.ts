// The TCP daemon on the debian corpus cf (../shared/conformance/debian, its
// /CONFDIR paths pointed at a temp copy, the access map built by each
// side's makemap) beside real sendmail 8.17 -bD on the same cf: the
// greeting (Debian's SmtpGreetingMessage with $b, {client_name},
// {client_resolve}, $_), the EHLO keyword list and the HELO reply must be
// the same bytes, the date aside.  Each daemon runs in its own network
// namespace as mail.example.com.  Skipped without root, real sendmail,
// makemap and ip.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { canPinHostName, hasTool, realSendmail, tempDir } from './smtp-helpers.js';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');
const DEBIAN = path.resolve(ROOT, '../shared/conformance/debian');

const why = !existsSync(path.join(DEBIAN, 'sendmail.cf'))
  ? `no debian corpus at ${DEBIAN}`
  : !realSendmail.usable
    ? realSendmail.why
    : !canPinHostName()
      ? 'needs root for unshare --net (each daemon in its own network)'
      : !hasTool('makemap') || !hasTool('ip')
        ? 'needs makemap (sendmail-bin) and ip (iproute2)'
        : '';

// one daemon in a fresh network namespace: the corpus copied, the cf's paths pointed into it, then a client
const RUN_SH = `
set -e
hostname mail.example.com; ip link set lo up
T=$(mktemp -d "$WORK/cf-XXXX"); cp "$DEBIAN"/* "$T"/
sed -e "s|/CONFDIR|$T|g; s|^O QueueDirectory=.*|O QueueDirectory=$T/q|; s|^O PidFile=.*|O PidFile=$T/pid|; s|^O StatusFile=.*|O StatusFile=$T/st|" "$DEBIAN/sendmail.cf" > "$T/sendmail.cf"
mkdir -m 700 "$T/q"
$MAKEMAP hash "$T/access" < "$T/access" 2>/dev/null
$SENDMAIL -bi -C "$T/sendmail.cf" >/dev/null 2>&1 || true
$SENDMAIL -bD -C "$T/sendmail.cf" -ODaemonPortOptions=Port=2540,Addr=127.0.0.1 >/dev/null 2>&1 & P=$!
"$NODE" "$WORK/chat.mjs" || true
kill $P; wait $P 2>/dev/null || true
`;

// greeting, then each command after the complete reply to the one before
const CHAT_MJS = `
import net from 'node:net';
const script = ['EHLO client.example.org', 'HELO client.example.org', 'QUIT'];
const connect = (n) => {
  const s = net.connect(2540, '127.0.0.1');
  s.on('error', () => (n > 0 ? setTimeout(() => connect(n - 1), 100) : process.exit(1)));
  let buf = '';
  s.on('data', (d) => {
    buf += d.toString('latin1');
    for (let i = buf.indexOf('\\r\\n'); i >= 0; i = buf.indexOf('\\r\\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      process.stdout.write(line + '\\n');
      if (/^\\d{3} /.test(line)) {
        const c = script.shift();
        if (c === undefined) return s.end();
        process.stdout.write('>>> ' + c + '\\n');
        s.write(c + '\\r\\n');
      }
    }
  });
};
connect(100);
`;

async function transcript(work: string, sendmail: string, makemap: string): Promise<string[]> {
  const { stdout } = await execFileAsync('unshare', ['--uts', '--net', 'sh', path.join(work, 'run.sh')], {
    env: { ...process.env, WORK: work, DEBIAN, SENDMAIL: sendmail, MAKEMAP: makemap, NODE: process.execPath },
    encoding: 'latin1',
    timeout: 60_000,
  });
  // the date in the greeting differs from run to run
  return stdout.trimEnd().split('\n').map((l) => l.replace(/; \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d [-+A-Z0-9]+;/, '; DATE;'));
}

describe.skipIf(why !== '')(`debian cf: greeting and EHLO of the daemon beside real sendmail -bD${why ? ` (skipped: ${why})` : ''}`, () => {
  it('gives the same greeting, EHLO keywords and HELO reply', async () => {
    const work = tempDir('smtp-debian-');
    writeFileSync(path.join(work, 'run.sh'), RUN_SH);
    writeFileSync(path.join(work, 'chat.mjs'), CHAT_MJS);
    const [real, ours] = await Promise.all([
      transcript(work, 'sendmail', 'makemap'),
      transcript(work, `${process.execPath} ${path.join(ROOT, 'bin/sendmail')}`, `${process.execPath} ${path.join(ROOT, 'bin/makemap')}`),
    ]);
    expect(real[0]).toMatch(/^220 mail\.example\.com ESMTP Sendmail 8\.17\.1\.9\/8\.17\.1\.9\/Debian-2\+deb12u2; DATE; \(No UCE\/UBE\) logging access from: localhost\(OK\)-localhost \[127\.0\.0\.1\]$/);
    expect(real).toContain('250-PIPELINING');
    // real sendmail is built with Cyrus SASL and offers AUTH by default; our AUTH (src/smtp/auth.ts) is another piece of work
    expect(ours).toEqual(real.filter((l) => !l.startsWith('250-AUTH ')));
  });
});
