// The SMTP policy of a sendmail.cf: each stage of the session calls the
// cf's check rulesets through the rewrite engine with the session's macros
// set, as sendmail does:
//   connect  check_relay  {client_name} $| {client_addr}   (and greet_pause)
//   MAIL     the sender parsed with rulesets 3, 0; then check_mail <addr>
//   RCPT     the recipient parsed with 3, 0 (its error mailer result is the
//            reply), check_rcpt <addr>, then for the local mailer the
//            aliases and accounts ("User unknown")
//   DATA     check_data {nrcpts};  end of headers: check_eoh count $| length;
//   end of message: check_eom {msg_size}
// `$#error` becomes the reply (the client's address in front), `$#discard`
// and `$#quarantine` the decisions of that name, a lookup's temporary
// failure a 451.  One engine serves every session, so calls are serialized.

import type { LoadedConfig } from '../config/loader.js';
import { errorMailerReply, TEMP_SYSTEM_FAILURE } from '../address/error-reply.js';
import { LocalUsers } from '../address/local-user.js';
import { parseAddress } from '../address/parse.js';
import { runCheckRuleset, type RulesetVerdict } from '../address/rscheck.js';
import { OP } from '../rewrite/tokens.js';
import { accept, discard, failure, quarantine, type Decision, type RecipientDecision, type SessionMacros, type SmtpPolicy } from './policy.js';
import { makeReply, type Reply } from './reply.js';
import * as R from './replies.js';

/** Macros a session sets; those a snapshot lacks are unset before a ruleset runs. */
const SESSION_MACROS = [
  'client_addr', 'client_name', 'client_port', 'client_resolve', 'client_ptr', 'daemon_name', 'daemon_addr', 'daemon_port',
  'daemon_family', 'daemon_flags', 'if_addr', 'if_name', 'if_family', 'auth_type', 'auth_authen', 'mail_addr', 'mail_host',
  'mail_mailer', 'rcpt_addr', 'rcpt_host', 'rcpt_mailer', 'nrcpts', 'msg_size', 'hdrlen', 'i', 's', 'r', '_',
];

export interface CfPolicyOptions {
  /** The password file for local users (default /etc/passwd). */
  passwdFile?: string;
  warn?: (message: string) => void;
}

