import { readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverSmtp, parseReply, type SmtpDeliveryRequest } from '../src/deliver/smtp-client.js';
import { SmtpConnectionCache } from '../src/deliver/smtp-connection-cache.js';
import { envelopeDsn, smtpRecipientOf } from '../src/deliver/queue-bridge.js';
import { parseQf } from '../src/queue/qf-file.js';
import { dropSelfAndWorse, orderMxRecords, parseNextHops, planRoute } from '../src/deliver/mx.js';
import {
  buildRealSendmailCf,
  canUnshareUts,
  freePort,
  hasTool,
  SENDMAIL_CF_DIR,
  smtpSinkBinary,
  spawnRealSendmail,
  startDroppingPeer,
  startSink,
  startSmtpSink,
  tableResolver,
  tempDir,
  waitForPort,
} from './deliver-helpers.js';

const MESSAGE = Buffer.from('From: a@client.test\r\nTo: b@example.test\r\nSubject: hi\r\n\r\nHello.\r\n.leading dot\r\n');

function request(nextHop: string, rcpts: string[], extra: Partial<SmtpDeliveryRequest> = {}): SmtpDeliveryRequest {
  return {
    nextHop,
    sender: 'a@client.test',
    recipients: rcpts.map((address) => ({ address })),
    message: MESSAGE,
    heloName: 'client.test',
    timeouts: { connect: 3000, greeting: 3000, command: 5000 },
    route: { resolver: tableResolver({}, {}), localNames: ['client.test'], defaultPort: 25 },
    ...extra,
  };
}

describe('next hop parsing and MX ordering', () => {
  it('splits hosts, brackets, IPv6 literals and ports', () => {
    expect(parseNextHops('[mx.example.com]:backup.example.com:2525')).toEqual([
      { host: 'mx.example.com', bracketed: true },
      { host: 'backup.example.com', bracketed: false, port: 2525 },
    ]);
    expect(parseNextHops('[IPv6:::1]:25')).toEqual([{ host: '::1', bracketed: true, port: 25 }]);
    expect(() => parseNextHops('[unclosed')).toThrow(/without "]"/);
    expect(() => parseNextHops('2525')).toThrow(/not a port/);
  });

  it('sorts by preference and shuffles equal preferences with the random source', () => {
    const recs = [
      { exchange: 'c', preference: 20 },
      { exchange: 'a', preference: 10 },
      { exchange: 'b', preference: 10 },
    ];
    const seq = (vals: number[]) => () => vals.shift() ?? 0;
    expect(orderMxRecords(recs, seq([0.1, 0.9, 0.5])).map((r) => r.exchange)).toEqual(['b', 'a', 'c']);
    expect(orderMxRecords(recs, seq([0.1, 0.2, 0.5])).map((r) => r.exchange)).toEqual(['a', 'b', 'c']);
  });

  it('drops this host and every MX at least as bad', () => {
    const recs = [
      { exchange: 'a', preference: 10 },
      { exchange: 'me', preference: 20 },
      { exchange: 'peer', preference: 20 },
      { exchange: 'z', preference: 30 },
    ];
    expect(dropSelfAndWorse(recs, new Set(['me']))).toEqual({ records: [recs[0]], wasListed: true });
  });

  it('plans MX hosts, A fallback, bracketed hosts, and failures by kind', async () => {
    const resolver = tableResolver(
      {
        'example.test': [
          { exchange: 'mx2.example.test', preference: 20 },
          { exchange: 'mx1.example.test.', preference: 10 },
        ],
        'self.test': [{ exchange: 'client.test', preference: 10 }],
        'broken.test': 'tempfail',
        'null.test': [{ exchange: '.', preference: 0 }],
      },
      {
        'mx1.example.test': ['127.0.0.1'],
        'mx2.example.test': ['127.0.0.2', '::1'],
        'example.test': ['127.0.0.9'],
        'plain.test': ['127.0.0.3'],
        'client.test': ['127.0.0.1'],
        'self.test': ['127.0.0.8'],
      },
    );
    const opts = { resolver, localNames: ['Client.Test.'], defaultPort: 25 };
    const p = await planRoute('example.test', opts);
    expect(p.kind === 'hosts' && p.hosts.map((h) => [h.name, h.addresses, h.preference])).toEqual([
      ['mx1.example.test', ['127.0.0.1'], 10],
      ['mx2.example.test', ['127.0.0.2', '::1'], 20],
    ]);
    const bracket = await planRoute('[example.test]:2525', opts);
    expect(bracket.kind === 'hosts' && bracket.hosts).toEqual([
      { name: 'example.test', display: '[example.test]', addresses: ['127.0.0.9'], port: 2525, preference: undefined },
    ]);
    const plain = await planRoute('plain.test', opts);
    expect(plain.kind === 'hosts' && plain.hosts[0]?.addresses).toEqual(['127.0.0.3']);
    const self = await planRoute('self.test', opts);
    expect(self.kind === 'failed' && [self.result.kind, self.result.status, self.result.text]).toEqual([
      'permfail',
      '5.3.5',
      'MX list for self.test. points back to client.test',
    ]);
    const tryNull = await planRoute('self.test', { ...opts, tryNullMxList: true });
    expect(tryNull.kind === 'hosts' && tryNull.hosts.map((h) => h.name)).toEqual(['self.test']);
    const broken = await planRoute('broken.test', opts);
    expect(broken.kind === 'failed' && broken.result.kind).toBe('tempfail');
    const missing = await planRoute('missing.test', opts);
    expect(missing.kind === 'failed' && [missing.result.kind, missing.result.status]).toEqual(['permfail', '5.1.2']);
    const nullMx = await planRoute('null.test', opts);
    expect(nullMx.kind === 'failed' && nullMx.result.status).toBe('5.1.10');
  });

  it('parses replies with and without enhanced codes', () => {
    expect(parseReply('550-5.1.1 first\n550 5.1.1 second')).toEqual({
      code: 550,
      enhanced: '5.1.1',
      text: 'first 5.1.1 second',
      line: '550 5.1.1 first 5.1.1 second',
      lines: ['550-5.1.1 first', '550 5.1.1 second'],
    });
    expect(parseReply('451 try later')).toMatchObject({ code: 451, enhanced: undefined, text: 'try later', line: '451 try later' });
  });
});

