// The socket map class against a real socket map server on loopback TCP
// and on a UNIX socket, speaking sendmail's netstring protocol.

import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netstring, parseSocketSpec, readNetstring } from '../src/maps/classes/socket.js';
import { canRunRealSendmailWithDns } from './dns-helpers.js';
import { TestEnv, slashMapAnswers, slashMapInput, tempDir, writeResolverFiles, writeTestCf } from './maps-helpers.js';

const TABLE: Record<string, string> = { 'alice@example.com': 'OK alice@internal', slow: 'SLOW', temp: 'TEMP try later', perm: 'PERM no', odd: 'MAYBE' };
const requests: string[] = [];
let connections = 0;

function startServer(listen: (s: Server) => Promise<void>): Promise<Server> {
  const server = createServer((sock) => {
    connections++;
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (let got = readNetstring(buf); Array.isArray(got); got = readNetstring(buf)) {
        buf = buf.subarray(got[1]);
        requests.push(got[0]);
        const key = got[0].slice(got[0].indexOf(' ') + 1);
        const reply = TABLE[key] ?? 'NOTFOUND ';
        if (reply !== 'SLOW') sock.write(netstring(reply));
      }
    });
  });
  return listen(server).then(() => server);
}

let tcp: Server;
let unix: Server;
let tcpPort = 0;
const sockPath = path.join(tempDir('sockmap-'), 'map.sock');

beforeAll(async () => {
  tcp = await startServer((s) => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve())));
  tcpPort = (tcp.address() as { port: number }).port;
  unix = await startServer((s) => new Promise((resolve) => s.listen(sockPath, () => resolve())));
});
afterAll(() => {
  tcp.close();
  unix.close();
});

describe('socket map', () => {
  it('parses endpoint specifications', () => {
    expect(parseSocketSpec('inet:12345@127.0.0.1')).toEqual({ kind: 'inet', host: '127.0.0.1', port: 12345 });
    expect(parseSocketSpec('inet6:25@[::1]')).toEqual({ kind: 'inet', host: '::1', port: 25 });
    expect(parseSocketSpec('local:/var/run/x')).toEqual({ kind: 'unix', path: '/var/run/x' });
    expect(parseSocketSpec('inet:x@h')).toBe('invalid port number x@h');
  });

  it('asks the server over one TCP connection and maps its status words', async () => {
    const env = new TestEnv().declare(`Kvirt socket -d1 -T<TMP> inet:${tcpPort}@127.0.0.1`);
    const before = connections;
    expect(await env.lookup('virt', 'Alice@Example.COM')).toEqual({ status: 'found', value: 'alice@internal' });
    expect(await env.lookup('virt', 'bob')).toEqual({ status: 'notfound', code: 68 });
    expect(await env.lookup('virt', 'temp')).toMatchObject({ status: 'tempfail' });
    expect(await env.lookup('virt', 'perm')).toMatchObject({ status: 'notfound', code: 69 });
    expect(requests.slice(-4)).toEqual(['virt alice@example.com', 'virt bob', 'virt temp', 'virt perm']);
    expect(connections - before).toBe(1);
    env.maps.get('virt')?.close?.();
  });

  it('runs concurrent lookups one at a time and recovers after a timeout', async () => {
    const env = new TestEnv().declare(`Kv socket -d1 inet:${tcpPort}@127.0.0.1`);
    const all = await Promise.all([env.lookup('v', 'alice@example.com'), env.lookup('v', 'slow'), env.lookup('v', 'x')]);
    expect(all.map((r) => r.status)).toEqual(['found', 'tempfail', 'notfound']);
    expect(await env.lookup('v', 'odd')).toEqual({ status: 'notfound', code: 76 });
    expect(env.reports).toEqual(['socket map "v": timeout waiting for reply']);
    env.maps.get('v')?.close?.();
  });

  it('talks over a UNIX socket, and reports a missing one like sendmail', async () => {
    const env = new TestEnv().declare(`Ku socket unix:${sockPath}\nKm socket unix:${sockPath}.missing`);
    expect(await env.lookup('u', 'alice@example.com')).toEqual({ status: 'found', value: 'alice@internal' });
    expect((await env.lookup('m', 'x')).status).toBe('tempfail');
    expect(env.reports).toEqual([`socket map "m": local socket name ${sockPath}.missing unsafe: No such file or directory`]);
    env.maps.get('u')?.close?.();
  });

  it('fails temporarily when nobody listens', async () => {
    const env = new TestEnv().declare('Kn socket -d1 inet:1@127.0.0.1');
    expect((await env.lookup('n', 'x')).status).toBe('tempfail');
  });
});

