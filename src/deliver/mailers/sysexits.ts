// Exit codes of delivery agents (<sysexits.h>) and what sendmail makes of
// them: temporary or permanent, the reply it logs in the transcript and the
// DSN Status it writes.  Values observed from sendmail 8.17 bouncing a
// message aliased to "|exit N" for each N.

import { makeResult, type DeliveryResult } from '../status.js';

export const EX_OK = 0;
export const EX_USAGE = 64;
export const EX_DATAERR = 65;
export const EX_NOINPUT = 66;
export const EX_NOUSER = 67;
export const EX_NOHOST = 68;
export const EX_UNAVAILABLE = 69;
export const EX_SOFTWARE = 70;
export const EX_OSERR = 71;
export const EX_OSFILE = 72;
export const EX_CANTCREAT = 73;
export const EX_IOERR = 74;
export const EX_TEMPFAIL = 75;
export const EX_PROTOCOL = 76;
export const EX_NOPERM = 77;
export const EX_CONFIG = 78;

interface ExitInfo {
  readonly name: string;
  readonly text: string;
  /** Reply code and enhanced code of the transcript line. */
  readonly reply: number;
  readonly replyStatus: string;
  /** The DSN Status field. */
  readonly dsnStatus: string;
  /** True when the transcript line names the address ("x... User unknown"). */
  readonly namesAddress: boolean;
}

const EXITS: ReadonlyMap<number, ExitInfo> = new Map<number, ExitInfo>([
  [EX_USAGE, { name: 'EX_USAGE', text: 'Command line usage error', reply: 500, replyStatus: '5.0.0', dsnStatus: '5.5.4', namesAddress: false }],
  [EX_DATAERR, { name: 'EX_DATAERR', text: 'Data format error', reply: 501, replyStatus: '5.6.0', dsnStatus: '5.5.2', namesAddress: false }],
  [EX_NOINPUT, { name: 'EX_NOINPUT', text: 'Cannot open input', reply: 550, replyStatus: '5.3.0', dsnStatus: '5.3.0', namesAddress: true }],
  [EX_NOUSER, { name: 'EX_NOUSER', text: 'User unknown', reply: 550, replyStatus: '5.1.1', dsnStatus: '5.1.1', namesAddress: true }],
  [EX_NOHOST, { name: 'EX_NOHOST', text: 'Host unknown', reply: 550, replyStatus: '5.1.2', dsnStatus: '5.1.2', namesAddress: true }],
  [EX_UNAVAILABLE, { name: 'EX_UNAVAILABLE', text: 'Service unavailable', reply: 554, replyStatus: '5.0.0', dsnStatus: '5.5.0', namesAddress: false }],
  [EX_SOFTWARE, { name: 'EX_SOFTWARE', text: 'Internal error', reply: 554, replyStatus: '5.3.0', dsnStatus: '5.5.0', namesAddress: false }],
  [EX_OSERR, { name: 'EX_OSERR', text: 'Operating system error', reply: 451, replyStatus: '4.0.0', dsnStatus: '4.0.0', namesAddress: false }],
  [EX_OSFILE, { name: 'EX_OSFILE', text: 'System file missing', reply: 554, replyStatus: '5.3.5', dsnStatus: '5.5.0', namesAddress: false }],
  [EX_CANTCREAT, { name: 'EX_CANTCREAT', text: "Can't create output", reply: 550, replyStatus: '5.0.0', dsnStatus: '5.3.0', namesAddress: true }],
  [EX_IOERR, { name: 'EX_IOERR', text: 'I/O error', reply: 451, replyStatus: '4.0.0', dsnStatus: '4.0.0', namesAddress: false }],
  [EX_TEMPFAIL, { name: 'EX_TEMPFAIL', text: 'Deferred', reply: 450, replyStatus: '4.0.0', dsnStatus: '4.0.0', namesAddress: false }],
  [EX_PROTOCOL, { name: 'EX_PROTOCOL', text: 'Remote protocol error', reply: 554, replyStatus: '5.5.0', dsnStatus: '5.5.0', namesAddress: false }],
  [EX_NOPERM, { name: 'EX_NOPERM', text: 'Insufficient permission', reply: 550, replyStatus: '5.0.0', dsnStatus: '5.3.0', namesAddress: true }],
  [EX_CONFIG, { name: 'EX_CONFIG', text: 'Local configuration error', reply: 554, replyStatus: '5.3.5', dsnStatus: '5.5.0', namesAddress: false }],
]);

/** True for the exit codes sendmail treats as temporary (the message stays queued). */
export function isTemporaryExit(code: number): boolean {
  return code === EX_TEMPFAIL || code === EX_OSERR || code === EX_IOERR;
}

/** "EX_NOUSER" for 67, or undefined for a code outside <sysexits.h>. */
export function exitName(code: number): string | undefined {
  return code === EX_OK ? 'EX_OK' : EXITS.get(code)?.name;
}

/**
 * What a delivery agent's exit status means for the recipient `address`.
 * `mailerDesc` names the agent in the deferral text ("prog mailer (/bin/sh)").
 * `detail`, when given, replaces the table's text (e.g. a program's own message).
 */
export function resultFromExit(code: number, address: string, mailerDesc: string, detail?: string): DeliveryResult {
  if (code === EX_OK) {
    return makeResult('sent', '2.0.0', 'Sent', { diagnosticType: 'X-Unix' });
  }
  const info = EXITS.get(code);
  if (info === undefined) {
    // sendmail: any other status is an "unknown mailer error", permanent.
    const text = detail ?? String(code);
    return makeResult('permfail', '5.0.0', text, {
      diagnostic: String(code),
      diagnosticType: 'X-Unix',
      transcript: [`554 5.3.0 unknown mailer error ${code}`],
    });
  }
  const text = detail ?? info.text;
  const line = `${info.reply} ${info.replyStatus} ${info.namesAddress ? `${address}... ` : ''}${text}`;
  if (isTemporaryExit(code)) {
    const deferred = code === EX_TEMPFAIL ? `Deferred: ${mailerDesc} exited with ${info.name}` : text;
    return makeResult('tempfail', info.dsnStatus, deferred, {
      diagnostic: String(code),
      diagnosticType: 'X-Unix',
      transcript: [`${address}... ${deferred}`],
    });
  }
  return makeResult('permfail', info.dsnStatus, text, {
    diagnostic: String(code),
    diagnosticType: 'X-Unix',
    transcript: [line],
  });
}
