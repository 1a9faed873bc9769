// One SMTP session's protocol logic, independent of sockets: it takes
// command lines and the message data and answers with Replies made by the
// reply builder, asks the policy at each stage, keeps sendmail's macros, and
// stores accepted messages in the queue (durably, before the 250).  The
// adapter (src/smtp/adapter.ts) feeds it from smtp-server's connections.

import { mailLog, type MailLog } from '../log/index.js';
import { SessionLog } from '../log/session-log.js';
import type { Envelope, QueuedRecipient } from '../queue/envelope.js';
import { defaultRecipientFlags, newEnvelope } from '../queue/envelope.js';
import type { QueueDirectory } from '../queue/queue-directory.js';
import type { QueueIdGenerator } from '../queue/queue-id.js';
import { arpaDate } from './arpadate.js';
import { checkMailParams, checkRcptParams, parseParamWords, type ParamList, type Params, type RcptParams } from './esmtp-params.js';
import { helpReply, type HelpFile } from './helpfile.js';
import { generatedMessageId, headersLength, messageIdStamp, ownMessageId, parseMessage, queueHeaders } from './message.js';
import { bareAddress, ENVELOPE_SENDER, type Decision, type SessionMacros, type SmtpPolicy } from './policy.js';
import { isPermfail, isTempfail, makeReply, type Reply } from './reply.js';
import * as R from './replies.js';
import { SessionAuth, type AuthServer } from './auth.js';
import type { BareLineEnd } from './bare-line-ends.js';
import { parseServerFeatures } from './server-features.js';

/** Facts about the listener a connection came in on (from DAEMON_OPTIONS). */
export interface DaemonInfo {
  name: string;
  addr: string;
  port: number;
  family: 'inet' | 'inet6';
  /** The M= modifiers, e.g. "Ea". */
  modifiers: string;
}

export interface ClientInfo {
  addr: string;
  port: number;
  /** The name the address resolved to, if any. */
  name: string | undefined;
  /** {client_resolve}: OK, FAIL, FORGED, TEMP. */
  resolve: string;
  /** $_ when it is not "name [addr]": sendmail -bs says "user@localhost". */
  description?: string;
}

export interface SessionOptions {
  identity: R.ServerIdentity;
  policy: SmtpPolicy;
  queue: QueueDirectory;
  ids: QueueIdGenerator;
  daemon: DaemonInfo;
  client: ClientInfo;
  /** MaxRecipientsPerMessage; 0 for no limit. */
  maxRecipients?: number;
  /** MaxMessageSize; 0 for no limit. */
  maxMessageSize?: number;
  /** MaxHeadersLength: an SMTP message whose header is longer is refused (552 5.6.0); 0 for no limit (default 32768, as sendmail). */
  maxHeadersLength?: number;
  /** BadRcptThrottle: after this many refused RCPTs in a transaction each further RCPT waits a second; 0 for never. */
  badRcptThrottle?: number;
  /** PrivacyOptions, lower-case words (goaway expanded by the caller or here). */
  privacy?: Iterable<string>;
  /** The SMTP help file, if it could be read. */
  helpFile?: HelpFile | undefined;
  /**
   * The cf's SmtpGreetingMessage, expanded per connection with the session's
   * macros ($b, {client_addr}, $_ ...); default "$j Sendmail $v/$Z; $b".
   */
  greetingMessage?: string | ((macros: SessionMacros) => string);
  /**
   * The Received: header value (with its leading space) from the cf's
   * HReceived: line, expanded with the macros of the message ("i", "u" for a
   * single recipient, "b", "s", "_", "r", "j", "v", ...).  Default: the
   * default configuration's form.
   */
  receivedHeader?: (macros: SessionMacros) => string;
  /**
   * Local submission (sendmail -bm: recipients from the 'arguments', -t: from
   * the 'headers'): no HELO needed, no $r; Received: "for" shows the single
   * argument recipient without angle brackets, and never with -t (real
   * sendmail 8.17 collects the header recipients after writing Received:).
   */
  localSubmission?: 'arguments' | 'headers';
  /** Local submission: the qf A line (the submitter as xtext "user@host", as sendmail 8.17 writes it); none for "<>". */
  submitterAuth?: string;
  /** $x: the sender's full name (local submission), for the From: and Full-Name: sendmail adds. */
  senderFullName?: string | undefined;
  /** Called for ETRN with its argument (start a queue run). */
  onEtrn?: (arg: string) => void;
  /** A message was stored in the queue (called before its 250 is written): DeliveryMode b/i start its delivery. */
  onQueued?: (id: string) => void;
  /** STARTTLS is offered (the cf has a server certificate, the listener allows it; src/smtp/tls.ts). */
  startTls?: boolean;
  /** AUTH mechanisms and the password check (src/smtp/auth.ts); absent: AUTH is not offered. */
  auth?: AuthServer | undefined;
  /** DaemonPortOptions M=a: MAIL needs AUTH first. */
  authRequired?: boolean;
  now?: () => Date;
  /** The mail log (default: the process's, src/log). */
  mailLog?: MailLog;
  /** The cf's P lines (Precedence: value -> class), for the log's class=. */
  precedences?: ReadonlyMap<string, number>;
}

