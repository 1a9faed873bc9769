// Resolving a queued recipient to where it goes: the cf's rulesets 3 and 0
// give the mailer triple (src/address parseAddress, which also applies the
// mailer's R= rules to the user part), and whether an address is one of
// this host's local names, for alias expansion.

import type { LoadedConfig } from '../config/loader.js';
import type { MailerDecl } from '../config/types.js';
import { parseAddress, TRANSIENT_PARSE_ERROR, type ParseResult } from '../address/index.js';
import { makeReply } from '../smtp/reply.js';
import { joinTokens } from '../address/rscheck.js';
import { prescan } from '../rewrite/prescan.js';

/** Where a recipient address goes; an interface so a runner can be given another. */
export interface RecipientResolver {
  /** The mailer triple of a recipient (or the sender, with `sender`), or the error reply. */
  resolve(address: string, sender?: boolean): Promise<ParseResult>;
  /** The local user an address names when it is for this host (no domain, or a domain in $=w). */
  localName(address: string): string | undefined;
  /** This host's names (class w). */
  localNames(): string[];
  /** The envelope sender as `mailer` sends it: rulesets 3, 1, the mailer's S=, 4 (masquerading, genericstable). */
  senderFor(sender: string, mailer: MailerDecl | undefined): Promise<string>;
  /** An address in a header as `mailer` sends it: 3, then 1 and S= (sender) or 2 and R= (recipient) header rulesets, then 4. */
  headerAddressFor(address: string, mailer: MailerDecl | undefined, sender: boolean): Promise<string>;
}

/** Strips one pair of angle brackets. */
export function unbracket(address: string): string {
  const t = address.trim();
  return t.startsWith('<') && t.endsWith('>') ? t.slice(1, -1).trim() : t;
}

export function cfResolver(loaded: LoadedConfig): RecipientResolver {
  // each call runs in its own macro scope ($h, {addr_type}, the macro map's
  // values), so calls may overlap without seeing each other's macros
  return {
    async resolve(address, sender = false) {
      const parsed = await parseAddress(loaded, address, { sender, macros: loaded.macros.scope() });
      // a recipient whose rulesets met a temporary failure waits for the next queue run
      if (parsed.ok && parsed.transient && !sender) return { ok: false, reply: makeReply(451, '4.4.3', TRANSIENT_PARSE_ERROR) };
      return parsed;
    },
    localName(address) {
      const a = unbracket(address);
      const at = a.lastIndexOf('@');
      if (at < 0) return a === '' ? undefined : a;
      const domain = a.slice(at + 1).replace(/^\[|\]$/g, '').replace(/\.$/, '');
      return loaded.classes.has('w', domain) ? a.slice(0, at) : undefined;
    },
    localNames() {
      return loaded.classes.members('w');
    },
    senderFor(sender, mailer) {
      return rewriteForMailer(loaded, sender, mailer, { sender: true, header: false });
    },
    headerAddressFor(address, mailer, sender) {
      return rewriteForMailer(loaded, address, mailer, { sender, header: true });
    },
  };
}

/** sendmail's remotename: an address through 3, 1 or 2, the mailer's envelope or header ruleset, and 4. */
async function rewriteForMailer(
  loaded: LoadedConfig,
  address: string,
  mailer: MailerDecl | undefined,
  how: { sender: boolean; header: boolean },
): Promise<string> {
  const bare = unbracket(address);
  if (bare === '' || mailer === undefined) return bare;
  const { engine } = loaded;
  const scanned = prescan(bare, 0, '', engine.table, () => {}, true);
  if (!scanned.tokens) return bare;
  const toks = scanned.tokens;
  const scope = loaded.macros.scope();
  scope.setByName('addr_type', `${how.header ? 'h' : 'e'} ${how.sender ? 's' : 'r'}`);
  await engine.rewrite(toks, 3, scope);
  await engine.rewrite(toks, how.sender ? 1 : 2, scope);
  const ref = (how.sender ? mailer.senderRulesets : mailer.recipientRulesets)?.[how.header ? 1 : 0];
  const rs = ref === undefined || ref === '' ? -1 : engine.findRuleset(ref, () => {});
  if (rs > 0) await engine.rewrite(toks, rs, scope);
  await engine.rewrite(toks, 4, scope);
  const out = joinTokens(toks, engine.spaceSub, engine.table);
  return out === '' ? bare : out;
}
