// The SMTP script and the client addresses for comparing a config's SMTP
// decisions, derived from the config's own data (nothing per config): the
// cf names the files (its K lines for access, virtuser, mailertable and
// domaintable, Fw and FR for local-host-names and relay-domains,
// AliasFile, HostsFile), and their keys become senders, recipients and
// client addresses.  Recipients go in one transaction, or in transactions of
// N when the cf sets BadRcptThrottle=N (one second's sleep per rejected RCPT
// past N in one transaction), so that throttle does not slow the run down.
import { existsSync, readFileSync } from 'node:fs';

/** A remote domain no config names: relaying to it must be decided by the client. */
const REMOTE = 'elsewhere.example';
/** A domain that resolves nowhere. */
const UNRESOLVABLE = 'no-such-domain.invalid';
/** An address literal that no config lists as local. */
const FOREIGN_LITERAL = '[192.0.2.55]';
/** Candidates for a client that no access or relay entry names. */
const UNLISTED_CANDIDATES = ['198.51.100.200', '203.0.113.200', '192.0.2.200', '100.64.0.9'];
/** How many client addresses at most (each is one connection). */
const MAX_CLIENTS = 6;

export interface DecisionScript {
  /** The cf's $j. */
  host: string;
  /** Client addresses, 127.0.0.1 first. */
  clients: string[];
  /** Script lines for the chat client (`<DATA>` starts a message ending with `.`). */
  lines: string[];
}

interface Entry {
  key: string;
  value: string;
}

/** The entries of a text map source: key, then the rest; `#` lines and blank lines skipped. */
function entries(file: string | undefined): Entry[] {
  if (!file || !existsSync(file)) return [];
  const out: Entry[] = [];
  for (const raw of readFileSync(file, 'latin1').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    out.push({ key: m[1]!, value: m[2]! });
  }
  return out;
}

/** The file of a map a K line declares (`Kname type -flags... /path`), a trailing .db dropped. */
function mapFile(cf: string, name: string): string | undefined {
  const m = new RegExp(`^K${name}\\s+(?:hash|btree)\\b.*?(\\S+)\\s*$`, 'm').exec(cf);
  return m?.[1]!.replace(/\.db$/, '');
}

/** The file of a class an F line reads (`Fw-o /path %[^#]`). */
function classFile(cf: string, cls: string): string | undefined {
  const m = new RegExp(`^F${cls}\\s*(?:-o\\s*)?(/\\S+)`, 'm').exec(cf);
  return m?.[1];
}

function option(cf: string, name: string): string | undefined {
  return new RegExp(`^O ${name}=(.*)$`, 'm').exec(cf)?.[1]?.trim();
}

const IPV4_PREFIX = /^\d{1,3}(\.\d{1,3}){0,3}$/;

/** A full IPv4 address under a prefix of one to four octets. */
function addressUnder(prefix: string): string {
  const octets = prefix.split('.');
  while (octets.length < 4) octets.push('9');
  return octets.join('.');
}

function under(addr: string, prefix: string): boolean {
  return addr === prefix || addr.startsWith(prefix + '.');
}

/** `Tag:key` split; an untagged key has tag ''. */
function tagged(key: string): { tag: string; rest: string } {
  const m = /^([A-Za-z_]+):(.*)$/.exec(key);
  return m && m[1] !== 'IPv6' ? { tag: m[1]!, rest: m[2]! } : { tag: '', rest: key };
}

class OrderedSet extends Set<string> {
  addAll(xs: Iterable<string>): void {
    for (const x of xs) this.add(x);
  }
}