/** What the connection should do after writing the reply. */
/** 'starttls': write the reply, then start the TLS handshake and call tlsStarted(). */
export type Next = 'continue' | 'close' | 'data' | 'starttls';

export interface Answer {
  reply: Reply;
  next: Next;
}

/** The greeting, and how long to hold it back (greet_pause), in milliseconds. */
export interface GreetingAnswer extends Answer {
  greetPauseMs: number;
}


/** What PrivacyOptions=goaway sets (op.txt: all but noreceipts, restrictmailq, restrictqrun, restrictexpand, noetrn, nobodyreturn). */
const GOAWAY = ['needmailhelo', 'needexpnhelo', 'needvrfyhelo', 'noexpn', 'novrfy', 'noverb', 'authwarnings', 'noactualrecipient'];

/** How long BadRcptThrottle holds each RCPT once the transaction has too many refused ones (sendmail: one second). */
const BAD_RCPT_DELAY_MS = 1000;

/** MaxHeadersLength when the cf does not set it (sendmail 8.17's default). */
export const DEFAULT_MAX_HEADERS_LENGTH = 32768;

/** sendmail's MAXBADCOMMANDS: real sendmail 8.17 answers the 26th bad command with 421 and closes. */
const MAX_BAD_COMMANDS = 25;

/**
 * What sendmail keeps on the envelope between one message (or RSET) and the
 * next, MAIL or not: it shows in the qf file (learned from real qf files).
 */
interface EnvelopeNotes {
  /** Addresses looked at: RCPTs that reached the policy (refused and duplicates too), VRFY/EXPN with an argument. Received: gets "for <addr>" only when this is 1. */
  addresses: number;
  /** Distinct accepted recipients plus successful VRFY/EXPN: the recipient part of the priority. */
  priorityRecipients: number;
  /** Text of the last 4xx/5xx reply: the qf M line. */
  lastError: string | undefined;
}

function freshNotes(): EnvelopeNotes {
  return { addresses: 0, priorityRecipients: 0, lastError: undefined };
}

interface Transaction {
  sender: string;
  params: Params;
  recipients: QueuedRecipient[];
  /** $#discard from check_relay, check_mail or a check_rcpt: the message is taken and dropped. */
  discard: boolean;
  /** Resolved "mailer host user" of each recipient, to find duplicates. */
  resolvedKeys: (string | undefined)[];
  /** Accepted RCPT commands, duplicates included ({nrcpts}). */
  accepted: number;
  /** RCPT commands refused so far (syntax errors too): BadRcptThrottle counts them. */
  refusedRecipients: number;
}

/** Splits "FROM:<a@b> SIZE=1" into the address and its parameters; undefined when the keyword is wrong. */
export function parsePathArgument(
  arg: string,
  keyword: 'FROM' | 'TO',
): { ok: true; address: string; params: ParamList } | { ok: false; scanned: string } | { ok: false; unbalanced: string } {
  const colon = arg.indexOf(':');
  if (colon < 0) return { ok: false, scanned: arg.trim() };
  const word = arg.slice(0, colon).trim();
  if (word.toUpperCase() !== keyword) return { ok: false, scanned: word };
  const rest = arg.slice(colon + 1).replace(/^[ \t]+/, '');
  if (rest === '') return { ok: false, scanned: word };
  let address: string;
  let tail: string;
  if (rest.startsWith('<')) {
    const close = rest.indexOf('>');
    if (close < 0) return { ok: false, unbalanced: rest };
    address = rest.slice(0, close + 1);
    tail = rest.slice(close + 1);
  } else {
    const sp = rest.search(/[ \t]/);
    address = sp < 0 ? rest : rest.slice(0, sp);
    tail = sp < 0 ? '' : rest.slice(sp);
    if (address.includes('<') && !address.includes('>')) return { ok: false, unbalanced: address };
  }
  return { ok: true, address, params: parseParamWords(tail) };
}

export class SmtpSession {
  private readonly privacy: Set<string>;
  private readonly macros = new Map<string, string>();
  private readonly now: () => Date;
  private heloName: string | undefined;
  private protocol: 'SMTP' | 'ESMTP' | undefined;
  private tlsActive = false;
  private auth: SessionAuth;
  /** STARTTLS and PIPELINING offered, AUTH required: the listener's settings, then srv_features'. */
  private startTlsOffered: boolean;
  private pipeliningOffered = true;
  private authRequired: boolean;
  private txn: Transaction | undefined;
  private notes: EnvelopeNotes = freshNotes();
  /** Set when the connection was refused by check_relay (5xx) or after a protocol error: the reply to most commands. */
  private refusal: Reply | undefined;
  /** EHLO shows only ENHANCEDSTATUSCODES once the connection is refused. */
  private connectRefused = false;
  /** tls_client's check after the TLS handshake, awaited before the next command. */
  private tlsClientCheck: Promise<void> | undefined;
  private verbose = false;
  /** check_relay said $#discard: every envelope of the connection is dropped. */
  private discardConnection = false;
  /** Unrecognized or refused commands so far (sendmail's MAXBADCOMMANDS). */
  private badCommands = 0;
  private readonly log: SessionLog;

