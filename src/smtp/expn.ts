// The answers to VRFY and EXPN for an address the cf resolved to the local
// mailer, as real sendmail 8.17 gives them:
//   VRFY  an account: "250 2.1.5 Full Name <user@$j>" (the gecos name; none
//         when the gecos is empty); an alias: "250 2.1.5 <alias@$j>"
//   EXPN  the aliases expanded all the way (include files too), duplicates
//         once, one 250 line each: accounts as for VRFY, other addresses
//         "<addr>", programs "<|command>", files "</path>"
// Addresses of other mailers: VRFY "252 2.1.5 <addr>", EXPN "250 2.1.5 <addr>".

import type { LocalUsers } from '../address/local-user.js';
import { expandAliases } from '../deliver/alias-expand.js';
import { gecosFullName } from '../sys/passwd.js';
import { makeReply, type Reply } from './reply.js';

/** "Full Name <user@host>", or "<user@host>" without a gecos name. */
export function localUserShown(user: string, hostName: string): string {
  const name = gecosFullName(user);
  return `${name !== undefined ? `${name} ` : ''}<${user}@${hostName}>`;
}

/** VRFY of a local user that exists (an alias or an account). */
export function vrfyLocal(users: LocalUsers, user: string, hostName: string): Reply {
  if (users.alias(user) !== undefined) return makeReply(250, '2.1.5', `<${user}@${hostName}>`);
  return makeReply(250, '2.1.5', localUserShown(user, hostName));
}

/** VRFY/EXPN of an address another mailer delivers. */
export function notLocal(user: string, command: 'VRFY' | 'EXPN'): Reply {
  return makeReply(command === 'VRFY' ? 252 : 250, '2.1.5', `<${user}>`);
}

const unbracket = (a: string): string => a.trim().replace(/^<(.*)>$/, '$1');

/** EXPN of a local user that exists: its aliases expanded, one line per target. */
export async function expnLocal(users: LocalUsers, user: string, hostName: string): Promise<Reply> {
  const expanded = await expandAliases([user], {
    lookup: (name) => users.alias(name),
    // names with a domain are shown, not expanded further (another host may own them)
    localName: (a) => (unbracket(a).includes('@') ? undefined : unbracket(a)),
  });
  const lines: string[] = [];
  for (const e of expanded) {
    const t = e.target;
    if (t.kind === 'local') lines.push(localUserShown(t.user, hostName));
    else if (t.kind === 'remote') lines.push(`<${unbracket(t.address)}>`);
    else if (t.kind === 'program') lines.push(`<|${t.command}>`);
    else if (t.kind === 'file') lines.push(`<${t.path}>`);
  }
  return lines.length > 0 ? makeReply(250, '2.1.5', lines) : makeReply(250, '2.1.5', `<${user}@${hostName}>`);
}
