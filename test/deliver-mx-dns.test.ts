import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resolver } from '../src/dns/index.js';
import { planRoute } from '../src/deliver/mx.js';
import { mxResolverFrom } from '../src/deliver/mx-dns.js';
import { deliverSmtp } from '../src/deliver/smtp-client.js';
import { startSink, tempDir, type Sink } from './deliver-helpers.js';
import { startZoneServer, type Zone } from './dns-helpers.js';

// A real DNS server on loopback (dns2) serving this zone; names starting
// with "servfail" answer SERVFAIL, unknown names NXDOMAIN.
const ZONE: Zone = {
  'example.test': { MX: [[20, 'mx2.example.test'], [10, 'mx1.example.test'], [30, 'mail.client.test']] },
  'mx1.example.test': { A: ['127.0.0.1'] },
  'mx2.example.test': { A: ['127.0.0.2'] },
  'mail.client.test': { A: ['127.0.0.3'] },
  'selfish.test': { MX: [[10, 'mail.client.test']] },
  'nomx.test': { A: ['127.0.0.2'] },
  'servfail.test': { MX: [[10, 'mx1.example.test']] },
  'mxto-servfail.test': { MX: [[10, 'servfail-host.test']] },
};

describe('MX routing through the project resolver and a real DNS server', () => {
  let dns: { port: number; close: () => Promise<void> };
  let resolver: Resolver;
  let sink: Sink;
  beforeAll(async () => {
    dns = await startZoneServer(ZONE);
    const dir = tempDir('deliver-mxdns-');
    writeFileSync(path.join(dir, 'switch'), 'hosts dns files\n');
    writeFileSync(path.join(dir, 'hosts'), '127.0.0.9 files-only.test\n');
    resolver = new Resolver({
      nameservers: [{ address: '127.0.0.1', port: dns.port }],
      timeoutMs: 1000,
      attempts: 1,
      domain: 'test',
      hostsFile: path.join(dir, 'hosts'),
      serviceSwitchFile: path.join(dir, 'switch'),
    });
    sink = await startSink({}, '127.0.0.1');
  });
  afterAll(async () => {
    await dns.close();
    await sink.close();
  });

  const route = () => ({ resolver: mxResolverFrom(resolver), localNames: ['mail.client.test'], defaultPort: sink.port });

  it('orders MX hosts, drops this host and worse, falls back to addresses and the hosts file', async () => {
    const p = await planRoute('example.test', route());
    expect(p.kind === 'hosts' && p.hosts.map((h) => [h.name, h.addresses])).toEqual([
      ['mx1.example.test', ['127.0.0.1']],
      ['mx2.example.test', ['127.0.0.2']],
    ]);
    const self = await planRoute('selfish.test', route());
    expect(self.kind === 'failed' && self.result.status).toBe('5.3.5');
    const a = await planRoute('nomx.test', route());
    expect(a.kind === 'hosts' && a.hosts[0]?.addresses).toEqual(['127.0.0.2']);
    const files = await planRoute('files-only.test', route());
    expect(files.kind === 'hosts' && files.hosts[0]?.addresses).toEqual(['127.0.0.9']);
  });

  it('tells temporary DNS failures from permanent ones', async () => {
    const temp = await planRoute('servfail.test', route());
    expect(temp.kind === 'failed' && [temp.result.kind, temp.result.status]).toEqual(['tempfail', '4.4.3']);
    const hostTemp = await planRoute('mxto-servfail.test', route());
    expect(hostTemp.kind === 'failed' && hostTemp.result.kind).toBe('tempfail');
    const gone = await planRoute('nonexistent.test', route());
    expect(gone.kind === 'failed' && [gone.result.kind, gone.result.status]).toEqual(['permfail', '5.1.2']);
  });

  it('delivers end to end through the best MX', async () => {
    const rep = await deliverSmtp({
      nextHop: 'example.test',
      sender: 'a@client.test',
      recipients: [{ address: 'bob@example.test' }],
      message: Buffer.from('Subject: via mx\r\n\r\nhello\r\n'),
      heloName: 'mail.client.test',
      route: route(),
    });
    expect(rep.results.get('bob@example.test')?.kind).toBe('sent');
    expect(rep.attempts.map((x) => x.host)).toEqual(['mx1.example.test']);
    expect(sink.messages.at(-1)?.to).toEqual(['bob@example.test']);
  });
});
