// Delivery status notifications (RFC 3464 multipart/report) from
// MAILER-DAEMON, laid out as sendmail 8.17 writes them (learned from real
// bounces): failure reports ("Returned mail: see transcript for details"),
// delay warnings ("Warning: could not send message for past ..."), and
// return receipts for NOTIFY=SUCCESS (headers only, 2.1.5 for a local
// delivery).  Also who gets a report: the
// envelope sender; for a message from <> (itself a report) the double
// bounce address (postmaster); never anyone for a failed double bounce.
//
// The report is the message as the generator makes it: the queue adds its
// own Received: line when it queues the report, as for any message.

import { arpaDate } from '../smtp/arpadate.js';
import type { DeliveryResult } from './status.js';

export type ReportKind = 'failure' | 'delay' | 'success';

export interface ReportedRecipient {
  /** The address as the human-readable part shows it ("nosuchuser", "\"|exit 1\""). */
  readonly display: string;
  /** Final-Recipient value, e.g. "RFC822; bob@example.com". */
  readonly finalRecipient: string;
  /** X-Actual-Recipient value when known, e.g. "rfc822; bob@example.com" or "X-Unix; |exit 1". */
  readonly actualRecipient?: string;
  /** Original-Recipient (the ORCPT parameter), e.g. "rfc822;bob@example.com". */
  readonly originalRecipient?: string;
  /** The alias it came from, for the "(expanded from: ...)" line. */
  readonly expandedFrom?: string;
  readonly result: DeliveryResult;
  readonly lastAttempt: Date;
  /** For delay reports: when the queue gives up. */
  readonly willRetryUntil?: Date;
}

export interface ReportRequest {
  readonly kind: ReportKind;
  /** $j: the Reporting-MTA and the boundary's host part. */
  readonly reportingMta: string;
  /** Queue id of the report itself (boundary, Message-Id). */
  readonly reportId: string;
  readonly now: Date;
  /** When the original message arrived. */
  readonly arrivalDate: Date;
  /** "$_" of the original: who it came from ("root@localhost", "client.test [192.0.2.1]"). */
  readonly receivedFrom?: string;
  /** Received-From-MTA host when the original came in by SMTP. */
  readonly receivedFromMta?: string;
  /** ENVID of the original, as Original-Envelope-Id. */
  readonly envelopeId?: string;
  /** The report's To: header value (the original sender, or postmaster). */
  readonly to: string;
  readonly recipients: readonly ReportedRecipient[];
  /**
   * The "Transcript of session follows" lines; by default every reported
   * recipient's transcript in order.  Extra lines (timeouts) go at the end.
   */
  readonly transcript?: readonly string[];
  readonly extraTranscript?: readonly string[];
  /** Delay reports: the subject's "for past ..." interval text, e.g. "4 hours". */
  readonly delayedFor?: string;
  /** The original message (headers, blank line, body) as queued, LF or CRLF line ends. */
  readonly original: Buffer;
  /** RET=HDRS (or privacy nobodyreturn): return only the headers.  Default: true for success reports, else false. */
  readonly headersOnly?: boolean;
}

export interface Report {
  /** Always the null sender: a report is never reported on. */
  readonly sender: '';
  readonly message: Buffer;
}

/** Where a report about a message from `sender` goes, or undefined when it must be dropped. */
export function reportRecipient(
  sender: string,
  options: { readonly doubleBounceAddress?: string; readonly messageIsDoubleBounce?: boolean } = {},
): { readonly to: string; readonly doubleBounce: boolean } | undefined {
  const isNull = sender === '' || sender === '<>';
  if (!isNull) return { to: sender, doubleBounce: false };
  if (options.messageIsDoubleBounce === true) return undefined;
  const dba = options.doubleBounceAddress ?? 'postmaster';
  return dba === '' ? undefined : { to: dba, doubleBounce: true };
}

/** Which recipients a report of `kind` covers, by their DSN NOTIFY settings. */
export function wantsReport(
  kind: ReportKind,
  notify: { readonly given: boolean; readonly success: boolean; readonly failure: boolean; readonly delay: boolean },
): boolean {
  if (!notify.given) return kind !== 'success';
  return kind === 'success' ? notify.success : kind === 'failure' ? notify.failure : notify.delay;
}

