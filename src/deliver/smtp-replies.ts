// What an SMTP peer's reply means for a recipient, as sendmail 8.17 reads
// it (observed against real sendmail and scripted peers): the reply parsed,
// the DSN status (the peer's enhanced code only when it offered
// ENHANCEDSTATUSCODES, otherwise one that follows from the reply code), the
// line sendmail writes for a failure (a refused MAIL is "Data format
// error", a refused RCPT 550/551/553 "User unknown", anything else "Service
// unavailable"), and the session transcript a bounce shows:
//
//   ... while talking to [192.0.2.1]:
//   >>> DATA                      (with PIPELINING; else each command)
//   <<< 550 5.1.1 No such user
//   550 5.1.1 bob@example.com... User unknown

import { EX_DATAERR, EX_NOUSER, EX_UNAVAILABLE, resultFromExit } from './mailers/sysexits.js';
import { classDigit, kindOfReplyCode, makeResult, type DeliveryKind, type DeliveryResult } from './status.js';

/** What an SMTP reply line says: its code, enhanced code and text. */
export interface ParsedReply {
  readonly code: number;
  readonly enhanced?: string;
  /** All lines joined with a space, codes stripped from continuation lines. */
  readonly text: string;
  /** The whole reply on one line as sendmail writes it into Diagnostic-Code. */
  readonly line: string;
  /** The reply lines as received. */
  readonly lines: readonly string[];
}

/** Parses a (possibly multi-line) reply as nodemailer hands it over. */
export function parseReply(raw: string): ParsedReply | undefined {
  const lines = raw.split(/\r?\n/).filter((l) => l !== '');
  const first = lines[0];
  if (first === undefined) return undefined;
  const m = /^(\d{3})[ -]?(.*)$/.exec(first);
  if (!m) return undefined;
  const code = Number(m[1]);
  const texts = lines.map((l) => l.replace(/^\d{3}[ -]?/, ''));
  let text = texts.join(' ');
  let enhanced: string | undefined;
  const e = /^([245]\.\d{1,3}\.\d{1,3})(?: |$)/.exec(text);
  if (e && e[1]?.[0] === String(code)[0]) {
    enhanced = e[1];
    text = text.slice(e[0].length);
  }
  return { code, enhanced, text, line: `${code} ${enhanced ? `${enhanced} ` : ''}${text}`.trimEnd(), lines };
}

/**
 * The DSN status sendmail gives a reply whose enhanced code it does not use
 * (the peer did not offer ENHANCEDSTATUSCODES, or the reply has none).
 */
const STATUS_OF_REPLY_CODE: Readonly<Record<number, string>> = {
  450: '4.2.0',
  451: '4.3.0',
  452: '4.3.1',
  500: '5.5.2',
  501: '5.5.4',
  502: '5.5.1',
  503: '5.5.1',
  504: '5.5.4',
  550: '5.1.1',
  551: '5.1.6',
  552: '5.2.2',
  553: '5.1.3',
  554: '5.0.0',
};

export function statusOf(reply: ParsedReply, kind: DeliveryKind, trustEnhanced: boolean): string {
  const digit = classDigit(kind);
  if (trustEnhanced && reply.enhanced?.[0] === digit) return reply.enhanced;
  const mapped = STATUS_OF_REPLY_CODE[reply.code];
  return mapped?.[0] === digit ? mapped : `${digit}.0.0`;
}

/** Which command a failure reply answered. */
export type ReplyStage = 'mail' | 'rcpt' | 'data';

/**
 * What we know of one session for judging replies and writing the
 * transcript the way sendmail does: "... while talking to HOST:", then for
 * each failure the command (with PIPELINING only once, the DATA that ended
 * the batch), the reply lines ("<<< ..."), and sendmail's own line.
 */
export class SessionTranscript {
  readonly lines: string[] = [];
  private commandShown = false;
  constructor(
    readonly host: string,
    readonly trustEnhanced: boolean,
    readonly pipelined: boolean,
  ) {}

  /**
   * The lines a failure reply gives its recipient; with `record` they are
   * also added to the session transcript (a reply shared by several
   * recipients is recorded once).
   */
  note(command: string, reply: ParsedReply, ownLine: string, record: boolean): string[] {
    // With PIPELINING sendmail still waits for the reply to MAIL; the rest
    // of the envelope goes in one batch ending with DATA.
    const shown = this.pipelined && !command.startsWith('MAIL ') ? 'DATA' : command;
    const replyLines = reply.lines.map((l) => `<<< ${l}`);
    if (record) {
      if (this.lines.length === 0) this.lines.push(`... while talking to ${this.host}:`);
      if (!this.pipelined || !this.commandShown) this.lines.push(`>>> ${shown}`);
      this.commandShown = true;
      this.lines.push(...replyLines, ownLine);
    }
    return [`... while talking to ${this.host}:`, `>>> ${shown}`, ...replyLines, ownLine];
  }
}

/** The result a reply gives one recipient, noting a failure in the session transcript. */
export function resultFromReply(
  reply: ParsedReply,
  session: SessionTranscript,
  address: string,
  stage: ReplyStage,
  command: string,
  record = true,
): DeliveryResult {
  const kind = kindOfReplyCode(reply.code);
  const status = statusOf(reply, kind, session.trustEnhanced);
  // A refused sender is reported without Remote-MTA, as sendmail does.
  const common = { diagnostic: reply.line, diagnosticType: 'SMTP' as const, remoteMta: stage === 'mail' ? undefined : session.host };
  if (kind === 'sent') return makeResult(kind, status, `Sent (${reply.text})`, common);
  let own: string;
  let text: string;
  if (kind === 'tempfail') {
    text = `Deferred: ${reply.line}`;
    own = `${address}... ${text}`;
  } else {
    // sendmail reads a refused MAIL as "Data format error", a refused RCPT
    // 550/551/553 as "User unknown", anything else as "Service unavailable".
    const exit =
      stage === 'mail' ? EX_DATAERR : stage === 'rcpt' && [550, 551, 553].includes(reply.code) ? EX_NOUSER : EX_UNAVAILABLE;
    own = resultFromExit(exit, address, 'esmtp').transcript[0] ?? '';
    text = reply.line;
  }
  return makeResult(kind, status, text, { ...common, transcript: session.note(command, reply, own, record) });
}
