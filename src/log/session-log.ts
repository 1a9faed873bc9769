// What one SMTP session logs, as sendmail 8.17 logs it: the connection
// ("connect from", a check_relay refusal), refusals at MAIL and RCPT, the
// from= line when a message is taken in or when a transaction is given up
// (RSET, a new MAIL, QUIT or a lost connection after MAIL: "size=0,
// nrcpts=N"), "lost input channel" and "did not issue MAIL/EXPN/VRFY/ETRN"
// at the end.  The session calls it at each step; this keeps the
// transaction's log state (its queue id, made on first use, is the id the
// message is then queued under, as with sendmail).

import type { MailLog } from './mail-log.js';
import { deliveryLine, replyText, type ReceivedFields } from './format.js';

/** A refusal as the log needs it (a policy Decision's reject/tempfail). */
export interface Refusal {
  reply: { code: number; enhanced?: string | undefined; lines: readonly string[] };
  /** The check_* ruleset that refused, when one did. */
  ruleset?: string | undefined;
}

/** A policy decision, as far as the log looks at it. */
export type LoggedDecision = { readonly kind: string } & Partial<Readonly<Refusal>>;

/** The refusal in a decision: reject or tempfail. */
function refusalIn(d: LoggedDecision): Refusal | undefined {
  return (d.kind === 'reject' || d.kind === 'tempfail') && d.reply ? { reply: d.reply, ruleset: d.ruleset } : undefined;
}

export interface SessionLogFacts {
  /** $_: "name [addr]", "[addr]", "user@localhost". */
  relay: string;
  /** {daemon_name}; '' for a local submission or -bs. */
  daemon: string;
  /** A local submission: the sender shows without angle brackets, no proto or daemon. */
  local: boolean;
  /** A new queue id. */
  newId: () => string;
}

interface OpenTransaction {
  from: string;
  nrcpts: number;
  /** The recipients taken, as given (a duplicate once). */
  recipients: string[];
  /** When MAIL opened it (ms). */
  started: number;
}

/** How a transaction without a stored message ended, for its recipients' to= lines. */
type Ending = 'aborted' | 'quiet';

/** The part of a message's from= line the session knows at the end of DATA. */
export type StoredMessage = Pick<ReceivedFields, 'size' | 'precedenceClass' | 'msgid' | 'bodyType' | 'proto'>;

/** The check at the end of the headers or of the message, its answer and the ruleset's arguments. */
export interface EndCheck {
  stage: 'check_eoh' | 'check_eom';
  decision: LoggedDecision;
  args: readonly string[];
}

/** What the from= line of a message refused at its end shows. */
export type RefusedMessage = Pick<ReceivedFields, 'size'> & Partial<Pick<ReceivedFields, 'msgid' | 'bodyType' | 'precedenceClass'>>;

export class SessionLog {
  private qid: string | undefined;
  private txn: OpenTransaction | undefined;
  /** MAIL, EXPN, VRFY or ETRN was given. */
  private transacted = false;
  /** The connection was refused at connect (check_relay): nothing more is logged for it. */
  private refused = false;
  private lastCommand = '';
  private inData = false;
  /** Bytes of the message received so far, as stored (a CRLF counts one). */
  private dataBytes = 0;
  /** The last data chunk ended in CR (its LF may start the next). */
  private dataCr = false;
  private ended = false;
  private proto: string | undefined;

  constructor(
    private readonly log: MailLog,
    private readonly facts: SessionLogFacts,
  ) {}

  /** The transaction's queue id (made now if it has none). */
  queueId(): string {
    this.qid ??= this.facts.newId();
    return this.qid;
  }

  /** The connection came in, and what check_relay said. */
  connected(clientName: string, clientAddr: string, decision: LoggedDecision): void {
    this.log.connect(this.facts.relay);
    const refusal = refusalIn(decision);
    if (!refusal) return;
    this.refused = true;
    this.log.rulesetReject(null, refusal.ruleset ?? 'check_relay', [clientName, clientAddr], this.facts.relay, replyText(refusal.reply));
  }

  /** Every command line, before it is answered (its verb, upper case). */
  command(verb: string, protocol: string | undefined): void {
    this.proto = protocol;
    if (verb === 'MAIL' || verb === 'EXPN' || verb === 'VRFY' || verb === 'ETRN') this.transacted = true;
    if (verb === 'RSET') this.closeTransaction();
    this.lastCommand = verb.toLowerCase();
  }

