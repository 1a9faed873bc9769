// Running a check_* ruleset as sendmail's rscheck does: the arguments are
// tokenized (two arguments joined by the `$|` operator), the ruleset runs
// with the session's macros set, and its result is read as a verdict:
// `$#error` (with status and text), `$#discard`, `$#quarantine`, a
// temporary failure of a lookup, or "go on".

import { cataddr } from '../rewrite/cataddr.js';
import type { LoadedConfig } from '../config/loader.js';
import type { MacroTable } from '../rewrite/macros.js';
import { prescan, type TokenTable } from '../rewrite/prescan.js';
import { OP } from '../rewrite/tokens.js';
import { splitTriple } from '../rewrite/triple.js';
import { stripQuotes } from './error-reply.js';

export type RulesetVerdict =
  | { readonly kind: 'continue'; readonly tokens: readonly string[] }
  | { readonly kind: 'error'; readonly status: string; readonly text: string }
  | { readonly kind: 'discard' }
  | { readonly kind: 'quarantine'; readonly reason: string }
  | { readonly kind: 'tempfail' };

export interface CheckCall {
  /** The ruleset's name, e.g. "check_rcpt". */
  ruleset: string;
  /** One or two arguments; two are joined by `$|`. */
  args: readonly string[];
  /** Macros to set (by name, without braces) while it runs; undefined unsets. */
  macros?: ReadonlyMap<string, string | undefined>;
  /** The macro scope to run in (a session's); default the config's table. */
  scope?: MacroTable;
}

/** Tokens joined; with `sub`, atoms are separated by it (sendmail's cataddr). */
export function joinTokens(tokens: readonly string[], sub: string, table: TokenTable): string {
  return cataddr(tokens, sub, table);
}

/** The tokens of one argument (comments dropped, as for SMTP input); undefined when it cannot be parsed. */
export function tokenizeArgument(text: string, table: TokenTable): string[] | undefined {
  if (text === '') return [];
  const r = prescan(text, 0, '', table, null, true);
  return r.tokens ?? undefined;
}

/** Reads a ruleset's result tokens as a verdict. */
export function verdictOfTokens(pvp: readonly string[], table: TokenTable): RulesetVerdict {
  const triple = splitTriple(pvp);
  if (!triple) return { kind: 'continue', tokens: pvp };
  const { host, user } = triple;
  switch (triple.mailer.toLowerCase()) {
    case 'error':
      return { kind: 'error', status: joinTokens(host, '', table), text: stripQuotes(joinTokens(user, ' ', table)) };
    case 'discard':
      return { kind: 'discard' };
    case 'quarantine':
      return { kind: 'quarantine', reason: stripQuotes(joinTokens(user, ' ', table)) };
    default:
      return { kind: 'continue', tokens: pvp };
  }
}

/**
 * Run one check ruleset.  A ruleset the cf does not define lets everything
 * through; so does an argument that cannot be tokenized (the parse step
 * before reports that).
 */
export async function runCheckRuleset(loaded: LoadedConfig, call: CheckCall): Promise<RulesetVerdict> {
  const { engine } = loaded;
  const macros = call.scope ?? loaded.macros;
  const rs = engine.rulesetByName.get(call.ruleset);
  if (rs === undefined || !engine.rulesets[rs]) return { kind: 'continue', tokens: [] };
  const pvp: string[] = [];
  for (const [i, arg] of call.args.entries()) {
    if (i > 0) pvp.push(OP.CONDELSE);
    const toks = tokenizeArgument(arg, engine.table);
    if (toks === undefined) return { kind: 'continue', tokens: [] };
    pvp.push(...toks);
  }
  for (const [name, value] of call.macros ?? []) macros.setByName(name, value);
  // A lookup's temporary failure (status 75) leaves the result as the rules
  // made it (the map's -T suffix or the key): sendmail 8.17's daemon reads it
  // like any other, as a real daemon shows for check_relay, check_mail and
  // check_rcpt.
  await engine.rewrite(pvp, rs, macros);
  return verdictOfTokens(pvp, engine.table);
}