describe('SMTP delivery against an smtp-server peer on loopback', () => {
  it('reports per-recipient results: 250 for one, 550 and 450 for others', async () => {
    const sink = await startSink({
      rcpt: {
        'bad@example.test': { code: 550, text: '5.1.1 No such user' },
        'later@example.test': { code: 450, text: '4.2.1 Mailbox busy' },
      },
      options: { size: 1_000_000 },
    });
    try {
      const rep = await deliverSmtp(
        request(`[127.0.0.1]:${sink.port}`, ['good@example.test', 'bad@example.test', 'later@example.test']),
      );
      const good = rep.results.get('good@example.test');
      const bad = rep.results.get('bad@example.test');
      const later = rep.results.get('later@example.test');
      expect(good?.kind).toBe('sent');
      expect(good?.status).toBe('2.0.0');
      expect(bad?.kind).toBe('permfail');
      expect(bad?.status).toBe('5.1.1');
      expect(bad?.diagnostic).toBe('550 5.1.1 No such user');
      expect(bad?.diagnosticType).toBe('SMTP');
      expect(bad?.remoteMta).toBe('[127.0.0.1]');
      expect(later?.kind).toBe('tempfail');
      // The peer does not offer ENHANCEDSTATUSCODES: the status comes from the reply code, as sendmail does it.
      expect(later?.status).toBe('4.2.0');
      expect(rep.transcript).toEqual([
        '... while talking to [127.0.0.1]:',
        '>>> DATA',
        '<<< 550 5.1.1 No such user',
        '550 5.1.1 bad@example.test... User unknown',
        '<<< 450 4.2.1 Mailbox busy',
        'later@example.test... Deferred: 450 4.2.1 Mailbox busy',
      ]);
      expect(bad?.transcript).toEqual([
        '... while talking to [127.0.0.1]:',
        '>>> DATA',
        '<<< 550 5.1.1 No such user',
        '550 5.1.1 bad@example.test... User unknown',
      ]);
      expect(sink.messages).toHaveLength(1);
      expect(sink.messages[0]?.to).toEqual(['good@example.test']);
      expect(sink.messages[0]?.data).toContain('\r\n.leading dot\r\n');
      expect(sink.messages[0]?.size).toBe(MESSAGE.length);
    } finally {
      await sink.close();
    }
  });

  it('passes DSN parameters per recipient, STARTTLS opportunistically, AUTH from the caller', async () => {
    const sink = await startSink({ auth: { user: 'u1', pass: 'p1' } });
    try {
      const rep = await deliverSmtp(
        request(`[127.0.0.1]:${sink.port}`, [], {
          recipients: [
            { address: 'x@example.test', notify: ['SUCCESS', 'FAILURE'], orcpt: 'rfc822;X+1@orig.test' },
            { address: 'y@example.test', notify: 'NEVER' },
          ],
          ret: 'HDRS',
          envid: 'QF123',
          credentials: (h) => (h.name === '127.0.0.1' ? { user: 'u1', pass: 'p1' } : undefined),
        }),
      );
      expect(rep.results.get('x@example.test')?.kind).toBe('sent');
      expect(rep.secured).toBe(true);
      const m = sink.messages[0];
      expect(m?.secure).toBe(true);
      expect(m?.user).toBe('u1');
      expect(m?.mailDsn).toMatchObject({ ret: 'HDRS', envid: 'QF123' });
      expect(m?.rcptDsn['x@example.test']).toMatchObject({ notify: ['SUCCESS', 'FAILURE'], orcpt: 'rfc822;X+1@orig.test' });
      expect(m?.rcptDsn['y@example.test']).toMatchObject({ notify: ['NEVER'] });
    } finally {
      await sink.close();
    }
  });

  it('fails every recipient permanently when the peer refuses the sender with 5xx', async () => {
    const sink = await startSink({ mail: { code: 553, text: '5.1.8 Domain of sender address does not exist' } });
    try {
      const rep = await deliverSmtp(request(`[127.0.0.1]:${sink.port}`, ['a@example.test', 'b@example.test']));
      for (const r of rep.results.values()) expect([r.kind, r.status]).toEqual(['permfail', '5.1.3']);
      expect(rep.transcript.slice(-2)).toEqual(['<<< 553 5.1.8 Domain of sender address does not exist', '501 5.6.0 Data format error']);
    } finally {
      await sink.close();
    }
  });

  it('applies the final DATA reply to every accepted recipient', async () => {
    const sink = await startSink({
      dataReply: { code: 554, text: 'Message rejected as spam' },
      options: { hideENHANCEDSTATUSCODES: false },
    });
    try {
      const rep = await deliverSmtp(request(`[127.0.0.1]:${sink.port}`, ['a@example.test', 'b@example.test']));
      // This peer offers ENHANCEDSTATUSCODES, so the enhanced code in its reply is the status.
      const sent = parseReply(rep.results.get('a@example.test')?.diagnostic ?? '');
      expect(sent?.enhanced).toMatch(/^5\.\d+\.\d+$/);
      expect(sent?.enhanced).not.toBe('5.0.0');
      for (const r of rep.results.values()) {
        expect([r.kind, r.status, r.diagnostic]).toEqual(['permfail', sent?.enhanced, `554 ${sent?.enhanced} Message rejected as spam`]);
      }
      expect(rep.transcript).toEqual([
        '... while talking to [127.0.0.1]:',
        '>>> DATA',
        `<<< 554 ${sent?.enhanced} Message rejected as spam`,
        '554 5.0.0 Service unavailable',
      ]);
    } finally {
      await sink.close();
    }
  });

  it('refuses a message over the peer SIZE limit permanently without sending it', async () => {
    const sink = await startSink({ options: { size: 20 } });
    try {
      const rep = await deliverSmtp(request(`[127.0.0.1]:${sink.port}`, ['a@example.test']));
      expect([rep.results.get('a@example.test')?.kind, rep.results.get('a@example.test')?.status]).toEqual([
        'permfail',
        '5.3.4',
      ]);
      expect(sink.messages).toHaveLength(0);
    } finally {
      await sink.close();
    }
  });

  it('speaks LMTP and takes each recipient\'s answer to the message', async () => {
    const sink = await startSink({
      options: { lmtp: true },
      lmtpReplies: {
        'full@example.test': { code: 452, text: 'Mailbox full' },
        'gone@example.test': { code: 550, text: 'No such mailbox' },
      },
    });
    try {
      const rep = await deliverSmtp(
        request(`[127.0.0.1]:${sink.port}`, ['ok@example.test', 'full@example.test', 'gone@example.test'], { lmtp: true }),
      );
      const kinds = ['ok', 'full', 'gone'].map((u) => {
        const r = rep.results.get(`${u}@example.test`);
        return [r?.kind, r?.status];
      });
      expect(kinds).toEqual([
        ['sent', '2.0.0'],
        ['tempfail', '4.3.1'],
        ['permfail', '5.1.1'],
      ]);
      expect(rep.results.get('gone@example.test')?.transcript.at(-1)).toBe('554 5.0.0 Service unavailable');
    } finally {
      await sink.close();
    }
  });

  it('moves to the next MX on a 4xx greeting, a dropped connection, or a refused connection', async () => {
    const port = await freePort();
    const busy = await startSink({ greeting: { code: 421, text: 'busy, try later' } }, '127.0.0.1', port);
    const dropper = await startDroppingPeer('127.0.0.3');
    const good = await startSink({}, '127.0.0.2', port);
    try {
      const resolver = tableResolver(
        {
          'example.test': [
            { exchange: 'mx1.example.test', preference: 10 },
            { exchange: 'mx2.example.test', preference: 20 },
            { exchange: 'mx3.example.test', preference: 30 },
          ],
        },
        { 'mx1.example.test': ['127.0.0.4', '127.0.0.1'], 'mx2.example.test': ['127.0.0.2'], 'mx3.example.test': ['127.0.0.5'] },
      );
      const rep = await deliverSmtp(
        request('example.test', ['a@example.test'], {
          route: { resolver, localNames: ['client.test'], defaultPort: port },
        }),
      );
      expect(rep.results.get('a@example.test')?.kind).toBe('sent');
      expect(rep.attempts.map((a) => [a.address, a.outcome])).toEqual([
        ['127.0.0.4', 'next-host'],
        ['127.0.0.1', 'next-host'],
        ['127.0.0.2', 'delivered'],
      ]);
      expect(good.messages).toHaveLength(1);

      const dropRep = await deliverSmtp(
        request(`[127.0.0.3]:${dropper.port}:[127.0.0.2]:${port}`, ['b@example.test']),
      );
      expect(dropRep.attempts.map((a) => a.outcome)).toEqual(['next-host', 'delivered']);
      expect(good.messages).toHaveLength(2);
    } finally {
      await Promise.all([busy.close(), dropper.close(), good.close()]);
    }
  });

  it('tries the next host for recipients the first deferred when it took nobody, not when it took someone', async () => {
    const port = await freePort();
    const grey = await startSink(
      { rcpt: { 'a@example.test': { code: 451, text: 'greylisted' }, 'b@example.test': { code: 451, text: 'greylisted' } } },
      '127.0.0.1',
      port,
    );
    const good = await startSink({}, '127.0.0.2', port);
    try {
      const hop = `[127.0.0.1]:${port}:[127.0.0.2]:${port}`;
      const all = await deliverSmtp(request(hop, ['a@example.test', 'b@example.test']));
      expect([...all.results.values()].map((r) => r.kind)).toEqual(['sent', 'sent']);
      expect(all.attempts.map((a) => a.address)).toEqual(['127.0.0.1', '127.0.0.2']);
      expect(all.transcript).toContain('a@example.test... Deferred: 451 greylisted');
      const mixed = await deliverSmtp(request(hop, ['a@example.test', 'c@example.test']));
      expect(mixed.results.get('a@example.test')?.kind).toBe('tempfail');
      expect(mixed.results.get('c@example.test')?.kind).toBe('sent');
      expect(mixed.attempts.map((a) => a.address)).toEqual(['127.0.0.1']);
      expect(good.messages.map((m) => m.to)).toEqual([['a@example.test', 'b@example.test']]);
    } finally {
      await Promise.all([grey.close(), good.close()]);
    }
  });

  it('gives up on a silent peer after the greeting timeout and uses the next host; speaks to IPv6 literals', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const silentPort = (silent.address() as net.AddressInfo).port;
    let v6: Awaited<ReturnType<typeof startSink>> | undefined;
    try {
      v6 = await startSink({}, '::1');
    } catch {
      v6 = undefined; // no IPv6 loopback here
    }
    const good = v6 ?? (await startSink({}));
    const next = v6 ? `[IPv6:::1]:${good.port}` : `[127.0.0.1]:${good.port}`;
    try {
      const rep = await deliverSmtp(
        request(`[127.0.0.1]:${silentPort}:${next}`, ['a@example.test'], { timeouts: { connect: 1000, greeting: 300, command: 2000 } }),
      );
      expect(rep.attempts.map((a) => a.outcome)).toEqual(['next-host', 'delivered']);
      expect(rep.results.get('a@example.test')?.kind).toBe('sent');
      expect(good.messages).toHaveLength(1);
    } finally {
      silent.close();
      await good.close();
    }
  });

  it('MAIL FROM carries AUTH= when the peer offers AUTH: the message\'s own (qf A line), else <>; nothing to a peer without AUTH', async () => {
    const withAuth = await startSink();
    const without = await startSink({ options: { disabledCommands: ['AUTH'] } });
    try {
      // sent as the qf keeps it (xtext): the peer decodes +2B
      for (const [authParam, decoded] of [['alice+2Bx@host.example', 'alice+x@host.example'], [undefined, '<>']] as const) {
        const rep = await deliverSmtp(request(`[127.0.0.1]:${withAuth.port}`, ['a@example.test'], authParam === undefined ? {} : { authParam }));
        expect(rep.results.get('a@example.test')?.kind).toBe('sent');
        expect(withAuth.messages.at(-1)!.mailArgs['AUTH']).toBe(decoded);
      }
      const rep = await deliverSmtp(request(`[127.0.0.1]:${without.port}`, ['a@example.test'], { authParam: 'alice@host.example' }));
      expect(rep.results.get('a@example.test')?.kind).toBe('sent');
      expect(without.messages.at(-1)!.mailArgs['AUTH']).toBeUndefined();
    } finally {
      await withAuth.close();
      await without.close();
    }
  });

  it('reuses a cached session for the next message (RSET), and reconnects when the peer closed it', async () => {
    const sink = await startSink({ rcpt: { 'bad@example.test': { code: 550, text: 'no' } }, options: { socketTimeout: 300 } });
    const cache = new SmtpConnectionCache({ size: 2, idleTimeoutMs: 10_000 });
    try {
      const hop = `[127.0.0.1]:${sink.port}`;
      for (const rcpt of ['a@example.test', 'bad@example.test', 'b@example.test']) {
        const rep = await deliverSmtp(request(hop, [rcpt, 'c@example.test'], { connectionCache: cache }));
        expect(rep.results.get(rcpt)?.kind).toBe(rcpt.startsWith('bad') ? 'permfail' : 'sent');
      }
      expect(sink.connections).toBe(1);
      expect(sink.messages.map((m) => m.to[0])).toEqual(['a@example.test', 'c@example.test', 'b@example.test']);
      expect(cache.idle).toBe(1);
      await new Promise((r) => setTimeout(r, 600)); // the peer drops the idle session
      const rep = await deliverSmtp(request(hop, ['d@example.test'], { connectionCache: cache }));
      expect(rep.results.get('d@example.test')?.kind).toBe('sent');
      expect(sink.connections).toBe(2);
    } finally {
      cache.close();
      await sink.close();
    }
  });

  it('defers every recipient when no host gives a transaction, and keeps a 5xx greeting permanent', async () => {
    const closed = await freePort();
    const rep = await deliverSmtp(request(`[127.0.0.1]:${closed}`, ['a@example.test']));
    const r = rep.results.get('a@example.test');
    expect([r?.kind, r?.status, r?.text]).toEqual(['tempfail', '4.4.1', 'Deferred: Connection refused by [127.0.0.1]']);
    const busy = await startSink({ greeting: { code: 421, text: '4.3.2 busy' } });
    const refusing = await startSink({ greeting: { code: 554, text: '5.7.1 go away' } });
    try {
      const rep2 = await deliverSmtp(request(`[127.0.0.1]:${busy.port}`, ['a@example.test']));
      expect(rep2.results.get('a@example.test')?.kind).toBe('tempfail');
      const rep3 = await deliverSmtp(request(`[127.0.0.1]:${refusing.port}`, ['a@example.test']));
      // As sendmail: a refusing greeting is EX_UNAVAILABLE (5.5.0), the reply the diagnostic.
      expect([rep3.results.get('a@example.test')?.kind, rep3.results.get('a@example.test')?.status]).toEqual([
        'permfail',
        '5.5.0',
      ]);
      expect(rep3.transcript).toEqual(['... while talking to [127.0.0.1]:', '<<< 554 5.7.1 go away', '554 5.0.0 Service unavailable']);
    } finally {
      await Promise.all([busy.close(), refusing.close()]);
    }
  });
});

