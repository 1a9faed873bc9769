// What delivery reads from a queued envelope (src/queue/envelope.ts): the
// DSN parameters to pass on by SMTP (RET and ENVID from the F and Z lines,
// NOTIFY and ORCPT from each recipient's R flags and Q line), whether a
// recipient wants a report of a kind, and its DSN fields for the report.
// Envelope F letters (observed in sendmail 8.17 qf files): "d" RET was
// given, "n" RET=HDRS.

import type { Envelope, QueuedRecipient, RecipientFlags } from '../queue/envelope.js';
import { wantsReport, type ReportedRecipient, type ReportKind } from './dsn.js';
import type { DsnNotify, SmtpRecipient } from './smtp-client.js';
import type { DeliveryResult } from './status.js';

/** RET and ENVID of the envelope, as deliverSmtp takes them. */
export function envelopeDsn(env: Envelope): { ret?: 'FULL' | 'HDRS'; envid?: string } {
  const ret = env.flags.includes('n') ? 'HDRS' : env.flags.includes('d') ? 'FULL' : undefined;
  return { ret, envid: env.envelopeId };
}

/** The NOTIFY parameter a recipient was given, or undefined when none was. */
export function notifyOf(flags: RecipientFlags): DsnNotify | undefined {
  if (!flags.notifyGiven) return undefined;
  const list: ('SUCCESS' | 'FAILURE' | 'DELAY')[] = [];
  if (flags.notifySuccess) list.push('SUCCESS');
  if (flags.notifyFailure) list.push('FAILURE');
  if (flags.notifyDelay) list.push('DELAY');
  return list.length === 0 ? 'NEVER' : list;
}

/** The address without the angle brackets the R line may keep ("<root>" -> "root"). */
export function bareAddress(q: QueuedRecipient): string {
  return q.address.replace(/^<(.*)>$/, '$1');
}

/** The SMTP recipient with its DSN parameters. */
export function smtpRecipientOf(q: QueuedRecipient): SmtpRecipient {
  return { address: bareAddress(q), notify: notifyOf(q.flags), orcpt: q.originalRecipient };
}

/** Whether the recipient's NOTIFY settings ask for a report of `kind`. */
export function recipientWantsReport(q: QueuedRecipient, kind: ReportKind): boolean {
  const f = q.flags;
  return wantsReport(kind, { given: f.notifyGiven, success: f.notifySuccess, failure: f.notifyFailure, delay: f.notifyDelay });
}

/** The recipient's entry in a report. */
export function reportedRecipientOf(
  q: QueuedRecipient,
  result: DeliveryResult,
  lastAttempt: Date,
  extra: Partial<Pick<ReportedRecipient, 'actualRecipient' | 'expandedFrom' | 'willRetryUntil' | 'display'>> = {},
): ReportedRecipient {
  const address = bareAddress(q);
  return {
    display: address,
    finalRecipient: q.finalRecipient ?? `RFC822; ${address}`,
    originalRecipient: q.originalRecipient,
    result,
    lastAttempt,
    ...extra,
  };
}
