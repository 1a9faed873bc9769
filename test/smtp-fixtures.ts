// Shared fixtures of the SMTP tests: the tables of the recorded sendmail
// transcripts, a daemon on 127.0.0.1, an SMTP chat client, the recorded
// commands with real sendmail 8.17.1.9's exact replies.
import net from 'node:net';
import { SmtpListeners, parseDaemonOptions, type AdapterOptions } from '../src/smtp/adapter.js';
import { InMemoryPolicy, reject, tempfail, type SmtpPolicy } from '../src/smtp/policy.js';
import { makeReply } from '../src/smtp/reply.js';
import { parseHelpFile } from '../src/smtp/helpfile.js';
import { QueueDirectory } from '../src/queue/queue-directory.js';
import { QueueIdGenerator } from '../src/queue/queue-id.js';
import type { SessionOptions } from '../src/smtp/session.js';
import { tempDir } from './smtp-helpers.js';

export const HELP = parseHelpFile(
  [
    'smtp\tThis is sendmail version $v',
    'smtp\tTopics:',
    'smtp\t\tHELO\tEHLO\tMAIL\tRCPT\tDATA',
    'data\tDATA',
    'data\t\tFollowing text is collected as the message.',
    'data\t\tEnd with a single dot.',
  ].join('\n'),
);

/** The tables of the recorded transcripts: the same users, domains and access entries as the sendmail.cf used. */
export function recordedPolicy(extra: { rejectClient?: boolean; tempfailClient?: boolean; greetPauseMs?: number } = {}): SmtpPolicy {
  const clients: [string, ReturnType<typeof reject>][] = [];
  if (extra.rejectClient) clients.push(['127.0.0.1', reject(makeReply(550, '5.7.1', 'Access denied'))]);
  if (extra.tempfailClient) clients.push(['127.0.0.1', tempfail(makeReply(421, '4.3.2', 'go away now'))]);
  return new InMemoryPolicy({
    localUsers: ['root', 'postmaster', 'list'],
    localDomains: ['mx.example.com'],
    relayDomains: ['example.org'],
    senderDomains: ['example.org', 'bad.example'],
    senders: [
      ['spammer@bad.example', reject(makeReply(550, '5.7.1', '<spammer@bad.example>... Access denied'))],
      ['temp@bad.example', tempfail(makeReply(451, '4.7.1', 'try later'))],
    ],
    clients,
    greetPauseMs: extra.greetPauseMs ?? 0,
  });
}

export interface Daemon {
  port: number;
  queueDir: string;
  listeners: SmtpListeners;
}

/** CRLF line splitter for what a server sends: `onLine` gets each complete line. */
export function crlfLines(onLine: (line: string) => void): (chunk: Buffer) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk.toString('latin1');
    let nl: number;
    while ((nl = buf.indexOf('\r\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 2);
      onLine(line);
    }
  };
}

/** Our daemon on 127.0.0.1 (a free port) with the recorded tables; `adapter` overrides listener options. */
export async function startDaemon(
  session: Partial<Omit<SessionOptions, 'daemon' | 'client'>> = {},
  policy: SmtpPolicy = recordedPolicy(),
  adapter: Partial<Omit<AdapterOptions, 'session'>> = {},
): Promise<Daemon> {
  const queueDir = tempDir('smtp-queue-');
  const listeners = new SmtpListeners({
    listeners: [parseDaemonOptions('Port=0, Addr=127.0.0.1, Name=MTA')],
    session: {
      identity: { hostName: 'mx.example.com', version: '8.17.1.9' },
      policy,
      queue: new QueueDirectory(queueDir),
      ids: new QueueIdGenerator(),
      maxRecipients: 3,
      maxMessageSize: 10000,
      helpFile: HELP,
      ...session,
    },
    resolveClient: async () => ({ name: 'localhost', resolve: 'OK' }),
    ...adapter,
  });
  const [addr] = await listeners.start();
  return { port: addr?.port ?? 0, queueDir, listeners };
}

