// The one reply builder: every SMTP reply the daemon writes is a Reply made
// here.  A Reply is checked when it is made (three-digit code of a known
// class, enhanced code whose class matches, no CR/LF/NUL in the text, no line
// over the RFC 5321 limit), so nothing malformed reaches the wire.  Replies
// that come from configuration (access map ERROR: entries, $#error mailers)
// go through replyFromConfig, which turns a malformed one into 451 4.3.0 and
// reports a warning instead.

import { ENHANCED_CODE_SHAPE, enhancedCodeText } from './enhanced-codes.js';

/** What a reply code's first digit says. Temporary and permanent failures are distinct kinds. */
export type ReplyClass = 'positive' | 'intermediate' | 'tempfail' | 'permfail';

export interface Reply {
  /** Three-digit reply code, 200..599. */
  readonly code: number;
  /** Enhanced status code "c.s.d" or undefined (greeting, EHLO, 3xx). */
  readonly enhanced: string | undefined;
  /** One entry per reply line, without code or line ending. At least one. */
  readonly lines: readonly string[];
}

/** RFC 5321 4.5.3.1.5: a reply line is at most 512 octets including CRLF. */
export const MAX_REPLY_LINE = 512;

export class MalformedReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedReplyError';
  }
}

/** The class of a reply code: 2xx positive, 3xx intermediate, 4xx tempfail, 5xx permfail. */
export function replyClass(code: number): ReplyClass {
  const c = Math.floor(code / 100);
  switch (c) {
    case 2:
      return 'positive';
    case 3:
      return 'intermediate';
    case 4:
      return 'tempfail';
    case 5:
      return 'permfail';
    default:
      throw new MalformedReplyError(`reply code ${code} is not between 200 and 599`);
  }
}

function checkCode(code: number): void {
  if (!Number.isInteger(code) || code < 200 || code > 599) {
    throw new MalformedReplyError(`reply code ${String(code)} is not a three-digit code between 200 and 599`);
  }
  const second = Math.floor(code / 10) % 10;
  if (second > 5) {
    throw new MalformedReplyError(`reply code ${code}: second digit must be 0..5`);
  }
}

function checkEnhanced(code: number, enhanced: string): void {
  const m = ENHANCED_CODE_SHAPE.exec(enhanced);
  if (!m) {
    throw new MalformedReplyError(`enhanced status code "${enhanced}" is not of the form class.subject.detail with class 2, 4 or 5`);
  }
  if (Number(m[1]) !== Math.floor(code / 100)) {
    throw new MalformedReplyError(`enhanced status code ${enhanced} does not match the class of reply code ${code}`);
  }
}

function checkLine(prefixLength: number, line: string): void {
  if (/[\r\n\0]/.test(line)) {
    throw new MalformedReplyError(`reply text contains CR, LF or NUL: ${JSON.stringify(line)}`);
  }
  const octets = prefixLength + Buffer.byteLength(line, 'latin1') + 2;
  if (octets > MAX_REPLY_LINE) {
    throw new MalformedReplyError(`reply line of ${octets} octets is over the limit of ${MAX_REPLY_LINE}`);
  }
}

/**
 * Makes a reply; throws MalformedReplyError if any part is malformed.
 * `text` may be one line or several (a multi-line reply).
 */
export function makeReply(code: number, enhanced: string | undefined, text: string | readonly string[]): Reply {
  checkCode(code);
  if (enhanced !== undefined) {
    if (code >= 300 && code < 400) {
      throw new MalformedReplyError(`reply code ${code} is intermediate and takes no enhanced status code`);
    }
    checkEnhanced(code, enhanced);
  }
  const lines = typeof text === 'string' ? [text] : [...text];
  if (lines.length === 0) lines.push('');
  const prefix = 4 + (enhanced !== undefined ? enhanced.length + 1 : 0);
  for (const line of lines) checkLine(prefix, line);
  return Object.freeze({ code, enhanced, lines: Object.freeze(lines) });
}

/** A reply whose text is the default text of its enhanced code, e.g. "550 5.1.1 Bad destination mailbox address". */
export function makeDefaultReply(code: number, enhanced: string): Reply {
  const text = enhancedCodeText(enhanced);
  if (text === undefined) throw new MalformedReplyError(`enhanced status code ${enhanced} has no default text`);
  return makeReply(code, enhanced, text);
}

/** The reply sent in place of a malformed one from configuration. */
export const CONFIG_ERROR_REPLY: Reply = makeReply(451, '4.3.0', 'Temporary system configuration error');

/**
 * Makes a reply from configured values (access map, error mailer, policy).  A
 * malformed one becomes 451 4.3.0; `warn` gets a message saying what was wrong
 * and where it came from.
 */
export function replyFromConfig(
  code: number,
  enhanced: string | undefined,
  text: string | readonly string[],
  origin: string,
  warn: (message: string) => void,
): Reply {
  try {
    return makeReply(code, enhanced, text);
  } catch (err) {
    if (!(err instanceof MalformedReplyError)) throw err;
    warn(`${origin}: malformed SMTP reply replaced by 451 4.3.0: ${err.message}`);
    return CONFIG_ERROR_REPLY;
  }
}

/** The reply's bytes on the wire: each line "code-enh text" (last one "code enh text"), CRLF-terminated. */
export function formatReply(reply: Reply): string {
  const n = reply.lines.length;
  let out = '';
  for (let i = 0; i < n; i++) {
    const sep = i < n - 1 ? '-' : ' ';
    const line = reply.lines[i] ?? '';
    const enh = reply.enhanced !== undefined ? `${reply.enhanced} ` : '';
    // an empty AUTH challenge keeps its blank ("334 ", RFC 4954), as sendmail sends it
    out += line === '' && enh === '' && reply.code !== 334 ? `${reply.code}${sep === ' ' ? '' : sep}\r\n` : `${reply.code}${sep}${enh}${line}\r\n`;
  }
  return out;
}

/** True for 4xx replies (a temporary failure). */
export function isTempfail(reply: Reply): boolean {
  return reply.code >= 400 && reply.code < 500;
}

/** True for 5xx replies (a permanent failure). */
export function isPermfail(reply: Reply): boolean {
  return reply.code >= 500;
}

/**
 * Reads a configured reply text such as "451 try later", "550 5.7.1 Access
 * denied" or plain "Access denied" (then `code` and `enhanced` apply), the
 * forms an access map ERROR: entry or an error mailer's text takes.  A
 * leading enhanced code in the text wins over `enhanced`.  Malformed results
 * become 451 4.3.0 as in replyFromConfig.
 */
export function replyFromText(
  text: string,
  code: number,
  enhanced: string | undefined,
  origin: string,
  warn: (message: string) => void,
): Reply {
  let rest = text;
  let c = code;
  let e = enhanced;
  const codeMatch = /^(\d{3})(?:[ -]|$)/.exec(rest);
  if (codeMatch) {
    c = Number(codeMatch[1]);
    rest = rest.slice(codeMatch[0].length);
  }
  const enhMatch = /^(\d\.\d{1,3}\.\d{1,3})(?: |$)/.exec(rest);
  if (enhMatch) {
    e = enhMatch[1];
    rest = rest.slice(enhMatch[0].length);
  }
  return replyFromConfig(c, e, rest, origin, warn);
}
