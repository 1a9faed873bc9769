/**
 * The resolver: DNS queries (udp-exchange.ts: UDP, TCP on truncation) against a
 * list of servers, with a time limit per try and a number of tries, plus the
 * hosts file and the service switch for host-name work.
 *
 * Every answer says *why* when there is no data: `notfound` (NXDOMAIN or no
 * record of that type — permanent) versus `tempfail` (SERVFAIL, REFUSED,
 * timeout, network error — try again later).
 */
import DNS from 'dns2';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { HostsFile, canonicalNameOf } from './hostsFile.js';
import { udpExchange } from './udp-exchange.js';
import { readResolvConf, type NameServer } from './resolvConf.js';
import { ServiceSwitch } from './serviceSwitch.js';

/** Record types the resolver decodes. */
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'AFSDB', 'CNAME', 'MX', 'NS', 'PTR', 'SRV', 'TXT'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export interface DnsRecord {
  type: DnsRecordType | string;
  /** Owner name, no trailing dot. */
  name: string;
  ttl: number;
  /**
   * The record's value as text: an address (A, AAAA), a domain name without
   * trailing dot (CNAME, NS, PTR, MX, SRV target, AFSDB), or the joined
   * strings (TXT).
   */
  data: string;
  /** TXT: the character strings one by one. */
  strings?: string[];
  /** MX preference / SRV priority. */
  preference?: number;
  weight?: number;
  port?: number;
}

export type TempfailReason = 'servfail' | 'refused' | 'timeout' | 'network' | 'formerr';

export type DnsOutcome =
  | { status: 'found'; records: DnsRecord[] }
  | { status: 'notfound'; reason: 'nxdomain' | 'nodata' }
  | { status: 'tempfail'; reason: TempfailReason; message: string };

export interface MxHost {
  name: string;
  preference: number;
}

export type MxOutcome =
  | { status: 'found'; hosts: MxHost[]; /** true when there was no MX and the name itself is the target */ implicit: boolean }
  | { status: 'notfound'; reason: 'nxdomain' | 'nodata' | 'nodns' }
  | { status: 'tempfail'; reason: TempfailReason; message: string };

export type CanonicalOutcome =
  | { status: 'found'; name: string }
  | { status: 'notfound' }
  | { status: 'tempfail'; message: string };

/** Per-query overrides (a map's -d delay and -r retry flags). */
export interface QueryLimits {
  timeoutMs?: number;
  attempts?: number;
}

export interface ResolverOptions {
  /** DNS servers (default: resolv.conf's). */
  nameservers?: NameServer[];
  /** Milliseconds to wait for one answer (default resolv.conf's, 5000). */
  timeoutMs?: number;
  /** Tries per server (default resolv.conf's, 2). */
  attempts?: number;
  /** Local domain appended to unqualified names (default resolv.conf's). */
  domain?: string;
  /** HostsFile option (default /etc/hosts). */
  hostsFile?: string;
  /** The C library's hosts file, for address-to-name lookups (default /etc/hosts). */
  systemHostsFile?: string;
  /** ServiceSwitchFile option (undefined: sendmail's defaults). */
  serviceSwitchFile?: string;
  /** resolv.conf to read defaults from. */
  resolvConfPath?: string;
}

const RCODE_NXDOMAIN = 3;
const RCODE_SERVFAIL = 2;
const RCODE_REFUSED = 5;
const RCODE_FORMERR = 1;

const stripDot = (n: string): string => (n.endsWith('.') ? n.slice(0, -1) : n);

