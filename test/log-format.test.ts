// sendmail's log lines, field for field, against lines the real sendmail
// 8.17.1.9 sent to syslog.  How they were captured: a cf built by GNU m4
// from /usr/share/sendmail/cf (OSTYPE debian, access_db with
// "Connect:127.0.0.9 REJECT", "From:spammer@bad.example ERROR:550 go away",
// mailertable "sink.example.com esmtp:[127.0.0.2]", DAEMON_OPTIONS Name=MTA),
// a sink SMTP server on 127.0.0.2 refusing nobody@ (550 5.1.1) and later@
// (451 4.3.0), and
//   unshare --uts --mount sh -c 'mount --bind /tmp/my.sock /dev/log;
//     hostname host.example.com; exec sendmail -bD -C sendmail.cf -O LogLevel=N'
// with a python AF_UNIX SOCK_DGRAM socket bound at /tmp/my.sock printing each
// datagram; the SMTP sessions came from a plain Node socket client (and
// bound to 127.0.0.5 / 127.0.0.9 for the relay-denied and check_relay cases);
// the local submission was `printf 'To: user@sink.example.com\n...' |
// sendmail -t` in the same namespace.  The syslog header
// ("<22>Nov 22 07:09:40 sendmail[32363]: ") is cut off; the priorities
// are checked in log-levels.test.ts.
import { describe, expect, it } from 'vitest';
import { deliveryFields, logFormat as F, statOf } from '../src/log/index.js';

const REAL = {
  received:
    '6AM79ep3032363: from=<alice@example.org>, size=46, class=0, nrcpts=1, msgid=<m1@example.org>, proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]',
  receivedBulk8bit:
    '6AM7FD5w021034: from=<alice@example.org>, size=34, class=-60, nrcpts=1, msgid=<202611220715.6AM7FD5w021034@host.example.com>, bodytype=8BITMIME, proto=ESMTP, daemon=MTA, relay=localhost [127.0.0.1]',
  givenUp: '6AM79fGJ032436: from=<alice@example.org>, size=0, class=0, nrcpts=0, proto=ESMTP, daemon=MTA, relay=[127.0.0.5]',
  local: '6AM79l6O032642: from=root, size=44, class=0, nrcpts=1, msgid=<202611220709.6AM79l6O032642@host.example.com>, relay=root@localhost',
  sent: '6AM79ep3032363: to=<user@sink.example.com>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=30046, relay=[127.0.0.2] [127.0.0.2], dsn=2.0.0, stat=Sent (Ok queued as SINK1)',
  sentTwo:
    '6AM79CQf031589: to=<u3@sink.example.com>,<user@sink.example.com>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=60017, relay=[127.0.0.2] [127.0.0.2], dsn=2.0.0, stat=Sent (Ok queued as SINK1)',
  refused:
    '6AM79ifF032601: to=<nobody@sink.example.com>, delay=00:00:00, xdelay=00:00:00, mailer=esmtp, pri=30017, relay=[127.0.0.2] [127.0.0.2], dsn=5.1.1, reply=550 5.1.1 <nobody@sink.example.com>... User unknown, stat=User unknown',
  deferred:
    '6AM79jbs032637: to=<later@sink.example.com>, delay=00:00:01, xdelay=00:00:00, mailer=esmtp, pri=30017, relay=[127.0.0.2] [127.0.0.2], dsn=4.3.0, reply=451 4.3.0 try later, stat=Deferred: 451 4.3.0 try later',
  localUnknown: '6AM77v2Q028034: to=MAILER-DAEMON, delay=00:00:00, mailer=local, pri=31270, dsn=5.1.1, reply=550 5.1.1 User unknown, stat=User unknown',
  queuedOnly: '6AM79JTn031669: to=user@sink.example.com, delay=00:00:00, mailer=esmtp, pri=60018, stat=queued',
  checkRcpt:
    '6AM79fGJ032436: ruleset=check_rcpt, arg1=<user@other.example>, relay=[127.0.0.5], reject=550 5.7.1 <user@other.example>... Relaying denied. IP name lookup failed [127.0.0.5]',
  checkMail: '6AM79g2i032464: ruleset=check_mail, arg1=<spammer@bad.example>, relay=localhost [127.0.0.1], reject=550 5.0.0 <spammer@bad.example>... go away',
  checkRelay: 'ruleset=check_relay, arg1=[127.0.0.9], arg2=127.0.0.9, relay=[127.0.0.9], reject=550 5.7.1 Access denied',
  noMail: '6AM79hc2032490: localhost [127.0.0.1] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA',
  lost: '6AM79hIg032552: lost input channel from localhost [127.0.0.1] to MTA after mail',
  dsn: '6AM78ZsF030489: 6AM78ZsF030491: DSN: User unknown',
  postmaster: '6AM79ifF032601: 6AM79ifF032603: postmaster notify: User unknown',
  starting: 'starting daemon (8.17.1.9): SMTP',
  startingQueue: 'starting daemon (8.17.1.9): SMTP+queueing@00:30:00',
};