/** The script and client list for the config whose (path-substituted) copy is `dir`. */
export function decisionScript(dir: string): DecisionScript {
  const cf = readFileSync(`${dir}/sendmail.cf`, 'latin1');
  const host = /^Dj(.*)$/m.exec(cf)?.[1] ?? 'localhost';
  const access = entries(mapFile(cf, 'access'));
  const hosts = entries(option(cf, 'HostsFile'));
  const localNames = entries(classFile(cf, 'w')).map((e) => e.key);
  const relayDomains = entries(classFile(cf, 'R')).map((e) => e.key);
  const aliasFile = option(cf, 'AliasFile')?.split(',')[0]?.replace(/^\w+:/, '');
  const aliases = entries(aliasFile).map((e) => e.key.replace(/:$/, ''));
  const virtuser = entries(mapFile(cf, 'virtuser')).map((e) => e.key);
  const mailertable = entries(mapFile(cf, 'mailertable')).map((e) => e.key);
  const domaintable = entries(mapFile(cf, 'domaintable')).map((e) => e.key);
  const allMapKeys = ['access', 'virtuser', 'mailertable', 'domaintable', 'generics', 'ednsbl', 'dnsA', 'mxlist', 'mxserved']
    .flatMap((m) => entries(mapFile(cf, m)).map((e) => e.key));

  // ---- client addresses
  // by source: the access map's Connect: and untagged entries, relay-domains, DNS blocklist names
  const byAccess = new OrderedSet();
  const byRelay = new OrderedSet();
  const byBlocklist = new OrderedSet();
  const hostAddress = (name: string): string | undefined =>
    hosts.find((h) => /^\d+(\.\d+){3}$/.test(h.key) && h.value.split(/\s+/).some((n) => n === name || n.endsWith('.' + name)))?.key;
  const listedPrefixes: string[] = [];
  for (const { key } of access) {
    const { tag, rest } = tagged(key);
    if (tag !== 'Connect' && tag !== '') continue;
    if (IPV4_PREFIX.test(rest)) {
      listedPrefixes.push(rest);
      byAccess.add(addressUnder(rest));
    } else if (tag === 'Connect' && /^[A-Za-z0-9.-]+$/.test(rest)) {
      const a = hostAddress(rest);
      if (a) byAccess.add(a);
    }
  }
  for (const d of relayDomains) {
    if (IPV4_PREFIX.test(d)) {
      listedPrefixes.push(d);
      byRelay.add(addressUnder(d));
    } else {
      const a = hostAddress(d);
      if (a) byRelay.add(a);
    }
  }
  // DNS blocklist names (d.c.b.a.zone) in the hosts file or a map: the client a.b.c.d is listed
  for (const name of [...hosts.flatMap((h) => h.value.split(/\s+/)), ...allMapKeys]) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.[A-Za-z]/.exec(name);
    if (m) byBlocklist.add(`${m[4]}.${m[3]}.${m[2]}.${m[1]}`);
  }
  // 127.0.0.1, one address nothing lists, then the sources in turn (so a cap keeps each kind)
  const anyListed = new Set([...byAccess, ...byRelay, ...byBlocklist]);
  const unlisted = UNLISTED_CANDIDATES.find((a) => !listedPrefixes.some((p) => under(a, p)) && !anyListed.has(a));
  const clients = new OrderedSet(['127.0.0.1', ...(unlisted ? [unlisted] : [])]);
  const sources = [byAccess, byRelay, byBlocklist].map((s) => [...s].filter((a) => a.split('.').every((o) => Number(o) < 256)));
  for (let i = 0; sources.some((s) => i < s.length); i++) for (const s of sources) if (i < s.length) clients.add(s[i]!);
  const clientList = [...clients].slice(0, MAX_CLIENTS);

  // ---- senders
  // domains named as a whole (keys without a local part) by the access map, relay-domains, the local names or a routing map
  const namedDomains = [...access.map((e) => tagged(e.key).rest), ...relayDomains, ...localNames, ...mailertable, ...virtuser, ...domaintable]
    .filter((k) => !/^[^@]+@/.test(k))
    .map((k) => k.replace(/^@/, '').replace(/^\./, '').toLowerCase())
    .filter((d) => d !== '');
  const mentioned = (name: string): boolean => namedDomains.some((d) => name === d || name.endsWith('.' + d));
  const resolvable = hosts.flatMap((h) => h.value.split(/\s+/)).filter((n) => n.includes('.') && !/^\d/.test(n));
  const goodDomain = resolvable.find((n) => !mentioned(n) && n !== host) ?? resolvable[0] ?? host;
  const goodSender = `sender@${goodDomain}`;
  const senders = new OrderedSet([goodSender, '<>', 'someone', `someone@${UNRESOLVABLE}`, `root@${host}`, `someone@${FOREIGN_LITERAL}`]);
  for (const { key } of access) {
    const { tag, rest } = tagged(key);
    if (tag !== 'From' && tag !== '') continue;
    if (IPV4_PREFIX.test(rest)) continue;
    if (rest === '<>') senders.add('<>');
    else if (rest.endsWith('@')) senders.add(`${rest}${goodDomain}`);
    else if (rest.includes('@')) senders.add(rest);
    else senders.add(`someone@${rest}`);
  }

  // ---- recipients
  const rcpts = new OrderedSet(['postmaster', `postmaster@${host}`, `root@${host}`, `nosuchuser@${host}`, `ROOT@${host.toUpperCase()}`]);
  for (const w of localNames) rcpts.add(`root@${w}`);
  for (const a of aliases) rcpts.add(`${a}@${host}`);
  for (const { key } of access) {
    const { tag, rest } = tagged(key);
    if (tag !== 'To' && tag !== 'Spam' && tag !== '') continue;
    if (IPV4_PREFIX.test(rest) || rest === '') continue;
    if (rest.endsWith('@')) rcpts.add(`${rest}${host}`);
    else if (rest.includes('@')) rcpts.add(rest);
    else rcpts.add(`someone@${rest}`);
  }
  for (const k of virtuser) {
    const at = k.lastIndexOf('@');
    const user = k.slice(0, at);
    const domain = k.slice(at + 1);
    if (at < 0) rcpts.add(`${k}@${host}`);
    else if (user === '') rcpts.add(`someone@${domain}`);
    else if (user.endsWith('+*')) rcpts.add(`${user.slice(0, -1) || 'x+'}detail@${domain}`);
    else rcpts.add(k);
  }
  for (const k of [...mailertable, ...domaintable]) rcpts.add(k.startsWith('.') ? `someone@sub${k}` : `someone@${k}`);
  for (const d of relayDomains) {
    if (IPV4_PREFIX.test(d)) continue;
    rcpts.add(`someone@${d}`);
    rcpts.add(`someone@sub.${d}`);
  }
  // the relay tricks, through this host and to a remote domain
  rcpts.addAll([
    `someone@${REMOTE}`,
    `someone%${REMOTE}@${host}`,
    `${REMOTE}!someone@${host}`,
    `"someone@${REMOTE}"@${host}`,
    `@${host}:someone@${REMOTE}`,
    `someone@${FOREIGN_LITERAL}`,
    `someone@${REMOTE}.`,
    `root@${host}.`,
    `someone@${UNRESOLVABLE}`,
    'nosuchuser',
    '<>',
  ]);

  // ---- the script
  const lines = [`EHLO client.example.org`];
  const tx = (from: string, to: readonly string[]): void => {
    lines.push(`MAIL FROM:${from === '<>' ? '<>' : `<${from}>`}`);
    for (const r of to) lines.push(`RCPT TO:${r === '<>' ? '<>' : `<${r}>`}`);
    lines.push('RSET');
  };
  for (const s of senders) tx(s, [`root@${host}`]);
  for (const { key } of access) {
    const { tag, rest } = tagged(key);
    const m = tag === 'Compat' ? /^(.*)<@>(.*)$/.exec(rest) : null;
    if (m) tx(m[1]!, [m[2]!]);
  }
  const all = [...rcpts];
  const throttle = Number(option(cf, 'BadRcptThrottle') ?? 0);
  const group = throttle > 0 ? throttle : all.length;
  for (let i = 0; i < all.length; i += group) tx(goodSender, all.slice(i, i + group));
  lines.push(`MAIL FROM:<${goodSender}>`, `RCPT TO:<root@${host}>`, 'DATA');
  lines.push('<DATA>', `From: <${goodSender}>`, `To: <root@${host}>`, 'Subject: cf decisions', '', 'hello', '.');
  lines.push('QUIT');
  return { host, clients: clientList, lines };
}
