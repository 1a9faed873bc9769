// Where remote mail for a next hop goes: the ordered list of hosts and
// addresses sendmail's SMTP mailer would try.
//
//   "example.com"            MX records by preference, equal preferences
//                            shuffled; no MX -> the domain's own A/AAAA
//   "[mx.example.com]"       no MX lookup: the host's addresses only
//   "[192.0.2.1]", "[IPv6:2001:db8::1]"   an address literal
//   "a.example:b.example"    several next hops, tried in order (mailertable)
//   "mx.example.com:2525"    an all-digit part is the port of the hop before it
//
// When this host is one of the MX hosts (a name in `localNames`), it and
// every MX of the same or worse preference are dropped; if nothing is left,
// the MX list points back to us, a configuration error (or, with
// TryNullMXList, the domain's own addresses are used).
//
// DNS is behind MxResolver (answers are kinds, never thrown errors) so the
// resolver in src/dns can be plugged in; `systemResolver` uses node:dns.

import { promises as dnsPromises } from 'node:dns';
import { isIP } from 'node:net';
import { makeResult, type DeliveryResult } from './status.js';

export interface MxRecord {
  readonly exchange: string;
  readonly preference: number;
}

/** An MX lookup answer: records, none (NODATA), no such domain, or a temporary failure. */
export type MxAnswer =
  | { readonly kind: 'found'; readonly records: readonly MxRecord[] }
  | { readonly kind: 'none' }
  | { readonly kind: 'nxdomain' }
  | { readonly kind: 'tempfail'; readonly message: string };

/** An address lookup answer for a host name. */
export type AddressAnswer =
  | { readonly kind: 'found'; readonly addresses: readonly string[] }
  | { readonly kind: 'nxdomain' }
  | { readonly kind: 'tempfail'; readonly message: string };

export interface MxResolver {
  lookupMx(domain: string): Promise<MxAnswer>;
  /** IPv4 and IPv6 addresses of a host name, IPv4 first. */
  lookupAddresses(host: string): Promise<AddressAnswer>;
}

/** One host to try, with its addresses in the order to try them. */
export interface TargetHost {
  /** The host name or address, without brackets (for TLS SNI and credentials). */
  readonly name: string;
  /** As sendmail shows it in Remote-MTA and transcripts: "[192.0.2.1]" for a bracketed hop, else the name. */
  readonly display: string;
  readonly addresses: readonly string[];
  readonly port: number;
  /** MX preference, or undefined when the host was not found through MX. */
  readonly preference?: number;
}

export type RoutePlan =
  | { readonly kind: 'hosts'; readonly hosts: readonly TargetHost[] }
  | { readonly kind: 'failed'; readonly result: DeliveryResult };

export interface RouteOptions {
  readonly resolver: MxResolver;
  /** Names of this host (class $=w), compared without case and trailing dot. */
  readonly localNames: ReadonlySet<string> | readonly string[];
  /** Port when the hop names none (the mailer's, usually 25). */
  readonly defaultPort: number;
  /** Uniform random number in [0, 1); injectable for tests. Defaults to Math.random. */
  readonly random?: () => number;
  /**
   * TryNullMXList: when this host is the best MX, connect to the domain's
   * own addresses instead of failing with "MX list points back".
   */
  readonly tryNullMxList?: boolean;
}

/** One next hop as written: a name or literal, bracketed or not, and an optional port. */
export interface NextHop {
  readonly host: string;
  readonly bracketed: boolean;
  readonly port?: number;
}

function normalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/** Splits a next hop such as "[a.example]:b.example:2525" into hops. Throws on malformed input. */
export function parseNextHops(spec: string): NextHop[] {
  const hops: { host: string; bracketed: boolean; port?: number }[] = [];
  let i = 0;
  const s = spec.trim();
  if (s === '') throw new Error('empty next hop');
  while (i < s.length) {
    let part: string;
    let bracketed = false;
    if (s[i] === '[') {
      const close = s.indexOf(']', i);
      if (close < 0) throw new Error(`next hop "${spec}": "[" without "]"`);
      part = s.slice(i + 1, close);
      bracketed = true;
      i = close + 1;
      if (i < s.length && s[i] !== ':') throw new Error(`next hop "${spec}": expected ":" after "]"`);
    } else {
      const colon = s.indexOf(':', i);
      part = colon < 0 ? s.slice(i) : s.slice(i, colon);
      i = colon < 0 ? s.length : colon;
    }
    if (i < s.length) i++; // skip ':'
    if (!bracketed && /^\d+$/.test(part)) {
      const prev = hops[hops.length - 1];
      const port = Number(part);
      if (prev === undefined || prev.port !== undefined || port < 1 || port > 65535) {
        throw new Error(`next hop "${spec}": "${part}" is not a port of a preceding host`);
      }
      prev.port = port;
      continue;
    }
    if (part === '') throw new Error(`next hop "${spec}": empty host name`);
    if (bracketed && /^ipv6:/i.test(part)) part = part.slice(5);
    hops.push({ host: part, bracketed });
  }
  return hops;
}

/** Sorts MX records by preference, shuffling equal preferences with `random`. */
export function orderMxRecords(records: readonly MxRecord[], random: () => number): MxRecord[] {
  const keyed = records.map((r) => ({ r, k: random() }));
  keyed.sort((a, b) => a.r.preference - b.r.preference || a.k - b.k);
  return keyed.map((x) => x.r);
}

/**
 * Drops this host and every MX at least as bad as it.  Returns the records
 * left and whether this host was among them.
 */
