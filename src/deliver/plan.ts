// The delivery plan of one queued message: the message text a mailer gets
// (queued headers whose ?flags? the mailer has, macro references expanded,
// then the df body), and the recipients grouped into one mailer run per
// mailer and host.

import type { MailerDecl } from '../config/types.js';
import type { Envelope } from '../queue/envelope.js';
import { MACRO_EXPAND } from '../queue/qf-file.js';

/** Expands the qf's macro references (0x81 then a name letter or {name}) in a header value. */
export function expandQueuedMacros(value: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c !== MACRO_EXPAND || i + 1 >= value.length) {
      out += c;
      continue;
    }
    let name = value[++i]!;
    if (name === '{') {
      const end = value.indexOf('}', i);
      if (end < 0) {
        out += value.slice(i - 1);
        break;
      }
      name = value.slice(i + 1, end);
      i = end;
    }
    out += lookup(name) ?? '';
  }
  return out;
}

/**
 * The message as `mailer` receives it: headers (a header with ?flags? only
 * when the mailer has one of those flags), a blank line, the body.  LF line
 * ends; the SMTP client turns them into CRLF.
 */
export function composeMessage(
  env: Envelope,
  body: Buffer,
  mailer: MailerDecl | undefined,
  lookup: (name: string) => string | undefined,
): Buffer {
  const flags = mailer?.flags ?? new Set<string>();
  const lines: string[] = [];
  for (const h of env.headers) {
    if (h.conditions !== '' && ![...h.conditions].some((f) => flags.has(f))) continue;
    lines.push(`${h.name}:${expandQueuedMacros(h.value, lookup)}`);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\n')}\n\n`, 'latin1'), body]);
}

/** Recipients that go out in one mailer run. */
export interface DeliveryGroup<T> {
  mailer: string;
  host: string;
  items: T[];
}

/** Groups items by mailer and host (host names without case), keeping first-seen order. */
export function groupByMailerHost<T>(items: readonly T[], key: (item: T) => { mailer: string; host: string }): DeliveryGroup<T>[] {
  const groups = new Map<string, DeliveryGroup<T>>();
  for (const item of items) {
    const k = key(item);
    const id = `${k.mailer}\0${k.host.toLowerCase()}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { mailer: k.mailer, host: k.host, items: [] }));
    g.items.push(item);
  }
  return [...groups.values()];
}