/**
 * Talks SMTP: sends each line after the complete reply to the previous one.
 * A line "<DATA>" sends the following lines up to "." as one block.  Returns
 * the transcript: ">>> command" lines and reply lines.
 */
export function chat(port: number, script: readonly string[], raw = false, host = '127.0.0.1'): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const out: string[] = [];
    const socket = net.connect(port, host);
    let i = 0;
    const sendNext = (): void => {
      if (i >= script.length) {
        socket.end();
        return;
      }
      const line = script[i++] ?? '';
      if (line === '<DATA>') {
        let block = '';
        while (i < script.length) {
          const l = script[i++] ?? '';
          block += `${l}\r\n`;
          if (l === '.') break;
        }
        out.push('>>> (message)');
        socket.write(block);
        return;
      }
      out.push(`>>> ${line}`);
      socket.write(raw ? line : `${line}\r\n`);
    };
    socket.on(
      'data',
      crlfLines((line) => {
        out.push(line);
        if (/^\d{3}( |$)/.test(line)) sendNext();
      }),
    );
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      resolve([...out, 'TIMEOUT']);
    }, 10_000).unref();
  });
}

export const GREETING = /^220 mx\.example\.com ESMTP Sendmail 8\.17\.1\.9\/8\.17\.1\.9; \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d (GMT|[+-]\d{4})$/;

export function mask(transcript: string[]): string[] {
  return transcript.map((l) =>
    l
      .replace(/; \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d (GMT|[+-]\d{4})$/, '; DATE')
      .replace(/^250 2\.0\.0 [0-9A-Za-x]{8}\d{6,} Message accepted/, '250 2.0.0 QID Message accepted'),
  );
}

export const EHLO_REPLY = [
  '250-mx.example.com Hello localhost [127.0.0.1], pleased to meet you',
  '250-ENHANCEDSTATUSCODES',
  '250-PIPELINING',
  '250-EXPN',
  '250-VERB',
  '250-8BITMIME',
  '250-SIZE 10000',
  '250-DSN',
  '250-ETRN',
  '250-DELIVERBY',
  '250 HELP',
];

