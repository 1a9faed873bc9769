// Checks at delivery: the hop count (MaxHopCount), and check_compat
// (issue 6's list): the cf's ruleset gets
// "sender $| recipient" before each recipient reaches its mailer.  What
// real sendmail 8.17 does (learned with FEATURE(compat_check), access
// entries and -q -v, its syslog captured): $#discard drops the recipient
// silently; $#error $@ UNAVAILABLE fails it as a mailer exiting 69 --
// bounce transcript "550 5.7.1 R... text" then "554 5.0.0 Service
// unavailable", Status 5.5.0, Diagnostic-Code X-Unix; 69 -- and both are
// logged as "ruleset=check_compat, arg1=S, arg2=R, relay=..., reject=..."
// or "..., discard".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config/loader.js';
import { runQueue } from '../src/deliver/runner.js';
import { MailLog, useMailLog } from '../src/log/index.js';
import type { LogSink } from '../src/log/sink.js';
import { defaultRecipientFlags, newEnvelope, QueueDirectory, QueueIdGenerator } from '../src/queue/index.js';
import { sampleConfigCopy } from './e2e-helpers.js';

let dir = '';

beforeAll(() => {
  dir = sampleConfigCopy(2525, { absolutePaths: true });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('check_compat', () => {
  it('a refused recipient bounces as a mailer exiting 69, a discarded one is dropped, the others are delivered', async () => {
    const cf = path.join(dir, 'etc-mail/compat.cf');
    const rules = [
      'Scheck_compat',
      'R$* $| $* bob $*\t$#error $@ UNAVAILABLE $: "550 5.7.1 not compatible error from check_compat"',
      'R$* $| $* carol $*\t$#discard $: "discarded"',
      '',
    ].join('\n');
    writeFileSync(cf, readFileSync(path.join(dir, 'etc-mail/sendmail.cf'), 'latin1') + rules, 'latin1');
    const loaded = await loadConfig({ file: cf, print: () => {}, hostName: 'host.example.com' });
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    const passwd = path.join(dir, 'passwd-compat');
    writeFileSync(passwd, ['alice', 'bob', 'carol', 'dave'].map((u) => `${u}:x:${uid}:${gid}:${u}:${dir}/home-${u}:/bin/sh`).join('\n') + '\n');
    const mailboxes = path.join(dir, 'mail-compat');
    mkdirSync(mailboxes, { recursive: true });
    const qdir = path.join(dir, 'q-compat');
    mkdirSync(qdir, { recursive: true, mode: 0o700 });
    const now = new Date();
    const env = newEnvelope(new QueueIdGenerator().next(now), '<alice@host.example.com>', now);
    env.recipients = ['<bob@host.example.com>', '<carol@host.example.com>', '<dave@host.example.com>'].map((address) => ({ address, flags: defaultRecipientFlags() }));
    env.macros.set('_', 'localhost [127.0.0.1]');
    env.headers = [{ conditions: '', name: 'Subject', value: ' compat' }];
    await new QueueDirectory(qdir).storeNew(env, 'hello\n');

    const lines: string[] = [];
    const sink: LogSink = { write: (_severity, message) => void lines.push(message), close: () => {} };
    const previous = useMailLog(new MailLog(sink, 9));
    try {
      await runQueue(qdir, { loaded, passwdFile: passwd, mailboxDir: mailboxes });
    } finally {
      useMailLog(previous);
    }
    // dave delivered, carol dropped, bob bounced to alice (the report queued)
    expect(readFileSync(path.join(mailboxes, 'dave'), 'latin1')).toContain('Subject: compat');
    expect(readdirSync(mailboxes)).toEqual(['dave']);
    const reports = readdirSync(qdir).filter((f) => f.startsWith('df')).map((f) => readFileSync(path.join(qdir, f), 'latin1'));
    expect(reports).toHaveLength(1);
    const bounce = reports[0]!;
    expect(bounce).toContain(
      ['   ----- Transcript of session follows -----', '550 5.7.1 <bob@host.example.com>... not compatible error from check_compat', '554 5.0.0 Service unavailable'].join('\n'),
    );
    expect(bounce).toMatch(/^Status: 5\.5\.0$/m);
    expect(bounce).toMatch(/^Diagnostic-Code: X-Unix; 69$/m);
    expect(lines.filter((l) => l.includes('ruleset=check_compat')).map((l) => l.replace(/^\w+: /, ''))).toEqual([
      'ruleset=check_compat, arg1=<alice@host.example.com>, arg2=<bob@host.example.com>, relay=localhost [127.0.0.1], reject=550 5.7.1 <bob@host.example.com>... not compatible error from check_compat',
      'ruleset=check_compat, arg1=<alice@host.example.com>, arg2=<carol@host.example.com>, relay=localhost [127.0.0.1], discard',
    ]);
  });

  it('a message with more trace headers than MaxHopCount bounces for every recipient, as real 8.17 (554 5.4.6 Too many hops)', async () => {
    const cf = path.join(dir, 'etc-mail/hops.cf');
    writeFileSync(cf, readFileSync(path.join(dir, 'etc-mail/sendmail.cf'), 'latin1') + 'O MaxHopCount=3\n', 'latin1');
    const loaded = await loadConfig({ file: cf, print: () => {}, hostName: 'host.example.com' });
    const mailboxes = path.join(dir, 'mail-hops');
    mkdirSync(mailboxes, { recursive: true });
    const qdir = path.join(dir, 'q-hops');
    mkdirSync(qdir, { recursive: true, mode: 0o700 });
    const now = new Date();
    const env = newEnvelope(new QueueIdGenerator().next(now), '<c@example.org>', now);
    env.recipients = [{ address: '<root@host.example.com>', flags: defaultRecipientFlags() }];
    env.macros.set('_', 'localhost [127.0.0.1]');
    const received = { conditions: '', name: 'Received', value: ' from a by b; Mon, 1 Jan 2024 00:00:00 +0000' };
    env.headers = [received, received, received, received, { conditions: '', name: 'Subject', value: ' hops' }];
    await new QueueDirectory(qdir).storeNew(env, 'hello\n');
    await runQueue(qdir, { loaded, mailboxDir: mailboxes });
    expect(readdirSync(mailboxes)).toEqual([]);
    const reports = readdirSync(qdir).filter((f) => f.startsWith('df')).map((f) => readFileSync(path.join(qdir, f), 'latin1'));
    expect(reports).toHaveLength(1);
    const bounce = reports[0]!;
    expect(bounce).toContain('<root@host.example.com>\n    (reason: 554 5.4.6 Too many hops)\n');
    expect(bounce).toContain('554 5.4.6 Too many hops 4 (3 max): from <c@example.org> via localhost, to <root@host.example.com>\n');
    expect(bounce).toMatch(/^Status: 5\.4\.6$/m);
    expect(bounce).toMatch(/^Diagnostic-Code: X-Unix; 554 5\.4\.6 Too many hops$/m);
  });
});