// One socket map server program, run for us on a free port and for real
// sendmail inside a network namespace on port 12345.
const SERVER_JS = `const net = require('net');
const server = net.createServer((s) => {
  let buf = Buffer.alloc(0);
  s.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const c = buf.indexOf(58); if (c < 0) return;
      const len = Number(buf.subarray(0, c)); if (buf.length < c + 2 + len) return;
      const req = buf.subarray(c + 1, c + 1 + len).toString('latin1'); buf = buf.subarray(c + 2 + len);
      const key = req.slice(req.indexOf(' ') + 1);
      const rep = key === 'temp' ? 'TEMP x' : key === 'perm' ? 'PERM x' : key === 'timeout' ? 'TIMEOUT' : key === 'bad' ? 'WHAT x'
        : key.startsWith('nf') ? 'NOTFOUND ' : 'OK ' + req.slice(0, req.indexOf(' ')) + '-' + key + ' %1';
      s.write(Buffer.byteLength(rep, 'latin1') + ':' + rep + ',');
    }
  });
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => console.log('port ' + server.address().port));
setTimeout(() => process.exit(0), 30000).unref();
`;

describe('socket map against real sendmail', () => {
  it('answers /map the same', async () => {
    const dir = tempDir('sockreal-');
    const serverJs = path.join(dir, 'server.cjs');
    writeFileSync(serverJs, SERVER_JS);
    const child = spawn(process.execPath, [serverJs, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve) => child.stdout.on('data', (d: Buffer) => resolve(Number(/port (\d+)/.exec(String(d))?.[1]))));
    const kLines = (p: number): string => [`Ks socket -T<T> inet:${p}@127.0.0.1`, `Kf socket -f inet:${p}@127.0.0.1`, `Ka socket -a.A inet:${p}@127.0.0.1`].join('\n');
    const queries: [string, string][] = [['s', 'Hello'], ['f', 'Hello'], ['s', 'nfx'], ['s', 'temp'], ['s', 'perm'], ['s', 'timeout'], ['s', 'bad'], ['a', 'x'], ['s', '"q"']];
    const env = new TestEnv().declare(kLines(port));
    const ours: string[] = [];
    for (const [n, k] of queries) ours.push(await env.slashMap(n, k));
    child.kill();
    for (const m of env.maps.values()) m.close?.();
    expect(ours).toEqual([
      'map_lookup: s (Hello) returns s-hello  (0)',
      'map_lookup: f (Hello) returns f-Hello  (0)',
      'map_lookup: s (nfx) no match (68)',
      'map_lookup: s (temp) no match (75)',
      'map_lookup: s (perm) no match (69)',
      'map_lookup: s (timeout) no match (75)',
      'map_lookup: s (bad) no match (76)',
      'map_lookup: a (x) returns a-x .A (0)',
      'map_lookup: s ("q") returns s-"q"  (0)',
    ]);
    if (!canRunRealSendmailWithDns) return;
    writeResolverFiles(dir, '127.0.0.1 localhost\n');
    const cf = writeTestCf(dir, kLines(12345));
    const script = `hostname host.example.com; ip link set lo up; ${process.execPath} ${serverJs} 12345 > ${dir}/out 2>&1 < /dev/null & s=$!; for i in $(seq 1 100); do grep -q port ${dir}/out && break; sleep 0.05; done; sendmail -bt -C ${cf} 2>&1; kill $s`;
    const real = spawnSync('unshare', ['--uts', '--net', 'sh', '-c', script], { input: slashMapInput(queries), timeout: 30000 });
    expect(ours).toEqual(slashMapAnswers(real.stdout.toString('latin1')));
  });
});