const sinkBin = process.env.SKIP_SMTP_SINK ? undefined : smtpSinkBinary();
if (!sinkBin) console.warn('deliver-smtp: postfix smtp-sink not available (apt-get download postfix failed); skipping');

describe.skipIf(!sinkBin)("SMTP delivery against postfix's smtp-sink", () => {
  it('delivers with pipelining to a real MTA implementation', async () => {
    const port = await freePort();
    const child = await startSmtpSink(sinkBin!, port);
    expect(child).toBeDefined();
    try {
      const rep = await deliverSmtp(request(`[127.0.0.1]:${port}`, ['a@example.test', 'b@example.test'], { noTls: true }));
      expect([...rep.results.values()].map((r) => r.kind)).toEqual(['sent', 'sent']);
      expect(rep.results.get('a@example.test')?.transcript).toEqual([]);
    } finally {
      child?.kill();
    }
  });

  it('defers recipients smtp-sink soft-rejects', async () => {
    const port = await freePort();
    const child = await startSmtpSink(sinkBin!, port, ['-r', 'RCPT']);
    try {
      const rep = await deliverSmtp(request(`[127.0.0.1]:${port}`, ['a@example.test'], { noTls: true }));
      const r = rep.results.get('a@example.test');
      expect([r?.kind, r?.status]).toEqual(['tempfail', '4.3.0']);
    } finally {
      child?.kill();
    }
  });
});

