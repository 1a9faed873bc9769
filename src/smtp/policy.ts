// The policy interface of the SMTP daemon: what the session asks at each
// stage (connect, HELO, MAIL, RCPT, DATA, end of headers, end of message,
// VRFY, EXPN) and the typed answers it gets.  The cf-driven policy (calling
// check_relay, check_mail, check_rcpt, check_data, check_eoh, check_eom
// through the rewrite engine) implements this interface; InMemoryPolicy is a
// small table-driven one for tests and simple setups.
//
// Temporary versus permanent failure is a type: a Decision of kind
// 'tempfail' always carries a 4xx reply and 'reject' a 5xx reply; the
// constructors below refuse anything else.

import { makeReply, replyClass, type Reply } from './reply.js';
import * as R from './replies.js';

export type Decision =
  /** Go on; `reply` replaces the default positive reply when given. */
  | { readonly kind: 'accept'; readonly reply?: Reply }
  /** Permanent failure (5xx); `ruleset` names the check_* ruleset that refused (for the log). */
  | { readonly kind: 'reject'; readonly reply: Reply; readonly ruleset?: string }
  /** Temporary failure (4xx). */
  | { readonly kind: 'tempfail'; readonly reply: Reply; readonly ruleset?: string }
  /** Accept, then throw the message away. */
  | { readonly kind: 'discard'; readonly reply?: Reply }
  /** Accept and hold the message in the queue with a reason. */
  | { readonly kind: 'quarantine'; readonly reason: string; readonly reply?: Reply };

export const accept = (reply?: Reply): Decision => (reply ? { kind: 'accept', reply } : { kind: 'accept' });
export const discard = (reply?: Reply): Decision => (reply ? { kind: 'discard', reply } : { kind: 'discard' });
export const quarantine = (reason: string, reply?: Reply): Decision =>
  reply ? { kind: 'quarantine', reason, reply } : { kind: 'quarantine', reason };

export class DecisionTypeError extends Error {}

/** A permanent rejection; the reply must be a 5xx reply. */
export function reject(reply: Reply, ruleset?: string): Decision {
  if (replyClass(reply.code) !== 'permfail') {
    throw new DecisionTypeError(`reject needs a 5xx reply, got ${reply.code}`);
  }
  return ruleset === undefined ? { kind: 'reject', reply } : { kind: 'reject', reply, ruleset };
}

/** A temporary failure; the reply must be a 4xx reply. */
export function tempfail(reply: Reply, ruleset?: string): Decision {
  if (replyClass(reply.code) !== 'tempfail') {
    throw new DecisionTypeError(`tempfail needs a 4xx reply, got ${reply.code}`);
  }
  return ruleset === undefined ? { kind: 'tempfail', reply } : { kind: 'tempfail', reply, ruleset };
}

/** Reject or tempfail according to the reply's class (for replies read from configuration). */
export function failure(reply: Reply, ruleset?: string): Decision {
  return replyClass(reply.code) === 'tempfail' ? tempfail(reply, ruleset) : reject(reply, ruleset);
}

/**
 * The macros sendmail defines during an SMTP session, by name without
 * braces: "client_addr", "client_name", "client_port", "client_resolve",
 * "client_ptr", "daemon_name", "daemon_addr", "daemon_port",
 * "daemon_family", "daemon_flags", "if_addr", "if_name", "if_family",
 * "auth_type", "auth_authen", "mail_addr", "mail_host", "mail_mailer",
 * "rcpt_addr", "rcpt_host", "rcpt_mailer", "nrcpts", "ntries", "msg_size",
 * "msg_id", "hdrlen", "i" (queue id), "s" (HELO name), "r" (protocol),
 * "_" (client description), "j" (host name), "b" (date), "v" (version).
 */
export type SessionMacros = ReadonlyMap<string, string>;

/**
 * The session-macro key holding the transaction's envelope sender as given
 * at MAIL (bare, "" for <>).  No macro name has a dot, so rulesets never see
 * it; a policy works $f out of it ({mail_addr} is the sender's resolved user).
 */
export const ENVELOPE_SENDER = '.sender';

/** A recipient the policy accepted, with where it resolved to. */
export interface ResolvedRecipient {
  /** {rcpt_mailer}, {rcpt_host}, {rcpt_addr} from ruleset 0. */
  readonly mailer: string;
  readonly host: string;
  readonly user: string;
}

