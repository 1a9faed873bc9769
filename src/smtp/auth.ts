// SMTP AUTH on the daemon (RFC 4954), the way sendmail 8.17 with Cyrus SASL
// answers: the mechanisms offered are AuthMechanisms intersected with what
// we implement (PLAIN and LOGIN, checked by a PasswordVerifier: saslauthd)
// and with the Cyrus mech_list; AuthOptions `p` keeps them back until TLS is
// active.  After success the session has {auth_type}, {auth_authen},
// {auth_author} and {auth_ssf}; the cf's check_rcpt then trusts the client
// when {auth_type} is in class {TrustAuthMech}.
//
// Like sendmail, a session's AUTH commands are slowed down after failures:
// from the second failed attempt on (a bad password, an abort, a syntax
// error, an unknown mechanism), the next AUTH waits 1 s, then 2, 4, 8 ...
// (measured against real sendmail 8.17.1.9).
//
// Replies (real sendmail 8.17.1.9's texts): 334 challenges, "235 2.0.0 OK
// Authenticated", "535 5.7.0 authentication failed", "501 5.0.0 AUTH
// aborted", "503 5.3.3 AUTH not available", "503 5.5.0 Already
// Authenticated", "504 5.3.3 AUTH mechanism X not available", ...

import { makeReply, type Reply } from './reply.js';
import * as Replies from './replies.js';
import { readSaslAppConfig, SaslauthdVerifier, type PasswordCheck, type PasswordVerifier } from './auth-saslauthd.js';
import { encodeMacroValue } from './tls.js';

/** Mechanisms this server implements. */
export const IMPLEMENTED_MECHANISMS = ['PLAIN', 'LOGIN'] as const;
/** Mechanisms that send the password in the clear (AuthOptions p keeps them back without TLS). */
const PLAINTEXT_MECHANISMS = new Set(['PLAIN', 'LOGIN']);

/** The daemon's AUTH settings, shared by its sessions. */
export interface AuthServer {
  /** Mechanisms offered (upper case, in AuthMechanisms order). */
  mechanisms: readonly string[];
  /** AuthOptions p: plaintext mechanisms only under TLS. */
  plaintextNeedsTls: boolean;
  verifier: PasswordVerifier;
  /** The first delay after failed attempts, in ms (sendmail: 1000; doubled per further failure). */
  failureDelayMs?: number;
}

/** Upper bound of the delay before an AUTH command (sendmail's doubling would go on). */
const MAX_FAILURE_DELAY_MS = 64_000;

/**
 * AUTH settings from the cf's options and the Cyrus configuration; undefined
 * (after a warning when the cf asked for AUTH) when no mechanism can be
 * offered.  `saslauthdPath` overrides Sendmail.conf's saslauthd_path.
 */
export function authServerFromOptions(
  options: ReadonlyMap<string, string>,
  warn: (m: string) => void,
  overrides: { saslauthdPath?: string; saslConfigDirs?: readonly string[] } = {},
): AuthServer | undefined {
  const asked = (options.get('AuthMechanisms') ?? '').split(/[\s,]+/).filter((m) => m !== '').map((m) => m.toUpperCase());
  if (asked.length === 0) return undefined;
  const cyrus = readSaslAppConfig('Sendmail', overrides.saslConfigDirs);
  const mechList = cyrus?.values.get('mech_list')?.split(/[\s,]+/).map((m) => m.toUpperCase());
  const mechanisms = asked.filter((m) => (IMPLEMENTED_MECHANISMS as readonly string[]).includes(m) && (!mechList || mechList.includes(m)));
  if (mechanisms.length === 0) {
    warn(`AUTH: none of AuthMechanisms (${asked.join(' ')}) is implemented here (only ${IMPLEMENTED_MECHANISMS.join(' ')}); AUTH not offered`);
    return undefined;
  }
  const method = cyrus?.values.get('pwcheck_method') ?? 'auxprop';
  if (overrides.saslauthdPath === undefined && !method.split(/\s+/).includes('saslauthd')) {
    const where = cyrus ? cyrus.file : 'no Sendmail.conf in the Cyrus SASL directories';
    warn(`AUTH: pwcheck_method ${method} (${where}) is not supported, only saslauthd; AUTH not offered`);
    return undefined;
  }
  const authOptions = (options.get('AuthOptions') ?? '').split(/[\s,]+/);
  const socketPath = overrides.saslauthdPath ?? cyrus?.values.get('saslauthd_path');
  return {
    mechanisms,
    plaintextNeedsTls: authOptions.includes('p'),
    verifier: new SaslauthdVerifier({ ...(socketPath ? { socketPath } : {}), realm: options.get('AuthRealm') ?? '' }),
  };
}

