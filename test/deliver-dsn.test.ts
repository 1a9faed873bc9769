import { chmodSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  buildReport,
  delayWarningLines,
  expiredInQueue,
  intervalText,
  queueTimeoutLines,
  reportRecipient,
  wantsReport,
  type ReportedRecipient,
} from '../src/deliver/dsn.js';
import { deliverToFile, deliverToProgram } from '../src/deliver/mailers/index.js';
import { deliverSmtp } from '../src/deliver/smtp-client.js';
import { envelopeDsn, notifyOf, recipientWantsReport, reportedRecipientOf } from '../src/deliver/queue-bridge.js';
import { defaultRecipientFlags, newEnvelope, type QueuedRecipient } from '../src/queue/envelope.js';
import { makeResult } from '../src/deliver/status.js';
import {
  buildRealSendmailCf,
  canUnshareUts,
  hasTool,
  runRealSendmail,
  runRealSendmailAsync,
  SENDMAIL_CF_DIR,
  startSink,
  tableResolver,
  type SinkScript,
  tempDir,
} from './deliver-helpers.js';

const NOW = new Date('2026-11-22T04:38:25Z');

function recipient(display: string, result: ReturnType<typeof makeResult>): ReportedRecipient {
  return { display, finalRecipient: `RFC822; ${display}@host.example.com`, result, lastAttempt: NOW };
}

describe('who gets a report', () => {
  it('sends to the sender, a report about a report to postmaster, and drops a failed double bounce', () => {
    expect(reportRecipient('alice@example.com')).toEqual({ to: 'alice@example.com', doubleBounce: false });
    expect(reportRecipient('<>')).toEqual({ to: 'postmaster', doubleBounce: true });
    expect(reportRecipient('', { doubleBounceAddress: 'mailadmin' })).toEqual({ to: 'mailadmin', doubleBounce: true });
    expect(reportRecipient('', { messageIsDoubleBounce: true })).toBeUndefined();
    expect(reportRecipient('', { doubleBounceAddress: '' })).toBeUndefined();
  });

  it('honours NOTIFY', () => {
    const none = { given: false, success: false, failure: false, delay: false };
    expect([wantsReport('failure', none), wantsReport('delay', none), wantsReport('success', none)]).toEqual([true, true, false]);
    const never = { given: true, success: false, failure: false, delay: false };
    expect([wantsReport('failure', never), wantsReport('delay', never)]).toEqual([false, false]);
    expect(wantsReport('success', { given: true, success: true, failure: false, delay: false })).toBe(true);
  });

  it('reads NOTIFY, ORCPT and the final recipient from a queued recipient', () => {
    const never: QueuedRecipient = {
      address: '<bob@x.test>',
      flags: { ...defaultRecipientFlags(), notifyGiven: true, notifyFailure: false, notifyDelay: false },
    };
    expect(notifyOf(never.flags)).toBe('NEVER');
    expect(recipientWantsReport(never, 'failure')).toBe(false);
    const plain: QueuedRecipient = { address: 'ann@x.test', flags: defaultRecipientFlags(), originalRecipient: 'rfc822;Ann@x.test' };
    expect(notifyOf(plain.flags)).toBeUndefined();
    expect([recipientWantsReport(plain, 'failure'), recipientWantsReport(plain, 'success')]).toEqual([true, false]);
    const r = makeResult('permfail', '5.1.1', 'User unknown');
    expect(reportedRecipientOf(plain, r, NOW)).toEqual({
      display: 'ann@x.test',
      finalRecipient: 'RFC822; ann@x.test',
      originalRecipient: 'rfc822;Ann@x.test',
      result: r,
      lastAttempt: NOW,
    });
    expect(envelopeDsn({ ...newEnvelope('Q1', 'a@x.test'), flags: 'ds', envelopeId: 'E1' })).toEqual({ ret: 'FULL', envid: 'E1' });
  });

  it('words intervals as sendmail does', () => {
    expect(intervalText(1)).toBe('1 second');
    expect(intervalText(5 * 86400)).toBe('5 days');
    expect(intervalText(5400)).toBe('1 hour, 30 minutes');
    expect(delayWarningLines(4 * 3600, 5 * 86400)).toEqual([
      'Warning: message still undelivered after 4 hours',
      'Will keep trying until message is 5 days old',
    ]);
    expect(queueTimeoutLines(5 * 86400)[1]).toBe('Message will be deleted from queue');
  });
});

