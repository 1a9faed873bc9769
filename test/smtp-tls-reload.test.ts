// SIGHUP re-reads the server certificate: `sendmail -bD` on the sample cf
// with ServerCertFile/ServerKeyFile; the files are replaced by a
// certificate with another name and the daemon gets SIGHUP; a new
// connection's STARTTLS shows the new certificate (a renewed certificate
// needs no restart).  Each client here closes right after the handshake:
// that once crashed the daemon (no cipher on a closed socket), so the
// later connections also show it survives.  Needs openssl.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { freePort, sampleConfigCopy, SENDMAIL } from './e2e-helpers.js';
import { hasOpenssl, makeCertificate } from './smtp-tls-helpers.js';
import { crlfLines } from './smtp-fixtures.js';

/** EHLO, STARTTLS, handshake: the common name of the certificate the server shows. */
function certificateName(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const script = ['EHLO client.example', 'STARTTLS'];
    socket.on(
      'data',
      crlfLines((line) => {
        if (!/^\d{3} /.test(line)) return;
        const next = script.shift();
        if (next !== undefined) return void socket.write(`${next}\r\n`);
        if (!line.startsWith('220')) return reject(new Error(`STARTTLS answered ${line}`));
        socket.removeAllListeners('data');
        const secure = tls.connect({ socket, rejectUnauthorized: false }, () => {
          const cn = secure.getPeerCertificate().subject?.CN;
          secure.end();
          resolve(String(cn));
        });
        secure.on('error', reject);
      }),
    );
    socket.on('error', reject);
  });
}

describe.skipIf(!hasOpenssl)('SIGHUP and the TLS certificate', () => {
  if (!hasOpenssl) console.log('skipping the certificate reload test: needs openssl');

  it('a new connection after SIGHUP gets the certificate now in ServerCertFile', async () => {
    const port = await freePort();
    const dir = sampleConfigCopy(port, { absolutePaths: true });
    const first = path.join(dir, 'first');
    const second = path.join(dir, 'second');
    mkdirSync(first);
    mkdirSync(second);
    const a = makeCertificate(first, 'first.example.com');
    const b = makeCertificate(second, 'second.example.com');
    const cert = path.join(dir, 'server.pem');
    const key = path.join(dir, 'server.key');
    copyFileSync(a.cert, cert);
    copyFileSync(a.key, key);
    const cf = path.join(dir, 'etc-mail/sendmail.cf');
    appendFileSync(cf, `O ServerCertFile=${cert}\nO ServerKeyFile=${key}\n`);
    const daemon = spawn(process.execPath, [SENDMAIL, '-bD', '-C', cf, '-ODeliveryMode=queueonly'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const saw = (text: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${text}" from the daemon: ${err}`)), 15_000);
        const check = (): void => {
          if (!err.includes(text)) return;
          clearTimeout(timer);
          daemon.stderr.off('data', check);
          resolve();
        };
        daemon.stderr.on('data', check);
        check();
      });
    daemon.stderr.on('data', (d: Buffer) => (err += d.toString('latin1')));
    try {
      await saw('listening on');
      expect(await certificateName(port)).toBe('first.example.com');
      copyFileSync(b.cert, cert);
      copyFileSync(b.key, key);
      // renewed on disk, not yet read: the daemon still shows the first
      expect(await certificateName(port)).toBe('first.example.com');
      daemon.kill('SIGHUP');
      await saw('SIGHUP: reloading');
      // the reload is asynchronous: poll briefly for the new certificate
      let name = '';
      for (let i = 0; i < 50 && name !== 'second.example.com'; i++) {
        name = await certificateName(port);
        if (name !== 'second.example.com') await new Promise((r) => setTimeout(r, 100));
      }
      expect(name).toBe('second.example.com');
    } finally {
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
    }
  }, 60_000);
});
