// The reply sendmail gives for a `$#error $@ status $: text` result: the
// text may start with an SMTP code and its own enhanced code; otherwise the
// code follows the status (4.x.x: 451, else 553).  Without an enhanced code
// anywhere it is x.0.0 after a code in the text, else x.3.0.  The address the client
// gave is put in front ("<a@b>... text") except for 551 replies and when no
// address applies (check_relay).

import { makeReply, replyFromText, type Reply } from '../smtp/reply.js';

/** Rulesets that failed temporarily (a map lookup's temporary failure). */
export const TEMP_SYSTEM_FAILURE: Reply = makeReply(451, '4.3.0', 'Temporary system failure. Please try again later.');

/** Quotes and backslashes out of an error text, as sendmail prints it. */
export function stripQuotes(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      out += s[++i];
      continue;
    }
    if (c !== '"') out += c;
  }
  return out;
}

/**
 * The reply for an error mailer result.  `status` is the `$@` part (an
 * enhanced code or empty), `text` the `$:` part without quotes, `address`
 * the address as the client gave it (undefined for none).
 */
export function errorMailerReply(status: string, text: string, address: string | undefined, warn: (m: string) => void): Reply {
  const enhanced = /^[245]\.\d{1,3}\.\d{1,3}$/.test(status) ? status : undefined;
  const defaultCode = enhanced?.startsWith('4') ? 451 : 553;
  const codeMatch = /^([245]\d\d)(?: |$)/.exec(text);
  const code = codeMatch ? Number(codeMatch[1]) : defaultCode;
  let rest = codeMatch ? text.slice(codeMatch[0].length) : text;
  // without a code in the text sendmail answers 553 5.3.0 (e.g. a virtusertable's "error:nouser User unknown")
  let enh = enhanced ?? (codeMatch ? `${String(code)[0]}.0.0` : `${String(code)[0]}.3.0`);
  const own = /^(\d\.\d{1,3}\.\d{1,3})(?: |$)/.exec(rest);
  if (own) {
    enh = own[1]!;
    rest = rest.slice(own[0].length);
  }
  const shown = address === undefined || code === 551 ? rest : `${address}... ${rest}`;
  return replyFromText(`${code} ${enh} ${shown}`, code, enh, 'ruleset $#error', warn);
}