  /** VRFY or EXPN with its argument. */
  lookup(command: string): void {
    if (this.log.wants('vrfyExpn')) this.log.vrfyExpn(this.queueId(), this.facts.relay, command);
  }

  /** MAIL reached the policy and got this answer. */
  mail(sender: string, decision: LoggedDecision): void {
    const refusal = refusalIn(decision);
    // a transaction left by an earlier refused MAIL ends here
    this.closeTransaction();
    if (refusal) this.refusal(sender, refusal);
    // a sender refused by check_mail still opens the transaction sendmail logs at its end
    if (!refusal || refusal.ruleset !== undefined) this.txn = { from: this.shownSender(sender), nrcpts: 0, recipients: [], started: Date.now() };
  }

  /** RCPT reached the policy and got this answer; nrcpts= counts the recipients taken, a duplicate (the same mailer, host and user as an earlier one) once. */
  rcpt(address: string, decision: LoggedDecision, duplicate = false): void {
    const refusal = refusalIn(decision);
    if (refusal) this.refusal(address, refusal);
    else if (this.txn && !duplicate) {
      this.txn.nrcpts++;
      this.txn.recipients.push(address);
    }
  }

  private refusal(address: string, r: Refusal): void {
    if (r.ruleset !== undefined) {
      if (this.log.wants('rulesetReject')) this.log.rulesetReject(this.queueId(), r.ruleset, [address], this.facts.relay, replyText(r.reply));
    } else if (this.log.wants('addressRefused')) {
      this.log.addressRefused(this.queueId(), r.reply.lines[0] ?? '');
    }
  }

  /** DATA was refused (check_data gets {nrcpts}) or answered 354. */
  data(decision: LoggedDecision, nrcpts: number): void {
    const refusal = refusalIn(decision);
    if (refusal) return this.checkRefusal(refusal, 'check_data', [String(nrcpts)]);
    this.inData = true;
    this.dataBytes = 0;
    this.dataCr = false;
  }

