import { describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseQf, formatQf, QfFormatError } from '../src/queue/qf-file.js';
import { QueueDirectory, expandQueueDirectory } from '../src/queue/queue-directory.js';
import { QueueIdGenerator, QUEUE_ID_SHAPE } from '../src/queue/queue-id.js';
import { formatQueueListing, printQueue } from '../src/queue/listing.js';
import { newEnvelope, defaultRecipientFlags } from '../src/queue/envelope.js';
import { realSendmail, runRealSendmail, tempDir, writeMiniCf } from './smtp-helpers.js';

// A qf file written by real sendmail 8.17.1.9 for an SMTP message (DSN parameters given).
const REAL_QF = [
  'V8',
  'T1795321181',
  'K0',
  'N0',
  'P60043',
  'B7BIT',
  'Fdns',
  '$_localhost [127.0.0.1]',
  '$rESMTP',
  '$sclient.example.org',
  '${daemon_flags}',
  'S<a@example.org>',
  'Zenv123',
  'Qrfc822;root@mx.example.com',
  'rRFC822; root@mx.example.com',
  'RPNSF:<root>',
  'rRFC822; other@example.org',
  'RPFD:<other@example.org>',
  'H?P?Return-Path: <\x81g>',
  'H??Received: from client.example.org (localhost [127.0.0.1])',
  '\tby mx.example.com (8.17.1.9/8.17.1.9) with ESMTP id 6AM4JfgJ000018;',
  '\tSun, 22 Nov 2026 04:19:41 GMT',
  'H?D?Date: Sun, 22 Nov 2026 04:19:41 GMT',
  'H?M?Message-Id: <202611220419.6AM4JfgJ000018@mx.example.com>',
  'H??Subject: hi',
  'H??From: A <a@example.org>',
  '.',
  '',
].join('\n');

describe('qf file format', () => {
  it('reads a qf file written by real sendmail', () => {
    const env = parseQf(REAL_QF, '6AM4JfgJ000018', 'qf6AM4JfgJ000018');
    expect(env.version).toBe(8);
    expect(env.createdAt).toBe(1795321181);
    expect(env.priority).toBe(60043);
    expect(env.bodyType).toBe('7BIT');
    expect(env.flags).toBe('dns');
    expect(env.sender).toBe('<a@example.org>');
    expect(env.envelopeId).toBe('env123');
    expect(env.macros.get('r')).toBe('ESMTP');
    expect(env.macros.get('daemon_flags')).toBe('');
    expect(env.recipients).toHaveLength(2);
    expect(env.recipients[0]).toMatchObject({
      address: '<root>',
      originalRecipient: 'rfc822;root@mx.example.com',
      finalRecipient: 'RFC822; root@mx.example.com',
      flags: { primary: true, notifyGiven: true, notifySuccess: true, notifyFailure: true, notifyDelay: false },
    });
    expect(env.headers[1]?.name).toBe('Received');
    expect(env.headers[1]?.value).toContain('\n\tby mx.example.com');
    expect(env.headers[0]?.conditions).toBe('P');
  });
  it('writes back byte for byte what it read', () => {
    const env = parseQf(REAL_QF, '6AM4JfgJ000018', 'x');
    expect(formatQf(env)).toBe(REAL_QF);
  });
  it('refuses truncated and malformed files with file and line', () => {
    expect(() => parseQf(REAL_QF.replace('.\n', ''), 'x', 'qfX')).toThrow(/qfX:\d+: missing the final/);
    expect(() => parseQf('V8\nTabc\nS<>\n.\n', 'x', 'qfX')).toThrow(QfFormatError);
    expect(() => parseQf('V8\nTabc\nS<>\n.\n', 'x', 'qfX')).toThrow(/qfX:2: T line: expected a number/);
  });
});

describe('queue ids', () => {
  it('encode local date, counter and pid like sendmail', () => {
    const gen = new QueueIdGenerator(18, 60 * 42 + 19);
    const when = new Date(2026, 10, 22, 4, 19, 41);
    expect(gen.next(when)).toBe('6AM4JfgJ000018');
    expect(gen.next(when)).toBe('6AM4JfgK000018');
    expect(QUEUE_ID_SHAPE.test(new QueueIdGenerator().next())).toBe(true);
  });
});

