/**
 * The `dns` class: `-R TYPE` (A, AAAA, AFSDB, CNAME, MX, NS, PTR, SRV, TXT)
 * records of the key, found through the resolver's search list (-B DOMAIN
 * is appended to every key).  One record comes back, or with -z every
 * record joined by the delimiter, in answer order (-Z1 keeps one; other -Z
 * values change nothing, as in sendmail 8.17).  Values as sendmail
 * gives them: A as dotted quad, AAAA as `IPv6:` and eight hex groups,
 * MX / SRV / CNAME / NS / PTR / AFSDB as the host name, TXT as its first
 * string.  -d SECONDS and -r COUNT set the time limit and tries of each
 * query.  NXDOMAIN is status 68; no data or a server failure is a
 * temporary failure (75).
 */
import { DNS_RECORD_TYPES, expandIPv6, type DnsRecord, type QueryLimits } from '../../dns/index.js';
import { atDecl, foundResult, NOT_FOUND_68, rawFlagValue, TEMP_FAIL_75 } from '../common.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../types.js';
import { resolverFor, resolverLimits } from './resolverFor.js';

/** A record's value the way sendmail's dns map returns it. */
export function dnsValue(record: DnsRecord): string {
  if (record.type === 'AAAA') {
    const groups = expandIPv6(record.data);
    return groups ? `IPv6:${groups.map((g) => g.toString(16)).join(':')}` : record.data;
  }
  if (record.type === 'TXT') return record.strings?.[0] ?? record.data;
  return record.data;
}

class DnsMap implements SendmailMap {
  constructor(
    readonly decl: MapDecl,
    private readonly env: MapEnvironment,
    private readonly type: string | undefined,
    private readonly base: string | undefined,
    private readonly limits: QueryLimits,
  ) {}

  async lookup(key: string, args: readonly string[]): Promise<LookupResult> {
    if (this.type === undefined) return NOT_FOUND_68;
    const name = this.base ? `${key}.${this.base}` : key;
    const outcome = await resolverFor(this.env).search(name, this.type, this.limits);
    if (outcome.status === 'tempfail') return TEMP_FAIL_75;
    if (outcome.status === 'notfound') return outcome.reason === 'nxdomain' ? NOT_FOUND_68 : TEMP_FAIL_75;
    const delimiter = this.decl.flags.delimiter;
    const values = outcome.records.map(dnsValue);
    const single = delimiter === undefined || rawFlagValue(this.decl.flags, 'Z') === '1';
    const value = single ? values[0] : values.join(delimiter);
    return foundResult(value, key, args, this.decl.flags);
  }
}

registerMapClass('dns', (decl: MapDecl, env: MapEnvironment) => {
  const typeText = rawFlagValue(decl.flags, 'R');
  let type: string | undefined;
  if (typeText === undefined) {
    env.report(atDecl(decl.pos, `dns map ${decl.name}: missing -R type`));
  } else if ((DNS_RECORD_TYPES as readonly string[]).includes(typeText.toUpperCase())) {
    type = typeText.toUpperCase();
  } else {
    const at = decl.rawArgs.indexOf(typeText, decl.rawArgs.indexOf('-R') + 2);
    env.report(atDecl(decl.pos, `dns map ${decl.name}: wrong type ${at >= 0 ? decl.rawArgs.slice(at).trim() : typeText}`));
  }
  const base = rawFlagValue(decl.flags, 'B');
  return new DnsMap(decl, env, type, base ? base.replace(/^\.|\.$/g, '') : undefined, resolverLimits(decl.flags));
});
