// Local submission: `sendmail [-t] [-i|-oi] [-f from] [-F name] rcpt...`
// (and -bm): the message is read from standard input (up to a line with a
// single "." unless -i), its recipients are the arguments, or with -t the
// To:, Cc: and Bcc: headers (arguments then are left out); it goes through
// an SMTP session with the cf's policy as the local user and is queued.
// Refused recipients are printed "addr... text" and make the exit status 67
// (the others are still queued); 75 when only temporary failures stopped it.
// In ErrorMode p (the default) a message some recipient refused is also
// kept in ~/dead.letter, and one with more trace headers than MaxHopCount
// is not queued but kept there (exit 69), as sendmail 8.17 does.
// Then DeliveryMode says what happens to the queued message: i delivers it
// before the command exits (deliverNow), b (the default) starts a detached
// `sendmail -qI<id>` and returns at once (deliverInBackground), q and d
// leave it for a queue run.

import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { LoadedConfig } from '../config/loader.js';
import { parseAddress } from '../address/parse.js';
import { splitAddressList } from '../deliver/alias-expand.js';
import { hopCount, maxHopCount } from '../deliver/hops.js';
import { SmtpSession } from '../smtp/session.js';
import { gecosFullName } from '../sys/passwd.js';
import { saveDeadLetter } from './dead-letter.js';
import { sessionOptionsFromConfig } from './session-options.js';

export interface LocalSubmitOptions {
  recipients: readonly string[];
  /** -t: recipients from the headers. */
  fromHeaders: boolean;
  /** -i / -oi: a line "." does not end the message. */
  ignoreDots: boolean;
  /** -f / -r: the envelope sender (default: the invoking user). */
  sender?: string;
  /** -F: the sender's full name, for a From: header the message lacks. */
  fullName?: string;
  /** Called with the queue id once the message is queued (DeliveryMode b and i deliver it). */
  deliver?: (id: string) => Promise<void>;
}

const EX_NOUSER = 67;
const EX_UNAVAILABLE = 69;
const EX_TEMPFAIL = 75;
const EX_DATAERR = 65;

/** The message text: LF line ends, cut at a lone "." unless `ignoreDots`. */
export function messageText(raw: Buffer, ignoreDots: boolean): string {
  const lines = raw.toString('latin1').replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const end = ignoreDots ? -1 : lines.indexOf('.');
  return (end < 0 ? lines : lines.slice(0, end)).join('\n') + '\n';
}

/** The header block's fields, unfolded: [name, value]. */
function headerFields(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split('\n')) {
    if (line === '') break;
    if (/^[ \t]/.test(line) && out.length > 0) out[out.length - 1]![1] += ' ' + line.trim();
    else {
      const colon = line.indexOf(':');
      if (colon <= 0) break;
      out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  }
  return out;
}

/** Recipients of -t: To:, Cc:, Bcc:, less those named on the command line (as sendmail 8.17). */
export function headerRecipients(text: string, excluded: readonly string[]): string[] {
  const skip = new Set(excluded.map((a) => a.toLowerCase()));
  return headerFields(text)
    .filter(([name]) => /^(to|cc|bcc)$/i.test(name))
    .flatMap(([, value]) => splitAddressList(value))
    .filter((a) => !skip.has(a.toLowerCase()));
}

/** The message with "Bcc:" lines removed (the queue adds From: "$x <$g>" when it has none). */
function preparedMessage(text: string): string {
  const blank = text.indexOf('\n\n');
  const head = blank < 0 ? text : text.slice(0, blank + 1);
  const body = blank < 0 ? '' : text.slice(blank + 1);
  return head.replace(/^Bcc:.*\n([ \t].*\n)*/gim, '') + body;
}

