// The SMTP policy of a sendmail.cf: each stage of the session calls the
// cf's check rulesets through the rewrite engine with the session's macros
// set, as sendmail does:
//   TLS      after the handshake tls_client {verify} $| STARTTLS
//   connect  check_relay  {client_name} $| {client_addr}   (and greet_pause);
//            srv_features "name [addr]": the session's features
//   MAIL     the sender parsed with rulesets 3, 0; tls_client {verify} $| MAIL;
//            then check_mail <addr>
//   RCPT     the recipient parsed with 3, 0 (its error mailer result is the
//            reply), check_rcpt <addr>, then for the local mailer the
//            aliases and accounts ("User unknown")
//   DATA     check_data {nrcpts};  end of headers: check_eoh count $| length;
//   end of message: check_eom {msg_size}
// `$#error` becomes the reply (the client's address in front), `$#discard`
// and `$#quarantine` the decisions of that name, a lookup's temporary
// failure a 451.  One engine serves every session and calls run at the same
// time: each call runs in its own macro scope (the session's values over the
// config's start-up values, MacroTable.scope()), so a slow lookup in one
// session stalls no other and no session sees another's macros.

import type { LoadedConfig } from '../config/loader.js';
import { errorMailerReply, TEMP_SYSTEM_FAILURE } from '../address/error-reply.js';
import { LocalUsers } from '../address/local-user.js';
import { localAddress, parseAddress } from '../address/parse.js';
import { runCheckRuleset, type RulesetVerdict } from '../address/rscheck.js';
import { cataddr } from '../rewrite/cataddr.js';
import type { MacroTable } from '../rewrite/macros.js';
import { prescan } from '../rewrite/prescan.js';
import { OP, names } from '../rewrite/tokens.js';
import { accept, discard, failure, quarantine, type Decision, type RecipientContext, type RecipientDecision, type SenderDecision, type SessionMacros, ENVELOPE_SENDER, type SmtpPolicy } from './policy.js';
import type { Reply } from './reply.js';
import { expnLocal, notLocal, vrfyLocal } from './expn.js';
import { headersLength } from './message.js';
import * as R from './replies.js';

/** Macros a session sets; those a snapshot lacks are unset before a ruleset runs. */
const SESSION_MACROS = [
  'client_addr', 'client_name', 'client_port', 'client_resolve', 'client_ptr', 'daemon_name', 'daemon_addr', 'daemon_port',
  'daemon_family', 'daemon_flags', 'if_addr', 'if_name', 'if_family', 'auth_type', 'auth_authen', 'auth_author', 'auth_ssf',
  'tls_version', 'cipher', 'cipher_bits', 'alg_bits', 'verify', 'cert_subject', 'cert_issuer', 'cn_subject', 'cn_issuer', 'mail_addr', 'mail_host',
  'mail_mailer', 'rcpt_addr', 'rcpt_host', 'rcpt_mailer', 'nrcpts', 'msg_size', 'hdrlen', 'i', 's', 'r', '_',
];

/** Their macro ids, made at the first call (not at import: ids are handed out in order of first use). */
let sessionMacroIds: string[] | undefined;

/** The session macros that stay the same through a transaction: $f worked out under them holds for it. */
const PER_RECIPIENT_OR_MESSAGE = new Set(['rcpt_addr', 'rcpt_host', 'rcpt_mailer', 'nrcpts', 'msg_size', 'hdrlen', 'i']);
const TRANSACTION_MACROS = SESSION_MACROS.filter((m) => !PER_RECIPIENT_OR_MESSAGE.has(m));
/** Bound on the $f values kept (one per connection; all dropped when reached). */
const MAX_KEPT_SENDERS = 4096;

export interface CfPolicyOptions {
  /** The password file for local users (default /etc/passwd). */
  passwdFile?: string;
  warn?: (message: string) => void;
}

export class CfPolicy implements SmtpPolicy {
  private readonly users: LocalUsers;
  private readonly warn: (m: string) => void;
  /** Per connection: $f of its transaction in progress and what it was worked out under. */
  private readonly senders = new Map<string, { sender: string; under: (string | undefined)[]; f: string }>();

