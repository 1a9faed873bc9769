// The socket map class against a real socket map server on loopback TCP
// and on a UNIX socket, speaking sendmail's netstring protocol.

import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netstring, parseSocketSpec, readNetstring } from '../src/maps/classes/socket.js';
import { TestEnv, tempDir } from './maps-helpers.js';

const TABLE: Record<string, string> = { 'alice@example.com': 'OK alice@internal', slow: 'SLOW', temp: 'TEMP try later', perm: 'PERM no' };
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
    expect(await env.lookup('virt', 'bob')).toEqual({ status: 'notfound' });
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