export class CfPolicy implements SmtpPolicy {
  private readonly users: LocalUsers;
  private readonly warn: (m: string) => void;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly loaded: LoadedConfig,
    opts: CfPolicyOptions = {},
  ) {
    this.warn = opts.warn ?? ((m) => process.stderr.write(`${m}\n`));
    const aliasFiles = (loaded.config.options.get('AliasFile') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    this.users = new LocalUsers({ aliasFiles, passwdFile: opts.passwdFile, warn: this.warn });
    loaded.engine.trace = false;
  }

  /** Runs `fn` after every earlier call has finished (the engine's macros are shared). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private setMacros(macros: SessionMacros): void {
    for (const name of SESSION_MACROS) this.loaded.macros.setByName(name, macros.get(name));
    // $f and {mail_from}, the envelope sender; delay_checks hands it to checkmail at RCPT time
    const sender = macros.get('mail_addr');
    this.loaded.macros.setByName('f', sender === undefined ? undefined : sender === '' ? '<>' : sender);
    this.loaded.macros.setByName('mail_from', sender === undefined ? undefined : `<${sender}>`);
  }

  private check(ruleset: string, args: readonly string[]): Promise<RulesetVerdict> {
    return runCheckRuleset(this.loaded, { ruleset, args });
  }

  /** A verdict as a decision; `address` is put in front of error texts. */
  private decide(verdict: RulesetVerdict, address: string | undefined): Decision {
    switch (verdict.kind) {
      case 'error':
        // an access map's QUARANTINE: comes back as the error mailer with status "quarantine"
        if (verdict.status.toLowerCase() === 'quarantine') return quarantine(verdict.text);
        return failure(errorMailerReply(verdict.status, verdict.text, address, this.warn));
      case 'tempfail':
        return failure(TEMP_SYSTEM_FAILURE);
      case 'discard':
        return discard();
      case 'quarantine':
        return quarantine(verdict.reason);
      default:
        return accept();
    }
  }

  connect(macros: SessionMacros): Promise<Decision> {
    return this.serial(async () => {
      this.setMacros(macros);
      const verdict = await this.check('check_relay', [macros.get('client_name') ?? '', macros.get('client_addr') ?? '']);
      return this.decide(verdict, undefined);
    });
  }

  greetPause(macros: SessionMacros): Promise<number> {
    return this.serial(async () => {
      this.setMacros(macros);
      const verdict = await this.check('greet_pause', [macros.get('client_name') ?? '', macros.get('client_addr') ?? '']);
      if (verdict.kind !== 'continue' || verdict.tokens[0] !== OP.CANONNET) return 0;
      const ms = Number(verdict.tokens[1]);
      return Number.isFinite(ms) && ms > 0 ? ms : 0;
    });
  }

  helo(): Decision {
    return accept();
  }

  mail(macros: SessionMacros, sender: string): Promise<Decision> {
    return this.serial(async () => {
      this.setMacros(macros);
      const parsed = await parseAddress(this.loaded, sender, { sender: true, warn: this.warn });
      if (!parsed.ok) return failure(parsed.reply);
      const m = this.loaded.macros;
      m.setByName('mail_mailer', parsed.triple.mailer);
      m.setByName('mail_host', parsed.triple.host);
      m.setByName('mail_addr', parsed.triple.user === '<>' ? '' : parsed.triple.user);
      return this.decide(await this.check('check_mail', [sender]), sender);
    });
  }

  rcpt(macros: SessionMacros, recipient: string): Promise<RecipientDecision> {
    return this.serial(async () => {
      this.setMacros(macros);
      const parsed = await parseAddress(this.loaded, recipient, { warn: this.warn });
      if (!parsed.ok) return { decision: failure(parsed.reply) };
      const { triple } = parsed;
      const m = this.loaded.macros;
      m.setByName('rcpt_mailer', triple.mailer);
      m.setByName('rcpt_host', triple.host);
      m.setByName('rcpt_addr', triple.user);
      const decision = this.decide(await this.check('check_rcpt', [recipient]), recipient);
      if (decision.kind === 'reject' || decision.kind === 'tempfail') return { decision };
      if (triple.mailer === 'local' && !this.users.exists(triple.user)) return { decision: failure(R.userUnknown(recipient)) };
      return { decision, resolved: { mailer: triple.mailer, host: triple.host, user: triple.user } };
    });
  }

  data(macros: SessionMacros): Promise<Decision> {
    return this.serial(async () => {
      this.setMacros(macros);
      return this.decide(await this.check('check_data', [macros.get('nrcpts') ?? '0']), undefined);
    });
  }

  endOfHeaders(macros: SessionMacros, headers: readonly (readonly [string, string])[]): Promise<Decision> {
    return this.serial(async () => {
      this.setMacros(macros);
      const length = headers.reduce((n, [name, value]) => n + name.length + 2 + value.length, 0);
      this.loaded.macros.setByName('hdrlen', String(length));
      return this.decide(await this.check('check_eoh', [String(headers.length), String(length)]), undefined);
    });
  }

  endOfMessage(macros: SessionMacros): Promise<Decision> {
    return this.serial(async () => {
      this.setMacros(macros);
      return this.decide(await this.check('check_eom', [macros.get('msg_size') ?? '0']), undefined);
    });
  }

  vrfy(macros: SessionMacros, address: string): Promise<Reply> {
    return this.serial(() => this.lookup(macros, address));
  }

  expn(macros: SessionMacros, address: string): Promise<Reply> {
    return this.serial(() => this.lookup(macros, address));
  }

  /** VRFY/EXPN: the address parsed; a local one must exist. */
  private async lookup(macros: SessionMacros, address: string): Promise<Reply> {
    this.setMacros(macros);
    const parsed = await parseAddress(this.loaded, address, { warn: this.warn });
    if (!parsed.ok) return parsed.reply;
    const { triple } = parsed;
    if (triple.mailer === 'local') {
      if (!this.users.exists(triple.user)) return R.userUnknown(address);
      return makeReply(250, '2.1.5', `<${triple.user}@${macros.get('j') ?? ''}>`);
    }
    return makeReply(250, '2.1.5', `<${triple.user}>`);
  }
}