// Commands and real sendmail 8.17.1.9's exact answers (AUTH line left out: no SASL here yet).
export const SCRIPT_AND_REPLIES: [string, string[]][] = [
  ['HELO', ['501 5.0.0 HELO requires domain address']],
  ['HELO client.example.org', ['250 mx.example.com Hello localhost [127.0.0.1], pleased to meet you']],
  ['EHLO client.example.org', EHLO_REPLY],
  ['RCPT TO:<root>', ['503 5.0.0 Need MAIL before RCPT']],
  ['DATA', ['503 5.0.0 Need MAIL command']],
  ['MAIL', ['501 5.5.2 Syntax error in parameters scanning ""']],
  ['MAIL FROM:', ['501 5.5.2 Syntax error in parameters scanning "FROM"']],
  ['MAIL TO:<x>', ['501 5.5.2 Syntax error in parameters scanning "TO"']],
  ['MAIL FROM:bad<', ["553 5.0.0 bad<... Unbalanced '<'"]],
  ['MAIL FROM:<a@example.org> SIZE=20000', ['552 5.2.3 Message size exceeds fixed maximum message size (10000)']],
  ['MAIL FROM:<a@example.org> FOO=bar', ['555 5.5.4 FOO parameter unrecognized']],
  ['MAIL FROM:<a@example.org> BODY=FOO', ['501 5.5.4 Unknown BODY type FOO']],
  ['MAIL FROM:<a@example.org> RET=FOO', ['501 5.5.2 Bad argument "FOO" to RET']],
  ['MAIL FROM:<a@example.org> RET=HDRS RET=FULL', ['501 5.5.0 Duplicate RET parameter']],
  ['MAIL FROM:<a@example.org> ENVID=a ENVID=b', ['501 5.5.0 Duplicate ENVID parameter']],
  ['MAIL FROM:<a@example.org> SIZE', ['501 5.5.2 SIZE requires a value']],
  // sendmail keeps RET and ENVID of a refused MAIL for the next one until RSET (we do not): RSET here
  ['RSET', ['250 2.0.0 Reset state']],
  ['MAIL FROM:<x@nonexist.invalid>', ['553 5.1.8 <x@nonexist.invalid>... Domain of sender address x@nonexist.invalid does not exist']],
  ['MAIL FROM:<spammer@bad.example>', ['550 5.7.1 <spammer@bad.example>... Access denied']],
  ['MAIL FROM:<temp@bad.example>', ['451 4.7.1 try later']],
  ['MAIL FROM:<a@example.org> SIZE=200', ['250 2.1.0 <a@example.org>... Sender ok']],
  ['MAIL FROM:<b@example.org>', ['503 5.5.0 Sender already specified']],
  ['DATA', ['503 5.0.0 Need RCPT (recipient)']],
  ['RCPT', ['501 5.5.2 Syntax error in parameters scanning ""']],
  ['RCPT TO:', ['501 5.5.2 Syntax error in parameters scanning "TO"']],
  ['RCPT TO:<>', ['553 5.0.0 <>... User address required']],
  ['RCPT TO:<root> NOTIFY=FOO', ['501 5.5.4 Bad argument "FOO"  to NOTIFY']],
  ['RCPT TO:<root> NOTIFY=NEVER,SUCCESS', ['501 5.5.4 Bad argument "NEVER"  to NOTIFY']],
  ['RCPT TO:<root> ORCPT=bad', ['501 5.5.4 Syntax error in ORCPT parameter value']],
  ['RCPT TO:<root> ORCPT=rfc822;a ORCPT=rfc822;b', ['501 5.5.0 Duplicate ORCPT parameter']],
  ['RCPT TO:<root> SIZE=10', ['555 5.5.4 SIZE parameter unrecognized']],
  ['RCPT TO:<root>', ['250 2.1.5 <root>... Recipient ok']],
  ['RCPT TO:<nosuchuser>', ['550 5.1.1 <nosuchuser>... User unknown']],
  ['RCPT TO:<root@mx.example.com>', ['250 2.1.5 <root>... Recipient ok']],
  ['RCPT TO:other@example.org', ['250 2.1.5 other@example.org... Recipient ok']],
  ['RCPT TO:<postmaster>', ['452 4.5.3 Too many recipients']],
  ['NOOP', ['250 2.0.0 OK']],
  ['VRFY', ['501 5.5.2 Argument required']],
  ['VRFY nosuchuser', ['550 5.1.1 nosuchuser... User unknown']],
  ['VRFY root', ['250 2.1.5 <root@mx.example.com>']],
  ['EXPN', ['501 5.5.2 Argument required']],
  ['EXPN root', ['250 2.1.5 root <root@mx.example.com>']],
  ['HELP DATA', ['214-2.0.0 DATA', '214-2.0.0 \tFollowing text is collected as the message.', '214-2.0.0 \tEnd with a single dot.', '214 2.0.0 End of HELP info']],
  ['HELP FOO', ['504 5.3.0 HELP topic "foo" unknown']],
  ['ETRN', ['500 5.5.2 Parameter required']],
  ['ETRN example.org', ['250 2.0.0 Queuing for node example.org started']],
  ['VERB', ['250 2.0.0 Verbose mode']],
  ['FOO bar baz', ['500 5.5.1 Command unrecognized: "FOO bar baz"']],
  ['DATA', ['354 End data with <CR><LF>.<CR><LF>']],
];

export function scriptOf(pairs: [string, string[]][]): string[] {
  return pairs.map(([c]) => c);
}

export function expectedOf(pairs: [string, string[]][]): string[] {
  return pairs.flatMap(([c, r]) => [`>>> ${c}`, ...r]);
}