/** Decode one dns2 resource into our record shape (undefined for other types). */
function toRecord(rr: DNS.Packet.Resource): DnsRecord | undefined {
  const typeName = Object.entries(DNS.Packet.TYPE).find(([, v]) => v === rr.type)?.[0] ?? (rr.type === 18 ? 'AFSDB' : String(rr.type));
  const base = { type: typeName, name: stripDot(rr.name), ttl: rr.ttl };
  switch (typeName) {
    case 'A':
    case 'AAAA':
      return { ...base, data: rr.address ?? '' };
    case 'CNAME':
    case 'PTR':
      return { ...base, data: stripDot(rr.domain ?? '') };
    case 'NS':
      return { ...base, data: stripDot(rr.ns ?? '') };
    case 'MX':
      return { ...base, data: stripDot(rr.exchange ?? ''), preference: rr.priority ?? 0 };
    case 'SRV':
      return { ...base, data: stripDot(rr.target ?? ''), preference: rr.priority, weight: rr.weight, port: rr.port };
    case 'TXT':
    case 'SPF':
    {
      const strings = Array.isArray(rr.data) ? rr.data : [rr.data ?? ''];
      return { ...base, data: strings.join(''), strings };
    }
    default:
      return undefined;
  }
}

/** Fisher–Yates shuffle of runs of equal preference in a sorted list. */
function shuffleEqualPreferences(hosts: MxHost[]): MxHost[] {
  const out = [...hosts];
  let start = 0;
  while (start < out.length) {
    let end = start + 1;
    while (end < out.length && out[end].preference === out[start].preference) end++;
    for (let i = end - 1; i > start; i--) {
      const j = start + Math.floor(Math.random() * (i - start + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    start = end;
  }
  return out;
}

export class Resolver {
  readonly nameservers: NameServer[];
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly domain: string;
  readonly hosts: HostsFile;
  readonly systemHosts: HostsFile;
  readonly serviceSwitch: ServiceSwitch;

  constructor(options: ResolverOptions = {}) {
    const needConf = !options.nameservers || options.timeoutMs === undefined || options.attempts === undefined || options.domain === undefined;
    const conf = needConf ? readResolvConf(options.resolvConfPath, hostname()) : undefined;
    this.nameservers = options.nameservers ?? conf?.nameservers ?? [];
    this.timeoutMs = options.timeoutMs ?? conf?.timeoutMs ?? 5000;
    this.attempts = options.attempts ?? conf?.attempts ?? 2;
    this.domain = stripDot(options.domain ?? conf?.domain ?? '');
    this.hosts = new HostsFile(options.hostsFile ?? '/etc/hosts');
    this.systemHosts = new HostsFile(options.systemHostsFile ?? '/etc/hosts');
    this.serviceSwitch = new ServiceSwitch(options.serviceSwitchFile);
  }

  /** One raw query; tries every server `attempts` times before giving up. */
  async query(name: string, type: DnsRecordType | string, limits: QueryLimits = {}): Promise<DnsOutcome> {
    const qname = stripDot(name);
    if (qname.length === 0 || qname.length > 253) return { status: 'notfound', reason: 'nxdomain' };
    const typeCode = type === 'AFSDB' ? 18 : (DNS.Packet.TYPE as Record<string, number>)[type];
    if (typeCode === undefined) return { status: 'tempfail', reason: 'formerr', message: `unsupported record type ${type}` };
    let last: DnsOutcome = { status: 'tempfail', reason: 'network', message: 'no name servers' };
    const attempts = Math.max(1, limits.attempts ?? this.attempts);
    const timeoutMs = limits.timeoutMs ?? this.timeoutMs;
    for (let attempt = 0; attempt < attempts; attempt++) {
      for (const server of this.nameservers) {
        const outcome = await this.queryServer(server, qname, type, typeCode, timeoutMs);
        if (outcome.status !== 'tempfail') return outcome;
        last = outcome;
      }
    }
    return last;
  }

  private async queryServer(server: NameServer, qname: string, type: string, typeCode: number, timeoutMs: number): Promise<DnsOutcome> {
    let response: DNS.Packet;
    try {
      // dns2 maps type names to codes itself; AFSDB is not in its table.
      response = await udpExchange(qname, type in DNS.Packet.TYPE ? type : 'ANY', { address: server.address, port: server.port, timeoutMs });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return e.code === 'ETIMEDOUT'
        ? { status: 'tempfail', reason: 'timeout', message: `${qname}: Name server timeout` }
        : { status: 'tempfail', reason: 'network', message: `${qname}: ${e.message}` };
    }
    const rcode = response.header.rcode;
    if (rcode === RCODE_NXDOMAIN) return { status: 'notfound', reason: 'nxdomain' };
    if (rcode === RCODE_SERVFAIL) return { status: 'tempfail', reason: 'servfail', message: `${qname}: server failure` };
    if (rcode === RCODE_REFUSED) return { status: 'tempfail', reason: 'refused', message: `${qname}: query refused` };
    if (rcode === RCODE_FORMERR || rcode !== 0) return { status: 'tempfail', reason: 'formerr', message: `${qname}: rcode ${rcode}` };
    const records: DnsRecord[] = [];
    const cnames: DnsRecord[] = [];
    for (const rr of response.answers) {
      const rec = toRecord(rr);
      if (!rec) continue;
      if (rr.type === typeCode) records.push(rec);
      else if (rec.type === 'CNAME') cnames.push(rec);
    }
    if (records.length === 0 && type === 'CNAME') records.push(...cnames);
    if (records.length === 0) return { status: 'notfound', reason: 'nodata' };
    return { status: 'found', records };
  }

  /**
   * MX hosts of a domain, best (lowest preference) first; hosts of equal
   * preference are shuffled unless `shuffle` is false.  A domain without MX
   * records but with an address is its own (implicit) mail host.
   */
  async lookupMx(domain: string, options: { shuffle?: boolean; fallbackToAddress?: boolean } = {}): Promise<MxOutcome> {
    const name = stripDot(domain);
    const mx = await this.query(name, 'MX');
    if (mx.status === 'tempfail') return mx;
    if (mx.status === 'found') {
      const hosts = mx.records
        .map((r) => ({ name: r.data, preference: r.preference ?? 0 }))
        .sort((a, b) => a.preference - b.preference);
      if (hosts.length === 1 && hosts[0].name === '') return { status: 'notfound', reason: 'nodata' }; // null MX (RFC 7505)
      return { status: 'found', hosts: options.shuffle === false ? hosts : shuffleEqualPreferences(hosts), implicit: false };
    }
    if (mx.reason === 'nxdomain' || options.fallbackToAddress === false) return mx;
    for (const type of ['A', 'AAAA'] as const) {
      const addr = await this.query(name, type);
      if (addr.status === 'found') return { status: 'found', hosts: [{ name, preference: 0 }], implicit: true };
      if (addr.status === 'tempfail') return addr;
    }
    return { status: 'notfound', reason: 'nodata' };
  }

  /**
   * sendmail's getmxrr as `-bt`'s `/mx` shows it: the MX hosts of a name
   * (each with a trailing dot, by preference, answer order within one
   * preference), `count` -1 for a temporary failure or a dotted name with
   * no MX data, 0 when nothing is known.  Without MX records a name that
   * does not exist in DNS (or a dotless one) falls back to its canonical
   * name; `[address]` is its own single host; without `dns` in the switch's
   * hosts line nothing is looked up.
   */
  async getmxrr(name: string): Promise<{ count: number; hosts: string[] }> {
    if (name.startsWith('[')) return { count: 1, hosts: [name] };
    if (!this.serviceSwitch.hostsUseDns()) return { count: 0, hosts: [] };
    const mx = await this.search(name, 'MX');
    if (mx.status === 'found') {
      const hosts = mx.records
        .map((r, i) => ({ name: r.data, preference: r.preference ?? 0, i }))
        .sort((a, b) => a.preference - b.preference || a.i - b.i)
        .map((h) => `${h.name}.`);
      return { count: hosts.length, hosts };
    }
    const dotted = stripDot(name).includes('.');
    if (mx.status === 'tempfail' || (dotted && mx.reason === 'nodata')) return { count: -1, hosts: [] };
    const canon = await this.canonicalName(name);
    return canon.status === 'found' ? { count: 1, hosts: [`${canon.name}.`] } : { count: 0, hosts: [] };
  }

  /**
   * Canonical host name through the service switch's `hosts` methods
   * (`files`: the hosts file; `dns`: CNAME-following DNS with the local
   * domain for unqualified names).  A trailing dot on `name` is ignored.
   */
  async canonicalName(name: string, limits: QueryLimits = {}): Promise<CanonicalOutcome> {
    const key = stripDot(name);
    if (key.length === 0) return { status: 'notfound' };
    let tempfail: string | undefined;
    for (const method of this.serviceSwitch.methods('hosts')) {
      if (method === 'files') {
        const found = this.canonicalFromFile(key);
        if (found !== undefined) return { status: 'found', name: found };
      } else if (method === 'dns') {
        const outcome = await this.canonicalFromDns(name, limits);
        if (outcome.status === 'found') return outcome;
        if (outcome.status === 'tempfail') tempfail ??= outcome.message;
      }
    }
    return tempfail !== undefined ? { status: 'tempfail', message: tempfail } : { status: 'notfound' };
  }

  /** Canonical name from the hosts file only (the local domain added to a dotless name); `name` has no trailing dot. */
  canonicalFromFile(name: string): string | undefined {
    const entry = this.hosts.findName(name);
    if (!entry) return undefined;
    const canon = canonicalNameOf(entry);
    return canon.includes('.') || !this.domain ? canon : `${canon}.${this.domain}`;
  }

  /**
   * Canonical name from DNS, as sendmail 8.17 finds it: a dotted name is
   * asked as is for AAAA, then A, then MX records, then (unless it ends in a
   * dot) under the local domain for AAAA records; a dotless name only under
   * the local domain, for AAAA records.  CNAMEs are followed: the owner of
   * the final records is the canonical name.  When a name exists somewhere
   * without such records the answer is a temporary failure (sendmail then
   * still tries the hosts file); when no name exists, it is not found.
   */
  async canonicalFromDns(name: string, limits: QueryLimits = {}): Promise<CanonicalOutcome> {
    const absolute = name.endsWith('.');
    const bare = stripDot(name);
    const candidates: { qname: string; types: readonly DnsRecordType[] }[] = [];
    if (bare.includes('.')) candidates.push({ qname: bare, types: ['AAAA', 'A', 'MX'] });
    if (!absolute && this.domain) candidates.push({ qname: `${bare}.${this.domain}`, types: ['AAAA'] });
    let nodata = false;
    for (const { qname, types } of candidates) {
      for (const type of types) {
        const outcome = await this.query(qname, type, limits);
        if (outcome.status === 'found') return { status: 'found', name: outcome.records[0].name };
        if (outcome.status === 'tempfail') return { status: 'tempfail', message: `${name}: Name server timeout` };
        if (outcome.reason === 'nxdomain') break;
        nodata = true;
      }
    }
    return nodata ? { status: 'tempfail', message: `${name}: Name server timeout` } : { status: 'notfound' };
  }

  /**
   * A query through the search list, like the C library's res_search: a
   * name ending in a dot is asked as is; a dotted name as is, then under
   * each search domain; a dotless one under each search domain, then as is.
   * The first answer wins; otherwise a temporary failure, then "no data",
   * then NXDOMAIN decides the outcome.
   */
  async search(name: string, type: DnsRecordType | string, limits: QueryLimits = {}): Promise<DnsOutcome> {
    const absolute = name.endsWith('.');
    const bare = stripDot(name);
    const searched = this.domain ? [`${bare}.${this.domain}`] : [];
    const candidates = absolute ? [bare] : bare.includes('.') ? [bare, ...searched] : [...searched, bare];
    let tempfail: DnsOutcome | undefined;
    let nodata: DnsOutcome | undefined;
    for (const candidate of candidates) {
      const outcome = await this.query(candidate, type, limits);
      if (outcome.status === 'found') return outcome;
      if (outcome.status === 'tempfail') tempfail ??= outcome;
      else if (outcome.reason === 'nodata') nodata ??= outcome;
    }
    return tempfail ?? nodata ?? { status: 'notfound', reason: 'nxdomain' };
  }

  /**
   * Host name of an address the way the C library's gethostbyaddr finds it
   * (as sendmail asks it): the system hosts file, then a DNS PTR query —
   * the service switch and HostsFile play no part.
   */
  /**
   * Every name of an address as gethostbyaddr gives it: the system hosts
   * file's line (its name, then its aliases), else the DNS PTR records;
   * none when it has no name or the lookup fails.
   */
  async reverseNames(address: string): Promise<string[]> {
    const entry = this.systemHosts.findAddress(address);
    if (entry) return [...entry.names];
    const ptrName = reverseLookupName(address);
    if (!ptrName) return [];
    const outcome = await this.query(ptrName, 'PTR');
    return outcome.status === 'found' ? outcome.records.map((r) => r.data) : [];
  }

  async reverseName(address: string): Promise<CanonicalOutcome> {
    const entry = this.systemHosts.findAddress(address);
    if (entry) return { status: 'found', name: entry.names[0] };
    const ptrName = reverseLookupName(address);
    if (!ptrName) return { status: 'notfound' };
    const outcome = await this.query(ptrName, 'PTR');
    if (outcome.status === 'found') return { status: 'found', name: outcome.records[0].data };
    if (outcome.status === 'tempfail') return { status: 'tempfail', message: `[${address}]: Name server timeout` };
    return { status: 'notfound' };
  }
}

/**
 * An IPv4 address written the ways inet_aton accepts (`127.1`, `0x7f.1`,
 * `010.0.0.1` octal, one to four parts), as a dotted quad; undefined if not.
 */
export function parseInetAddr(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]+$/.test(p)) n = parseInt(p.slice(2), 16);
    else if (/^0[0-7]*$/.test(p)) n = parseInt(p, 8);
    else if (/^[1-9][0-9]*$/.test(p)) n = parseInt(p, 10);
    else return undefined;
    nums.push(n);
  }
  const last = nums.pop() as number;
  if (nums.some((n) => n > 255) || last >= 2 ** (8 * (4 - nums.length))) return undefined;
  let value = last;
  nums.forEach((n, i) => (value += n * 2 ** (8 * (3 - i))));
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Nibble / octet form of an address without the arpa suffix, or undefined if it is not one. */
export function reverseAddressLabels(address: string): string | undefined {
  if (isIP(address) === 4) {
    return address.split('.').reverse().join('.');
  }
  if (isIP(address) === 6) {
    const groups = expandIPv6(address);
    if (!groups) return undefined;
    const hex = groups.map((g) => g.toString(16).padStart(4, '0')).join('');
    return [...hex].reverse().join('.');
  }
  return undefined;
}

/** The PTR query name of an address (in-addr.arpa / ip6.arpa). */
export function reverseLookupName(address: string): string | undefined {
  const labels = reverseAddressLabels(address);
  if (labels === undefined) return undefined;
  return `${labels}.${isIP(address) === 4 ? 'in-addr.arpa' : 'ip6.arpa'}`;
}

/** Eight 16-bit groups of an IPv6 address (embedded IPv4 allowed), or undefined. */
export function expandIPv6(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const o = v4[1].split('.').map(Number);
    text = text.slice(0, v4.index) + `${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined && missing !== 0) return undefined;
  const all = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  if (all.length !== 8) return undefined;
  return all.map((g) => parseInt(g, 16));
}
