// STARTTLS on our daemon with a self-signed certificate made by openssl:
// offered before TLS and not after, the exact replies (real sendmail
// 8.17.1.9's texts), AUTH PLAIN kept back until TLS (AuthOptions p), the TLS
// macros in Received:, an SMTPS (M=s) listener, a missing key file (no
// STARTTLS, a warning), and swaks --tls --auth relaying from 127.0.0.2.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsSettingsFromOptions, encodeMacroValue } from '../src/smtp/tls.js';
import { hasTool, tempDir } from './smtp-helpers.js';
import { hasOpenssl, makeCertificate, startFakeSaslauthd, startTestDaemon, tlsChat, type FakeSaslauthd, type TestDaemon } from './smtp-tls-helpers.js';

const execFileAsync = promisify(execFile);
const PLAIN_ALICE = Buffer.from('\0alice\0secret').toString('base64');

describe('macro encoding', () => {
  it('encodes DNs and ids as sendmail does (+XX for specials and blanks)', () => {
    expect(encodeMacroValue('/C=US/CN=Darth Mail (Cert)/Email=darth+cert@endmail.org')).toBe('/C=US/CN=Darth+20Mail+20+28Cert+29/Email=darth+2Bcert@endmail.org');
  });
});

if (!hasOpenssl) console.log('smtp-tls: openssl is not installed (apt-get install openssl); STARTTLS tests skipped');

