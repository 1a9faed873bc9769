// The mail log: one method per event sendmail logs, each checked against
// the LogLevel and sent to the sink with its severity, the queue id (or
// NOQUEUE) in front as sendmail puts it.

import { EVENTS, type EventName } from './levels.js';
import * as F from './format.js';
import { NullSink, type LogSink } from './sink.js';

export class MailLog {
  constructor(
    readonly sink: LogSink,
    /** LogLevel. */
    public level: number,
  ) {}

  /** A log that drops everything. */
  static disabled(): MailLog {
    return new MailLog(new NullSink(), -1);
  }

  /** True when `event` is logged at the current LogLevel. */
  wants(event: EventName): boolean {
    return this.level >= EVENTS[event].level;
  }

  /** Logs `text` for `event` with "qid: " in front (none when qid is null). */
  event(event: EventName, qid: string | null | undefined, text: string): void {
    if (!this.wants(event)) return;
    this.sink.write(EVENTS[event].severity, qid === null ? text : `${qid ?? F.NO_QUEUE}: ${text}`);
  }

  startingDaemon(version: string, smtp: boolean, queueIntervalSeconds: number): void {
    this.event('startingDaemon', null, F.startingLine(version, smtp, queueIntervalSeconds));
  }

  startedAs(commandLine: string): void {
    this.event('startedAs', null, `started as: ${commandLine}`);
  }

  stoppingDaemon(reason: string): void {
    this.event('stoppingDaemon', undefined, `stopping daemon, reason=${reason}`);
  }

  /** MaxDaemonChildren reached: the daemon's listener stops accepting. */
  rejectingConnections(daemon: string, children: number, max: number): void {
    this.event('rejectingConnections', null, `rejecting connections on daemon ${daemon}: ${children} children, max ${max}`);
  }

  acceptingConnections(daemon: string): void {
    this.event('acceptingConnections', null, `accepting connections again for daemon ${daemon}`);
  }

  connect(relay: string): void {
    this.event('connect', undefined, `connect from ${relay}`);
  }

  /** A check_* ruleset refused: "ruleset=check_relay, arg1=..., arg2=..., relay=..., reject=...". A connection refusal has no queue id (null). */
  rulesetReject(qid: string | null | undefined, ruleset: string, args: readonly string[], relay: string, reply: string): void {
    this.event('rulesetReject', qid, F.rulesetReject(ruleset, args, relay, reply));
  }

  /** A check ruleset said $#discard: "ruleset=check_compat, arg1=..., arg2=..., relay=..., discard". */
  rulesetDiscard(qid: string | null | undefined, ruleset: string, args: readonly string[], relay: string): void {
    this.event('rulesetReject', qid, F.rulesetDiscard(ruleset, args, relay));
  }

  /** An address refused for another reason: "<a@b>... User unknown". */
  addressRefused(qid: string | undefined, text: string): void {
    this.event('addressRefused', qid, text);
  }

  received(qid: string | undefined, fields: F.ReceivedFields): void {
    this.event('received', qid, F.receivedLine(fields));
  }

  noTransaction(qid: string | undefined, relay: string, daemon: string): void {
    this.event('noTransaction', qid, F.noTransactionLine(relay, daemon));
  }

  lostInput(qid: string | undefined, relay: string, daemon: string, after: string): void {
    this.event('lostInput', qid, F.lostInputLine(relay, daemon, after));
  }

  /** The client closed the connection during DATA. */
  /** The message data was refused while it came in (a bare CR or LF): where it was and the status it left. */
  collectRefused(qid: string | undefined, relayName: string, from: string, info: string, where: 'header' | 'body', status: string): void {
    this.event('collectRefused', qid, `collect: relay=${relayName}, from=${from}, info=${info}, where=${where}, status=${status}`);
  }

  collectClosed(qid: string | undefined, relayName: string, from: string): void {
    this.event('prematureEom', qid, 'collect: premature EOM: unexpected close');
    this.event('collectClosed', qid, `collect: relay=${relayName}, from=${from}, info=unexpected close`);
  }

  vrfyExpn(qid: string | undefined, relay: string, command: string): void {
    this.event('vrfyExpn', qid, `${relay}: ${command}`);
  }

  /** A delivery attempt; its level follows the outcome (failed 7, sent 8, deferred or queued 9). */
  delivery(qid: string, outcome: 'sent' | 'permfail' | 'tempfail', fields: F.DeliveryFields): void {
    const event = outcome === 'sent' ? 'deliverySent' : outcome === 'permfail' ? 'deliveryFailed' : 'deliveryDeferred';
    this.event(event, qid, F.deliveryLine(fields));
  }

  report(qid: string, reportId: string, kind: Parameters<typeof F.reportLine>[1], text: string): void {
    this.event('report', qid, F.reportLine(reportId, kind, text));
  }

  done(qid: string, delaySeconds: number, tries: number): void {
    this.event('done', qid, `done; delay=${F.interval(delaySeconds)}, ntries=${tries}`);
  }
}
