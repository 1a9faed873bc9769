// The reply sendmail gives for a `$#error $@ status $: text` result.  A text
// that starts with an SMTP code and a space gives the code (and may carry
// its own enhanced code, which wins over the status; without either it is
// x.0.0).  A text without a code is answered "553 5.3.0" whatever the
// status says (real sendmail 8.17: `$@ 4.7.1 $: x` gives 553 5.3.0, so does
// `$: "550"` without a space).  The address the client gave is put in front
// ("<a@b>... text") only for the codes sendmail's message formatter gives
// it to: 250, 252, 450, 550 and 553 (so not for 451, 421, 551, 552, 554), and
// never when no address applies (check_relay).

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
  const codeMatch = /^([245]\d\d) /.exec(text);
  if (!codeMatch) return replyFromText(`553 5.3.0 ${withAddress(553, address, text)}`, 553, '5.3.0', 'ruleset $#error', warn);
  const code = Number(codeMatch[1]);
  let rest = text.slice(codeMatch[0].length);
  let enh = enhanced ?? `${String(code)[0]}.0.0`;
  const own = /^(\d\.\d{1,3}\.\d{1,3})(?: |$)/.exec(rest);
  if (own) {
    enh = own[1]!;
    rest = rest.slice(own[0].length);
  }
  return replyFromText(`${code} ${enh} ${withAddress(code, address, rest)}`, code, enh, 'ruleset $#error', warn);
}

/** The codes whose replies name the address (sendmail's message formatter). */
const ADDRESS_CODES = new Set([250, 252, 450, 550, 553]);

function withAddress(code: number, address: string | undefined, text: string): string {
  return address !== undefined && ADDRESS_CODES.has(code) ? `${address}... ${text}` : text;
}
