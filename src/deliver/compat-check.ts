// check_compat: before a recipient is handed to its mailer, sendmail runs
// the cf's check_compat ruleset on "sender $| recipient" (FEATURE
// compat_check fills it from the access map's "Compat:" entries).  What
// real 8.17 does with its answer (learned with -q -v and its syslog):
//   $#discard   the recipient is dropped without a word to anyone; the log
//               says "ruleset=check_compat, arg1=S, arg2=R, relay=..., discard"
//   $#error     the recipient fails as a mailer exiting with the status's
//               sysexits code (UNAVAILABLE: 69, "Service unavailable",
//               DSN 5.5.0), the error reply first in the bounce's
//               transcript ("550 5.7.1 R... text"); the log gives it as
//               "..., reject=550 5.7.1 R... text"
// A temporary failure (TEMPFAIL or a 4xx reply) defers the recipient.
import type { LoadedConfig } from '../config/loader.js';
import { errorMailerReply } from '../address/error-reply.js';
import { runCheckRuleset } from '../address/rscheck.js';
import { mailLog } from '../log/index.js';
import { replyText } from '../log/format.js';
import { EX_TEMPFAIL, EX_UNAVAILABLE, resultFromExit } from './mailers/sysexits.js';
import type { DeliveryResult } from './status.js';

export type CompatVerdict = { kind: 'ok' } | { kind: 'discard' } | { kind: 'fail'; result: DeliveryResult };

/** The sysexits code a $#error status names: a name, a number, else by the reply's class. */
function exitOf(status: string, code: number): number {
  const named: Record<string, number> = { UNAVAILABLE: EX_UNAVAILABLE, TEMPFAIL: EX_TEMPFAIL, TEMP: EX_TEMPFAIL };
  const byName = named[status.toUpperCase()];
  if (byName !== undefined) return byName;
  if (/^\d+$/.test(status)) return Number(status);
  return code >= 400 && code < 500 ? EX_TEMPFAIL : EX_UNAVAILABLE;
}

export interface CompatCall {
  /** The envelope sender and the recipient, as the queue file has them. */
  sender: string;
  recipient: string;
  /** The message's queue id and its client ($_), for the log. */
  queueId: string;
  relay: string;
  /** How the mailer is named in a deferral text ("local mailer"). */
  mailerDesc: string;
}

/** Runs check_compat for one recipient (a cf without the ruleset lets everything through). */
export async function checkCompat(loaded: LoadedConfig, call: CompatCall): Promise<CompatVerdict> {
  const args = [call.sender, call.recipient];
  const verdict = await runCheckRuleset(loaded, { ruleset: 'check_compat', args, scope: loaded.macros.scope() });
  if (verdict.kind === 'discard') {
    mailLog().rulesetDiscard(call.queueId, 'check_compat', args, call.relay);
    return { kind: 'discard' };
  }
  if (verdict.kind !== 'error') return { kind: 'ok' };
  const reply = errorMailerReply(verdict.status, verdict.text, call.recipient, () => {});
  const line = replyText(reply);
  mailLog().rulesetReject(call.queueId, 'check_compat', args, call.relay, line);
  const base = resultFromExit(exitOf(verdict.status, reply.code), call.recipient, call.mailerDesc);
  return { kind: 'fail', result: { ...base, transcript: [line, ...base.transcript] } };
}