  constructor(
    private readonly loaded: LoadedConfig,
    opts: CfPolicyOptions = {},
  ) {
    this.warn = opts.warn ?? ((m) => process.stderr.write(`${m}\n`));
    const aliasFiles = (loaded.config.options.get('AliasFile') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    this.users = new LocalUsers({ aliasFiles, passwdFile: opts.passwdFile, warn: this.warn });
    loaded.engine.trace = false;
  }

  /** A scope for one call: the session's macros over the config's (those the session lacks unset). */
  private async scopeOf(macros: SessionMacros): Promise<MacroTable> {
    const root = this.loaded.macros;
    const scope = root.scope();
    const ids = (sessionMacroIds ??= SESSION_MACROS.map((name) => names.id(name)));
    for (let i = 0; i < SESSION_MACROS.length; i++) {
      const value = macros.get(SESSION_MACROS[i]!);
      const id = ids[i]!;
      // an unset over an unset start-up value changes nothing: the overlay stays small
      if (value !== undefined || root.get(id) !== undefined) scope.set(id, value);
    }
    // $f and {mail_from}, the envelope sender; delay_checks hands it to checkmail at RCPT time
    const sender = macros.get(ENVELOPE_SENDER);
    const f = sender === undefined ? undefined : await this.transactionSender(macros, scope, sender === '' ? '<>' : sender);
    scope.setByName('f', f);
    scope.setByName('mail_from', f === undefined ? undefined : `<${f}>`);
    return scope;
  }

  /**
   * $f for the transaction in progress: worked out at its first call (MAIL)
   * and kept for the later stages, as sendmail sets it once per envelope.
   * Kept per connection; a different sender or session macro (a new
   * transaction, AUTH, STARTTLS) works it out again.
   */
  private async transactionSender(macros: SessionMacros, scope: MacroTable, sender: string): Promise<string> {
    const connection = `${macros.get('client_addr')}:${macros.get('client_port')}:${macros.get('daemon_addr')}:${macros.get('daemon_port')}`;
    const under = TRANSACTION_MACROS.map((name) => macros.get(name));
    const kept = this.senders.get(connection);
    if (kept && kept.sender === sender && kept.under.every((v, i) => v === under[i])) return kept.f;
    const f = await this.envelopeSender(scope, sender);
    if (this.senders.size >= MAX_KEPT_SENDERS) this.senders.clear();
    this.senders.set(connection, { sender, under, f });
    return f;
  }

  /**
   * $f as sendmail sets it for the envelope sender: the address through
   * rulesets 3, 1 and 4, joined without spaces (the null sender comes out
   * empty, a domain canonified); real sendmail 8.17's daemon shows it so.
   */
  private async envelopeSender(scope: MacroTable, sender: string): Promise<string> {
    const { engine } = this.loaded;
    const pvp = prescan(sender, 0, '', engine.table, () => {}, true).tokens;
    if (!pvp) return sender;
    scope.setByName('addr_type', 'e s');
    for (const rs of [3, 1, 4]) if (engine.rulesets[rs]) await engine.rewrite(pvp, rs, scope);
    scope.setByName('addr_type', undefined);
    return cataddr(pvp, '', engine.table);
  }

  private check(scope: MacroTable, ruleset: string, args: readonly string[]): Promise<RulesetVerdict> {
    return runCheckRuleset(this.loaded, { ruleset, args, scope });
  }

  /** A verdict of `ruleset` as a decision; `address` is put in front of error texts. */
  private decide(verdict: RulesetVerdict, address: string | undefined, ruleset: string): Decision {
    switch (verdict.kind) {
      case 'error':
        // an access map's QUARANTINE: comes back as the error mailer with status "quarantine"
        if (verdict.status.toLowerCase() === 'quarantine') return quarantine(verdict.text);
        return failure(errorMailerReply(verdict.status, verdict.text, address, this.warn), ruleset);
      case 'tempfail':
        return failure(TEMP_SYSTEM_FAILURE, ruleset);
      case 'discard':
        return discard();
      case 'quarantine':
        return quarantine(verdict.reason);
      default:
        return accept();
    }
  }

  async connect(macros: SessionMacros): Promise<Decision> {
    const scope = await this.scopeOf(macros);
    const verdict = await this.check(scope, 'check_relay', [macros.get('client_name') ?? '', macros.get('client_addr') ?? '']);
    return this.decide(verdict, undefined, 'check_relay');
  }

  async greetPause(macros: SessionMacros): Promise<number> {
    const scope = await this.scopeOf(macros);
    const verdict = await this.check(scope, 'greet_pause', [macros.get('client_name') ?? '', macros.get('client_addr') ?? '']);
    if (verdict.kind !== 'continue' || verdict.tokens[0] !== OP.CANONNET) return 0;
    const ms = Number(verdict.tokens[1]);
    return Number.isFinite(ms) && ms > 0 ? ms : 0;
  }

  async serverFeatures(macros: SessionMacros, client: string): Promise<string | undefined> {
    const verdict = await this.check(await this.scopeOf(macros), 'srv_features', [client]);
    // a result that does not start with $# is ignored (op.txt)
    if (verdict.kind !== 'continue' || verdict.tokens[0] !== OP.CANONNET) return undefined;
    return verdict.tokens.slice(1).join(' ');
  }

  async tlsClient(macros: SessionMacros): Promise<Decision> {
    const verdict = await this.check(await this.scopeOf(macros), 'tls_client', [macros.get('verify') ?? '', 'STARTTLS']);
    return this.decide(verdict, undefined, 'tls_client');
  }

  helo(): Decision {
    return accept();
  }

  async mail(macros: SessionMacros, sender: string): Promise<SenderDecision> {
    const scope = await this.scopeOf(macros);
    const parsed = await parseAddress(this.loaded, sender, { sender: true, warn: this.warn, macros: scope });
    if (!parsed.ok) return failure(parsed.reply);
    const resolved = { mailer: parsed.triple.mailer, host: parsed.triple.host, user: parsed.triple.user === '<>' ? '' : parsed.triple.user };
    scope.setByName('mail_mailer', resolved.mailer);
    scope.setByName('mail_host', resolved.host);
    scope.setByName('mail_addr', resolved.user);
    // tls_client {verify} $| MAIL first: a cf may want TLS (or a verified client certificate) before mail;
    // without TLS {verify} is empty (real 8.17 calls it so at every MAIL)
    const tls = this.decide(await this.check(scope, 'tls_client', [macros.get('verify') ?? '', 'MAIL']), sender, 'tls_client');
    if (tls.kind === 'reject' || tls.kind === 'tempfail') return { ...tls, resolved };
    return { ...this.decide(await this.check(scope, 'check_mail', [sender]), sender, 'check_mail'), resolved };
  }

  async rcpt(macros: SessionMacros, recipient: string, _params?: ReadonlyMap<string, string>, envelope?: RecipientContext): Promise<RecipientDecision> {
    const scope = await this.scopeOf(macros);
    const parsed = await parseAddress(this.loaded, recipient, { warn: this.warn, macros: scope });
    if (!parsed.ok) return { decision: failure(parsed.reply) };
    const { triple } = parsed;
    scope.setByName('rcpt_mailer', triple.mailer);
    scope.setByName('rcpt_host', triple.host);
    scope.setByName('rcpt_addr', triple.user);
    const decision = this.decide(await this.check(scope, 'check_rcpt', [recipient]), recipient, 'check_rcpt');
    if (decision.kind === 'reject' || decision.kind === 'tempfail') return { decision };
    // only a local mailer with F=w needs an account (op.txt: "The user must have a valid account on this machine")
    if (triple.mailer === 'local' && triple.decl?.flags.has('w') && !envelope?.discarding && !this.users.exists(triple.user)) {
      // no alias, no account: ruleset 5 may still send the name elsewhere (MAIL_HUB, LUSER_RELAY)
      const mapped = await localAddress(this.loaded, triple.user, { warn: this.warn, macros: scope });
      if (mapped === undefined) return { decision: failure(R.userUnknown(recipient)) };
      if (!mapped.ok) return { decision: failure(mapped.reply) };
      // still the local mailer (user+detail made user): that account must exist
      if (mapped.triple.mailer === 'local' && !this.users.exists(mapped.triple.user)) return { decision: failure(R.userUnknown(recipient)) };
    }
    return { decision, resolved: { mailer: triple.mailer, host: triple.host, user: triple.user }, willQueue: parsed.transient === true };
  }

  async data(macros: SessionMacros): Promise<Decision> {
    const scope = await this.scopeOf(macros);
    return this.decide(await this.check(scope, 'check_data', [macros.get('nrcpts') ?? '0']), undefined, 'check_data');
  }

  async endOfHeaders(macros: SessionMacros, headers: readonly (readonly [string, string])[]): Promise<Decision> {
    const scope = await this.scopeOf(macros);
    return this.decide(await this.check(scope, 'check_eoh', [String(headers.length), String(headersLength(headers))]), undefined, 'check_eoh');
  }

  async endOfMessage(macros: SessionMacros): Promise<Decision> {
    const scope = await this.scopeOf(macros);
    return this.decide(await this.check(scope, 'check_eom', [macros.get('msg_size') ?? '0']), undefined, 'check_eom');
  }

  vrfy(macros: SessionMacros, address: string): Promise<Reply> {
    return this.lookup(macros, address, 'VRFY');
  }

  expn(macros: SessionMacros, address: string): Promise<Reply> {
    return this.lookup(macros, address, 'EXPN');
  }

  /** VRFY/EXPN: the address parsed; a local one must exist (the answers: src/smtp/expn.ts). */
  private async lookup(macros: SessionMacros, address: string, command: 'VRFY' | 'EXPN'): Promise<Reply> {
    const parsed = await parseAddress(this.loaded, address, { warn: this.warn, macros: await this.scopeOf(macros) });
    if (!parsed.ok) return parsed.reply;
    const { triple } = parsed;
    if (triple.mailer === 'local') {
      if (!this.users.exists(triple.user)) return R.userUnknown(address);
      const host = macros.get('j') ?? '';
      return command === 'VRFY' ? vrfyLocal(this.users, triple.user, host) : expnLocal(this.users, triple.user, host);
    }
    return notLocal(triple.user, command);
  }
}