function sampleEnvelope(id: string): ReturnType<typeof newEnvelope> {
  const env = newEnvelope(id, '<a@example.org>', new Date(1795321181000));
  env.priority = 60043;
  env.flags = 's';
  env.macros.set('_', 'localhost [127.0.0.1]');
  env.macros.set('r', 'ESMTP');
  env.macros.set('s', 'client.example.org');
  env.recipients.push({ address: '<root>', flags: defaultRecipientFlags(), finalRecipient: 'RFC822; root@mx.example.com' });
  env.recipients.push({ address: '<bob@example.org>', flags: defaultRecipientFlags() });
  env.headers.push({ conditions: 'P', name: 'Return-Path', value: ' <\x81g>' });
  env.headers.push({ conditions: '', name: 'Subject', value: ' test' });
  return env;
}

describe('queue directory', () => {
  it('stores qf and df durably, leaving no temporary files', async () => {
    const dir = tempDir('queue-');
    const q = new QueueDirectory(dir);
    await q.storeNew(sampleEnvelope('6AM4JfgJ000018'), 'hello\n');
    expect(readdirSync(dir).sort()).toEqual(['df6AM4JfgJ000018', 'qf6AM4JfgJ000018']);
    const entry = await q.read('6AM4JfgJ000018');
    expect(entry.dataSize).toBe(6);
    expect(entry.envelope.recipients.map((r) => r.address)).toEqual(['<root>', '<bob@example.org>']);
    expect(entry.envelope.dataInode).toBeUndefined(); // as sendmail: I only after a delivery attempt
    await expect(q.storeNew(sampleEnvelope('6AM4JfgJ000018'), 'again\n')).rejects.toThrow(/EEXIST/);
  });
  it('uses qf/ and df/ subdirectories when present', async () => {
    const dir = tempDir('queue-');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'qf'));
    mkdirSync(path.join(dir, 'df'));
    const q = new QueueDirectory(dir);
    await q.storeNew(sampleEnvelope('6AM4JfgJ000019'), 'x\n');
    expect(existsSync(path.join(dir, 'qf', 'qf6AM4JfgJ000019'))).toBe(true);
    expect(existsSync(path.join(dir, 'df', 'df6AM4JfgJ000019'))).toBe(true);
    expect((await q.readAll()).length).toBe(1);
  });
  it('sets a corrupt qf aside as Qf and never deletes it', async () => {
    const dir = tempDir('queue-');
    writeFileSync(path.join(dir, 'qf6AM4JfgJ000020'), 'V8\nT1\nS<>\n'); // truncated: no "."
    writeFileSync(path.join(dir, 'df6AM4JfgJ000020'), 'body\n');
    const q = new QueueDirectory(dir);
    const aside: string[] = [];
    expect(await q.readAll((f) => aside.push(f.reason))).toEqual([]);
    expect(aside[0]).toMatch(/missing the final/);
    expect(readdirSync(dir).sort()).toEqual(['Qf6AM4JfgJ000020', 'df6AM4JfgJ000020']);
  });
  it('lists an empty queue as sendmail does', () => {
    expect(formatQueueListing('/var/spool/mqueue', [])).toBe('/var/spool/mqueue is empty\n\t\tTotal requests: 0\n');
  });
});

