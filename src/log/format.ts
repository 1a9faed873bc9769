// The text of sendmail's log lines, field by field in sendmail 8.17's order
// and spelling (learned from what the real sendmail sent to syslog; the
// captured lines are the fixtures of test/log-format.test.ts).  Pure
// functions: no level, no sink, no clock.

import { isIP } from 'node:net';

/** "NOQUEUE" stands for the queue id when there is none yet. */
export const NO_QUEUE = 'NOQUEUE';

/** A reply as it shows after "reject=": "550 5.7.1 <a@b>... Relaying denied". */
export function replyText(reply: { code: number; enhanced?: string | undefined; lines: readonly string[] }): string {
  return [String(reply.code), reply.enhanced, reply.lines[0] ?? ''].filter((p) => p !== undefined && p !== '').join(' ');
}

/** "ruleset=check_rcpt, arg1=<a@b>, relay=name [addr], reject=550 5.7.1 ..." (arg2 only when given). */
export function rulesetReject(ruleset: string, args: readonly string[], relay: string, reply: string, verb = 'reject'): string {
  return `${rulesetCall(ruleset, args, relay)}, ${verb}=${reply}`;
}

/** "ruleset=NAME, arg1=..., relay=..., discard": a check ruleset's $#discard. */
export function rulesetDiscard(ruleset: string, args: readonly string[], relay: string): string {
  return `${rulesetCall(ruleset, args, relay)}, discard`;
}

/** "ruleset=NAME, arg1=..., arg2=..., relay=...". */
function rulesetCall(ruleset: string, args: readonly string[], relay: string): string {
  const argText = args.map((a, i) => `arg${i + 1}=${a}`).join(', ');
  return `ruleset=${ruleset}, ${argText}, relay=${relay}`;
}

export interface ReceivedFields {
  /** The sender as given: "<a@b>" over SMTP, "root" or "a@b" from a local submission. */
  from: string;
  size: number;
  /** The message's Precedence class (the cf's P lines), 0 without one. */
  precedenceClass: number;
  nrcpts: number;
  msgid?: string | undefined;
  /** BODY= of MAIL, when given. */
  bodyType?: string | undefined;
  /** $r: SMTP or ESMTP; none for a local submission. */
  proto?: string | undefined;
  /** {daemon_name}; none for a local submission. */
  daemon?: string | undefined;
  /** $_: "name [addr]", "[addr]", "user@localhost". */
  relay: string;
}

/** The line for a message taken in (or a transaction given up): "from=<a@b>, size=N, class=0, nrcpts=N, ...". */
export function receivedLine(f: ReceivedFields): string {
  const parts = [`from=${f.from}`, `size=${f.size}`, `class=${f.precedenceClass}`, `nrcpts=${f.nrcpts}`];
  if (f.msgid !== undefined && f.msgid !== '') parts.push(`msgid=${f.msgid}`);
  if (f.bodyType !== undefined && f.bodyType !== '') parts.push(`bodytype=${f.bodyType}`);
  if (f.proto !== undefined && f.proto !== '') parts.push(`proto=${f.proto}`);
  if (f.daemon !== undefined && f.daemon !== '') parts.push(`daemon=${f.daemon}`);
  parts.push(`relay=${f.relay}`);
  return parts.join(', ');
}

