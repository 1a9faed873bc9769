// STARTTLS for the daemon: the server certificate from the cf's options
// (ServerCertFile, ServerKeyFile, CACertFile, CACertPath, TLSSrvOptions) and
// the macros sendmail defines once a TLS session is up ({tls_version},
// {cipher}, {cipher_bits}, {alg_bits}, {verify}, {cert_subject},
// {cert_issuer}, {cn_subject}, {cn_issuer}).
//
// As with sendmail, a certificate or key that is missing or unreadable (or
// that do not belong together) means STARTTLS is not offered; the reason is
// reported once, when the settings are read.  Only the first pair of a
// "cert1,cert2" option is used.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { createSecureContext, type PeerCertificate, type TLSSocket } from 'node:tls';

/** What the listeners need to speak TLS. */
export interface TlsServerSettings {
  key: Buffer;
  cert: Buffer;
  /** CACertFile and the certificates of CACertPath: the CAs client certificates are checked against. */
  ca: Buffer[];
  /** Ask the client for a certificate (TLSSrvOptions without V). */
  requestCert: boolean;
}

function firstFile(value: string | undefined): string | undefined {
  const f = value?.split(',')[0]?.trim();
  return f === undefined || f === '' ? undefined : f;
}

function readable(file: string, option: string, warn: (m: string) => void): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'No such file or directory' : e.code === 'EACCES' ? 'Permission denied' : e.message;
    warn(`STARTTLS: ${option} ${file}: cannot read (${why}); STARTTLS not offered`);
    return undefined;
  }
}

/** The PEM certificates of a CACertPath directory (hashed names or not; other files are skipped). */
function certificatesIn(dir: string, warn: (m: string) => void): Buffer[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    warn(`STARTTLS: CACertPath ${dir}: cannot read (${(err as Error).message})`);
    return [];
  }
  const out: Buffer[] = [];
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      const data = readFileSync(file);
      if (data.includes('-----BEGIN CERTIFICATE-----')) out.push(data);
    } catch {
      // an unreadable entry is no CA of ours
    }
  }
  return out;
}

/**
 * The server's TLS settings from the cf's options; undefined (after a
 * warning saying why) when STARTTLS cannot be offered, silently when the cf
 * configures no certificate.
 */
export function tlsSettingsFromOptions(options: ReadonlyMap<string, string>, warn: (m: string) => void): TlsServerSettings | undefined {
  const certFile = firstFile(options.get('ServerCertFile'));
  const keyFile = firstFile(options.get('ServerKeyFile'));
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    warn(`STARTTLS: ${certFile === undefined ? 'ServerCertFile' : 'ServerKeyFile'} is not set (both are needed); STARTTLS not offered`);
    return undefined;
  }
  const cert = readable(certFile, 'ServerCertFile', warn);
  const key = cert && readable(keyFile, 'ServerKeyFile', warn);
  if (!cert || !key) return undefined;
  const ca: Buffer[] = [];
  const caFile = firstFile(options.get('CACertFile'));
  if (caFile !== undefined) {
    const data = readable(caFile, 'CACertFile', (m) => warn(m.replace('; STARTTLS not offered', '')));
    if (data) ca.push(data);
  }
  const caPath = options.get('CACertPath')?.trim();
  if (caPath) ca.push(...certificatesIn(caPath, warn));
  try {
    createSecureContext({ key, cert, ...(ca.length > 0 ? { ca } : {}) });
  } catch (err) {
    warn(`STARTTLS: ServerCertFile ${certFile} / ServerKeyFile ${keyFile}: ${(err as Error).message}; STARTTLS not offered`);
    return undefined;
  }
  const srvOptions = (options.get('TLSSrvOptions') ?? '').split(/[\s,]+/);
  return { key, cert, ca, requestCert: !srvOptions.includes('V') };
}

/**
 * A value from outside (a certificate's DN, an authentication id) as
 * sendmail stores it in a macro: `\ < > ( ) " +`, blanks and unprintable
 * characters become `+` and two upper-case hex digits.
 */
export function encodeMacroValue(value: string): string {
  let out = '';
  for (const ch of Buffer.from(value, 'utf8')) {
    const special = ch <= 0x20 || ch >= 0x7f || ch === 0x5c || ch === 0x3c || ch === 0x3e || ch === 0x28 || ch === 0x29 || ch === 0x22 || ch === 0x2b;
    out += special ? `+${ch.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(ch);
  }
  return out;
}

/** A DN the way OpenSSL prints it on one line: "/C=US/O=Example/CN=mail.example.com". */
function oneLineDn(multiLine: string): string {
  return multiLine
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `/${l}`)
    .join('');
}

function commonName(multiLine: string): string | undefined {
  const line = multiLine.split('\n').find((l) => l.startsWith('CN='));
  return line?.slice(3);
}

/** Key length of the symmetric cipher of a suite name (OpenSSL or IANA form). */
export function cipherBits(name: string): number {
  const n = name.toUpperCase();
  if (/CHACHA20|AES_?256|CAMELLIA_?256|ARIA_?256/.test(n)) return 256;
  if (/AES_?128|CAMELLIA_?128|ARIA_?128|SEED/.test(n)) return 128;
  if (/3DES|DES_?CBC3|DES-CBC3/.test(n)) return 168;
  if (/RC4/.test(n)) return 128;
  return 0;
}

/** The macros of an established TLS session; `requested`: a client certificate was asked for. */
export function tlsSessionMacros(socket: TLSSocket, requested: boolean): Map<string, string> {
  const m = new Map<string, string>();
  m.set('tls_version', socket.getProtocol() ?? 'unknown');
  // a client that closes right after the handshake leaves a socket without a cipher or peer: no macros for those
  const cipher = socket.getCipher() as ReturnType<TLSSocket['getCipher']> | null;
  if (cipher) {
    const bits = String(cipherBits(cipher.standardName ?? cipher.name));
    m.set('cipher', cipher.name);
    m.set('cipher_bits', bits);
    m.set('alg_bits', bits);
  }
  const peer: PeerCertificate | Record<string, never> = (requested ? (socket.getPeerCertificate() as PeerCertificate | null) : null) ?? {};
  const raw = 'raw' in peer ? peer.raw : undefined;
  if (!requested) m.set('verify', 'NOT');
  else if (!raw) m.set('verify', 'NO');
  else {
    m.set('verify', socket.authorized ? 'OK' : 'FAIL');
    const x509 = new X509Certificate(raw);
    m.set('cert_subject', encodeMacroValue(oneLineDn(x509.subject)));
    m.set('cert_issuer', encodeMacroValue(oneLineDn(x509.issuer)));
    const cnSubject = commonName(x509.subject);
    const cnIssuer = commonName(x509.issuer);
    if (cnSubject !== undefined) m.set('cn_subject', encodeMacroValue(cnSubject));
    if (cnIssuer !== undefined) m.set('cn_issuer', encodeMacroValue(cnIssuer));
  }
  return m;
}