describe.skipIf(!hasOpenssl)('STARTTLS', () => {
  let sasl: FakeSaslauthd;
  let daemon: TestDaemon;
  let certs: { cert: string; key: string };

  beforeAll(async () => {
    const dir = tempDir('smtp-tls-');
    certs = makeCertificate(dir);
    sasl = await startFakeSaslauthd(dir, { alice: 'secret' });
    daemon = await startTestDaemon(
      [
        `O ServerCertFile=${certs.cert}`,
        `O ServerKeyFile=${certs.key}`,
        `O CACertFile=${certs.cert}`,
        'O AuthMechanisms=PLAIN LOGIN',
        'O AuthOptions=p,y',
        'C{TrustAuthMech}PLAIN LOGIN',
      ],
      { saslauthdPath: sasl.socketPath, smtps: true },
    );
  });

  afterAll(async () => {
    await daemon?.close();
    await sasl?.close();
  });

  it('offers STARTTLS, then AUTH under TLS, with sendmail replies', async () => {
    const t = await tlsChat({ port: daemon.port }, [
      'EHLO client.example',
      `AUTH PLAIN ${PLAIN_ALICE}`,
      'STARTTLS now',
      'MAIL FROM:<sender@mail.example.test>',
      'STARTTLS',
      'RSET',
      'STARTTLS',
      'STARTTLS',
      'EHLO client.example',
      `AUTH PLAIN ${PLAIN_ALICE}`,
      'QUIT',
    ]);
    const ext = (from: number): string[] => t.slice(from).filter((l) => /^250[- ][A-Z]/.test(l)).slice(0, 12);
    expect(ext(0)).toContain('250-STARTTLS');
    expect(ext(0).some((l) => l.startsWith('250-AUTH'))).toBe(false);
    const replyTo = (cmd: string, nth = 0): string | undefined => {
      let seen = -1;
      for (let k = 0; k < t.length; k++) if (t[k] === `>>> ${cmd}` && ++seen === nth) return t[k + 1];
      return undefined;
    };
    expect(replyTo(`AUTH PLAIN ${PLAIN_ALICE}`)).toBe('503 5.3.3 AUTH not available');
    expect(replyTo('STARTTLS now')).toBe('501 5.5.2 Syntax error (no parameters allowed)');
    expect(replyTo('STARTTLS')).toBe('503 5.5.0 TLS not permitted during a mail transaction');
    expect(replyTo('STARTTLS', 1)).toBe('220 2.0.0 Ready to start TLS');
    expect(t).toContain('=== TLS TLSv1.3 TLS_AES_256_GCM_SHA384');
    expect(replyTo('STARTTLS', 2)).toBe('454 4.3.3 TLS not available after start');
    const afterTls = t.indexOf('>>> EHLO client.example', 2);
    expect(ext(afterTls)).toContain('250-AUTH PLAIN LOGIN');
    expect(ext(afterTls)).not.toContain('250-STARTTLS');
    expect(replyTo(`AUTH PLAIN ${PLAIN_ALICE}`, 1)).toBe('235 2.0.0 OK Authenticated');
  });

  it('speaks TLS from the start on an M=s listener', async () => {
    const t = await tlsChat({ port: daemon.smtpsPort!, implicitTls: true }, ['EHLO client.example', 'QUIT']);
    expect(t[0]).toMatch(/^220 mail\.example\.test ESMTP Sendmail/);
    expect(t).toContain('250-AUTH PLAIN LOGIN');
    expect(t).not.toContain('250-STARTTLS');
  });

  it('puts the TLS facts in Received: ($r ESMTPSA, version, cipher, bits, verify=NO)', async () => {
    const t = await tlsChat({ port: daemon.port, localAddress: '127.0.0.2' }, [
      'EHLO client.example',
      'STARTTLS',
      'EHLO client.example',
      `AUTH PLAIN ${PLAIN_ALICE}`,
      'MAIL FROM:<sender@mail.example.test>',
      'RCPT TO:<x@elsewhere.example>',
      'DATA',
      'Subject: over tls\r\n\r\nhello\r\n.',
      'QUIT',
    ]);
    expect(t).toContain('250 2.1.5 <x@elsewhere.example>... Recipient ok');
    const qf = daemon.queued().find((q) => q.includes('Subject: over tls'))!;
    expect(qf).toMatch(/\n\$rESMTPSA\n/);
    expect(qf).toMatch(/ with ESMTPSA id \w+\n\t\(version=TLSv1\.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NO\)\n/);
  });

  it.skipIf(!hasTool('swaks'))('relays for swaks --tls --auth from 127.0.0.2 and refuses it without AUTH', async () => {
    const swaks = (extra: string[]): Promise<string> =>
      execFileAsync('swaks', ['-li', '127.0.0.2', '-s', '127.0.0.1', '-p', String(daemon.port), '--tls', '-f', 'sender@mail.example.test', '-t', 'x@elsewhere.example', '--quit-after', 'RCPT', ...extra], {
        timeout: 20_000,
      }).then(
        (r) => r.stdout,
        (e: { stdout?: string }) => e.stdout ?? '',
      );
    const withAuth = await swaks(['--auth', 'PLAIN', '--auth-user', 'alice', '--auth-password', 'secret']);
    expect(withAuth).toContain('<-  220 2.0.0 Ready to start TLS');
    expect(withAuth).toContain('<~  235 2.0.0 OK Authenticated');
    expect(withAuth).toContain('<~  250 2.1.5 <x@elsewhere.example>... Recipient ok');
    const without = await swaks([]);
    expect(without).toContain('<~* 550 5.7.1 <x@elsewhere.example>... Relaying denied');
    expect(sasl.requests).toContainEqual(['alice', 'secret', 'smtp', '']);
  });

  it('does not offer STARTTLS when the key file cannot be read, and says why', () => {
    const warnings: string[] = [];
    const missing = path.join(tempDir('smtp-tls-missing-'), 'key.pem');
    const options = new Map([
      ['ServerCertFile', certs.cert],
      ['ServerKeyFile', missing],
    ]);
    expect(tlsSettingsFromOptions(options, (m) => warnings.push(m))).toBeUndefined();
    expect(warnings).toEqual([`STARTTLS: ServerKeyFile ${missing}: cannot read (No such file or directory); STARTTLS not offered`]);
    expect(tlsSettingsFromOptions(new Map([['ServerCertFile', certs.cert]]), (m) => warnings.push(m))).toBeUndefined();
    expect(warnings[1]).toBe('STARTTLS: ServerKeyFile is not set (both are needed); STARTTLS not offered');
    expect(tlsSettingsFromOptions(new Map([['ServerCertFile', certs.cert], ['ServerKeyFile', certs.key], ['TLSSrvOptions', 'V']]), () => {})?.requestCert).toBe(false);
  });
});
