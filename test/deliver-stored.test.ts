// The daemon's hand-over of a just-accepted message (MessageDelivery.deliverStored):
// the delivery uses the envelope and body the session stored, not the df read
// back; the queue files are removed only after the remote's 250; a message a
// queue run took meanwhile, or one stored quarantined (hf), is left alone.
// A loopback smtp-server sink is the remote; the sample cf routes to it.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { ManualClock } from '../src/deliver/clock.js';
import { MessageDelivery, type QueueRunOptions } from '../src/deliver/runner.js';
import { defaultRecipientFlags, newEnvelope, QueueDirectory, QueueIdGenerator, type Envelope } from '../src/queue/index.js';
import { startSink, tableResolver } from './deliver-helpers.js';
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

/** Stores a message to `rcpt` as the session does; the envelope and body it stored. */
async function store(rcpt: string, subject: string, quarantine?: string): Promise<{ envelope: Envelope; body: Buffer }> {
  const envelope = newEnvelope(ids.next(START), '<alice@host.example.com>', START);
  envelope.recipients = [{ address: rcpt, flags: defaultRecipientFlags() }];
  envelope.headers = [{ conditions: '', name: 'Subject', value: ` ${subject}` }];
  if (quarantine !== undefined) envelope.quarantineReason = quarantine;
  const body = Buffer.from(`body of ${subject}\n`, 'latin1');
  await new QueueDirectory(qdir).storeNew(envelope, body);
  return { envelope, body };
}

const filesOf = (id: string): string[] => readdirSync(qdir).filter((f) => f.endsWith(id));

describe('delivery of a just-stored message from memory', () => {
  it('sends the stored body (the df is not read), then removes qf and df', async () => {
    const sink = await startSink();
    const options: QueueRunOptions = {
      loaded,
      clock: new ManualClock(START),
      smtpPort: sink.port,
      mxResolver: tableResolver({}, { 'mx.partner.example.test': ['127.0.0.1'] }),
      passwdFile: path.join(dir, 'no-passwd'),
    };
    const delivery = new MessageDelivery(qdir, options, 4);
    try {
      const a = await store('<carol@partner.example.test>', 'stored-a');
      // proof that nothing reads it back: the df is gone before the delivery starts
      rmSync(path.join(qdir, `df${a.envelope.id}`));
      expect(await delivery.deliverStored(a.envelope, a.body)).toMatchObject({ attempted: 1, completed: 1 });
      expect(sink.messages.map((m) => m.to)).toEqual([['carol@partner.example.test']]);
      expect(sink.messages[0]!.data).toMatch(/Subject: stored-a\r?\n[\s\S]*body of stored-a/);
      expect(filesOf(a.envelope.id)).toEqual([]);

      // a queue run delivered it between the 250 and the hand-over: nothing is sent twice
      const b = await store('<dave@partner.example.test>', 'stored-b');
      await new QueueDirectory(qdir).remove(b.envelope.id);
      expect(await delivery.deliverStored(b.envelope, b.body)).toMatchObject({ attempted: 0, completed: 0, skipped: 1 });

      // stored quarantined (hf): held, not delivered
      const c = await store('<erin@partner.example.test>', 'stored-c', 'held for review');
      expect(await delivery.deliverStored(c.envelope, c.body)).toMatchObject({ attempted: 0, completed: 0 });
      expect(existsSync(path.join(qdir, `hf${c.envelope.id}`))).toBe(true);
      expect(sink.messages).toHaveLength(1);
    } finally {
      delivery.close();
      await sink.close();
    }
  });
});
