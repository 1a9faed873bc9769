// Client-side SMTP AUTH credentials from the cf's authinfo ruleset, as
// sendmail looks them up when a server offers AUTH: the ruleset runs with
// {server_name} (the host connected to) and {server_addr} (its address) set
// in its own macro scope, and its result, `$#` followed by quoted items
// "TDvalue" (T: U user/authorization id, I authentication id, P password,
// R realm, M mechanisms; D: ':' plain text, '=' base64), gives the
// credentials.  Anything else (no `$#`, "no", `$#error`, a missing ruleset)
// means no AUTH.  User and authentication id stand in for each other when
// one is missing; without a password there is no AUTH.

import type { LoadedConfig } from '../config/loader.js';
import { runCheckRuleset } from '../address/index.js';
import { OP } from '../rewrite/tokens.js';

export interface AuthInfo {
  /** Authorization id (U). */
  readonly user: string;
  /** Authentication id (I). */
  readonly authId: string;
  readonly password: string;
  /** Realm (R); default $j. */
  readonly realm: string;
  /** Mechanisms allowed (M), upper case; empty: any the server offers (AuthMechanisms). */
  readonly mechanisms: readonly string[];
}

/** The items of an authinfo result (tokens after `$#`); undefined when it is not one. */
export function parseAuthInfoItems(tokens: readonly string[], defaultRealm: string): AuthInfo | undefined {
  if (tokens[0] !== OP.CANONNET) return undefined;
  const items = new Map<string, string>();
  for (const tok of tokens.slice(1)) {
    const text = tok.length >= 2 && tok.startsWith('"') && tok.endsWith('"') ? tok.slice(1, -1) : tok;
    const m = /^([UIPRM])([:=])([\s\S]*)$/.exec(text);
    if (!m) continue; // sendmail ignores what it does not know
    const [, tag, delim, value] = m as unknown as [string, string, string, string];
    items.set(tag, delim === '=' ? Buffer.from(value, 'base64').toString('latin1') : value);
  }
  const user = items.get('U') ?? items.get('I');
  const authId = items.get('I') ?? items.get('U');
  const password = items.get('P');
  if (user === undefined || authId === undefined || password === undefined) return undefined;
  const mechanisms = (items.get('M') ?? '')
    .split(/[\s,]+/)
    .filter((s) => s !== '')
    .map((s) => s.toUpperCase());
  return { user, authId, password, realm: items.get('R') ?? defaultRealm, mechanisms };
}

/** Runs the cf's authinfo ruleset for a server; undefined: no credentials (no AUTH). */
export async function lookupAuthInfo(loaded: LoadedConfig, serverName: string, serverAddr: string): Promise<AuthInfo | undefined> {
  const scope = loaded.macros.scope();
  const verdict = await runCheckRuleset(loaded, {
    ruleset: 'authinfo',
    args: [serverName, serverAddr],
    macros: new Map([
      ['server_name', serverName],
      ['server_addr', serverAddr],
    ]),
    scope,
  });
  if (verdict.kind !== 'continue') return undefined;
  return parseAuthInfoItems(verdict.tokens, loaded.macros.getByName('j') ?? '');
}

/** The mechanism to use: the first the server offers that the entry allows and the client speaks; undefined: none. */
export function chooseMechanism(offered: readonly string[], allowed: readonly string[], spoken: readonly string[]): string | undefined {
  const ok = (m: string) => spoken.includes(m) && (allowed.length === 0 || allowed.includes(m));
  // the entry's order is the preference when it names several
  if (allowed.length > 0) return allowed.find((m) => ok(m) && offered.includes(m));
  return offered.map((m) => m.toUpperCase()).find(ok);
}