  constructor(private readonly opts: SessionOptions) {
    this.auth = new SessionAuth(opts.auth);
    this.startTlsOffered = opts.startTls ?? false;
    this.authRequired = opts.authRequired ?? false;
    this.privacy = new Set([...(opts.privacy ?? [])].map((p) => p.toLowerCase()));
    if (this.privacy.has('goaway')) for (const p of GOAWAY) this.privacy.add(p);
    if (this.privacy.has('noexpn')) this.privacy.add('noverb');
    this.now = opts.now ?? (() => new Date());
    const { client, daemon, identity } = opts;
    const m = this.macros;
    m.set('j', identity.hostName);
    m.set('v', identity.version);
    m.set('client_addr', client.addr);
    m.set('client_port', String(client.port));
    m.set('client_name', client.name ?? `[${client.addr}]`);
    m.set('client_resolve', client.resolve);
    m.set('daemon_name', daemon.name);
    m.set('daemon_addr', daemon.addr);
    m.set('daemon_port', String(daemon.port));
    m.set('daemon_family', daemon.family);
    m.set('daemon_flags', daemon.modifiers.split('').join(' '));
    m.set('if_addr', daemon.addr);
    m.set('if_family', daemon.family);
    m.set('_', client.description ?? R.clientDescription(client.name, client.addr));
    this.log = new SessionLog(opts.mailLog ?? mailLog(), {
      relay: m.get('_') ?? '',
      daemon: daemon.name,
      local: opts.localSubmission !== undefined,
      newId: () => opts.ids.next(this.now()),
    });
  }

  /** The macros as they stand (a copy). */
  macroSnapshot(): Map<string, string> {
    return new Map(this.macros);
  }

  /** DSN (RET, ENVID, NOTIFY, ORCPT) taken: not with PrivacyOptions noreceipts or srv_features D. */
  private get dsnOffered(): boolean {
    return !this.privacy.has('noreceipts');
  }

  private get maxSize(): number {
    return this.opts.maxMessageSize ?? 0;
  }

  /** The greeting (after the connect policy).  `next` is 'close' when the connection is refused with 421. */
  async start(): Promise<GreetingAnswer> {
    this.macros.set('b', arpaDate(this.now()));
    const decision = await this.opts.policy.connect(this.macroSnapshot());
    this.log.connected(this.macros.get('client_name') ?? '', this.macros.get('client_addr') ?? '', decision);
    if (decision.kind === 'tempfail' && decision.reply.code === 421) return { reply: decision.reply, next: 'close', greetPauseMs: 0 };
    if (decision.kind === 'discard') this.discardConnection = true;
    if (decision.kind === 'reject' || decision.kind === 'tempfail') {
      this.refusal = decision.reply;
      this.connectRefused = true;
    }
    if (!this.refusal) await this.takeServerFeatures();
    const greetPauseMs = this.refusal ? 0 : ((await this.opts.policy.greetPause?.(this.macroSnapshot())) ?? 0);
    const configured = this.opts.greetingMessage;
    const message =
      typeof configured === 'function'
        ? configured(this.macroSnapshot())
        : (configured ?? R.defaultGreetingMessage(this.opts.identity, this.macros.get('b') ?? ''));
    return { reply: R.greeting(message), next: 'continue', greetPauseMs };
  }

  /** The connection's features from srv_features (src/smtp/server-features.ts). */
  private async takeServerFeatures(): Promise<void> {
    const result = await this.opts.policy.serverFeatures?.(this.macroSnapshot(), this.macros.get('_') ?? '');
    if (result === undefined) return;
    const features = parseServerFeatures(result);
    if (features.temporaryFailure) {
      this.refusal = R.tryAgainLater();
      this.connectRefused = true;
      return;
    }
    for (const word of features.privacy) this.privacy.add(word);
    if (features.noAuth) this.auth = new SessionAuth(undefined);
    if (features.noPipelining) this.pipeliningOffered = false;
    if (features.noStartTls) this.startTlsOffered = false;
    if (features.authRequired !== undefined) this.authRequired = features.authRequired && this.opts.auth !== undefined;
  }

  /**
   * The client talked during the greet pause: the greeting becomes "554 host
   * ESMTP not accepting messages" and MAIL, RCPT, DATA, VRFY, EXPN, HELP get
   * "550 5.0.0 Command rejected", as with sendmail's greet_pause.
   */
  earlyTalker(): Reply {
    this.refusal = makeReply(550, '5.0.0', 'Command rejected');
    this.connectRefused = true;
    return R.notAccepting(this.opts.identity);
  }