const realSendmail =
  hasTool('sendmail') && hasTool('m4') && hasTool('unshare') && canUnshareUts() && hasTool('ls') && readdirSafe(SENDMAIL_CF_DIR);
if (!realSendmail) console.warn('deliver-smtp: real sendmail/m4/sendmail-cf or unshare --uts not available; skipping');

function readdirSafe(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

describe.skipIf(!realSendmail)('SMTP delivery against real sendmail -bD on loopback', () => {
  let dir = '';
  let port = 0;
  let child: ReturnType<typeof spawnRealSendmail> | undefined;
  beforeAll(async () => {
    dir = tempDir('deliver-sm-');
    port = await freePort();
    const cf = buildRealSendmailCf(dir, port);
    child = spawnRealSendmail(['-bD', '-odq', '-C', cf]);
    if (!(await waitForPort(port))) throw new Error(`real sendmail did not listen on ${port}`);
  });
  afterAll(() => {
    child?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gets 250 for a local user and 550 5.1.1 for an unknown one in one transaction, with DSN parameters queued', async () => {
    const rep = await deliverSmtp(
      request(`[127.0.0.1]:${port}`, [], {
        sender: 'root@host.example.com',
        recipients: [
          { address: 'root@host.example.com', notify: ['FAILURE', 'DELAY'], orcpt: 'rfc822;orig@example.test' },
          { address: 'nosuchuser@host.example.com' },
        ],
        envid: 'ENV42',
        ret: 'HDRS',
        noTls: true,
      }),
    );
    const ok = rep.results.get('root@host.example.com');
    const bad = rep.results.get('nosuchuser@host.example.com');
    expect(ok?.kind).toBe('sent');
    expect(ok?.text).toMatch(/^Sent \(.*Message accepted for delivery\)$/);
    expect([bad?.kind, bad?.status]).toEqual(['permfail', '5.1.1']);
    expect(bad?.diagnostic).toBe('550 5.1.1 <nosuchuser@host.example.com>... User unknown');
    const qf = readdirSync(path.join(dir, 'q')).filter((f) => f.startsWith('qf'));
    expect(qf).toHaveLength(1);
    const text = readFileSync(path.join(dir, 'q', qf[0]!), 'latin1');
    expect(text).toMatch(/^ZENV42$/m); // ENVID
    expect(text).toMatch(/^Qrfc822;orig@example\.test$/m); // ORCPT
    expect(text).toMatch(/^R[A-Z]*FD:<root@host\.example\.com>$/m); // NOTIFY=FAILURE,DELAY
    expect(text).toMatch(/^F[a-z]*n[a-z]*$/m); // RET=HDRS
    expect(text).not.toMatch(/^R.*nosuchuser/m);
    // Round trip: the queue file real sendmail wrote, read back, gives the same DSN parameters to pass on.
    const env = parseQf(text, qf[0]!.slice(2), qf[0]!);
    expect(envelopeDsn(env)).toEqual({ ret: 'HDRS', envid: 'ENV42' });
    expect(env.recipients.map(smtpRecipientOf)).toEqual([
      { address: 'root@host.example.com', notify: ['FAILURE', 'DELAY'], orcpt: 'rfc822;orig@example.test' },
    ]);
  });
});
