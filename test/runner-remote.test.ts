// The queue runner's remote side with real peers: the cf's own resolver
// pointed at a dns2 server on 127.0.0.1 gives the MX of a domain that no
// mailertable names; postfix's smtp-sink (when it can be unpacked) first
// defers the recipient (-r RCPT), then takes it on the next run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { ManualClock } from '../src/deliver/clock.js';
import { runQueue, type QueueRunOptions } from '../src/deliver/runner.js';
import { Resolver } from '../src/dns/index.js';
import { useResolver } from '../src/maps/classes/resolverFor.js';
import { QueueIdGenerator } from '../src/queue/index.js';
import { freePort, queueTestMessage, smtpSinkBinary, startSink, startSmtpSink, tableResolver, type Sink } from './deliver-helpers.js';
import { startZoneServer } from './dns-helpers.js';
import { sampleConfigCopy } from './e2e-helpers.js';

const START = new Date('2026-11-20T10:00:00Z');
const ids = new QueueIdGenerator();
let dir = '';
let qdir = '';
let loaded: LoadedConfig;

beforeAll(async () => {
  dir = sampleConfigCopy(2525, { absolutePaths: true });
  qdir = path.join(dir, 'var/spool/mqueue');
  loaded = await loadConfig({ file: path.join(dir, 'etc-mail/sendmail.cf'), print: () => {}, hostName: 'host.example.com' });
});

const enqueue = (recipient: string): Promise<string> => queueTestMessage(qdir, recipient, START, ids);

const base = (extra: Partial<QueueRunOptions> = {}): QueueRunOptions => ({
  loaded,
  clock: new ManualClock(START),
  mailboxDir: path.join(dir, 'mail'),
  passwdFile: path.join(dir, 'no-passwd'),
  log: process.env.RUNNER_LOG ? (l) => console.error(l) : undefined,
  ...extra,
});

describe('queue runner: MX from a DNS server on loopback', () => {
  let dns: { port: number; close: () => Promise<void> };
  let sink: Sink;
  beforeAll(async () => {
    dns = await startZoneServer({
      'dnsmx.test': { MX: [[10, 'mx.dnsmx.test']] },
      'mx.dnsmx.test': { A: ['127.0.0.1'] },
    });
    sink = await startSink();
    writeFileSync(path.join(dir, 'switch'), 'hosts dns files\n');
    writeFileSync(path.join(dir, 'hosts'), '127.0.0.1 localhost\n');
    useResolver(
      loaded.env,
      new Resolver({
        nameservers: [{ address: '127.0.0.1', port: dns.port }],
        timeoutMs: 1000,
        attempts: 1,
        domain: 'test',
        hostsFile: path.join(dir, 'hosts'),
        serviceSwitchFile: path.join(dir, 'switch'),
      }),
    );
  });
  afterAll(async () => {
    await dns?.close();
    await sink?.close();
  });

  it('routes a domain through its MX record to the peer and empties the queue', async () => {
    const id = await enqueue('<bob@dnsmx.test>');
    const s = await runQueue(qdir, base({ smtpPort: sink.port }));
    expect(s).toMatchObject({ attempted: 1, completed: 1 });
    expect(sink.messages.map((m) => m.to)).toEqual([['bob@dnsmx.test']]);
    expect(sink.messages[0]!.data).toContain('Subject: to <bob@dnsmx.test>');
    expect(existsSync(path.join(qdir, `qf${id}`))).toBe(false);
  });
});

const sinkBin = process.env.SKIP_SMTP_SINK ? undefined : smtpSinkBinary();
if (!sinkBin) console.warn('runner-remote: postfix smtp-sink not available (apt-get download postfix failed); skipping');

describe.skipIf(!sinkBin)("queue runner against postfix's smtp-sink", () => {
  // a configuration of its own: the one above was given a DNS server that is gone now
  let own: LoadedConfig;
  beforeAll(async () => {
    own = await loadConfig({ file: path.join(dir, 'etc-mail/sendmail.cf'), print: () => {}, hostName: 'host.example.com' });
  });
  it('keeps a recipient the peer defers and delivers it on the next run', async () => {
    const port = await freePort();
    const mx = tableResolver({}, { 'mx.partner.example.test': ['127.0.0.1'] });
    const id = await enqueue('<carol@partner.example.test>');
    const soft = await startSmtpSink(sinkBin!, port, ['-r', 'RCPT']);
    try {
      const s = await runQueue(qdir, base({ loaded: own, smtpPort: port, mxResolver: mx }));
      expect(s).toMatchObject({ attempted: 1, deferred: 1 });
      expect(readdirSync(qdir)).toContain(`qf${id}`);
    } finally {
      // the deferring sink must be gone before the accepting one takes the port
      if (soft && soft.exitCode === null) await new Promise((r) => (soft.once('exit', r), soft.kill()));
    }
    const ok = await startSmtpSink(sinkBin!, port);
    try {
      const s = await runQueue(qdir, base({ loaded: own, smtpPort: port, mxResolver: mx }));
      expect(s).toMatchObject({ attempted: 1, completed: 1 });
      expect(readdirSync(qdir).filter((f) => f.endsWith(id))).toEqual([]);
    } finally {
      ok?.kill();
    }
  });
});