  /**
   * Answers one command line (without CRLF).  `inputPending` tells whether
   * the client already sent more (pipelining): after HELO/EHLO that is a
   * protocol error, as with sendmail.
   */
  async command(line: string, inputPending = false): Promise<Answer> {
    let answer = await this.dispatch(line, inputPending);
    // sendmail counts unrecognized commands, and on a refused connection the refused ones; the 26th gets 421 and the end
    const bad = answer.reply === this.refusal || (answer.reply.code === 500 && answer.reply.enhanced === '5.5.1');
    if (bad && ++this.badCommands > MAX_BAD_COMMANDS) {
      answer = { reply: R.tooManyBadCommands(this.opts.identity), next: 'close' };
    }
    if (answer.reply.code >= 400) this.notes.lastError = answer.reply.lines[0];
    return answer;
  }

  private async dispatch(line: string, inputPending: boolean): Promise<Answer> {
    if (this.tlsClientCheck) {
      await this.tlsClientCheck;
      this.tlsClientCheck = undefined;
    }
    if (this.auth.inExchange) return { reply: await this.authenticate(this.auth.respond(line)), next: 'continue' };
    const sp = line.search(/[ \t]/);
    const verb = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
    const arg = sp < 0 ? '' : line.slice(sp + 1);
    this.log.command(verb, this.protocol);
    const cont = (reply: Reply): Answer => ({ reply, next: 'continue' });
    switch (verb) {
      case 'HELO':
      case 'EHLO':
        return cont(await this.hello(verb, arg.trim(), inputPending));
      case 'MAIL':
        return cont(this.refusal ?? (await this.mail(arg)));
      case 'RCPT':
        return cont(this.refusal ?? (await this.rcpt(arg)));
      case 'DATA':
        return this.refusal ? cont(this.refusal) : this.data();
      case 'RSET':
        this.txn = undefined;
        this.notes = freshNotes();
        return cont(R.resetState());
      case 'NOOP':
        return cont(R.ok());
      case 'QUIT':
        this.log.end(true);
        return { reply: R.closing(this.opts.identity), next: 'close' };
      case 'VRFY':
        return cont(this.refusal ?? (await this.vrfy(arg.trim())));
      case 'EXPN':
        return cont(this.refusal ?? (await this.expn(arg.trim())));
      case 'HELP':
        return cont(this.refusal ?? this.help(arg));
      case 'ETRN':
        return cont(this.refusal ?? this.etrn(arg.trim()));
      case 'VERB':
        return cont(this.refusal ?? this.verb());
      case 'STARTTLS':
        return this.refusal ? cont(this.refusal) : this.startTls(arg);
      case 'AUTH':
        return cont(this.refusal ?? (await this.authenticate(this.auth.start(arg, { tlsActive: this.tlsActive, inTransaction: this.txn !== undefined }))));
      default:
        return cont(R.commandUnrecognized(line));
    }
  }

  private extensions(): string[] {
    if (this.connectRefused) return ['ENHANCEDSTATUSCODES'];
    const ext = ['ENHANCEDSTATUSCODES'];
    if (this.pipeliningOffered) ext.push('PIPELINING');
    if (!this.privacy.has('noexpn')) ext.push('EXPN');
    if (!this.privacy.has('noverb')) ext.push('VERB');
    ext.push('8BITMIME');
    ext.push(this.maxSize > 0 ? `SIZE ${this.maxSize}` : 'SIZE');
    if (this.dsnOffered) ext.push('DSN');
    if (!this.privacy.has('noetrn')) ext.push('ETRN');
    const mechanisms = this.auth.offered(this.tlsActive);
    if (mechanisms.length > 0) ext.push(`AUTH ${mechanisms.join(' ')}`);
    if (this.startTlsOffered && !this.tlsActive) ext.push('STARTTLS');
    ext.push('DELIVERBY');
    ext.push('HELP');
    return ext;
  }

  private async hello(verb: 'HELO' | 'EHLO', name: string, inputPending: boolean): Promise<Reply> {
    if (name === '') return R.heloNeedsDomain(verb);
    if (inputPending && !this.refusal) {
      this.refusal = makeReply(550, '5.0.0', 'Command rejected');
      return makeReply(554, '5.5.0', 'SMTP protocol error');
    }
    const decision = await this.opts.policy.helo(this.macroSnapshot(), name);
    if (decision.kind === 'reject' || decision.kind === 'tempfail') return decision.reply;
    this.heloName = name;
    this.protocol = verb === 'EHLO' ? 'ESMTP' : 'SMTP';
    this.macros.set('s', name);
    this.macros.set('r', this.protocolName());
    this.txn = undefined;
    const client = this.macros.get('_') ?? '';
    return verb === 'EHLO' ? R.ehloOk(this.opts.identity, client, this.extensions()) : R.heloOk(this.opts.identity, client);
  }

  private refusalOf(decision: Decision): Reply | undefined {
    return decision.kind === 'reject' || decision.kind === 'tempfail' ? decision.reply : undefined;
  }

