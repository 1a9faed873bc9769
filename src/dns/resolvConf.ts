/**
 * /etc/resolv.conf: name servers, the local domain (`domain`, else the
 * first `search` entry, else the host name after its first dot) and the
 * `options timeout:N attempts:N` values.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface NameServer {
  address: string;
  port: number;
}

export interface ResolvConf {
  nameservers: NameServer[];
  /** Local domain without a trailing dot ('' when unknown). */
  domain: string;
  search: string[];
  timeoutMs: number;
  attempts: number;
}

/** Parse resolv.conf text; `hostName` supplies the domain when none is set. */
export function parseResolvConf(text: string, hostName: string = hostname()): ResolvConf {
  const conf: ResolvConf = { nameservers: [], domain: '', search: [], timeoutMs: 5000, attempts: 2 };
  let domain: string | undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/[#;].*$/, '').trim();
    const [word, ...rest] = line.split(/\s+/);
    if (word === 'nameserver' && rest[0]) conf.nameservers.push({ address: rest[0].replace(/%.*$/, ''), port: 53 });
    else if (word === 'domain' && rest[0]) {
      domain = rest[0];
      conf.search = [];
    } else if (word === 'search' && rest.length > 0) {
      conf.search = rest;
      domain = undefined;
    } else if (word === 'options') {
      for (const opt of rest) {
        const m = /^(timeout|attempts):(\d+)$/.exec(opt);
        if (m && m[1] === 'timeout') conf.timeoutMs = Math.min(30, Number(m[2])) * 1000;
        if (m && m[1] === 'attempts') conf.attempts = Math.max(1, Math.min(5, Number(m[2])));
      }
    }
  }
  const fromHost = hostName.includes('.') ? hostName.slice(hostName.indexOf('.') + 1) : '';
  conf.domain = (domain ?? conf.search[0] ?? fromHost).replace(/\.$/, '');
  if (conf.search.length === 0 && conf.domain) conf.search = [conf.domain];
  if (conf.nameservers.length === 0) conf.nameservers.push({ address: '127.0.0.1', port: 53 });
  return conf;
}

/** Read resolv.conf (missing file: loopback server, domain from the host name). */
export function readResolvConf(path = '/etc/resolv.conf', hostName: string = hostname()): ResolvConf {
  let text = '';
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    text = '';
  }
  return parseResolvConf(text, hostName);
}