describe('report layout', () => {
  it('returns only the headers for RET=HDRS and names the envelope id', () => {
    const r = buildReport({
      kind: 'failure',
      reportingMta: 'mx.example.com',
      reportId: 'Q1',
      now: NOW,
      arrivalDate: NOW,
      envelopeId: 'ENV1',
      to: 'a@x',
      recipients: [
        {
          ...recipient('b', makeResult('permfail', '5.1.1', 'No such user', { diagnostic: '550 5.1.1 No such user', diagnosticType: 'SMTP', remoteMta: 'peer.test' })),
          originalRecipient: 'rfc822;B@x',
        },
      ],
      original: Buffer.from('Subject: s\r\n\r\nsecret body\r\n'),
      headersOnly: true,
    }).message.toString();
    const full = buildReport({
      kind: 'failure',
      reportingMta: 'mx.example.com',
      reportId: 'Q1',
      now: NOW,
      arrivalDate: NOW,
      to: 'a@x',
      recipients: [],
      original: Buffer.from('Subject: s\n\nFrom me\n'),
    }).message.toString();
    expect(full).toContain('\nContent-Type: message/rfc822\n\nSubject: s\n\n>From me\n\n--Q1.');
    expect(r).toContain('\nContent-Type: text/rfc822-headers\n\nSubject: s\n\n--Q1.');
    expect(r).not.toContain('secret body');
    expect(r).toContain('\nOriginal-Envelope-Id: ENV1\nReporting-MTA: dns; mx.example.com\n');
    expect(r).toContain(
      '\nOriginal-Recipient: rfc822;B@x\nFinal-Recipient: RFC822; b@host.example.com\nAction: failed\nStatus: 5.1.1\nRemote-MTA: DNS; peer.test\nDiagnostic-Code: SMTP; 550 5.1.1 No such user\n',
    );
    expect(r).toContain('\nb\n    (reason: 550 5.1.1 No such user)\n');
  });
});

// ---------------------------------------------------------------------------
// Differential: make real sendmail bounce, then build the same report.

const realSendmail =
  hasTool('sendmail') && hasTool('m4') && canUnshareUts() && existsSync(SENDMAIL_CF_DIR);
if (!realSendmail) console.warn('deliver-dsn: real sendmail/m4/sendmail-cf or unshare not available; skipping differential tests');

interface RealReport {
  text: string;
  id: string;
  now: Date;
  arrival: Date;
  original: Buffer;
  lastAttempts: Date[];
  /** The "$_" and Received-From-MTA of the original (sendmail sees Node's stdin socket as "localhost [[UNIX: localhost]]"). */
  receivedFrom?: string;
  receivedFromMta?: string;
}

/** The report as delivered to the file alias, from its Date: header on, with the facts to rebuild it. */
function readRealReport(box: string): RealReport {
  const all = readFileSync(box, 'latin1');
  const text = all.slice(all.indexOf('\nDate: ') + 1).replace(/\n$/, ''); // the *file* mailer's extra newline
  const b = /boundary="([^."]+)\.(\d+)\/[^"]+"/.exec(text);
  if (!b) throw new Error(`no boundary in ${box}`);
  const boundary = `${b[1]}.${b[2]}/host.example.com`;
  const arrival = /The original message was received at (.*)/.exec(text)?.[1] ?? '';
  const origStart = text.indexOf('Content-Type: message/rfc822\n\n') + 'Content-Type: message/rfc822\n\n'.length;
  const origEnd = text.lastIndexOf(`\n--${boundary}--`);
  return {
    text,
    id: b[1]!,
    now: new Date(Number(b[2]) * 1000),
    arrival: new Date(arrival),
    original: Buffer.from(text.slice(origStart, origEnd), 'latin1'),
    lastAttempts: [...text.matchAll(/^Last-Attempt-Date: (.*)$/gm)].map((m) => new Date(m[1]!)),
    receivedFrom: /^The original message was received at .*\nfrom (.*)$/m.exec(text)?.[1],
    receivedFromMta: /^Received-From-MTA: DNS; (.*)$/m.exec(text)?.[1],
  };
}

/** The facts of a report that come from the original message and the real run. */
function sameFacts(real: RealReport) {
  return {
    reportingMta: 'host.example.com',
    reportId: real.id,
    now: real.now,
    arrivalDate: real.arrival,
    receivedFrom: real.receivedFrom,
    receivedFromMta: real.receivedFromMta,
    to: 'bouncebox',
    original: real.original,
  };
}

