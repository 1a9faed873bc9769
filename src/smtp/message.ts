// The received message turned into queue form: the header split from the
// body, sendmail's own headers added (Return-Path, Received, and Date, From,
// Message-Id when missing), the df body with LF line ends.

import type { QueuedHeader } from '../queue/envelope.js';
import { MACRO_EXPAND } from '../queue/qf-file.js';

export interface ParsedMessage {
  /** The message's own headers, in order. */
  headers: QueuedHeader[];
  /** The body with LF line ends (the df file's content). */
  body: Buffer;
  /** Size of header and body with LF line ends (sendmail's message size). */
  size: number;
  /** True when any byte has the high bit set. */
  eightBit: boolean;
}

const HEADER_NAME = /^[!-9;-~]+$/;

/** Splits the message data as received (dot-unstuffed, CRLF or LF line ends) into headers and body. */
export function parseMessage(data: Buffer): ParsedMessage {
  const text = data.toString('latin1').replace(/\r\n/g, '\n');
  const eightBit = /[\x80-\xff]/.test(text);
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const headers: QueuedHeader[] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') {
      i++;
      break;
    }
    const last = headers[headers.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      last.value += `\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !HEADER_NAME.test(line.slice(0, colon))) break; // not a header: the body starts here
    headers.push({ conditions: '', name: line.slice(0, colon), value: line.slice(colon + 1) });
  }
  const bodyLines = lines.slice(i);
  const body = Buffer.from(bodyLines.length ? `${bodyLines.join('\n')}\n` : '', 'latin1');
  return { headers, body, size: Buffer.byteLength(text, 'latin1'), eightBit };
}

/**
 * The length of a message's header as sendmail counts it (check_eoh's second
 * argument, and what MaxHeadersLength limits): every header line with its
 * newline, continuation lines included, plus the blank line that ends them.
 */
export function headersLength(headers: readonly (readonly [string, string])[]): number {
  let n = 1;
  for (const [name, value] of headers) n += name.length + 2 + value.length;
  return n;
}

export interface TraceInfo {
  /** $s, the HELO name (may be empty). */
  heloName: string;
  /** $_, "name [addr]". */
  clientDescription: string;
  /** $j */
  hostName: string;
  /** $v */
  version: string;
  /** $r: SMTP or ESMTP; undefined for local submission (no "with"). */
  protocol: string | undefined;
  queueId: string;
  /** The single recipient as given, when there is exactly one. */
  onlyRecipient: string | undefined;
  /** $b */
  date: string;
  /** The envelope sender without angle brackets ("" for the null sender). */
  bareSender: string;
  /** Message-Id time stamp YYYYMMDDhhmm (local time). */
  stamp: string;
  /** $x, the sender's full name (local submission: -F or the passwd gecos). */
  fullName?: string | undefined;
}

/** The Received: header value as sendmail's default configuration writes it (leading space included). */
export function receivedValue(t: TraceInfo): string {
  // $?sfrom $s $.$?_($?s$|from $.$_)
  const from = t.heloName ? ` from ${t.heloName} (${t.clientDescription})` : ` (from ${t.clientDescription})`;
  const by = `\n\tby ${t.hostName} (${t.version}/${t.version})${t.protocol ? ` with ${t.protocol}` : ''} id ${t.queueId}`;
  const tail = t.onlyRecipient !== undefined ? `\n\tfor ${t.onlyRecipient}; ${t.date}` : `;\n\t${t.date}`;
  return from + by + tail;
}

/** The message's own Message-Id, if it has one. */
export function ownMessageId(headers: readonly QueuedHeader[]): string | undefined {
  return headers.find((h) => h.name.toLowerCase() === 'message-id')?.value.trim();
}

/** The Message-Id time stamp: YYYYMMDDhhmm in local time. */
export function messageIdStamp(now: Date): string {
  const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
  return `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}${two(now.getHours())}${two(now.getMinutes())}`;
}

/** The Message-Id sendmail gives a message that has none: <stamp.queueid@host>. */
export function generatedMessageId(stamp: string, queueId: string, hostName: string): string {
  return `<${stamp}.${queueId}@${hostName}>`;
}

function has(headers: readonly QueuedHeader[], name: string): boolean {
  const lower = name.toLowerCase();
  return headers.some((h) => h.name.toLowerCase() === lower);
}

/**
 * The qf header list: sendmail's added headers first, then the message's own.
 * `received` is the Received: value (default: sendmail's default configuration's).
 */
export function queueHeaders(own: readonly QueuedHeader[], t: TraceInfo, received: string = receivedValue(t)): QueuedHeader[] {
  const out: QueuedHeader[] = [];
  // sendmail adds its own Return-Path even when the message has one (the message's stays too)
  out.push({ conditions: 'P', name: 'Return-Path', value: ` <${MACRO_EXPAND}g>` });
  out.push({ conditions: '', name: 'Received', value: received });
  if (!has(own, 'Date')) out.push({ conditions: 'D', name: 'Date', value: ` ${t.date}` });
  // H?F?From: $?x$x <$g>$|$g$.
  if (t.bareSender !== '' && !has(own, 'From')) {
    out.push({ conditions: 'F', name: 'From', value: t.fullName ? ` ${t.fullName} <${t.bareSender}>` : ` ${t.bareSender}` });
  }
  if (t.fullName && !has(own, 'Full-Name')) out.push({ conditions: 'x', name: 'Full-Name', value: ` ${t.fullName}` });
  if (!has(own, 'Message-Id')) out.push({ conditions: 'M', name: 'Message-Id', value: ` ${generatedMessageId(t.stamp, t.queueId, t.hostName)}` });
  return out.concat(own.map((h) => ({ ...h })));
}