/** A span of seconds as sendmail prints delay= and xdelay=: "HH:MM:SS", "D+HH:MM:SS" past a day. */
export function interval(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number): string => String(n).padStart(2, '0');
  const days = Math.floor(s / 86400);
  const hms = `${two(Math.floor((s % 86400) / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return days > 0 ? `${days}+${hms}` : hms;
}

export interface DeliveryFields {
  /** The recipients of this mailer run, as queued ("<a@b>" from SMTP, "a@b" from a local submission). */
  to: readonly string[];
  /** The controlling user, e.g. "root (0/0)". */
  ctladdr?: string | undefined;
  /** Seconds since the message was queued. */
  delaySeconds: number;
  /** Seconds of this attempt; left out when the mailer did not run (e.g. stat=queued). */
  xdelaySeconds?: number | undefined;
  /** Left out when the address never reached a mailer (it failed in resolution). */
  mailer?: string | undefined;
  priority: number;
  /** "name. [addr]" of the host that answered; none for local mailers. */
  relay?: string | undefined;
  /** Enhanced status, e.g. 2.0.0. */
  dsn?: string | undefined;
  /** The remote reply of a failure ("550 5.1.1 <a@b>... User unknown"). */
  reply?: string | undefined;
  /** "Sent (Ok queued as X)", "User unknown", "Deferred: 451 4.3.0 try later", "queued". */
  stat: string;
}

/** A delivery's controlling user as ctladdr= shows it: the address that stands for it, its uid and gid ("<fred> (1234/1234)"). */
export function controllingUser(address: string, uid: number, gid: number): string {
  return `${address} (${uid}/${gid})`;
}

/** "to=<a@b>,<c@d>, ctladdr=..., delay=..., xdelay=..., mailer=..., pri=..., relay=..., dsn=..., reply=..., stat=...". */
export function deliveryLine(f: DeliveryFields): string {
  const parts = [`to=${f.to.join(',')}`];
  if (f.ctladdr !== undefined) parts.push(`ctladdr=${f.ctladdr}`);
  parts.push(`delay=${interval(f.delaySeconds)}`);
  if (f.xdelaySeconds !== undefined) parts.push(`xdelay=${interval(f.xdelaySeconds)}`);
  if (f.mailer !== undefined) parts.push(`mailer=${f.mailer}`);
  parts.push(`pri=${f.priority}`);
  if (f.relay !== undefined && f.relay !== '') parts.push(`relay=${f.relay}`);
  if (f.dsn !== undefined && f.dsn !== '') parts.push(`dsn=${f.dsn}`);
  if (f.reply !== undefined && f.reply !== '') parts.push(`reply=${f.reply}`);
  parts.push(`stat=${f.stat}`);
  return parts.join(', ');
}

/**
 * The relay of an SMTP delivery: "mx.example.com. [192.0.2.1]"; an address
 * literal ([192.0.2.1], which the SMTP client names by its bare address)
 * shows bracketed: "[192.0.2.1] [192.0.2.1]".
 */
export function remoteRelay(host: string, address: string | undefined): string {
  const name = host.startsWith('[') || host.endsWith('.') ? host : isIP(host) !== 0 ? `[${host}]` : `${host}.`;
  return address === undefined || address === '' ? name : `${name} [${address}]`;
}

/** A report queued about a message: "NEWID: DSN: User unknown", "NEWID: return to sender: ...", "NEWID: postmaster notify: ...". */
export function reportLine(reportId: string, kind: 'DSN' | 'return to sender' | 'postmaster notify' | 'delay warning', text: string): string {
  return `${reportId}: ${kind}: ${text}`;
}

/** A connection without a mail transaction: "name [addr] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA". */
export function noTransactionLine(relay: string, daemon: string): string {
  return `${relay} did not issue MAIL/EXPN/VRFY/ETRN during connection to ${daemon}`;
}

/** The client went away mid-transaction: "lost input channel from name [addr] to MTA after mail". */
export function lostInputLine(relay: string, daemon: string, after: string): string {
  return `lost input channel from ${relay} to ${daemon} after ${after}`;
}

/** The daemon's start: "starting daemon (8.17.1.9): SMTP+queueing@00:30:00". */
export function startingLine(version: string, smtp: boolean, queueIntervalSeconds: number): string {
  const what = [smtp ? 'SMTP' : '', queueIntervalSeconds > 0 ? `queueing@${interval(queueIntervalSeconds)}` : ''].filter((w) => w !== '').join('+');
  return `starting daemon (${version}): ${what}`;
}

/** A line the queue runner also prints for -v that the mail log carries: "QID: to=...", "QID: NEWID: DSN: ...". */
export function isDeliveryLogLine(line: string): boolean {
  return /^\S+: (to=|\S+: (DSN|postmaster notify|return to sender|delay warning): )/.test(line);
}