  /** A piece of the message as it arrived (dot-unstuffed, CRLF line ends): counted for the from= line of a lost connection. */
  dataChunk(chunk: Uint8Array): void {
    let n = chunk.length;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === 10 && (i > 0 ? chunk[i - 1] === 13 : this.dataCr)) n--;
    }
    this.dataBytes += n;
    this.dataCr = chunk.length > 0 ? chunk[chunk.length - 1] === 13 : this.dataCr;
  }

  /** The message was queued under `id` (the id queueId() gave, if it gave one). */
  stored(id: string, m: StoredMessage): void {
    this.inData = false;
    const from = this.txn?.from ?? '';
    const nrcpts = this.txn?.nrcpts ?? 0;
    this.log.received(id, this.received(from, nrcpts, m));
    this.txn = undefined;
    this.qid = undefined;
  }

  /**
   * The message was refused at its end or thrown away (check_eoh with the
   * header count and length, check_eom with the size, the size limit, a
   * discard): the transaction is over.  sendmail logs check_eoh's refusal
   * before the from= line, check_eom's after it.
   */
  messageRefused(m: RefusedMessage, check?: EndCheck): void {
    this.inData = false;
    const refusal = check ? refusalIn(check.decision) : undefined;
    const qid = this.queueId();
    if (refusal && check?.stage === 'check_eoh') this.checkRefusal(refusal, check.stage, check.args);
    const txn = this.txn;
    this.closeTransaction(m, 'quiet');
    if (refusal && check?.stage === 'check_eom') this.checkRefusal(refusal, check.stage, check.args, qid);
    // then each recipient with the refusal's text as its status (the envelope's priority: size + 30000 a recipient)
    if (refusal && txn) {
      const stat = refusal.reply.lines[0] ?? '';
      this.recipientLines(qid, txn, 'deliveryDeferred', stat, m.size + 30000 * txn.nrcpts);
    }
  }

  /** The to= lines of the recipients of a transaction that ends without a message. */
  private recipientLines(qid: string, txn: OpenTransaction, event: 'deliveryDeferred' | 'abortedRecipient', stat: string, priority: number): void {
    if (!this.log.wants(event)) return;
    const delaySeconds = (Date.now() - txn.started) / 1000;
    for (const r of txn.recipients) this.log.event(event, qid, deliveryLine({ to: [r], delaySeconds, priority, stat }));
  }

  /** A refusal of check_data, check_eoh or check_eom: "ruleset=NAME, arg1=..., arg2=..., relay=..., reject=...". */
  private checkRefusal(r: Refusal, ruleset: string, args: readonly string[], qid = this.queueId()): void {
    if (this.log.wants('rulesetReject')) this.log.rulesetReject(qid, r.ruleset ?? ruleset, args, this.facts.relay, replyText(r.reply));
  }

  /** The message data was refused as it came in (a bare CR or LF, with sendmail's reply text): the collect line, the from= line with the size taken. */
  collectRefused(info: string, where: 'header' | 'body', size: number): void {
    this.log.collectRefused(this.queueId(), this.clientHost(), this.txn?.from ?? '', info, where, 'tempfail');
    this.closeTransaction({ size }, 'quiet');
  }

  /** BadRcptThrottle was reached: RCPTs of this transaction are slowed from now on. */
  rcptFlood(): void {
    if (this.log.wants('rcptFlood')) this.log.event('rcptFlood', this.queueId(), `${this.facts.relay}: Possible SMTP RCPT flood, throttling.`);
  }

  /**
   * The message's header was longer than MaxHeadersLength: sendmail's
   * collect() line, the from= line, then each recipient with the reply's
   * text as its status.
   */
  headersTooLarge(max: number, m: RefusedMessage, stat: string): void {
    const qid = this.queueId();
    this.log.event('headersTooLarge', qid, `headers too large (${max} max) from ${this.clientHost()} during message collect`);
    const txn = this.txn;
    this.closeTransaction(m, 'quiet');
    if (txn) this.recipientLines(qid, txn, 'deliveryDeferred', stat, m.size + 30000 * txn.nrcpts);
  }

  /** The client's host as collect() names it: "localhost" of "localhost [127.0.0.1]" or, for -bs, of "root@localhost". */
  private clientHost(): string {
    return (this.facts.relay.split(' ')[0] ?? '').replace(/^[^@[]*@/, '');
  }

  /** The connection is over: `quit` when the client said QUIT. */
  end(quit: boolean): void {
    if (this.ended) return;
    this.ended = true;
    if (this.refused) return;
    if (!quit && this.txn) {
      if (this.inData) this.log.collectClosed(this.queueId(), this.clientHost(), this.txn.from);
      else this.log.lostInput(this.queueId(), this.facts.relay, this.facts.daemon, this.lastCommand);
    }
    // cut off during DATA: the bytes received so far (and no to= lines)
    if (!quit && this.inData) this.closeTransaction({ size: this.dataBytes }, 'quiet');
    else this.closeTransaction();
    if (!this.transacted && this.log.wants('noTransaction')) this.log.noTransaction(this.queueId(), this.facts.relay, this.facts.daemon);
  }

  /** A transaction that ends without a message: its from= line with size=0 (or what was received). */
  private closeTransaction(m: RefusedMessage = { size: 0 }, ending: Ending = 'aborted'): void {
    const txn = this.txn;
    if (!txn) return;
    this.txn = undefined;
    this.inData = false;
    // a transaction given up: each recipient "aborted by sender" before the from= line
    if (ending === 'aborted') this.recipientLines(this.queueId(), txn, 'abortedRecipient', 'aborted by sender', 0);
    if (this.log.wants('received')) this.log.received(this.queueId(), this.received(txn.from, txn.nrcpts, { precedenceClass: 0, proto: this.proto, ...m }));
    this.qid = undefined;
  }

  private received(from: string, nrcpts: number, m: StoredMessage): ReceivedFields {
    return {
      from,
      size: m.size,
      precedenceClass: m.precedenceClass,
      nrcpts,
      msgid: m.msgid,
      bodyType: m.bodyType,
      proto: this.facts.local ? undefined : (m.proto ?? 'SMTP'),
      daemon: this.facts.local ? undefined : this.facts.daemon,
      relay: this.facts.relay,
    };
  }

  private shownSender(sender: string): string {
    return this.facts.local ? sender.replace(/^<(.*)>$/, '$1') : sender;
  }
}