/** xtext (RFC 3461): '+', '=' and bytes outside '!'..'~' as "+HH". */
export function xtext(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    out += c < 0x21 || c > 0x7e || ch === '+' || ch === '=' ? `+${c.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}

/**
 * The qf A line of a local submission, as sendmail 8.17 writes it: the
 * sender after its mailer's sender rulesets, "user@host" ($j for a local
 * user), in xtext; none for "<>" or a sender that does not parse.
 */
export async function submitterOf(loaded: LoadedConfig, sender: string, hostName: string): Promise<string | undefined> {
  const parsed = await parseAddress(loaded, sender, { sender: true });
  if (!parsed.ok || parsed.triple.user === '<>' || parsed.triple.user === '') return undefined;
  const { user } = parsed.triple;
  return xtext(user.includes('@') ? user : `${user}@${hostName}`);
}

export async function submitLocal(loaded: LoadedConfig, raw: Buffer, opts: LocalSubmitOptions, print: (line: string) => void): Promise<number> {
  const user = os.userInfo().username;
  const sender = opts.sender ?? user;
  const options = await sessionOptionsFromConfig(loaded, print);
  const submitterAuth = await submitterOf(loaded, sender, options.identity.hostName);
  let queuedId: string | undefined;
  const session = new SmtpSession({
    ...options,
    onQueued: (id) => void (queuedId = id),
    ...(submitterAuth !== undefined ? { submitterAuth } : {}),
    daemon: { name: '', addr: '', port: 0, family: 'inet', modifiers: 'cu' },
    client: { addr: '0', port: 0, name: '', resolve: '', description: `${os.userInfo().username}@localhost` },
    localSubmission: opts.fromHeaders ? 'headers' : 'arguments',
    senderFullName: opts.fullName ?? (opts.sender === undefined ? gecosFullName(user) : undefined),
  });
  const text = messageText(raw, opts.ignoreDots);
  const recipients = opts.fromHeaders ? headerRecipients(text, opts.recipients) : [...opts.recipients];
  if (recipients.length === 0) {
    print('No recipient addresses found in header');
    return EX_DATAERR;
  }
  // ErrorMode p (print, the default): what could not be sent everywhere is kept in ~/dead.letter
  const keepsDeadLetters = /^p?$/i.test((loaded.config.options.get('ErrorMode') ?? '').trim().charAt(0));
  const deadLetter = (): void => void (keepsDeadLetters && saveDeadLetter(sender, text, print));
  if (hopCount(headerFields(text).map(([name]) => name)) > maxHopCount(loaded)) {
    deadLetter();
    return EX_UNAVAILABLE;
  }
  await session.start();
  const mail = await session.submitSender(sender);
  if (mail.code >= 400) {
    print(mail.lines.join(' '));
    return mail.code < 500 ? EX_TEMPFAIL : EX_NOUSER;
  }
  let accepted = 0;
  let temporary = false;
  let refused = false;
  for (const r of recipients) {
    const bare = r.replace(/^<(.*)>$/, '$1');
    const answer = await session.submitRecipient(r);
    if (answer.code < 400) accepted++;
    else {
      temporary ||= answer.code < 500;
      refused ||= answer.code >= 500;
      // sendmail names the address as given: "nosuch... User unknown"
      const text = answer.lines[0] ?? '';
      const dots = text.indexOf('... ');
      print(`${bare}... ${dots >= 0 ? text.slice(dots + 4) : text}`);
    }
  }
  if (accepted === 0) {
    if (refused) deadLetter();
    return temporary ? EX_TEMPFAIL : EX_NOUSER;
  }
  const data = await session.command('DATA');
  if (data.reply.code !== 354) {
    print(data.reply.lines.join(' '));
    return EX_TEMPFAIL;
  }
  const message = Buffer.from(preparedMessage(text).replace(/\n/g, '\r\n'), 'latin1');
  const stored = await session.message(message, message.length);
  if (stored.code >= 400) {
    print(stored.lines.join(' '));
    return stored.code < 500 ? EX_TEMPFAIL : EX_NOUSER;
  }
  if (queuedId !== undefined) await opts.deliver?.(queuedId);
  if (refused) deadLetter();
  return refused ? EX_NOUSER : 0;
}

/** DeliveryMode i: the queue runner for the message `id`, in this process, before the command exits. */
export async function deliverNow(loaded: LoadedConfig, id: string, log: (line: string) => void): Promise<void> {
  const { runQueue } = await import('../deliver/runner.js');
  const { queueDirectoryOf } = await import('./session-options.js');
  await runQueue(await queueDirectoryOf(loaded), { loaded, messageId: id, ignoreRetryTime: true, log });
}

/** This package's `sendmail` command (bin/sendmail beside dist/). */
const SENDMAIL_BIN = fileURLToPath(new URL('../../bin/sendmail', import.meta.url));

/**
 * DeliveryMode b: `sendmail -C cf [-O options] -qI<id>` started detached,
 * its output dropped, so this command returns at once while it delivers.
 */
export function deliverInBackground(configFile: string, options: readonly { name: string; value: string }[], id: string): void {
  const args = [SENDMAIL_BIN, '-C', configFile, ...options.flatMap((o) => ['-O', `${o.name}=${o.value}`]), `-qI${id}`];
  const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => {}); // the message stays queued for the next queue run
  child.unref();
}