/** Answer for MAIL: a decision and, when the sender parsed, {mail_mailer}, {mail_host}, {mail_addr}. */
export type SenderDecision = Decision & { readonly resolved?: ResolvedRecipient };

/** Answer for RCPT: a decision and, when accepted, the resolved triple. */
export interface RecipientDecision {
  readonly decision: Decision;
  readonly resolved?: ResolvedRecipient;
  /** the rulesets met a temporary failure (a lookup that could not be made now): taken, delivered from a queue run */
  readonly willQueue?: boolean;
}

/** What the session knows about the envelope a recipient joins. */
export interface RecipientContext {
  /**
   * The envelope is discarded (check_relay, check_mail or an earlier
   * check_rcpt said $#discard): sendmail 8.17 then takes every recipient
   * its check_rcpt lets through, accounts or not.
   */
  readonly discarding: boolean;
}

/** The session's questions.  Every method may answer synchronously or with a Promise. */
export interface SmtpPolicy {
  /** After the connection is accepted (check_relay). Macros: client_*, daemon_*, if_*. */
  connect(macros: SessionMacros): Decision | Promise<Decision>;
  /**
   * How long to hold the greeting back (the greet_pause ruleset), in
   * milliseconds; 0 or absent for none.  A client that talks before the
   * greeting is refused.
   */
  greetPause?(macros: SessionMacros): number | Promise<number>;
  /**
   * The per-connection features (the srv_features ruleset, called with the
   * client's "name [addr]"): the option letters of its `$#` result, 'temp'
   * for `$#temp`, undefined when it has none.  src/smtp/server-features.ts
   * says what each letter does.
   */
  serverFeatures?(macros: SessionMacros, client: string): string | undefined | Promise<string | undefined>;
  /** After a TLS handshake (tls_client {verify} $| STARTTLS): a refusal answers most commands from then on. */
  tlsClient?(macros: SessionMacros): Decision | Promise<Decision>;
  /** HELO/EHLO name given (macro "s" set). */
  helo(macros: SessionMacros, heloName: string): Decision | Promise<Decision>;
  /** MAIL FROM (check_mail). `sender` is the address as given, "<>" for the null sender. */
  mail(macros: SessionMacros, sender: string, params: ReadonlyMap<string, string>): SenderDecision | Promise<SenderDecision>;
  /** RCPT TO (check_rcpt and the recipient's resolution). Macros also have mail_* and nrcpts. */
  rcpt(
    macros: SessionMacros,
    recipient: string,
    params: ReadonlyMap<string, string>,
    envelope?: RecipientContext,
  ): RecipientDecision | Promise<RecipientDecision>;
  /** DATA command (check_data). */
  data(macros: SessionMacros): Decision | Promise<Decision>;
  /** After the header (check_eoh). Headers as [name, value] pairs in order. */
  endOfHeaders(macros: SessionMacros, headers: readonly (readonly [string, string])[]): Decision | Promise<Decision>;
  /** After the whole message (check_eom). Macro msg_size is set. */
  endOfMessage(macros: SessionMacros): Decision | Promise<Decision>;
  /** VRFY with an argument: the reply to give (PrivacyOptions novrfy is the session's). */
  vrfy(macros: SessionMacros, address: string): Reply | Promise<Reply>;
  /** EXPN with an argument: the reply to give (PrivacyOptions noexpn is the session's). */
  expn(macros: SessionMacros, address: string): Reply | Promise<Reply>;
}

export interface InMemoryPolicyTables {
  /** Local user names (without domain); other recipients at local domains are "User unknown". */
  localUsers?: Iterable<string>;
  /** Domains that are local ($=w). */
  localDomains?: Iterable<string>;
  /** Domains we relay to. */
  relayDomains?: Iterable<string>;
  /** Client addresses refused at connect, with the decision to give. */
  clients?: Iterable<readonly [string, Decision]>;
  /** Envelope senders (bare, lower-case) refused at MAIL, with the decision. */
  senders?: Iterable<readonly [string, Decision]>;
  /** Domains a sender may be in (resolvable domains); when given, others get 553 5.1.8. */
  senderDomains?: Iterable<string>;
  /** greet_pause for every client, in milliseconds. */
  greetPauseMs?: number;
  /** Decision at end of message, e.g. a quarantine (default accept). */
  endOfMessage?: Decision;
}

