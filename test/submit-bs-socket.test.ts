// `sendmail -bs` names its client by what standard input is, as real
// sendmail 8.17 does (learned side by side with it): a pipe is a local
// submission ({client_addr} 0, "user@localhost"); a TCP socket (inetd, a
// systemd socket unit with Accept=yes) is the peer, so the cf judges the
// remote host and not a local user (else every inetd client could relay);
// a UNIX-domain socket is "localhost" at "[UNIX:localhost]".  A check_mail
// rule shows the macros in its error text.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SENDMAIL, freePort, sampleConfigCopy } from './e2e-helpers.js';
import { chatStdio, withPipedStdin } from './smtp-helpers.js';

let dir = '';
let cf = '';
beforeAll(async () => {
  dir = sampleConfigCopy(await freePort(), { absolutePaths: true });
  cf = path.join(dir, 'etc-mail/sendmail.cf');
  const rule = 'R<who@$*>\t$#error $@ 5.7.1 $: "550 addr=" $&{client_addr} " name=" $&{client_name} " resolve=" $&{client_resolve} " port=" $&{client_port}';
  writeFileSync(cf, readFileSync(cf, 'latin1').replace(/^SLocal_check_mail\n/m, () => `SLocal_check_mail\n${rule}\n`), 'latin1');
});

const SCRIPT = ['EHLO client.example.net', 'MAIL FROM:<who@example.org>', 'QUIT'];
/** The Hello line and the check_mail reply. */
const shown = (lines: readonly string[]): string[] => lines.filter((l) => / Hello |^550 /.test(l)).map((l) => l.replace(/port=\d+$/, 'port=N'));

describe('sendmail -bs: the client is what standard input is', () => {
  it('a pipe: the invoking user, a local submission', async () => {
    const user = (await import('node:os')).userInfo().username;
    const [cmd, args] = withPipedStdin(process.execPath, [SENDMAIL, '-bs', '-C', cf]);
    const t = await chatStdio(cmd, args, SCRIPT);
    expect(shown(t), t.join("\n")).toEqual([
      `250-mail.example.test Hello ${user}@localhost, pleased to meet you`,
      '550 5.7.1 <who@example.org>... addr=0 name= resolve= port=N',
    ]);
  });

  it('a UNIX-domain socket: localhost at [UNIX:localhost]', async () => {
    // node's 'pipe' for a child's standard input is a UNIX-domain socket pair
    expect(shown(await chatStdio(process.execPath, [SENDMAIL, '-bs', '-C', cf], SCRIPT))).toEqual([
      '250-mail.example.test Hello localhost [[UNIX: localhost]], pleased to meet you',
      '550 5.7.1 <who@example.org>... addr=[UNIX:localhost] name=localhost resolve= port=N',
    ]);
  });

  describe('a TCP socket (started per connection, as inetd does)', () => {
    let server: net.Server;
    let port = 0;
    beforeAll(async () => {
      server = net.createServer({ pauseOnConnect: true }, (sock) => {
        const child = spawn(process.execPath, [SENDMAIL, '-bs', '-C', cf], { stdio: [sock, sock, 'ignore'] });
        child.on('exit', () => sock.destroy());
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as net.AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('the peer, as the daemon names its clients', async () => {
      const lines = await new Promise<string[]>((resolve, reject) => {
        const out: string[] = [];
        const c = net.connect(port, '127.0.0.1');
        let buf = '';
        let i = 0;
        c.setEncoding('latin1');
        c.on('data', (d: string) => {
          buf += d;
          for (let n = buf.indexOf('\n'); n >= 0; n = buf.indexOf('\n')) {
            const line = buf.slice(0, n).replace(/\r$/, '');
            buf = buf.slice(n + 1);
            out.push(line);
            if (/^\d{3} /.test(line) && i < SCRIPT.length) c.write(`${SCRIPT[i++]}\r\n`);
          }
        });
        c.on('close', () => resolve(out));
        c.on('error', reject);
      });
      const name = (await (await import('node:dns')).promises.lookupService('127.0.0.1', 0).catch(() => ({ hostname: '' }))).hostname;
      const shownName = name === '127.0.0.1' ? '' : name;
      expect(shown(lines)).toEqual([
        `250-mail.example.test Hello ${shownName === '' ? '[127.0.0.1]' : `${shownName} [127.0.0.1]`}, pleased to meet you`,
        `550 5.7.1 <who@example.org>... addr=127.0.0.1 name=${shownName} resolve= port=N`,
      ]);
    });
  });
});
