// What one SMTP session logs, as sendmail 8.17 logs it: the connection
// ("connect from", a check_relay refusal), refusals at MAIL and RCPT, the
// from= line when a message is taken in or when a transaction is given up
// (RSET, a new MAIL, QUIT or a lost connection after MAIL: "size=0,
// nrcpts=N"), "lost input channel" and "did not issue MAIL/EXPN/VRFY/ETRN"
// at the end.  The session calls it at each step; this keeps the
// transaction's log state (its queue id, made on first use, is the id the
// message is then queued under, as with sendmail).

import type { MailLog } from './mail-log.js';
import { replyText, type ReceivedFields } from './format.js';

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
}

/** The part of a message's from= line the session knows at the end of DATA. */
export type StoredMessage = Pick<ReceivedFields, 'size' | 'precedenceClass' | 'msgid' | 'bodyType' | 'proto'>;

export class SessionLog {
  private qid: string | undefined;
  private txn: OpenTransaction | undefined;
  /** MAIL, EXPN, VRFY or ETRN was given. */
  private transacted = false;
  /** The connection was refused at connect (check_relay): nothing more is logged for it. */
  private refused = false;
  private lastCommand = '';
  private inData = false;
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
    if (!refusal || refusal.ruleset !== undefined) this.txn = { from: this.shownSender(sender), nrcpts: 0 };
  }

  /** RCPT reached the policy and got this answer. */
  rcpt(address: string, decision: LoggedDecision): void {
    const refusal = refusalIn(decision);
    if (refusal) this.refusal(address, refusal);
    else if (this.txn) this.txn.nrcpts++;
  }

  private refusal(address: string, r: Refusal): void {
    if (r.ruleset !== undefined) {
      if (this.log.wants('rulesetReject')) this.log.rulesetReject(this.queueId(), r.ruleset, [address], this.facts.relay, replyText(r.reply));
    } else if (this.log.wants('addressRefused')) {
      this.log.addressRefused(this.queueId(), r.reply.lines[0] ?? '');
    }
  }

  /** DATA was answered 354. */
  dataStarted(): void {
    this.inData = true;
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

  /** The message was refused at its end (check_eoh, check_eom, size): the transaction is over. */
  messageRefused(size: number): void {
    this.inData = false;
    this.closeTransaction(size);
  }

  /** The connection is over: `quit` when the client said QUIT. */
  end(quit: boolean): void {
    if (this.ended) return;
    this.ended = true;
    if (this.refused) return;
    if (!quit && this.txn) {
      if (this.inData) this.log.collectClosed(this.queueId(), this.facts.relay.split(' ')[0] ?? '', this.txn.from);
      else this.log.lostInput(this.queueId(), this.facts.relay, this.facts.daemon, this.lastCommand);
    }
    this.closeTransaction();
    if (!this.transacted && this.log.wants('noTransaction')) this.log.noTransaction(this.queueId(), this.facts.relay, this.facts.daemon);
  }

  /** A transaction that ends without a message: its from= line with size=0 (or what was received). */
  private closeTransaction(size = 0): void {
    const txn = this.txn;
    if (!txn) return;
    this.txn = undefined;
    if (this.log.wants('received')) this.log.received(this.queueId(), this.received(txn.from, txn.nrcpts, { size, precedenceClass: 0, proto: this.proto }));
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
