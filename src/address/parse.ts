// Parsing an address to its mailer triple, as sendmail's parseaddr: prescan,
// rulesets 3 and 0, then the triple is built from `$# mailer $@ host $: user`
// and the user part rewritten (ruleset 2 and the mailer's R= for a
// recipient, 1 and S= for a sender, then 4).  An error mailer result, an
// unknown mailer or an address that cannot be scanned is an error Reply.
// A ruleset that meets a temporary failure (a host or map lookup that
// could not be made now) still gives its result: an error mailer is the
// error, any other triple is the address, marked `transient` -- sendmail
// keeps such an address ("Transient parse error -- message queued for
// future delivery", RCPT "Recipient ok (will queue)") and delivers it from
// a later queue run, where a DNS outage would otherwise refuse all mail.

import type { LoadedConfig } from '../config/loader.js';
import type { MailerDecl } from '../config/types.js';
import type { MacroTable } from '../rewrite/macros.js';
import { EX_TEMPFAIL } from '../rewrite/engine.js';
import { prescan } from '../rewrite/prescan.js';
import { splitTriple } from '../rewrite/triple.js';
import { makeReply, type Reply } from '../smtp/reply.js';
import { finishAddress } from './buildaddr.js';
import { errorMailerReply, TEMP_SYSTEM_FAILURE } from './error-reply.js';
import { joinTokens, verdictOfTokens } from './rscheck.js';

export interface MailerTriple {
  /** The mailer's name ("local", "esmtp", "prog", "*file*", "discard", ...). */
  mailer: string;
  host: string;
  user: string;
  /** The mailer's declaration (undefined for the discard mailer). */
  decl: MailerDecl | undefined;
}

export type ParseResult =
  | { readonly ok: true; readonly triple: MailerTriple; readonly transient?: true }
  | { readonly ok: false; readonly reply: Reply };

/** What sendmail says of an address whose rulesets met a temporary failure. */
export const TRANSIENT_PARSE_ERROR = 'Transient parse error -- message queued for future delivery';

export interface ParseOptions {
  /** Parse as an envelope sender (rulesets 1 and S=) instead of a recipient. */
  sender?: boolean;
  warn?: (message: string) => void;
  /** The macro scope the rulesets run in (a session's or a message's); default the config's table. */
  macros?: MacroTable;
}

/** The bare address: one pair of angle brackets and surrounding blanks removed. */
function bare(address: string): string {
  const t = address.trim();
  return t.startsWith('<') && t.endsWith('>') ? t.slice(1, -1).trim() : t;
}

export async function parseAddress(loaded: LoadedConfig, address: string, opts: ParseOptions = {}): Promise<ParseResult> {
  const { engine, config } = loaded;
  const macros = opts.macros ?? loaded.macros;
  const warn = opts.warn ?? (() => {});
  const table = engine.table;
  let scanError = '';
  const scanned = prescan(address, 0, '', table, (m) => (scanError ||= m), true);
  if (!scanned.tokens) {
    return { ok: false, reply: makeReply(553, '5.1.3', `${address}... ${scanError || 'Cannot parse address'}`) };
  }
  const pvp = scanned.tokens;
  if (bare(address) === '' && opts.sender) {
    // the null sender has no triple of its own
    return { ok: true, triple: { mailer: 'local', host: '', user: '<>', decl: config.mailers.find((m) => m.name === 'local') } };
  }
  macros.setByName('addr_type', opts.sender ? 'e s' : 'e r');
  const tempfail3 = (await engine.rewrite(pvp, 3, macros)) === EX_TEMPFAIL;
  const transient = (await engine.rewrite(pvp, 0, macros)) === EX_TEMPFAIL || tempfail3;
  const verdict = verdictOfTokens(pvp, table);
  if (verdict.kind === 'error') return { ok: false, reply: errorMailerReply(verdict.status, verdict.text, address, warn) };
  const triple = splitTriple(pvp);
  if (!triple) {
    return { ok: false, reply: makeReply(553, '5.3.5', `${address}... buildaddr: no mailer in parsed address`) };
  }
  const mailerName = triple.mailer;
  const hostToks = triple.host;
  const userToks = triple.user;
  const mark = transient ? ({ transient: true } as const) : {};
  if (mailerName === 'discard') return { ok: true, triple: { mailer: 'discard', host: '', user: joinTokens(userToks, ' ', table), decl: undefined }, ...mark };
  const decl = config.mailers.find((m) => m.name === mailerName);
  if (!decl) return { ok: false, reply: makeReply(553, '5.3.5', `${address}... buildaddr: unknown mailer ${mailerName}`) };
  const built = await finishAddress(loaded, decl, hostToks, userToks, opts.sender === true, macros);
  return { ok: true, triple: { mailer: built.decl.name, host: built.host, user: built.user, decl: built.decl }, ...mark };
}

/**
 * sendmail's maplocaluser: ruleset 5 (localaddr) on a local user that no
 * alias took, for a mailer with F=5.  Undefined when the ruleset leaves no
 * mailer triple or names the same local user (deliver locally as before);
 * else where the user goes instead (MAIL_HUB, LUSER_RELAY) or the error.
 */
export async function localAddress(loaded: LoadedConfig, user: string, opts: ParseOptions = {}): Promise<ParseResult | undefined> {
  const { engine, config } = loaded;
  const local = config.mailers.find((m) => m.name === 'local');
  if (!local?.flags.has('5') || !engine.rulesets[5]?.length) return undefined;
  const macros = opts.macros ?? loaded.macros;
  const scanned = prescan(user, 0, '', engine.table, () => {}, true);
  if (!scanned.tokens) return undefined;
  const pvp = scanned.tokens;
  if ((await engine.rewrite(pvp, 5, macros)) === EX_TEMPFAIL) return { ok: false, reply: TEMP_SYSTEM_FAILURE };
  const verdict = verdictOfTokens(pvp, engine.table);
  if (verdict.kind === 'error') return { ok: false, reply: errorMailerReply(verdict.status, verdict.text, user, opts.warn ?? (() => {})) };
  const triple = splitTriple(pvp);
  if (!triple) return undefined;
  if (triple.mailer === 'discard') return { ok: true, triple: { mailer: 'discard', host: '', user, decl: undefined } };
  const decl = config.mailers.find((m) => m.name === triple.mailer);
  if (!decl) return { ok: false, reply: makeReply(553, '5.3.5', `${user}... buildaddr: unknown mailer ${triple.mailer}`) };
  const built = await finishAddress(loaded, decl, triple.host, triple.user, false, macros);
  if (built.decl.name === 'local' && built.user.toLowerCase() === user.toLowerCase()) return undefined;
  return { ok: true, triple: { mailer: built.decl.name, host: built.host, user: built.user, decl: built.decl } };
}
