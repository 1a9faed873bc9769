// `sendmail -bv addr...`: each address parsed to its mailer triple, local
// names expanded through the aliases, as sendmail prints it: an error line
// ("addr... User unknown") as soon as it is found, then one line per
// deliverable target ("addr... deliverable: mailer esmtp, host h, user u").
// Exit 67 (EX_NOUSER) when any address failed.

import type { LoadedConfig } from '../config/loader.js';
import { LocalUsers } from '../address/local-user.js';
import { localAddress, parseAddress, type MailerTriple } from '../address/parse.js';
import { splitAddressList } from '../deliver/alias-expand.js';

const EX_NOUSER = 67;
const MAX_ALIAS_DEPTH = 10;

/** The text of a reply line without its codes. */
function replyText(line: string): string {
  return line.replace(/^\d\.\d{1,3}\.\d{1,3} /, '');
}

export async function verifyAddresses(loaded: LoadedConfig, addresses: readonly string[], print: (line: string) => void): Promise<number> {
  const aliasFiles = (loaded.config.options.get('AliasFile') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const users = new LocalUsers({ aliasFiles });
  loaded.engine.trace = false;
  const deliverable: string[] = [];
  const seen = new Set<string>();
  let failed = false;
  const fail = (addr: string, text: string): void => {
    failed = true;
    print(`${addr}... ${text}`);
  };
  const visit = async (addr: string, depth: number, fromAlias: boolean): Promise<void> => {
    const parsed = await parseAddress(loaded, addr);
    if (!parsed.ok) {
      const first = parsed.reply.lines[0] ?? '';
      fail(addr, replyText(first).replace(/^.*?\.\.\. /, ''));
      return;
    }
    await target(addr, parsed.triple, depth, fromAlias, parsed.transient === true);
  };
  // `queued`: the rulesets met a temporary failure; sendmail keeps such an address for a queue run and shows it as it stands
  const target = async (addr: string, triple: MailerTriple, depth: number, fromAlias: boolean, queued = false): Promise<void> => {
    const { mailer, host, user } = triple;
    const key = `${mailer}\0${host.toLowerCase()}\0${user}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (!fromAlias && mailer === 'prog') return fail(addr, 'Cannot mail directly to programs');
    if (!fromAlias && mailer === '*file*') return fail(addr, 'Cannot mail directly to files');
    if (mailer === 'local' && !queued) {
      const value = depth < MAX_ALIAS_DEPTH ? users.alias(user) : undefined;
      if (value !== undefined) {
        for (const item of splitAddressList(value)) await visit(item, depth + 1, true);
        return;
      }
      // no alias: ruleset 5 may send the name elsewhere (MAIL_HUB, LUSER_RELAY)
      const mapped = depth < MAX_ALIAS_DEPTH ? await localAddress(loaded, user) : undefined;
      if (mapped !== undefined && !mapped.ok) return fail(addr, replyText(mapped.reply.lines[0] ?? '').replace(/^.*?\.\.\. /, ''));
      if (mapped !== undefined && mapped.ok) return mapped.triple.mailer === 'local' ? visit(mapped.triple.user, depth + 1, fromAlias) : target(addr, mapped.triple, depth + 1, fromAlias);
      if (!users.hasAccount(user.replace(/\+.*$/, ''))) return fail(addr, 'User unknown');
    }
    deliverable.push(
      host !== '' && mailer !== 'local'
        ? `${addr}... deliverable: mailer ${mailer}, host ${host}, user ${user}`
        : `${addr}... deliverable: mailer ${mailer}, user ${user}`,
    );
  };
  for (const arg of addresses) for (const addr of splitAddressList(arg)) await visit(addr, 0, false);
  // sendmail keeps its send queue newest first
  for (const line of deliverable.reverse()) print(line);
  return failed ? EX_NOUSER : 0;
}
