// sendmail 8.17's own reply texts, each learned from the real daemon (see
// test/smtp-replies.test.ts for the transcript they were checked against).
// Every function returns a Reply made by the reply builder.

import { isIPv6 } from 'node:net';
import { makeReply, type Reply } from './reply.js';

/** Identity strings used in replies: $j (host), $v and $Z (versions). */
export interface ServerIdentity {
  /** The canonical host name ($j). */
  readonly hostName: string;
  /** $v, e.g. "8.17.1.9". */
  readonly version: string;
}

/**
 * The greeting.  `message` is the expanded SmtpGreetingMessage (by default
 * "$j Sendmail $v/$Z; $b"); sendmail puts " ESMTP" after its first word.
 */
export function greeting(message: string): Reply {
  const space = message.indexOf(' ');
  const text = space < 0 ? `${message} ESMTP` : `${message.slice(0, space)} ESMTP${message.slice(space)}`;
  return makeReply(220, undefined, text);
}

/** The default SmtpGreetingMessage, expanded: "$j Sendmail $v/$Z; $b". */
export function defaultGreetingMessage(id: ServerIdentity, date: string): string {
  return `${id.hostName} Sendmail ${id.version}/${id.version}; ${date}`;
}

/** Connection refused by policy at connect time (the session then only answers QUIT). */
export function notAccepting(id: ServerIdentity): Reply {
  return makeReply(554, undefined, `${id.hostName} ESMTP not accepting messages`);
}

/**
 * An IPv6 address as sendmail prints it in replies and headers:
 * "IPv6:0:0:0:0:0:0:0:1" (every group, no leading zeros, no "::").
 * Other addresses are returned as they are.
 */
export function addressForDisplay(addr: string): string {
  if (!isIPv6(addr)) return addr;
  const [head = '', tail] = addr.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return `IPv6:${groups.map((g) => parseInt(g, 16).toString(16)).join(':')}`;
}

/** "name [addr]" or "[addr]" when the client's address has no name. */
export function clientDescription(clientName: string | undefined, clientAddr: string): string {
  const shown = addressForDisplay(clientAddr);
  return clientName ? `${clientName} [${shown}]` : `[${shown}]`;
}

export function helloText(id: ServerIdentity, client: string): string {
  return `${id.hostName} Hello ${client}, pleased to meet you`;
}

export function heloOk(id: ServerIdentity, client: string): Reply {
  return makeReply(250, undefined, helloText(id, client));
}

/** EHLO answer: the hello line, then one line per extension keyword. */
export function ehloOk(id: ServerIdentity, client: string, extensions: readonly string[]): Reply {
  return makeReply(250, undefined, [helloText(id, client), ...extensions]);
}

export function heloNeedsDomain(command: 'HELO' | 'EHLO'): Reply {
  return makeReply(501, '5.0.0', `${command} requires domain address`);
}

export const senderOk = (addr: string): Reply => makeReply(250, '2.1.0', `${addr}... Sender ok`);
/** RCPT accepted; `willQueue`: the address met a temporary failure and waits for a queue run. */
export const recipientOk = (addr: string, willQueue = false): Reply =>
  makeReply(250, '2.1.5', `${addr}... Recipient ok${willQueue ? ' (will queue)' : ''}`);
export const senderAlreadySpecified = (): Reply => makeReply(503, '5.5.0', 'Sender already specified');
export const needMailBeforeRcpt = (): Reply => makeReply(503, '5.0.0', 'Need MAIL before RCPT');
export const needMailCommand = (): Reply => makeReply(503, '5.0.0', 'Need MAIL command');
export const needRcpt = (): Reply => makeReply(503, '5.0.0', 'Need RCPT (recipient)');
export const politeHelo = (): Reply => makeReply(503, '5.0.0', 'Polite people say HELO first');
/** Every mail command while srv_features said $#temp. */
export const tryAgainLater = (): Reply => makeReply(450, '4.3.0', 'Please try again later.');
/** Message data with a line end other than CRLF (the connection is closed after it). */
export const bareLinefeed = (): Reply => makeReply(421, '4.5.0', 'Bare linefeed (LF) not allowed');
export const bareCarriageReturn = (): Reply => makeReply(421, '4.5.0', 'Bare carriage return (CR) not allowed');
/** VRFY or EXPN before HELO with needvrfyhelo / needexpnhelo. */
export const introduceYourself = (): Reply => makeReply(503, '5.0.0', 'I demand that you introduce yourself first');
export const tooManyRecipients = (): Reply => makeReply(452, '4.5.3', 'Too many recipients');
export const userAddressRequired = (addr: string): Reply => makeReply(553, '5.0.0', `${addr}... User address required`);
export const userUnknown = (addr: string): Reply => makeReply(550, '5.1.1', `${addr}... User unknown`);
export const accessDenied = (addr: string): Reply => makeReply(550, '5.7.1', `${addr}... Access denied`);
export const senderDomainMissing = (addr: string, bare: string): Reply =>
  makeReply(553, '5.1.8', `${addr}... Domain of sender address ${bare} does not exist`);