const qid = (line: string): string => line.slice(0, line.indexOf(': '));
const withQid = (line: string, text: string): string => `${qid(line)}: ${text}`;

describe('sendmail log lines', () => {
  it('from= for a message taken in over SMTP, with Precedence class and BODY=', () => {
    const base = { size: 46, precedenceClass: 0, nrcpts: 1, proto: 'ESMTP', daemon: 'MTA', relay: 'localhost [127.0.0.1]' };
    expect(withQid(REAL.received, F.receivedLine({ ...base, from: '<alice@example.org>', msgid: '<m1@example.org>' }))).toBe(REAL.received);
    const bulk = F.receivedLine({
      ...base,
      from: '<alice@example.org>',
      size: 34,
      precedenceClass: -60,
      msgid: '<202611220715.6AM7FD5w021034@host.example.com>',
      bodyType: '8BITMIME',
    });
    expect(withQid(REAL.receivedBulk8bit, bulk)).toBe(REAL.receivedBulk8bit);
  });

  it('from= for a transaction given up (size=0, no msgid) and for a local submission (no proto, no daemon)', () => {
    const givenUp = F.receivedLine({ from: '<alice@example.org>', size: 0, precedenceClass: 0, nrcpts: 0, proto: 'ESMTP', daemon: 'MTA', relay: '[127.0.0.5]' });
    expect(withQid(REAL.givenUp, givenUp)).toBe(REAL.givenUp);
    const local = F.receivedLine({
      from: 'root',
      size: 44,
      precedenceClass: 0,
      nrcpts: 1,
      msgid: '<202611220709.6AM79l6O032642@host.example.com>',
      relay: 'root@localhost',
    });
    expect(withQid(REAL.local, local)).toBe(REAL.local);
  });

  it('to= lines: sent (two recipients share one), refused with reply=, deferred, local, queued only', () => {
    const smtp = { delaySeconds: 0, xdelaySeconds: 0, mailer: 'esmtp', relay: F.remoteRelay('[127.0.0.2]', '127.0.0.2') };
    expect(withQid(REAL.sent, F.deliveryLine({ ...smtp, to: ['<user@sink.example.com>'], priority: 30046, dsn: '2.0.0', stat: 'Sent (Ok queued as SINK1)' }))).toBe(
      REAL.sent,
    );
    const two = F.deliveryLine({ ...smtp, to: ['<u3@sink.example.com>', '<user@sink.example.com>'], priority: 60017, dsn: '2.0.0', stat: 'Sent (Ok queued as SINK1)' });
    expect(withQid(REAL.sentTwo, two)).toBe(REAL.sentTwo);
    const refused = F.deliveryLine({
      ...smtp,
      to: ['<nobody@sink.example.com>'],
      priority: 30017,
      dsn: '5.1.1',
      reply: '550 5.1.1 <nobody@sink.example.com>... User unknown',
      stat: 'User unknown',
    });
    expect(withQid(REAL.refused, refused)).toBe(REAL.refused);
    const deferred = F.deliveryLine({
      ...smtp,
      to: ['<later@sink.example.com>'],
      delaySeconds: 1,
      priority: 30017,
      dsn: '4.3.0',
      reply: '451 4.3.0 try later',
      stat: 'Deferred: 451 4.3.0 try later',
    });
    expect(withQid(REAL.deferred, deferred)).toBe(REAL.deferred);
    const local = F.deliveryLine({ to: ['MAILER-DAEMON'], delaySeconds: 0, mailer: 'local', priority: 31270, dsn: '5.1.1', reply: '550 5.1.1 User unknown', stat: 'User unknown' });
    expect(withQid(REAL.localUnknown, local)).toBe(REAL.localUnknown);
    expect(withQid(REAL.queuedOnly, F.deliveryLine({ to: ['user@sink.example.com'], delaySeconds: 0, mailer: 'esmtp', priority: 60018, stat: 'queued' }))).toBe(
      REAL.queuedOnly,
    );
  });

  it('stat= and reply= from a delivery result as the SMTP client makes it', () => {
    const refused = {
      kind: 'permfail' as const,
      status: '5.1.1',
      text: '550 5.1.1 <nobody@sink.example.com>... User unknown',
      diagnostic: '550 5.1.1 <nobody@sink.example.com>... User unknown',
      diagnosticType: 'SMTP',
      transcript: ['... while talking to [127.0.0.2]:', '>>> DATA', '<<< 550 5.1.1 <nobody@sink.example.com>... User unknown', '550 5.1.1 <nobody@sink.example.com>... User unknown'],
    };
    expect(statOf(refused)).toBe('User unknown');
    const fields = deliveryFields({
      to: ['<nobody@sink.example.com>'],
      result: refused,
      mailer: 'esmtp',
      relay: '[127.0.0.2] [127.0.0.2]',
      createdAt: 1000,
      now: new Date(1000_000),
      xdelaySeconds: 0.2,
      priority: 30017,
    });
    expect(`6AM79ifF032601: ${F.deliveryLine(fields)}`).toBe(REAL.refused);
    const deferred = { kind: 'tempfail' as const, status: '4.3.0', text: 'Deferred: 451 4.3.0 try later', diagnostic: '451 4.3.0 try later', diagnosticType: 'SMTP', transcript: [] };
    expect(statOf(deferred)).toBe('Deferred: 451 4.3.0 try later');
  });

  it('ruleset rejects at connect (no queue id), MAIL and RCPT', () => {
    expect(F.rulesetReject('check_relay', ['[127.0.0.9]', '127.0.0.9'], '[127.0.0.9]', '550 5.7.1 Access denied')).toBe(REAL.checkRelay);
    const reply = F.replyText({ code: 550, enhanced: '5.0.0', lines: ['<spammer@bad.example>... go away'] });
    expect(withQid(REAL.checkMail, F.rulesetReject('check_mail', ['<spammer@bad.example>'], 'localhost [127.0.0.1]', reply))).toBe(REAL.checkMail);
    const relaying = F.replyText({ code: 550, enhanced: '5.7.1', lines: ['<user@other.example>... Relaying denied. IP name lookup failed [127.0.0.5]'] });
    expect(withQid(REAL.checkRcpt, F.rulesetReject('check_rcpt', ['<user@other.example>'], '[127.0.0.5]', relaying))).toBe(REAL.checkRcpt);
  });

  it('the end of a session: no MAIL, lost input channel; reports; starting daemon', () => {
    expect(withQid(REAL.noMail, F.noTransactionLine('localhost [127.0.0.1]', 'MTA'))).toBe(REAL.noMail);
    expect(withQid(REAL.lost, F.lostInputLine('localhost [127.0.0.1]', 'MTA', 'mail'))).toBe(REAL.lost);
    expect(withQid(REAL.dsn, F.reportLine('6AM78ZsF030491', 'DSN', 'User unknown'))).toBe(REAL.dsn);
    expect(withQid(REAL.postmaster, F.reportLine('6AM79ifF032603', 'postmaster notify', 'User unknown'))).toBe(REAL.postmaster);
    expect(F.startingLine('8.17.1.9', true, 0)).toBe(REAL.starting);
    expect(F.startingLine('8.17.1.9', true, 1800)).toBe(REAL.startingQueue);
  });

  it('delay= past a day and the mail.log time stamp', () => {
    expect(F.interval(0)).toBe('00:00:00');
    expect(F.interval(3 * 3600 + 62)).toBe('03:01:02');
    expect(F.interval(2 * 86400 + 5)).toBe('2+00:00:05');
    expect(F.remoteRelay('mx.example.com', '192.0.2.1')).toBe('mx.example.com. [192.0.2.1]');
    expect(F.remoteRelay('127.0.0.2', '127.0.0.2')).toBe('[127.0.0.2] [127.0.0.2]');
    // the daemon's queue runner leaves these to the mail log, and prints its other notes
    expect(F.isDeliveryLogLine(REAL.sent)).toBe(true);
    expect(F.isDeliveryLogLine(REAL.dsn)).toBe(true);
    expect(F.isDeliveryLogLine('6AM79ep3032363: queue run failed: EACCES')).toBe(false);
  });
});