const UNITS: readonly [number, string][] = [
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** An interval as sendmail words it: "5 days", "1 hour, 30 minutes", "1 second". */
export function intervalText(seconds: number): string {
  let rest = Math.max(0, Math.floor(seconds));
  const parts: string[] = [];
  for (const [size, name] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
  }
  return parts.length > 0 ? parts.join(', ') : '0 seconds';
}

/** Transcript lines of a delay warning. */
export function delayWarningLines(warnAfterSeconds: number, returnAfterSeconds: number): string[] {
  return [
    `Warning: message still undelivered after ${intervalText(warnAfterSeconds)}`,
    `Will keep trying until message is ${intervalText(returnAfterSeconds)} old`,
  ];
}

/**
 * A recipient still deferred when the message has been queued too long: it
 * is reported as failed with status 4.4.7 (and no reason line).
 */
export function expiredInQueue(result: DeliveryResult): DeliveryResult {
  return { ...result, kind: 'tempfail', status: '4.4.7' };
}

/** Transcript lines of a report for a message that timed out in the queue. */
export function queueTimeoutLines(returnAfterSeconds: number): string[] {
  return [`Message could not be delivered for ${intervalText(returnAfterSeconds)}`, 'Message will be deleted from queue'];
}

const two = (n: number): string => String(n).padStart(2, '0');

function messageIdStamp(d: Date): string {
  return `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}${two(d.getHours())}${two(d.getMinutes())}`;
}

function subjectOf(req: ReportRequest): string {
  if (req.kind === 'delay') return `Warning: could not send message for past ${req.delayedFor ?? 'a while'}`;
  if (req.kind === 'success') return 'Return receipt';
  return 'Returned mail: see transcript for details';
}

function autoSubmitted(kind: ReportKind): string {
  return kind === 'delay'
    ? 'auto-generated (warning-timeout)'
    : kind === 'success'
      ? 'auto-generated (return-receipt)'
      : 'auto-generated (failure)';
}

/** A local delivery (mailbox, file, program) as opposed to a relay by SMTP. */
const deliveredLocally = (r: DeliveryResult): boolean => r.diagnosticType !== 'SMTP';

function actionOf(kind: ReportKind, r: DeliveryResult): string {
  if (r.kind === 'sent') return deliveredLocally(r) ? 'delivered (to mailbox)' : 'relayed';
  if (kind === 'delay' && r.kind === 'tempfail') return 'delayed';
  return 'failed';
}

/** The "(reason: ...)" text: the remote reply for SMTP, the mailer's text otherwise. */
function reasonOf(r: DeliveryResult): string | undefined {
  if (r.diagnosticType === 'SMTP') return r.diagnostic;
  if (r.kind === 'tempfail') return undefined; // a message that timed out in the queue
  return r.text;
}

function humanPart(req: ReportRequest): string[] {
  const lines: string[] = [''];
  if (req.kind === 'delay') {
    lines.push(
      '    **********************************************',
      '    **      THIS IS A WARNING MESSAGE ONLY      **',
      '    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **',
      '    **********************************************',
      '',
    );
  }
  lines.push(`The original message was received at ${arpaDate(req.arrivalDate)}`);
  if (req.receivedFrom !== undefined) lines.push(`from ${req.receivedFrom}`);
  lines.push('');
  if (req.kind === 'failure') {
    lines.push('   ----- The following addresses had permanent fatal errors -----');
    for (const rc of req.recipients) {
      lines.push(rc.display);
      const reason = reasonOf(rc.result);
      if (reason !== undefined) lines.push(`    (reason: ${reason})`);
      if (rc.expandedFrom !== undefined) lines.push(`    (expanded from: ${rc.expandedFrom})`);
    }
    lines.push('');
  } else if (req.kind === 'success') {
    lines.push('   ----- The following addresses had successful delivery notifications -----');
    for (const rc of req.recipients) {
      const how = deliveredLocally(rc.result) ? 'successfully delivered to mailbox' : 'relayed to non-DSN-aware mailer';
      lines.push(`${rc.display}  (${how})`);
      if (rc.expandedFrom !== undefined) lines.push(`    (expanded from: ${rc.expandedFrom})`);
    }
    lines.push('');
  }
  const transcript =
    req.transcript ??
    (req.kind === 'success'
      ? req.recipients.map((rc) => `${rc.display}... Successfully delivered`)
      : req.recipients.flatMap((rc) => rc.result.transcript));
  const all = [...transcript, ...(req.extraTranscript ?? [])];
  if (all.length > 0) {
    lines.push('   ----- Transcript of session follows -----', ...all, '');
  }
  return lines;
}

function statusPart(req: ReportRequest): string[] {
  const lines: string[] = ['Content-Type: message/delivery-status', ''];
  if (req.envelopeId !== undefined) lines.push(`Original-Envelope-Id: ${req.envelopeId}`);
  lines.push(`Reporting-MTA: dns; ${req.reportingMta}`);
  if (req.receivedFromMta !== undefined) lines.push(`Received-From-MTA: DNS; ${req.receivedFromMta}`);
  lines.push(`Arrival-Date: ${arpaDate(req.arrivalDate)}`, '');
  for (const rc of req.recipients) {
    const r = rc.result;
    if (rc.originalRecipient !== undefined) lines.push(`Original-Recipient: ${rc.originalRecipient}`);
    lines.push(`Final-Recipient: ${rc.finalRecipient}`);
    if (rc.actualRecipient !== undefined) lines.push(`X-Actual-Recipient: ${rc.actualRecipient}`);
    // A local delivery is reported as 2.1.5 (destination address valid).
    const status = r.kind === 'sent' && deliveredLocally(r) && r.status === '2.0.0' ? '2.1.5' : r.status;
    lines.push(`Action: ${actionOf(req.kind, r)}`, `Status: ${status}`);
    if (r.remoteMta !== undefined) lines.push(`Remote-MTA: DNS; ${r.remoteMta}`);
    if (r.diagnostic !== undefined && r.kind !== 'sent') {
      lines.push(`Diagnostic-Code: ${r.diagnosticType ?? 'X-Unix'}; ${r.diagnostic}`);
    }
    lines.push(`Last-Attempt-Date: ${arpaDate(rc.lastAttempt)}`);
    if (req.kind === 'delay' && rc.willRetryUntil !== undefined) {
      lines.push(`Will-Retry-Until: ${arpaDate(rc.willRetryUntil)}`);
    }
    lines.push('');
  }
  return lines;
}

function originalPart(req: ReportRequest): string {
  const text = req.original.toString('latin1').replace(/\r\n/g, '\n');
  if (req.headersOnly ?? req.kind === 'success') {
    const end = text.indexOf('\n\n');
    const headers = end < 0 ? text : text.slice(0, end + 1);
    return `Content-Type: text/rfc822-headers\n\n${headers}${headers.endsWith('\n') ? '' : '\n'}`;
  }
  // The returned body has its "From " lines quoted, as sendmail writes it.
  const end = text.indexOf('\n\n');
  const quoted = end < 0 ? text : text.slice(0, end + 2) + text.slice(end + 2).replace(/^From /gm, '>From ');
  return `Content-Type: message/rfc822\n\n${quoted}${quoted.endsWith('\n') ? '' : '\n'}`;
}

/** Builds the report message. */
export function buildReport(req: ReportRequest): Report {
  const boundary = `${req.reportId}.${Math.floor(req.now.getTime() / 1000)}/${req.reportingMta}`;
  const head = [
    `Date: ${arpaDate(req.now)}`,
    'From: Mail Delivery Subsystem <MAILER-DAEMON>',
    `Message-Id: <${messageIdStamp(req.now)}.${req.reportId}@${req.reportingMta}>`,
    `To: ${req.to}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status;',
    `\tboundary="${boundary}"`,
    `Subject: ${subjectOf(req)}`,
    `Auto-Submitted: ${autoSubmitted(req.kind)}`,
    '',
    'This is a MIME-encapsulated message',
    '',
    `--${boundary}`,
  ];
  const text = [
    ...head,
    ...humanPart(req),
    `--${boundary}`,
    ...statusPart(req),
    `--${boundary}`,
    originalPart(req),
  ].join('\n');
  return { sender: '', message: Buffer.from(`${text}\n--${boundary}--\n\n`, 'latin1') };
}