  /** $r: SMTP or ESMTP, with S under TLS and A once authenticated (ESMTPSA). */
  private protocolName(): string {
    return `${this.protocol ?? 'SMTP'}${this.tlsActive ? 'S' : ''}${this.auth.identity ? 'A' : ''}`;
  }

  /** STARTTLS (RFC 3207): 220, then the adapter runs the handshake and calls tlsStarted. */
  private startTls(arg: string): Answer {
    if (arg.trim() !== '') return { reply: makeReply(501, '5.5.2', 'Syntax error (no parameters allowed)'), next: 'continue' };
    // without a certificate sendmail 8.17 answers as after a TLS start
    if (this.tlsActive || !this.startTlsOffered) return { reply: R.tlsNotAvailable(), next: 'continue' };
    if (this.txn) return { reply: makeReply(503, '5.5.0', 'TLS not permitted during a mail transaction'), next: 'continue' };
    return { reply: makeReply(220, '2.0.0', 'Ready to start TLS'), next: 'starttls' };
  }

  /**
   * The TLS session is up (after STARTTLS, or at once on an SMTPS listener):
   * its macros ({tls_version}, {cipher}, {verify} ...) are set and what the
   * client said before is forgotten (HELO, the transaction).
   */
  tlsStarted(tlsMacros: ReadonlyMap<string, string>): void {
    this.tlsActive = true;
    for (const [name, value] of tlsMacros) this.macros.set(name, value);
    this.heloName = undefined;
    this.protocol = undefined;
    this.txn = undefined;
    this.notes = freshNotes();
    this.tlsClientCheck = this.checkTlsClient();
  }

  /**
   * tls_client {verify} $| STARTTLS: its $#error (or a temporary failure)
   * refuses the connection as check_relay does -- the connection stays,
   * EHLO offers only ENHANCEDSTATUSCODES and MAIL, RCPT, DATA, VRFY, EXPN,
   * HELP, ETRN, VERB, AUTH get the error (real 8.17; RSET, NOOP, QUIT work).
   */
  private async checkTlsClient(): Promise<void> {
    let decision: Decision | undefined;
    try {
      decision = await this.opts.policy.tlsClient?.(this.macroSnapshot());
    } catch {
      decision = { kind: 'tempfail', reply: R.tryAgainLater() };
    }
    const refusal = decision && this.refusalOf(decision);
    if (refusal && !this.refusal) {
      this.refusal = refusal;
      this.connectRefused = true;
    }
  }

  /** An AUTH step's reply; on success the {auth_*} macros and $r are set. */
  private async authenticate(step: ReturnType<SessionAuth['start']>): Promise<Reply> {
    const { reply, identity } = await step;
    if (identity) {
      for (const [name, value] of this.auth.macros()) this.macros.set(name, value);
      if (this.protocol) this.macros.set('r', this.protocolName());
    }
    return reply;
  }

  private async mail(arg: string): Promise<Reply> {
    if (this.authRequired && !this.auth.identity && !this.opts.localSubmission) return makeReply(530, '5.7.0', 'Authentication required');
    if (this.heloName === undefined && this.privacy.has('needmailhelo') && !this.opts.localSubmission) return R.politeHelo();
    if (this.txn) return R.senderAlreadySpecified();
    const parsed = parsePathArgument(arg, 'FROM');
    if (!parsed.ok) {
      return 'unbalanced' in parsed ? makeReply(553, '5.0.0', `${parsed.unbalanced}... Unbalanced '<'`) : R.syntaxErrorScanning(parsed.scanned);
    }
    const checked = checkMailParams(parsed.params, this.maxSize, this.dsnOffered);
    if (!checked.ok) return checked.reply;
    return this.takeSender(parsed.address, checked.value);
  }

  /**
   * Local submission (sendmail -f): the sender as the user gave it, e.g.
   * "bob", "<bob@host>" or "Bob <bob@host>"; the qf keeps it as given.
   */
  async submitSender(address: string): Promise<Reply> {
    if (this.txn) return R.senderAlreadySpecified();
    return this.takeSender(address, new Map());
  }

  private async takeSender(address: string, params: Params): Promise<Reply> {
    this.macros.set(ENVELOPE_SENDER, bareAddress(address));
    this.macros.set('mail_addr', bareAddress(address));
    const decision = await this.opts.policy.mail(this.macroSnapshot(), address, params);
    const refusal = this.refusalOf(decision);
    this.log.mail(address, decision);
    if (refusal) {
      // a refused MAIL leaves no sender behind, not even a previous transaction's
      for (const name of [ENVELOPE_SENDER, 'mail_addr', 'mail_mailer', 'mail_host']) this.macros.delete(name);
      return refusal;
    }
    // {mail_mailer}, {mail_host}, {mail_addr} stay the sender's triple for the RCPTs and DATA of the transaction
    if (decision.resolved) {
      this.macros.set('mail_mailer', decision.resolved.mailer);
      this.macros.set('mail_host', decision.resolved.host);
      this.macros.set('mail_addr', decision.resolved.user);
    } else {
      this.macros.delete('mail_mailer');
      this.macros.delete('mail_host');
    }
    this.txn = { sender: address, params, discard: this.discardConnection || decision.kind === 'discard', recipients: [], resolvedKeys: [], accepted: 0, refusedRecipients: 0 };
    this.macros.set('nrcpts', '0');
    return decision.reply ?? R.senderOk(address);
  }

