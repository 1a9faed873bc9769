/**
 * The `host` class (canonical host names, `$[ $]`) and the `bestmx` class
 * (best MX host of a domain).
 *
 * host: the key (a trailing dot ignored) goes through the service switch's
 * `hosts` methods — the hosts file (HostsFile) and/or DNS — and a hit
 * returns the canonical name; `[address]` (inet_aton forms, or `IPv6:`)
 * returns the address's host name from the system hosts file or DNS PTR.
 * A miss is status 68; a DNS failure is a temporary failure (75) whose
 * report (printed by the caller) is `NAME: Name server timeout`.  -d SECONDS
 * and -r COUNT limit each query.
 *
 * bestmx: only when `hosts` includes `dns`.  A hit returns the best MX host
 * with a trailing dot, or with -z every MX host (each with its dot) joined
 * by the delimiter, in a fixed order (preference, then name).  No MX data is
 * a temporary failure, as in sendmail; NXDOMAIN is status 68.
 */
import { isIPv6 } from 'node:net';
import { parseInetAddr } from '../../dns/index.js';
import { foundResult, NOT_FOUND_68, TEMP_FAIL_75 } from '../common.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../types.js';
import { resolverFor, resolverLimits } from './resolverFor.js';
import type { Resolver } from '../../dns/index.js';

class HostMap implements SendmailMap {
  constructor(
    readonly decl: MapDecl,
    private readonly env: MapEnvironment,
  ) {}

  /** Synchronous when the hosts service is files only (the engine then never waits). */
  lookup(key: string, args: readonly string[]): LookupResult | Promise<LookupResult> {
    const resolver = resolverFor(this.env);
    if (!key.startsWith('[') && !resolver.serviceSwitch.hostsUseDns()) {
      const name = key.endsWith('.') ? key.slice(0, -1) : key;
      const found = name.length > 0 ? resolver.canonicalFromFile(name) : undefined;
      return this.fromOutcome(found !== undefined ? { status: 'found', name: found } : { status: 'notfound' }, key, args);
    }
    return this.lookupAsync(resolver, key, args);
  }

  private async lookupAsync(resolver: Resolver, key: string, args: readonly string[]): Promise<LookupResult> {
    if (key.startsWith('[')) {
      // only the text up to the first `]` is the address, as sendmail reads it
      const close = key.indexOf(']');
      if (close < 0) return { status: 'notfound' };
      const inner = key.slice(1, close);
      const tagged = /^ipv6:/i.test(inner);
      const address = tagged ? (isIPv6(inner.slice(5)) ? inner.slice(5) : undefined) : parseInetAddr(inner);
      // not an address: looked up as a name, as sendmail does ([foo] times out without DNS)
      if (address === undefined) return this.fromOutcome(await resolver.canonicalName(key, resolverLimits(this.decl.flags)), key, args);
      const outcome = await resolver.reverseName(address);
      if (outcome.status === 'found') return foundResult(outcome.name, key, args, this.decl.flags);
      if (outcome.status === 'tempfail') {
        // the timeout is told only when the hosts service uses DNS (sendmail's UseNameServer)
        if (!resolver.serviceSwitch.hostsUseDns()) return TEMP_FAIL_75;
        return { status: 'tempfail', code: 75, report: outcome.message.replace(/^\[[^\]]*\]/, key) };
      }
      return tagged ? TEMP_FAIL_75 : NOT_FOUND_68;
    }
    const outcome = await resolver.canonicalName(key, resolverLimits(this.decl.flags));
    return this.fromOutcome(outcome, key, args);
  }

  /** The answer for a canonical-name outcome. */
  private fromOutcome(outcome: Awaited<ReturnType<Resolver['canonicalName']>>, key: string, args: readonly string[]): LookupResult {
    if (outcome.status === 'found') return foundResult(outcome.name, key, args, this.decl.flags);
    if (outcome.status === 'tempfail') return { status: 'tempfail', code: 75, report: outcome.message };
    return NOT_FOUND_68;
  }
}

registerMapClass('host', (decl, env) => {
  decl.flags.deferLookup = true;
  return new HostMap(decl, env);
});

class BestMxMap implements SendmailMap {
  constructor(
    readonly decl: MapDecl,
    private readonly env: MapEnvironment,
  ) {}

  async lookup(key: string, args: readonly string[]): Promise<LookupResult> {
    const resolver = resolverFor(this.env);
    if (!resolver.serviceSwitch.hostsUseDns()) return { status: 'notfound' };
    const outcome = await resolver.lookupMx(key, { shuffle: false, fallbackToAddress: false });
    if (outcome.status === 'tempfail') return TEMP_FAIL_75;
    if (outcome.status === 'notfound') return outcome.reason === 'nxdomain' ? NOT_FOUND_68 : TEMP_FAIL_75;
    const hosts = [...outcome.hosts].sort((a, b) => a.preference - b.preference || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const delimiter = this.decl.flags.delimiter;
    const value = delimiter === undefined ? `${this.preferLocal(hosts)}.` : hosts.map((h) => `${h.name}.`).join(delimiter);
    return foundResult(value, key, args, this.decl.flags);
  }

  /** The best host, or this machine when it is one of the best. */
  private preferLocal(hosts: { name: string; preference: number }[]): string {
    const local = (this.env.getMacro('j') ?? '').toLowerCase();
    const best = hosts.filter((h) => h.preference === hosts[0].preference);
    return best.find((h) => h.name.toLowerCase() === local)?.name ?? best[0].name;
  }
}

registerMapClass('bestmx', (decl, env) => new BestMxMap(decl, env));
