import { describe, expect, it } from 'vitest';
import {
  CONFIG_ERROR_REPLY,
  MalformedReplyError,
  formatReply,
  makeDefaultReply,
  makeReply,
  replyClass,
  replyFromConfig,
  replyFromText,
} from '../src/smtp/reply.js';
import { enhancedCodeText } from '../src/smtp/enhanced-codes.js';
import { arpaDate } from '../src/smtp/arpadate.js';
import * as R from '../src/smtp/replies.js';
import { parseHelpFile, helpReply } from '../src/smtp/helpfile.js';

const id = { hostName: 'mx.example.com', version: '8.17.1.9' };

describe('reply builder', () => {
  it('formats single and multi-line replies', () => {
    expect(formatReply(makeReply(250, '2.1.0', '<a@b>... Sender ok'))).toBe('250 2.1.0 <a@b>... Sender ok\r\n');
    expect(formatReply(makeReply(214, '2.0.0', ['one', 'two']))).toBe('214-2.0.0 one\r\n214 2.0.0 two\r\n');
    expect(formatReply(makeReply(220, undefined, 'x ESMTP'))).toBe('220 x ESMTP\r\n');
  });
  it('refuses bad codes, mismatched enhanced classes, CR/LF, long lines', () => {
    expect(() => makeReply(199, undefined, 'x')).toThrow(MalformedReplyError);
    expect(() => makeReply(600, undefined, 'x')).toThrow(MalformedReplyError);
    expect(() => makeReply(270, undefined, 'x')).toThrow(/second digit/);
    expect(() => makeReply(550, '4.7.1', 'x')).toThrow(/does not match/);
    expect(() => makeReply(354, '2.0.0', 'x')).toThrow(/intermediate/);
    expect(() => makeReply(550, '5.7', 'x')).toThrow(/class.subject.detail/);
    expect(() => makeReply(550, '5.7.1', 'a\r\n250 ok')).toThrow(/CR, LF/);
    expect(() => makeReply(550, '5.7.1', 'x'.repeat(600))).toThrow(/over the limit/);
    expect(() => makeReply(550, '5.7.1', 'x'.repeat(500))).not.toThrow();
  });
  it('classifies temporary and permanent failures by code', () => {
    expect(replyClass(451)).toBe('tempfail');
    expect(replyClass(554)).toBe('permfail');
    expect(replyClass(250)).toBe('positive');
    expect(replyClass(354)).toBe('intermediate');
  });
  it('turns a malformed configured reply into 451 4.3.0 with a warning', () => {
    const warnings: string[] = [];
    const r = replyFromConfig(550, '4.1.1', 'x', 'access:12', (m) => warnings.push(m));
    expect(r).toBe(CONFIG_ERROR_REPLY);
    expect(formatReply(r)).toBe('451 4.3.0 Temporary system configuration error\r\n');
    expect(warnings[0]).toMatch(/^access:12: malformed SMTP reply/);
  });
  it('reads configured reply texts', () => {
    const warn = (): void => {};
    expect(formatReply(replyFromText('451 try later', 550, '4.7.1', 'x', warn))).toBe('451 4.7.1 try later\r\n');
    expect(formatReply(replyFromText('550 5.7.1 go away', 550, undefined, 'x', warn))).toBe('550 5.7.1 go away\r\n');
    expect(formatReply(replyFromText('Access denied', 550, '5.7.1', 'x', warn))).toBe('550 5.7.1 Access denied\r\n');
    expect(formatReply(replyFromText('250 5.7.1 bad', 550, undefined, 'x', warn))).toBe('451 4.3.0 Temporary system configuration error\r\n');
  });
  it('has one table of enhanced codes with default texts', () => {
    expect(enhancedCodeText('5.1.1')).toBe('Bad destination mailbox address');
    expect(enhancedCodeText('4.7.10')).toBe('Encryption needed');
    expect(formatReply(makeDefaultReply(452, '4.5.3'))).toBe('452 4.5.3 Too many recipients\r\n');
  });
});

describe('sendmail default replies', () => {
  it('match the texts of sendmail 8.17.1.9', () => {
    const wire = (r: ReturnType<typeof R.ok>): string => formatReply(r).replace(/\r\n$/, '');
    expect(wire(R.greeting(R.defaultGreetingMessage(id, 'Sun, 22 Nov 2026 04:19:06 GMT')))).toBe(
      '220 mx.example.com ESMTP Sendmail 8.17.1.9/8.17.1.9; Sun, 22 Nov 2026 04:19:06 GMT',
    );
    expect(formatReply(R.ehloOk(id, R.clientDescription('localhost', '127.0.0.1'), ['ENHANCEDSTATUSCODES', 'HELP']))).toBe(
      '250-mx.example.com Hello localhost [127.0.0.1], pleased to meet you\r\n250-ENHANCEDSTATUSCODES\r\n250 HELP\r\n',
    );
    expect(wire(R.senderOk('<a@example.org>'))).toBe('250 2.1.0 <a@example.org>... Sender ok');
    expect(wire(R.recipientOk('<root>'))).toBe('250 2.1.5 <root>... Recipient ok');
    expect(wire(R.startData())).toBe('354 End data with <CR><LF>.<CR><LF>');
    expect(wire(R.messageAccepted('6AM4JfgJ000018'))).toBe('250 2.0.0 6AM4JfgJ000018 Message accepted for delivery');
    expect(wire(R.closing(id))).toBe('221 2.0.0 mx.example.com closing connection');
    expect(wire(R.userUnknown('<nosuchuser>'))).toBe('550 5.1.1 <nosuchuser>... User unknown');
    expect(wire(R.commandUnrecognized('FOO bar'))).toBe('500 5.5.1 Command unrecognized: "FOO bar"');
  });
  it('shows IPv6 clients as sendmail does', () => {
    expect(R.clientDescription(undefined, '::1')).toBe('[IPv6:0:0:0:0:0:0:0:1]');
    expect(R.clientDescription('h.example.org', '2001:db8::0a:1')).toBe('h.example.org [IPv6:2001:db8:0:0:0:0:a:1]');
    expect(R.clientDescription(undefined, '192.0.2.1')).toBe('[192.0.2.1]');
  });
  it('answers HELP from a help file', () => {
    const help = parseHelpFile('#vers\t2\nsmtp\tThis is sendmail version $v\nsmtp\tTopics:\ndata\tDATA\ndata\t\tEnd with a single dot.\n');
    const expand = (t: string): string => t.replace(/\$v/g, '8.17.1.9');
    expect(formatReply(helpReply(help, '', expand))).toBe(
      '214-2.0.0 This is sendmail version 8.17.1.9\r\n214-2.0.0 Topics:\r\n214 2.0.0 End of HELP info\r\n',
    );
    expect(formatReply(helpReply(help, 'DATA', expand))).toBe('214-2.0.0 DATA\r\n214-2.0.0 \tEnd with a single dot.\r\n214 2.0.0 End of HELP info\r\n');
    expect(formatReply(helpReply(help, 'FOO', expand))).toBe('504 5.3.0 HELP topic "foo" unknown\r\n');
    // real 8.17 names at most 10 characters of the topic
    expect(formatReply(helpReply(help, 'NoSuchTopicXYZ', expand))).toBe('504 5.3.0 HELP topic "nosuchtopi" unknown\r\n');
  });
  it('writes dates like $b', () => {
    const d = new Date(2026, 10, 2, 4, 5, 6);
    expect(arpaDate(d)).toMatch(/^Mon, 2 Nov 2026 04:05:06 (GMT|[+-]\d{4})$/);
  });
});