  /**
   * RCPT, throttled as sendmail's BadRcptThrottle does: once the transaction
   * has that many refused recipients, every further RCPT (good or bad) waits
   * a second before it is looked at.
   */
  private async rcpt(arg: string): Promise<Reply> {
    const txn = this.txn;
    const throttle = this.opts.badRcptThrottle ?? 0;
    if (txn && throttle > 0 && txn.refusedRecipients >= throttle) await new Promise((resolve) => setTimeout(resolve, BAD_RCPT_DELAY_MS));
    const reply = await this.checkedRcpt(arg);
    if (txn && (isTempfail(reply) || isPermfail(reply)) && ++txn.refusedRecipients === throttle) this.log.rcptFlood();
    return reply;
  }

  private async checkedRcpt(arg: string): Promise<Reply> {
    if (!this.txn) return R.needMailBeforeRcpt();
    const max = this.opts.maxRecipients ?? 0;
    if (max > 0 && this.txn.accepted >= max) return R.tooManyRecipients();
    const parsed = parsePathArgument(arg, 'TO');
    if (!parsed.ok) {
      return 'unbalanced' in parsed ? makeReply(553, '5.0.0', `${parsed.unbalanced}... Unbalanced '<'`) : R.syntaxErrorScanning(parsed.scanned);
    }
    const { address } = parsed;
    if (bareAddress(address) === '') return R.userAddressRequired(address);
    const checked = checkRcptParams(parsed.params, this.dsnOffered);
    if (!checked.ok) return checked.reply;
    return this.takeRecipient(address, checked.value);
  }

  /** Local submission: a recipient as the user gave it (an argument or a To:/Cc:/Bcc: address); the qf keeps it as given. */
  async submitRecipient(address: string): Promise<Reply> {
    if (!this.txn) return R.needMailBeforeRcpt();
    if (bareAddress(address) === '') return R.userAddressRequired(address);
    return this.takeRecipient(address, { params: new Map(), flags: defaultRecipientFlags(), originalRecipient: undefined });
  }

  private async takeRecipient(address: string, { params, flags, originalRecipient: orcpt }: RcptParams): Promise<Reply> {
    if (!this.txn) return R.needMailBeforeRcpt();
    this.macros.set('rcpt_addr', bareAddress(address));
    this.notes.addresses++;
    const answer = await this.opts.policy.rcpt(this.macroSnapshot(), address, params, { discarding: this.txn.discard });
    const refusal = this.refusalOf(answer.decision);
    if (refusal) {
      this.log.rcpt(address, answer.decision);
      return refusal;
    }
    if (answer.decision.kind === 'discard') this.txn.discard = true;
    let key: string | undefined;
    if (answer.resolved) {
      this.macros.set('rcpt_mailer', answer.resolved.mailer);
      this.macros.set('rcpt_host', answer.resolved.host);
      this.macros.set('rcpt_addr', answer.resolved.user);
      key = `${answer.resolved.mailer}\0${answer.resolved.host.toLowerCase()}\0${answer.resolved.user}`;
    }
    this.txn.accepted++;
    this.macros.set('nrcpts', String(this.txn.accepted));
    // a recipient that resolves like an earlier one is that one: sendmail names the earlier address
    const dup = key === undefined ? -1 : this.txn.resolvedKeys.indexOf(key);
    const earlier = dup >= 0 ? this.txn.recipients[dup] : undefined;
    this.log.rcpt(address, answer.decision, earlier !== undefined);
    if (earlier) return answer.decision.reply ?? R.recipientOk(earlier.address, answer.willQueue);
    const recipient: QueuedRecipient = { address, flags, finalRecipient: this.finalRecipient(address) };
    if (orcpt !== undefined) recipient.originalRecipient = orcpt;
    this.txn.recipients.push(recipient);
    this.txn.resolvedKeys.push(key);
    this.notes.priorityRecipients++;
    return answer.decision.reply ?? R.recipientOk(address, answer.willQueue);
  }

  /**
   * The qf r line (DSN final recipient) as sendmail 8.17 writes it: an
   * address with a domain as given (without the angle brackets of an SMTP
   * path; "Name <a@b>" from a local submission whole), one without as
   * user@$j.
   */
  private finalRecipient(address: string): string {
    const bare = bareAddress(address);
    if (!bare.includes('@')) return `RFC822; ${bare}@${this.opts.identity.hostName}`;
    return `RFC822; ${address.trim().startsWith('<') ? bare : address}`;
  }

  private async data(): Promise<Answer> {
    if (!this.txn) return { reply: R.needMailCommand(), next: 'continue' };
    if (this.txn.recipients.length === 0) return { reply: R.needRcpt(), next: 'continue' };
    const decision = await this.opts.policy.data(this.macroSnapshot());
    const refusal = this.refusalOf(decision);
    this.log.data(decision, this.txn.accepted);
    if (refusal) return { reply: refusal, next: 'continue' };
    return { reply: R.startData(), next: 'data' };
  }