describe.skipIf(!realSendmail.usable)('queue files against real sendmail', () => {
  if (!realSendmail.usable) console.log(`skipping real-sendmail queue tests: ${realSendmail.why}`);

  it('real sendmail lists the qf/df we write exactly as we do (mailq -bp and -bp -v)', async () => {
    const dir = tempDir('queue-real-');
    const qdir = path.join(dir, 'q');
    const cf = writeMiniCf(dir, qdir);
    const q = new QueueDirectory(qdir);
    const a = sampleEnvelope('6AM4JfgJ000018');
    const b = sampleEnvelope('6AM4JfgK000018');
    b.priority = 100;
    b.bodyType = '8BITMIME';
    b.statusMessage = 'Deferred: Connection refused by a-very-long-host-name.example.org.with.more.text.than.fits';
    b.sender = 'someone.with.a.rather.long.local.part@a-very-long-domain-name.example.org';
    b.recipients[1] = { address: 'a.very.long.recipient.address.local.part@a-very-long-domain-name.example.org', flags: defaultRecipientFlags() };
    const c = sampleEnvelope('6AM4JfgL000018');
    c.quarantineReason = 'Suspected spam';
    c.priority = 90000;
    await q.storeNew(a, 'hello\n');
    await q.storeNew(b, 'a longer body\n');
    await q.storeNew(c, '');
    expect(readdirSync(qdir).sort()).toEqual(['df6AM4JfgJ000018', 'df6AM4JfgK000018', 'df6AM4JfgL000018', 'hf6AM4JfgL000018', 'qf6AM4JfgJ000018', 'qf6AM4JfgK000018']);
    const entries = await q.readAll();
    for (const verbose of [false, true]) {
      const real = runRealSendmail(['-bp', ...(verbose ? ['-v'] : []), '-C', cf]);
      expect(formatQueueListing(qdir, entries, { verbose })).toBe(real);
    }
    // the quarantined message is an hf file, listed by -qQ only
    expect(formatQueueListing(qdir, await q.readAll(undefined, 'hf'))).toBe(runRealSendmail(['-bp', '-qQ', '-C', cf]));
  });

  it('lists several queue directories (QueueDirectory=dir/q*) as real sendmail does', async () => {
    const dir = tempDir('queue-real-');
    const { mkdirSync, chmodSync } = await import('node:fs');
    for (const q of ['q1', 'q2', 'q3']) {
      mkdirSync(path.join(dir, q));
      chmodSync(path.join(dir, q), 0o700);
    }
    const cf = writeMiniCf(dir, path.join(dir, 'q*'));
    for (let i = 0; i < 5; i++) runRealSendmail(['-odq', '-C', cf, '-f', `a${i}@example.org`, 'root'], 'Subject: t\n\nhello\n');
    const dirs = await expandQueueDirectory(path.join(dir, 'q*'));
    expect(dirs).toEqual(['q1', 'q2', 'q3'].map((q) => path.join(dir, q)));
    for (const verbose of [false, true]) {
      const chunks: string[] = [];
      await printQueue(dirs, { write: (s: string) => chunks.push(s) } as unknown as NodeJS.WritableStream, { verbose });
      expect(chunks.join('')).toBe(runRealSendmail(['-bp', ...(verbose ? ['-v'] : []), '-C', cf]));
    }
  });

  it('reads a qf that real sendmail rewrote after a deferred delivery (N, K, I, M records)', async () => {
    const dir = tempDir('queue-real-');
    chmodSync(dir, 0o755); // the mailer runs as sendmail's default user
    const qdir = path.join(dir, 'q');
    const mailer = path.join(dir, 'tempfail.sh');
    writeFileSync(mailer, '#!/bin/sh\nexit 75\n', { mode: 0o755 });
    const cf = writeMiniCf(dir, qdir, mailer);
    runRealSendmail(['-odq', '-C', cf, '-f', 'a@example.org', 'root', 'bob'], 'Subject: t\n\nhello\n');
    runRealSendmail(['-q', '-v', '-C', cf]); // -v: in the foreground
    const [entry] = await new QueueDirectory(qdir).readAll();
    expect(entry?.envelope.attempts).toBe(1);
    expect(entry?.envelope.statusMessage).toMatch(/^Deferred: local mailer .* exited with EX_TEMPFAIL$/);
    expect(entry?.envelope.dataInode).toMatch(/^\d+\/\d+\/\d+$/);
    expect(formatQf(entry!.envelope)).toBe(readFileSync(entry!.controlPath, 'latin1'));
    expect(formatQueueListing(qdir, entry ? [entry] : [])).toBe(runRealSendmail(['-bp', '-C', cf]));
  });

  it('reads the qf files real sendmail writes and lists them as it does', async () => {
    const dir = tempDir('queue-real-');
    const qdir = path.join(dir, 'q');
    const cf = writeMiniCf(dir, qdir);
    runRealSendmail(['-odq', '-C', cf, '-f', 'a@example.org', 'root', 'bob'], 'Subject: t\n\nhello\n');
    runRealSendmail(['-odq', '-C', cf, '-f', '<>', '-N', 'never', 'postmaster'], 'Subject: u\n\n');
    const q = new QueueDirectory(qdir);
    const entries = await q.readAll();
    expect(entries).toHaveLength(2);
    for (const e of entries) {
      // every line we do not understand would land here
      expect(e.envelope.unknownLines).toEqual([]);
      const text = readFileSync(e.controlPath, 'latin1');
      expect(formatQf(e.envelope)).toBe(text);
    }
    expect(formatQueueListing(qdir, entries)).toBe(runRealSendmail(['-bp', '-C', cf]));
  });
});
