// A small authoritative DNS server on loopback (dns2) for resolver and map
// tests, and a way to run real sendmail -bt against the same zone (in a
// network + mount namespace where the server answers on 127.0.0.1:53 and
// /etc/resolv.conf points at it).

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import DNS from 'dns2';
import { REPO_ROOT, hasTool, tempDir } from './maps-helpers.js';

/** name -> type -> values (A/AAAA/CNAME/PTR/NS: string; MX: [pref, host]; TXT: string[]; SRV: [prio, weight, port, target]). */
export type Zone = Record<string, Record<string, unknown[]>>;

export const ZONE: Zone = {
  'mx.example.net': { A: ['192.0.2.10'], AAAA: ['2001:db8::10'] },
  'alias.example.net': { CNAME: ['mx.example.net'] },
  'example.net': {
    MX: [[20, 'mx2.example.net'], [10, 'mx1.example.net'], [10, 'mx0.example.net']],
    TXT: [['v=spf1', ' -all']],
    NS: ['ns.example.net'],
  },
  'mx1.example.net': { A: ['192.0.2.11'] },
  'onlymx.example.net': { MX: [[5, 'mx.example.net']] },
  '10.2.0.192.in-addr.arpa': { PTR: ['mx.example.net'] },
  'short.example.com': { A: ['192.0.2.2'] },
  'v4only.example.net': { A: ['192.0.2.3'] },
  'v6only.example.com': { AAAA: ['2001:db8::3'] },
  'mxonly.example.com': { MX: [[1, 'mx.example.net']] },
  '_smtp._tcp.example.net': { SRV: [[1, 2, 25, 'mx.example.net']] },
  'txtonly.example.net': { TXT: [['x']] },
  'foo.bar.example.com': { A: ['192.0.2.77'] },
};

/**
 * The request handler, as JavaScript source so the same code can run in a
 * separate node process inside a namespace.  Names starting with
 * `servfail` get SERVFAIL, `timeout` no answer, unknown names NXDOMAIN.
 */
export const HANDLER_SOURCE = `(zone, Packet) => (request, send) => {
  const response = Packet.createResponseFromRequest(request);
  const [q] = request.questions;
  const name = q.name.toLowerCase().replace(/\\.$/, '');
  if (name.startsWith('servfail')) { response.header.rcode = 2; return send(response); }
  if (name.startsWith('timeout')) return;
  const rec = zone[name];
  if (!rec) { response.header.rcode = 3; return send(response); }
  const tname = Object.keys(Packet.TYPE).find((k) => Packet.TYPE[k] === q.type);
  const add = (owner, t, v) => {
    const base = { name: owner, type: Packet.TYPE[t], class: Packet.CLASS.IN, ttl: 300 };
    if (t === 'A' || t === 'AAAA') response.answers.push({ ...base, address: v });
    if (t === 'CNAME' || t === 'PTR') response.answers.push({ ...base, domain: v });
    if (t === 'NS') response.answers.push({ ...base, ns: v });
    if (t === 'MX') response.answers.push({ ...base, priority: v[0], exchange: v[1] });
    if (t === 'TXT') response.answers.push({ ...base, data: v });
    if (t === 'SRV') response.answers.push({ ...base, priority: v[0], weight: v[1], port: v[2], target: v[3] });
  };
  if (rec.CNAME && tname !== 'CNAME') {
    add(q.name, 'CNAME', rec.CNAME[0]);
    for (const v of (zone[rec.CNAME[0]] || {})[tname] || []) add(rec.CNAME[0], tname, v);
  } else for (const v of rec[tname] || []) add(q.name, tname, v);
  send(response);
}`;

// eslint-disable-next-line @typescript-eslint/no-implied-eval
const makeHandler = new Function(`return ${HANDLER_SOURCE}`)() as (zone: Zone, packet: typeof DNS.Packet) => DNS.DnsHandler;

/** Start a UDP server for `zone` on 127.0.0.1 at a free port. */
export async function startZoneServer(zone: Zone = ZONE): Promise<{ port: number; close: () => Promise<void> }> {
  const server = DNS.createUDPServer(makeHandler(zone, DNS.Packet));
  await server.listen(0, '127.0.0.1');
  const port = (server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Whether real sendmail can be run against a namespace-local DNS server. */
export const canRunRealSendmailWithDns: boolean =
  hasTool('sendmail') &&
  hasTool('unshare') &&
  hasTool('ip') &&
  spawnSync('unshare', ['--uts', '--net', '--mount', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' }).status === 0;

/**
 * Real sendmail's output for `input` with `cf`, while `zone` is served on
 * 127.0.0.1:53 inside the namespace and resolv.conf names only that server.
 */
export function realSendmailWithDns(cf: string, input: string, zone: Zone = ZONE): string {
  const dir = tempDir('dns-real-');
  const dns2Path = path.join(REPO_ROOT, 'node_modules', 'dns2', 'index.js');
  const serverJs = path.join(dir, 'server.cjs');
  writeFileSync(
    serverJs,
    `const DNS = require(${JSON.stringify(dns2Path)});
const zone = ${JSON.stringify(zone)};
const server = DNS.createUDPServer((${HANDLER_SOURCE})(zone, DNS.Packet));
server.on('listening', () => console.log('ready'));
server.listen(53, '127.0.0.1');
setTimeout(() => process.exit(0), 60000).unref();
`,
  );
  writeFileSync(path.join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  const script = [
    'hostname host.example.com',
    'ip link set lo up',
    `mount --bind ${dir}/resolv.conf /etc/resolv.conf`,
    `${process.execPath} ${serverJs} > ${dir}/server.out 2>&1 < /dev/null &`,
    'server=$!',
    `for i in $(seq 1 100); do grep -q ready ${dir}/server.out 2>/dev/null && break; sleep 0.05; done`,
    `sendmail -bt -C ${cf} 2>&1`,
    'kill $server',
  ].join('\n');
  const r = spawnSync('unshare', ['--uts', '--net', '--mount', 'sh', '-c', script], { input, timeout: 60000 });
  return r.stdout.toString('latin1');
}