  /**
   * The message has been received (`data` dot-unstuffed; `size` its length
   * as received, counted even when `data` was cut short for being over the
   * size limit).  Stores it durably and answers 250, or refuses it.
   */
  async message(data: Buffer, size: number): Promise<Reply> {
    const txn = this.txn;
    const notes = this.notes;
    this.txn = undefined;
    this.notes = freshNotes();
    if (!txn) return R.needMailCommand();
    if (this.maxSize > 0 && size > this.maxSize) {
      this.log.messageRefused({ size });
      return R.sizeExceedsAtData(this.maxSize);
    }
    const parsed = parseMessage(data);
    this.macros.set('msg_size', String(parsed.size));
    const headerPairs = parsed.headers.map((h) => [h.name, h.value] as const);
    // refused before check_eoh, as sendmail's collect() does (a local submission is not limited here)
    const maxHeaders = this.opts.maxHeadersLength ?? DEFAULT_MAX_HEADERS_LENGTH;
    if (maxHeaders > 0 && this.opts.localSubmission === undefined && headersLength(headerPairs) > maxHeaders) {
      const reply = R.headersTooLarge(maxHeaders);
      // the from= line names the message's Message-Id, or the one sendmail would have given it
      const msgid = ownMessageId(parsed.headers) ?? generatedMessageId(messageIdStamp(this.now()), this.log.queueId(), this.opts.identity.hostName);
      this.log.headersTooLarge(maxHeaders, { size: parsed.size, msgid }, reply.lines[0] ?? '');
      return reply;
    }
    const eoh = await this.opts.policy.endOfHeaders(this.macroSnapshot(), headerPairs);
    const eohRefusal = this.refusalOf(eoh);
    // the from= line of a message refused or dropped at its end
    const refused = { size: parsed.size, msgid: ownMessageId(parsed.headers) };
    if (eohRefusal) {
      // check_eoh's arguments as the policy passes them: the header count and length
      this.log.messageRefused(refused, { stage: 'check_eoh', decision: eoh, args: [String(headerPairs.length), String(headersLength(headerPairs))] });
      return eohRefusal;
    }
    const now = this.now();
    // the transaction's log id, if a log line already named it, is the queue id
    const id = this.log.queueId();
    this.macros.set('i', id);
    const eom = await this.opts.policy.endOfMessage(this.macroSnapshot());
    const eomRefusal = this.refusalOf(eom);
    if (eomRefusal || eoh.kind === 'discard' || eom.kind === 'discard') this.log.messageRefused(refused, { stage: 'check_eom', decision: eom, args: [String(parsed.size)] });
    if (eomRefusal) return eomRefusal;
    if (eoh.kind === 'discard' || eom.kind === 'discard') return eom.reply ?? R.messageAccepted(id);
    if (txn.discard) {
      this.log.messageRefused(refused);
      return R.messageAccepted(id);
    }
    const env = this.envelope(txn, notes, id, now, parsed);
    if (eoh.kind === 'quarantine') env.quarantineReason = eoh.reason;
    if (eom.kind === 'quarantine') env.quarantineReason = eom.reason;
    await this.opts.queue.storeNew(env, parsed.body);
    const header = (name: string): string | undefined => env.headers.find((h) => h.name.toLowerCase() === name)?.value.trim();
    this.log.stored(id, {
      size: parsed.size,
      precedenceClass: this.opts.precedences?.get((header('precedence') ?? '').toLowerCase()) ?? 0,
      msgid: header('message-id'),
      bodyType: txn.params.get('BODY')?.toUpperCase(),
      proto: this.protocol,
    });
    this.opts.onQueued?.(id);
    return eom.reply ?? R.messageAccepted(id);
  }