/** The address inside angle brackets: "<a@b>" -> "a@b", "Name <a@b>" -> "a@b"; without brackets as given. */
export function bareAddress(address: string): string {
  const t = address.trim();
  if (t.startsWith('<') && t.endsWith('>')) return t.slice(1, -1);
  // a local submission may name a sender or recipient as 'Full Name <addr>'
  const open = t.lastIndexOf('<');
  return open >= 0 && t.endsWith('>') ? t.slice(open + 1, -1) : t;
}

/** A policy from in-memory tables: local users, local and relay domains, refused clients and senders. */
export class InMemoryPolicy implements SmtpPolicy {
  private readonly users: Set<string>;
  private readonly localDomains: Set<string>;
  private readonly relayDomains: Set<string>;
  private readonly clients: Map<string, Decision>;
  private readonly senders: Map<string, Decision>;
  private readonly eom: Decision;
  private readonly senderDomains: Set<string> | undefined;
  private readonly pause: number;

  constructor(tables: InMemoryPolicyTables = {}) {
    this.users = new Set([...(tables.localUsers ?? [])].map((u) => u.toLowerCase()));
    this.localDomains = new Set([...(tables.localDomains ?? [])].map((d) => d.toLowerCase()));
    this.relayDomains = new Set([...(tables.relayDomains ?? [])].map((d) => d.toLowerCase()));
    this.clients = new Map(tables.clients ?? []);
    this.senders = new Map([...(tables.senders ?? [])].map(([k, v]) => [k.toLowerCase(), v] as const));
    this.eom = tables.endOfMessage ?? accept();
    this.pause = tables.greetPauseMs ?? 0;
    this.senderDomains = tables.senderDomains ? new Set([...tables.senderDomains].map((d) => d.toLowerCase())) : undefined;
  }

  connect(macros: SessionMacros): Decision {
    return this.clients.get(macros.get('client_addr') ?? '') ?? accept();
  }

  greetPause(): number {
    return this.pause;
  }

  helo(): Decision {
    return accept();
  }

  mail(_macros: SessionMacros, sender: string): Decision {
    const listed = this.senders.get(bareAddress(sender).toLowerCase());
    if (listed) return listed;
    const { domain } = this.local(sender);
    if (this.senderDomains && domain !== undefined && !this.senderDomains.has(domain) && !this.localDomains.has(domain)) {
      return reject(R.senderDomainMissing(sender, bareAddress(sender)));
    }
    return accept();
  }

  private local(address: string): { user: string; domain: string | undefined } {
    const bare = bareAddress(address);
    const at = bare.lastIndexOf('@');
    return at < 0 ? { user: bare, domain: undefined } : { user: bare.slice(0, at), domain: bare.slice(at + 1).toLowerCase() };
  }

  rcpt(_macros: SessionMacros, recipient: string): RecipientDecision {
    const { user, domain } = this.local(recipient);
    if (domain === undefined || this.localDomains.has(domain)) {
      if (!this.users.has(user.toLowerCase())) return { decision: reject(R.userUnknown(recipient)) };
      return { decision: accept(), resolved: { mailer: 'local', host: '', user } };
    }
    if (this.relayDomains.has(domain)) return { decision: accept(), resolved: { mailer: 'esmtp', host: domain, user: `${user}@${domain}` } };
    return { decision: reject(makeReply(550, '5.7.1', `${recipient}... Relaying denied`)) };
  }

  data(): Decision {
    return accept();
  }

  endOfHeaders(): Decision {
    return accept();
  }

  endOfMessage(): Decision {
    return this.eom;
  }

  vrfy(macros: SessionMacros, address: string): Reply {
    const { user, domain } = this.local(address);
    if ((domain === undefined || this.localDomains.has(domain)) && this.users.has(user.toLowerCase())) {
      return makeReply(250, '2.1.5', `<${user}@${macros.get('j') ?? ''}>`);
    }
    return R.userUnknown(address);
  }

  expn(macros: SessionMacros, address: string): Reply {
    const { user } = this.local(address);
    if (this.users.has(user.toLowerCase())) return makeReply(250, '2.1.5', `${user} <${user}@${macros.get('j') ?? ''}>`);
    return R.userUnknown(address);
  }
}