describe.skipIf(!realSendmail)('reports compared byte for byte with real sendmail', () => {
  const MSG = 'From: root@host.example.com\nTo: nosuchuser@host.example.com\nSubject: test bounce\nMessage-ID: <t1@host.example.com>\n\nHello body\nFrom here a line\n';
  const PROG = 'cat >/dev/null; exit 67';

  /** Real sendmail queues a message for a domain it cannot look up, then a queue run with `option` reports on it. */
  async function realQueueRunReport(dir: string, cf: string, box: string, option: string): Promise<RealReport> {
    runRealSendmail(['-odi', '-oem', '-C', cf, '-f', 'bouncebox', 'user@remote.invalid'], MSG);
    expect(readdirSync(path.join(dir, 'q')).filter((f) => f.startsWith('qf'))).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2100));
    runRealSendmail(['-q', '-v', '-O', option, '-C', cf], '');
    return readRealReport(box);
  }

  /** Our attempt at the same recipient, whose domain lookup fails temporarily. */
  const deferredRemote = () =>
    deliverSmtp({
      nextHop: 'remote.invalid',
      sender: 'bouncebox@host.example.com',
      recipients: [{ address: 'user@remote.invalid' }],
      message: Buffer.from(MSG),
      heloName: 'host.example.com',
      route: { resolver: tableResolver({ 'remote.invalid': 'tempfail' }, {}), localNames: ['host.example.com'], defaultPort: 25 },
    });

  function setup(): { dir: string; cf: string; box: string } {
    const dir = tempDir('deliver-dsn-');
    chmodSync(dir, 0o1777); // the *file* mailer writes as DefaultUser; sticky keeps the aliases file trusted
    const box = path.join(dir, 'box');
    const cf = buildRealSendmailCf(dir, 0, [], [`bouncebox: ${box}`, `x67: "|${PROG}"`]);
    return { dir, cf, box };
  }

  it('failure report for a program exiting EX_NOUSER and an unknown local user', async () => {
    const { dir, cf, box } = setup();
    try {
      runRealSendmail(['-odi', '-oem', '-C', cf, '-f', 'bouncebox', 'x67', 'nosuchuser'], MSG);
      const real = readRealReport(box);
      const display = `"|${PROG}"`;
      const prog = await deliverToProgram({ command: PROG, recipient: display, message: Buffer.from(MSG) });
      const unknown = makeResult('permfail', '5.1.1', '550 5.1.1 User unknown', {
        diagnostic: '550 5.1.1 User unknown',
        diagnosticType: 'X-Unix',
        transcript: ['550 5.1.1 nosuchuser... User unknown'],
      });
      const ours = buildReport({
        kind: 'failure',
        ...sameFacts(real),
        recipients: [
          {
            display,
            finalRecipient: 'RFC822; x67@host.example.com',
            actualRecipient: `X-Unix; |${PROG}`,
            expandedFrom: 'x67',
            result: prog,
            lastAttempt: real.lastAttempts[0]!,
          },
          {
            display: 'nosuchuser',
            finalRecipient: 'RFC822; nosuchuser@host.example.com',
            actualRecipient: 'rfc822; nosuchuser@host.example.com',
            result: unknown,
            lastAttempt: real.lastAttempts[1]!,
          },
        ],
        transcript: [...unknown.transcript, ...prog.transcript],
      });
      expect(ours.sender).toBe('');
      expect(ours.message.toString('latin1')).toBe(real.text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('delay warning for a recipient whose domain lookup fails temporarily', async () => {
    const { dir, cf, box } = setup();
    try {
      const real = await realQueueRunReport(dir, cf, box, 'Timeout.queuewarn=1s');
      const rep = await deferredRemote();
      const result = rep.results.get('user@remote.invalid')!;
      const ours = buildReport({
        kind: 'delay',
        ...sameFacts(real),
        delayedFor: intervalText(1),
        recipients: [
          {
            display: 'user@remote.invalid',
            finalRecipient: 'RFC822; user@remote.invalid',
            actualRecipient: 'rfc822; user@remote.invalid',
            result,
            lastAttempt: real.lastAttempts[0]!,
            willRetryUntil: new Date(real.arrival.getTime() + 5 * 86400_000),
          },
        ],
        extraTranscript: delayWarningLines(1, 5 * 86400),
      });
      expect(ours.message.toString('latin1')).toBe(real.text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('return receipt for NOTIFY=SUCCESS after a file delivery', async () => {
    const dir = tempDir('deliver-dsn-');
    chmodSync(dir, 0o1777);
    const box = path.join(dir, 'box');
    const fbox = path.join(dir, 'fbox');
    try {
      const cf = buildRealSendmailCf(dir, 0, [], [`bouncebox: ${box}`, `fbox: ${fbox}`]);
      runRealSendmail(['-odi', '-oem', '-N', 'success,failure', '-C', cf, '-f', 'bouncebox', 'fbox'], MSG);
      const real = readRealReport(box);
      const mine = path.join(tempDir('deliver-dsn-mine-'), 'fbox');
      const result = await deliverToFile({ path: mine, recipient: fbox, sender: 'bouncebox', message: Buffer.from(MSG) });
      const headers = /Content-Type: text\/rfc822-headers\n\n([\s\S]*?\n)\n--/.exec(real.text)?.[1] ?? '';
      const ours = buildReport({
        kind: 'success',
        ...sameFacts(real),
        original: Buffer.from(`${headers}\nbody not returned\n`),
        recipients: [
          {
            display: fbox,
            finalRecipient: 'RFC822; fbox@host.example.com',
            actualRecipient: `X-Unix; ${fbox}`,
            expandedFrom: 'fbox',
            result,
            lastAttempt: real.lastAttempts[0]!,
          },
        ],
      });
      expect(headers).toContain('Subject:');
      expect(ours.message.toString('latin1')).toBe(real.text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('failure report for a message that stayed in the queue too long', async () => {
    const { dir, cf, box } = setup();
    try {
      const real = await realQueueRunReport(dir, cf, box, 'Timeout.queuereturn=1s');
      const rep = await deferredRemote();
      const ours = buildReport({
        kind: 'failure',
        ...sameFacts(real),
        recipients: [
          {
            display: 'user@remote.invalid',
            finalRecipient: 'RFC822; user@remote.invalid',
            actualRecipient: 'rfc822; user@remote.invalid',
            result: expiredInQueue(rep.results.get('user@remote.invalid')!),
            lastAttempt: real.lastAttempts[0]!,
          },
        ],
        transcript: rep.transcript,
        extraTranscript: queueTimeoutLines(1),
      });
      expect(ours.message.toString('latin1')).toBe(real.text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const SCENARIOS: { name: string; script: SinkScript; rcpts: string[] }[] = [
    // No AUTH offered: sendmail would add an AUTH= parameter to MAIL, which we do not send.
    {
      name: 'MAIL refused 553',
      script: { mail: { code: 553, text: 'sender rejected' }, options: { disabledCommands: ['AUTH'] } },
      rcpts: ['a@[127.0.0.1]', 'b@[127.0.0.1]'],
    },
    { name: 'message refused 554 after DATA', script: { dataReply: { code: 554, text: 'content rejected' } }, rcpts: ['a@[127.0.0.1]', 'b@[127.0.0.1]'] },
    {
      name: '550 to one RCPT, 450 to another, 250 to a third',
      script: {
        rcpt: {
          'bad1@[127.0.0.1]': { code: 550, text: '5.1.1 <bad1@[127.0.0.1]>... No such user here' },
          'later@[127.0.0.1]': { code: 450, text: '4.2.1 Mailbox busy' },
        },
      },
      rcpts: ['bad1@[127.0.0.1]', 'good@[127.0.0.1]', 'later@[127.0.0.1]'],
    },
    { name: '554 greeting', script: { greeting: { code: 554, text: 'go away' } }, rcpts: ['bob@[127.0.0.1]'] },
    {
      name: 'every RCPT refused, 550 and 553',
      script: { rcpt: { 'a@[127.0.0.1]': { code: 550, text: 'no a' }, 'b@[127.0.0.1]': { code: 553, text: 'no b' } } },
      rcpts: ['a@[127.0.0.1]', 'b@[127.0.0.1]'],
    },
  ];
  for (const sc of SCENARIOS) {
    it(`failure report when the peer answers: ${sc.name}`, async () => {
      const sink = await startSink(sc.script);
      const dir = tempDir('deliver-dsn-');
      chmodSync(dir, 0o1777);
      const box = path.join(dir, 'box');
      try {
        const cf = buildRealSendmailCf(dir, 0, [`define(\`ESMTP_MAILER_ARGS', \`TCP $h ${sink.port}')dnl`], [`bouncebox: ${box}`]);
        await runRealSendmailAsync(['-odi', '-oem', '-C', cf, '-f', 'bouncebox', ...sc.rcpts], MSG);
        const real = readRealReport(box);
        const rep = await deliverSmtp({
          nextHop: `[127.0.0.1]:${sink.port}`,
          sender: 'bouncebox@host.example.com',
          recipients: [...sc.rcpts].reverse().map((address) => ({ address })),
          message: Buffer.from(MSG),
          heloName: 'host.example.com',
          route: { resolver: tableResolver({}, {}), localNames: ['host.example.com'], defaultPort: 25 },
        });
        const failed = sc.rcpts.filter((a) => rep.results.get(a)?.kind === 'permfail');
        const ours = buildReport({
          kind: 'failure',
          ...sameFacts(real),
          recipients: failed.map((a, i) => ({
            display: a,
            finalRecipient: `RFC822; ${a}`,
            actualRecipient: `rfc822; ${a}`,
            result: rep.results.get(a)!,
            lastAttempt: real.lastAttempts[i] ?? real.now,
          })),
          transcript: rep.transcript,
        });
        expect(ours.message.toString('latin1')).toBe(real.text);
      } finally {
        await sink.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