  private envelope(txn: Transaction, notes: EnvelopeNotes, id: string, now: Date, parsed: ReturnType<typeof parseMessage>): Envelope {
    const env = newEnvelope(id, txn.sender, now);
    env.priority = parsed.size + 30000 * notes.priorityRecipients;
    if (notes.lastError !== undefined) env.statusMessage = notes.lastError;
    const body = txn.params.get('BODY');
    if (body !== undefined) env.bodyType = parsed.eightBit ? '8BITMIME' : '7BIT';
    const ret = txn.params.get('RET');
    // sendmail 8.17 marks every envelope it receives with 's' (seen in all its fresh qf files)
    // 'b' (delete Bcc:) when the message names recipients in To: or Cc:
    const hasRecipientHeader = parsed.headers.some((h) => /^(to|cc)$/i.test(h.name));
    env.flags =
      (parsed.eightBit ? '8' : '') +
      (hasRecipientHeader ? 'b' : '') +
      (ret !== undefined ? 'd' : '') +
      (ret?.toUpperCase() === 'HDRS' ? 'n' : '') +
      's';
    const envid = txn.params.get('ENVID');
    if (envid !== undefined) env.envelopeId = envid;
    if (txn.params.has('AUTH')) env.auth = '<>';
    else if (this.opts.submitterAuth !== undefined) env.auth = this.opts.submitterAuth;
    for (const name of ['_', 'r', 's', 'daemon_flags']) {
      const v = this.macros.get(name);
      if (v !== undefined) env.macros.set(name, v);
    }
    env.recipients = txn.recipients;
    const date = arpaDate(now);
    const trace = {
      heloName: this.heloName ?? '',
      clientDescription: this.macros.get('_') ?? '',
      hostName: this.opts.identity.hostName,
      version: this.opts.identity.version,
      protocol: this.opts.localSubmission ? this.protocol : (this.protocol ?? 'SMTP'),
      queueId: id,
      onlyRecipient: notes.addresses === 1 && this.opts.localSubmission !== 'headers' ? this.shownRecipient(txn.recipients[0]?.address) : undefined,
      date,
      bareSender: bareAddress(txn.sender),
      fullName: this.opts.senderFullName,
      stamp: messageIdStamp(now),
    };
    let received: string | undefined;
    if (this.opts.receivedHeader) {
      const m = this.macroSnapshot();
      m.set('b', date);
      if (trace.onlyRecipient !== undefined) m.set('u', trace.onlyRecipient);
      received = this.opts.receivedHeader(m);
    }
    env.headers = queueHeaders(parsed.headers, trace, received);
    return env;
  }

  /** A recipient as Received: "for" shows it: as given; local submission gives it without angle brackets. */
  private shownRecipient(address: string | undefined): string | undefined {
    return address !== undefined && this.opts.localSubmission ? address.replace(/^<(.*)>$/, '$1') : address;
  }

  private async vrfy(arg: string): Promise<Reply> {
    if (arg === '') return R.argumentRequired();
    // novrfy answers before needvrfyhelo asks for a HELO (real 8.17 with goaway: 252 before HELO)
    if (this.privacy.has('novrfy')) return R.cannotVrfy();
    if (this.heloName === undefined && this.privacy.has('needvrfyhelo')) return R.introduceYourself();
    this.log.lookup(`VRFY ${arg}`);
    return this.noteLookup(await this.opts.policy.vrfy(this.macroSnapshot(), arg));
  }

  private async expn(arg: string): Promise<Reply> {
    if (this.privacy.has('noexpn')) return R.operationNotAllowed();
    if (arg === '') return R.argumentRequired();
    if (this.heloName === undefined && this.privacy.has('needexpnhelo')) return R.introduceYourself();
    this.log.lookup(`EXPN ${arg}`);
    return this.noteLookup(await this.opts.policy.expn(this.macroSnapshot(), arg));
  }

  /** A VRFY or EXPN answer counts on the envelope as sendmail counts it. */
  private noteLookup(reply: Reply): Reply {
    this.notes.addresses++;
    if (reply.code < 400) this.notes.priorityRecipients++;
    return reply;
  }

  private help(arg: string): Reply {
    const help = this.opts.helpFile;
    if (!help) return R.helpNotImplemented(this.opts.identity);
    return helpReply(help, arg, (t) => t.replace(/\$v/g, this.opts.identity.version).replace(/\$j/g, this.opts.identity.hostName));
  }

  private etrn(arg: string): Reply {
    if (this.privacy.has('noetrn')) return R.operationNotAllowed();
    if (arg === '') return R.parameterRequired();
    this.opts.onEtrn?.(arg);
    return makeReply(250, '2.0.0', `Queuing for node ${arg} started`);
  }

  private verb(): Reply {
    if (this.privacy.has('noverb')) return R.verboseUnavailable();
    this.verbose = true;
    return R.verboseMode();
  }

  /** The reply to a command line over the length limit (the connection is closed after it). */
  commandTooLong(): Reply {
    return R.commandTooLong(this.opts.identity, this.macros.get('_') ?? '');
  }

  /** A piece of the message as it arrives (for the log: the size received before a lost connection). */
  receiving(chunk: Uint8Array): void {
    this.log.dataChunk(chunk);
  }

  /**
   * The message data held a bare CR or LF (src/smtp/bare-line-ends.ts):
   * sendmail's 421, after which the connection is closed; the transaction
   * is over and logged as collect() logs it.
   */
  refuseBareLineEnd(bare: BareLineEnd): Reply {
    this.txn = undefined;
    this.notes = freshNotes();
    const reply = bare.kind === 'LF' ? R.bareLinefeed() : R.bareCarriageReturn();
    this.log.collectRefused(reply.lines[0] ?? '', bare.where, bare.size);
    return reply;
  }

  /** The connection is gone (without QUIT): what sendmail logs then ("lost input channel", the open transaction's from= line). */
  ended(heldBack?: Uint8Array): void {
    if (heldBack) this.log.dataChunk(heldBack);
    this.log.end(false);
  }

  /** True once VERB was given. */
  get isVerbose(): boolean {
    return this.verbose;
  }
}