/** 501 for MAIL/RCPT whose "FROM:"/"TO:" part cannot be read; `scanned` is what was read. */
export const syntaxErrorScanning = (scanned: string): Reply =>
  makeReply(501, '5.5.2', `Syntax error in parameters scanning "${scanned}"`);

export const sizeExceedsAtMail = (max: number): Reply =>
  makeReply(552, '5.2.3', `Message size exceeds fixed maximum message size (${max})`);
export const headersTooLarge = (max: number): Reply => makeReply(552, '5.6.0', `Headers too large (${max} max)`);
export const sizeExceedsAtData = (max: number): Reply =>
  makeReply(552, '5.2.3', `Message exceeds maximum fixed size (${max})`);
export const parameterUnrecognized = (keyword: string): Reply =>
  makeReply(555, '5.5.4', `${keyword} parameter unrecognized`);
export const unknownBodyType = (value: string): Reply => makeReply(501, '5.5.4', `Unknown BODY type ${value}`);

export const startData = (): Reply => makeReply(354, undefined, 'End data with <CR><LF>.<CR><LF>');
export const messageAccepted = (queueId: string): Reply =>
  makeReply(250, '2.0.0', `${queueId} Message accepted for delivery`);

export const ok = (): Reply => makeReply(250, '2.0.0', 'OK');
export const resetState = (): Reply => makeReply(250, '2.0.0', 'Reset state');
export const closing = (id: ServerIdentity): Reply => makeReply(221, '2.0.0', `${id.hostName} closing connection`);
/** After MAX_BAD_COMMANDS unrecognized (or, on a refused connection, refused) commands. */
export const tooManyBadCommands = (id: ServerIdentity): Reply => makeReply(421, '4.7.0', `${id.hostName} Too many bad commands; closing connection`);
export const commandUnrecognized = (line: string): Reply =>
  makeReply(500, '5.5.1', `Command unrecognized: "${line}"`);
export const argumentRequired = (): Reply => makeReply(501, '5.5.2', 'Argument required');
export const parameterRequired = (): Reply => makeReply(500, '5.5.2', 'Parameter required');

export const cannotVrfy = (): Reply =>
  makeReply(252, '2.5.2', 'Cannot VRFY user; try RCPT to attempt delivery (or try finger)');
export const operationNotAllowed = (): Reply => makeReply(502, '5.7.0', 'Sorry, we do not allow this operation');
export const verboseUnavailable = (): Reply => makeReply(502, '5.7.0', 'Verbose unavailable');
export const verboseMode = (): Reply => makeReply(250, '2.0.0', 'Verbose mode');
export const tlsNotAvailable = (): Reply => makeReply(454, '4.3.3', 'TLS not available after start');
export const authDuringTransaction = (): Reply =>
  makeReply(503, '5.5.0', 'AUTH not permitted during a mail transaction');
export const authMechanismUnavailable = (mech: string): Reply =>
  makeReply(504, '5.3.3', `AUTH mechanism ${mech} not available`);

export const helpNotImplemented = (id: ServerIdentity): Reply =>
  makeReply(502, '5.3.0', `Sendmail ${id.version} -- HELP not implemented`);
/** An unknown HELP topic: sendmail shows at most its first 10 characters. */
export const helpTopicUnknown = (topic: string): Reply =>
  makeReply(504, '5.3.0', `HELP topic "${topic.slice(0, 10)}" unknown`);
/** A HELP answer: the topic's lines, then "End of HELP info". */
export const helpText = (lines: readonly string[]): Reply =>
  makeReply(214, '2.0.0', [...lines, 'End of HELP info']);

/** A command line of 2047 octets or more (the connection is then closed). */
export const commandTooLong = (id: ServerIdentity, client: string): Reply =>
  makeReply(421, '4.7.0', `${id.hostName} Command too long, possible attack ${client}`);

/** The longest command line sendmail takes, without CRLF. */
export const MAX_COMMAND_LINE = 2046;

/** Service shutting down or the connection dropped by policy (421 closes the session). */
export const serviceUnavailable = (id: ServerIdentity, why: string): Reply =>
  makeReply(421, '4.3.2', `${id.hostName} ${why}`);