export function dropSelfAndWorse(
  ordered: readonly MxRecord[],
  localNames: ReadonlySet<string>,
): { records: MxRecord[]; wasListed: boolean } {
  const self = ordered.find((r) => localNames.has(normalName(r.exchange)));
  if (self === undefined) return { records: [...ordered], wasListed: false };
  return { records: ordered.filter((r) => r.preference < self.preference), wasListed: true };
}

const hostUnknown = (host: string): DeliveryResult =>
  makeResult('permfail', '5.1.2', 'Host unknown (Name server: ' + host + ': host not found)', {
    diagnosticType: 'X-Unix',
    diagnostic: '550 5.1.2 Host unknown',
  });

const lookupDeferred = (host: string): DeliveryResult =>
  makeResult('tempfail', '4.4.3', `Deferred: Name server: ${host}: host name lookup failure`, {
    remoteMta: host,
  });

async function addressesOf(host: string, resolver: MxResolver): Promise<AddressAnswer> {
  return isIP(host) !== 0 ? { kind: 'found', addresses: [host] } : resolver.lookupAddresses(host);
}

type MailHostNames =
  | { readonly names: readonly { readonly name: string; readonly preference?: number }[] }
  | { readonly failure: DeliveryResult };

/** The mail host names of one (unbracketed) hop: its MX hosts, or itself when it has none. */
async function mailHostNames(domain: string, options: RouteOptions, local: ReadonlySet<string>): Promise<MailHostNames> {
  const mx = await options.resolver.lookupMx(domain);
  if (mx.kind === 'tempfail') return { failure: lookupDeferred(domain) };
  if (mx.kind === 'nxdomain') return { failure: hostUnknown(domain) };
  if (mx.kind === 'none' || mx.records.length === 0) return { names: [{ name: domain }] };
  if (mx.records.length === 1 && (mx.records[0]?.exchange ?? '').replace(/\.$/, '') === '') {
    // RFC 7505 null MX: the domain accepts no mail.
    return {
      failure: makeResult('permfail', '5.1.10', `Domain ${domain} does not accept mail (nullMX)`, {
        diagnosticType: 'X-Unix',
        diagnostic: '556 5.1.10 Domain does not accept mail',
      }),
    };
  }
  const kept = dropSelfAndWorse(orderMxRecords(mx.records, options.random ?? Math.random), local);
  if (kept.records.length > 0) {
    return { names: kept.records.map((r) => ({ name: r.exchange.replace(/\.$/, ''), preference: r.preference })) };
  }
  if (options.tryNullMxList === true) return { names: [{ name: domain }] };
  return {
    failure: makeResult('permfail', '5.3.5', `MX list for ${domain}. points back to ${[...local][0] ?? 'this host'}`, {
      diagnosticType: 'X-Unix',
      diagnostic: '554 5.3.5 Local configuration error',
    }),
  };
}

/** Resolves a next-hop spec into the hosts to try, in order. */
export async function planRoute(spec: string, options: RouteOptions): Promise<RoutePlan> {
  const local = new Set([...options.localNames].map(normalName));
  const hosts: TargetHost[] = [];
  let lastFailure: DeliveryResult | undefined;
  for (const hop of parseNextHops(spec)) {
    const port = hop.port ?? options.defaultPort;
    const literal = hop.bracketed || isIP(hop.host) !== 0;
    const found = literal ? { names: [{ name: hop.host }] } : await mailHostNames(hop.host, options, local);
    if ('failure' in found) {
      lastFailure = found.failure;
      continue;
    }
    for (const n of found.names) {
      const answer = await addressesOf(n.name, options.resolver);
      if (answer.kind === 'found' && answer.addresses.length > 0) {
        const display = literal ? `[${n.name}]` : n.name;
        hosts.push({ name: n.name, display, addresses: answer.addresses, port, preference: n.preference });
      } else if (answer.kind === 'tempfail') {
        lastFailure = lookupDeferred(n.name);
      } else {
        lastFailure = hostUnknown(n.name);
      }
    }
  }
  if (hosts.length > 0) return { kind: 'hosts', hosts };
  return { kind: 'failed', result: lastFailure ?? hostUnknown(spec) };
}

function dnsErrorCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
}

/** Resolver on node:dns: MX from DNS, addresses through the system (hosts file, then DNS). */
export const systemResolver: MxResolver = {
  async lookupMx(domain) {
    try {
      const records = await dnsPromises.resolveMx(domain);
      return { kind: 'found', records: records.map((r) => ({ exchange: r.exchange, preference: r.priority })) };
    } catch (err) {
      const code = dnsErrorCode(err);
      if (code === 'ENODATA') return { kind: 'none' };
      if (code === 'ENOTFOUND') return { kind: 'nxdomain' };
      return { kind: 'tempfail', message: `${domain}: ${code || String(err)}` };
    }
  },
  async lookupAddresses(host) {
    try {
      const found = await dnsPromises.lookup(host, { all: true });
      const v4 = found.filter((a) => a.family === 4).map((a) => a.address);
      const v6 = found.filter((a) => a.family === 6).map((a) => a.address);
      return { kind: 'found', addresses: [...new Set([...v4, ...v6])] };
    } catch (err) {
      const code = dnsErrorCode(err);
      if (code === 'ENOTFOUND' || code === 'ENODATA') return { kind: 'nxdomain' };
      return { kind: 'tempfail', message: `${host}: ${code || String(err)}` };
    }
  },
};
