/**
 * src/address/buildaddr.ts — the second half of sendmail's buildaddr: once
 * ruleset 0 has named a mailer, pick the prog or *file* mailer for `|...`
 * and `/...` users, and rewrite the user part through ruleset 1 or 2, the
 * mailer's S= or R= ruleset and ruleset 4, with `$h` set to the host.
 * Shared by parseAddress (the daemon, -bv, delivery) and -bt's /parse.
 */
import type { LoadedConfig } from '../config/loader.js';
import type { MailerDecl } from '../config/types.js';
import type { MacroTable } from '../rewrite/macros.js';
import { cataddr } from '../rewrite/cataddr.js';

export interface BuiltAddress {
  decl: MailerDecl;
  host: string;
  user: string;
}

/** The number of a mailer's S=/R= ruleset, or -1 when it has none. */
function mailerRuleset(loaded: LoadedConfig, ref: string | undefined): number {
  if (ref === undefined || ref === '') return -1;
  return loaded.engine.findRuleset(ref, () => {});
}

export async function finishAddress(
  loaded: LoadedConfig,
  mailer: MailerDecl,
  hostToks: readonly string[],
  userTokens: readonly string[],
  sender: boolean,
  macros: MacroTable = loaded.macros,
): Promise<BuiltAddress> {
  const { engine, config } = loaded;
  const table = engine.table;
  let decl = mailer;
  let userToks = [...userTokens];
  if (mailer.name === 'local' && userToks[0] === '@') userToks = userToks.slice(1);
  const first = userToks[0] ?? '';
  const p = first.startsWith('"') ? first.slice(1) : first;
  if (p.startsWith('|') && decl.flags.has('|')) decl = config.mailers.find((m) => m.name === 'prog') ?? decl;
  else if (p.startsWith('/') && decl.flags.has('/')) decl = config.mailers.find((m) => m.name === '*file*') ?? decl;
  let host = cataddr(hostToks, engine.spaceSub, table);
  if (!decl.flags.has('h')) host = host.toLowerCase();
  const savedH = macros.getByName('h');
  if (hostToks.length > 0) macros.setByName('h', host);
  try {
    await engine.rewrite(userToks, sender ? 1 : 2, macros);
    const rs = mailerRuleset(loaded, (sender ? decl.senderRulesets : decl.recipientRulesets)?.[0]);
    if (rs > 0) await engine.rewrite(userToks, rs, macros);
    await engine.rewrite(userToks, 4, macros);
  } finally {
    macros.setByName('h', savedH);
  }
  let user = cataddr(userToks, engine.spaceSub, table);
  if (!decl.flags.has('u')) user = user.toLowerCase();
  return { decl, host, user };
}