const R = {
  notAvailable: (): Reply => makeReply(503, '5.3.3', 'AUTH not available'),
  already: (): Reply => makeReply(503, '5.5.0', 'Already Authenticated'),
  noMechanism: (): Reply => makeReply(501, '5.5.2', 'AUTH mechanism must be specified'),
  badInitial: (text: string): Reply => makeReply(501, '5.5.4', `cannot BASE64 decode '${text}'`),
  badResponse: (text: string): Reply => makeReply(501, '5.5.4', `cannot decode AUTH parameter ${text}`),
  aborted: (): Reply => makeReply(501, '5.0.0', 'AUTH aborted'),
  failed: (): Reply => makeReply(535, '5.7.0', 'authentication failed'),
  ok: (): Reply => makeReply(235, '2.0.0', 'OK Authenticated'),
  challenge: (text: string): Reply => makeReply(334, undefined, text),
};

/** Strict base64 (RFC 4648 alphabet and padding); undefined when the text is not base64. "=" is the empty string. */
export function decodeBase64(text: string): Buffer | undefined {
  if (text === '=') return Buffer.alloc(0);
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

/** Who authenticated: the macros sendmail sets. */
export interface AuthIdentity {
  mechanism: string;
  authen: string;
  author: string;
}

/** A reply to the client; `identity` once authentication succeeded. */
export interface AuthStep {
  reply: Reply;
  identity?: AuthIdentity;
}

type Pending = { mechanism: 'PLAIN' } | { mechanism: 'LOGIN'; user?: string };

/** One session's AUTH state: the exchange in progress and the identity once authenticated. */
export class SessionAuth {
  identity: AuthIdentity | undefined;
  private pending: Pending | undefined;
  /** Failed attempts in this session (they slow the next AUTH down). */
  private failures = 0;

  constructor(private readonly server: AuthServer | undefined) {}

  /** The mechanisms offered now (EHLO's AUTH line; empty: AUTH is not offered). */
  offered(tlsActive: boolean): string[] {
    if (!this.server) return [];
    return this.server.mechanisms.filter((m) => tlsActive || !this.server!.plaintextNeedsTls || !PLAINTEXT_MECHANISMS.has(m));
  }

  /** True while an exchange waits for the client's next line. */
  get inExchange(): boolean {
    return this.pending !== undefined;
  }

  /** The AUTH command: `arg` is "MECHANISM [initial-response]". */
  async start(arg: string, ctx: { tlsActive: boolean; inTransaction: boolean }): Promise<AuthStep> {
    const [mechWord = '', initial] = arg.trim().split(/\s+/);
    // no AUTH configured at all: sendmail 8.17 names the mechanism as unavailable
    if (!this.server) return { reply: ctx.inTransaction ? Replies.authDuringTransaction() : Replies.authMechanismUnavailable(mechWord.slice(0, 32)) };
    const offered = this.offered(ctx.tlsActive);
    if (offered.length === 0) return { reply: R.notAvailable() };
    if (this.identity) return { reply: R.already() };
    if (ctx.inTransaction) return { reply: Replies.authDuringTransaction() };
    if (this.failures >= 2) {
      const ms = Math.min((this.server.failureDelayMs ?? 1000) * 2 ** (this.failures - 2), MAX_FAILURE_DELAY_MS);
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    return this.counted(this.begin(mechWord, initial, offered));
  }

  /** A step's failure (any 4xx/5xx) counts towards the delay. */
  private async counted(step: Promise<AuthStep> | AuthStep): Promise<AuthStep> {
    const done = await step;
    if (done.reply.code >= 400) this.failures++;
    return done;
  }

  private begin(mechWord: string, initial: string | undefined, offered: string[]): Promise<AuthStep> | AuthStep {
    if (mechWord === '') return { reply: R.noMechanism() };
    const mechanism = mechWord.toUpperCase();
    if (!offered.includes(mechanism)) return { reply: Replies.authMechanismUnavailable(mechWord.slice(0, 32)) };
    if (initial !== undefined) {
      const data = decodeBase64(initial);
      if (!data) return { reply: R.badInitial(initial) };
      return mechanism === 'PLAIN' ? this.plain(data) : this.loginStep({ mechanism: 'LOGIN' }, data);
    }
    if (mechanism === 'PLAIN') {
      this.pending = { mechanism: 'PLAIN' };
      return { reply: R.challenge('') };
    }
    this.pending = { mechanism: 'LOGIN' };
    return { reply: R.challenge(Buffer.from('Username:').toString('base64')) };
  }

  /** A line of the client's during an exchange. */
  respond(line: string): Promise<AuthStep> {
    return this.counted(this.answer(line));
  }

  private answer(line: string): Promise<AuthStep> | AuthStep {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return { reply: R.notAvailable() };
    const text = line.trim();
    if (text === '*') return { reply: R.aborted() };
    const data = text === '' ? Buffer.alloc(0) : decodeBase64(text);
    if (!data) return { reply: R.badResponse(text) };
    return pending.mechanism === 'PLAIN' ? this.plain(data) : this.loginStep(pending, data);
  }

  private async loginStep(pending: { mechanism: 'LOGIN'; user?: string }, data: Buffer): Promise<AuthStep> {
    if (pending.user === undefined) {
      this.pending = { mechanism: 'LOGIN', user: data.toString('utf8') };
      return { reply: R.challenge(Buffer.from('Password:').toString('base64')) };
    }
    return this.check('LOGIN', pending.user, data.toString('utf8'), '');
  }

  /** PLAIN: authzid NUL authcid NUL password. */
  private plain(data: Buffer): Promise<AuthStep> {
    const parts = data.toString('utf8').split('\0');
    if (parts.length !== 3) return Promise.resolve({ reply: R.failed() });
    const [authzid, authcid, password] = parts as [string, string, string];
    return this.check('PLAIN', authcid, password, authzid);
  }

  private async check(mechanism: string, user: string, password: string, authzid: string): Promise<AuthStep> {
    // Cyrus lets a user act only as itself unless a proxy policy says otherwise
    if (user === '' || (authzid !== '' && authzid !== user)) return { reply: R.failed() };
    let result: PasswordCheck;
    try {
      result = await this.server!.verifier.verify(user, password);
    } catch {
      result = 'tempfail';
    }
    // Cyrus reports an unreachable saslauthd as a failure, and so does sendmail
    if (result !== 'ok') return { reply: R.failed() };
    this.identity = { mechanism, authen: user, author: user };
    return { reply: R.ok(), identity: this.identity };
  }

  /** The macros of the authenticated identity. */
  macros(): Map<string, string> {
    const m = new Map<string, string>();
    if (!this.identity) return m;
    m.set('auth_type', this.identity.mechanism);
    m.set('auth_authen', encodeMacroValue(this.identity.authen));
    m.set('auth_author', encodeMacroValue(this.identity.author));
    m.set('auth_ssf', '0');
    return m;
  }
}
