// Client SMTP AUTH from the cf's authinfo ruleset: the sample cf (no
// FEATURE(authinfo)) reads AuthInfo: entries from the access map for the
// server's name; a loopback smtp-server sink that requires AUTH checks the
// user and password it is given.  A wrong password gets the sink's 535; the
// session goes on unauthenticated, as sendmail's does, and the sink's 530 to
// MAIL bounces the message.
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { chooseMechanism, lookupAuthInfo, parseAuthInfoItems } from '../src/deliver/authinfo.js';
import { ManualClock } from '../src/deliver/clock.js';
import { runQueue, type QueueRunOptions } from '../src/deliver/runner.js';
import { OP } from '../src/rewrite/tokens.js';
import { QueueIdGenerator } from '../src/queue/index.js';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { queueTestMessage, startSink, tableResolver } from './deliver-helpers.js';
import { sampleConfigCopy } from './e2e-helpers.js';

const START = new Date('2026-11-20T10:00:00Z');
const ids = new QueueIdGenerator();

describe('authinfo result items', () => {
  it('reads tagged items, base64 values and mechanisms; user and authentication id stand in for each other', () => {
    const info = parseAuthInfoItems([OP.CANONNET, '"U:smmsp"', '"P=c2VjcmV0"', '"M:plain LOGIN"'], 'host.example.com');
    expect(info).toEqual({ user: 'smmsp', authId: 'smmsp', password: 'secret', realm: 'host.example.com', mechanisms: ['PLAIN', 'LOGIN'] });
    expect(parseAuthInfoItems([OP.CANONNET, '"I:id"', '"U:zid"', '"P:x"', '"R:r.example"'], 'j')).toMatchObject({ user: 'zid', authId: 'id', realm: 'r.example' });
  });
  it('gives no credentials without $#, without a password or without a user', () => {
    expect(parseAuthInfoItems(['no'], 'j')).toBeUndefined();
    expect(parseAuthInfoItems([OP.CANONNET, '"U:smmsp"'], 'j')).toBeUndefined();
    expect(parseAuthInfoItems([OP.CANONNET, '"P:secret"'], 'j')).toBeUndefined();
  });
  it('chooses the first allowed mechanism the server offers and the client speaks', () => {
    const spoken = ['PLAIN', 'LOGIN', 'CRAM-MD5'];
    expect(chooseMechanism(['PLAIN', 'LOGIN'], ['LOGIN', 'PLAIN'], spoken)).toBe('LOGIN');
    expect(chooseMechanism(['PLAIN', 'LOGIN'], [], spoken)).toBe('PLAIN');
    expect(chooseMechanism(['PLAIN'], ['DIGEST-MD5'], spoken)).toBeUndefined();
    expect(chooseMechanism(['GSSAPI'], [], spoken)).toBeUndefined();
  });
});

describe('queue runner: AUTH with AuthInfo: entries of the access map', () => {
  let dir = '';
  let qdir = '';
  let loaded: LoadedConfig;
  beforeAll(async () => {
    dir = sampleConfigCopy(2525, {
      absolutePaths: true,
      extraAccess: [
        'AuthInfo:mx.partner.example.test\t"U:smmsp" "P:secret" "M:PLAIN"',
        'AuthInfo:mx.wrong.test\t"U:smmsp" "P=bm9wZQ==" "M:PLAIN"',
        'AuthInfo:127.0.0.2\t"U:byaddr" "P:other"',
        'AuthInfo:mx.ids.test\t"U:zid" "I:cid" "P:pw" "M:PLAIN"',
      ],
    });
    qdir = path.join(dir, 'var/spool/mqueue');
    loaded = await loadConfig({ file: path.join(dir, 'etc-mail/sendmail.cf'), print: () => {}, hostName: 'host.example.com' });
  });

  const enqueue = (recipient: string): Promise<string> => queueTestMessage(qdir, recipient, START, ids);

  const base = (extra: Partial<QueueRunOptions>): QueueRunOptions => ({
    loaded,
    clock: new ManualClock(START),
    mailboxDir: path.join(dir, 'mail'),
    passwdFile: path.join(dir, 'no-passwd'),
    log: process.env.RUNNER_LOG ? (l) => console.error(l) : undefined,
    ...extra,
  });

  it('looks the server up by name, then by address, then the default', async () => {
    expect(await lookupAuthInfo(loaded, 'mx.partner.example.test', '127.0.0.1')).toMatchObject({ authId: 'smmsp', password: 'secret', mechanisms: ['PLAIN'] });
    expect(await lookupAuthInfo(loaded, 'unknown.test', '127.0.0.2')).toMatchObject({ authId: 'byaddr', password: 'other', mechanisms: [] });
    expect(await lookupAuthInfo(loaded, 'unknown.test', '127.0.0.3')).toBeUndefined();
  });

  it('authenticates with the entry of the server it connects to', async () => {
    const sink = await startSink({ auth: { user: 'smmsp', pass: 'secret' }, options: { authOptional: false, authMethods: ['PLAIN', 'LOGIN'] } });
    try {
      const mx = tableResolver({}, { 'mx.partner.example.test': ['127.0.0.1'] });
      const id = await enqueue('<carol@partner.example.test>');
      const s = await runQueue(qdir, base({ smtpPort: sink.port, mxResolver: mx }));
      expect(s).toMatchObject({ attempted: 1, completed: 1, reports: 0 });
      expect(sink.messages.map((m) => [m.user, m.to])).toEqual([['smmsp', ['carol@partner.example.test']]]);
      expect(readdirSync(qdir).filter((f) => f.endsWith(id))).toEqual([]);
    } finally {
      await sink.close();
    }
  });

  it('goes on without AUTH after a 535, and the sink refusing MAIL bounces the message', async () => {
    const sink = await startSink({ auth: { user: 'smmsp', pass: 'secret' }, options: { authOptional: false, authMethods: ['PLAIN', 'LOGIN'] } });
    try {
      const mx = tableResolver({ 'wrong.test': [{ preference: 10, exchange: 'mx.wrong.test' }] }, { 'mx.wrong.test': ['127.0.0.1'] });
      await enqueue('<dave@wrong.test>');
      const s = await runQueue(qdir, base({ smtpPort: sink.port, mxResolver: mx }));
      expect(s).toMatchObject({ attempted: 1, completed: 1, reports: 1 });
      expect(sink.messages).toEqual([]);
      const bounce = readdirSync(qdir)
        .filter((f) => f.startsWith('df'))
        .map((f) => readFileSync(path.join(qdir, f), 'latin1'))
        .find((t) => t.includes('dave@wrong.test'));
      expect(bounce).toMatch(/530/);
    } finally {
      await sink.close();
    }
  });

  it('sends U: as the authorization id and I: as the authentication id in AUTH PLAIN, as sendmail does', async () => {
    const seen: unknown[] = [];
    const server = new SMTPServer({
      logger: false,
      allowInsecureAuth: true,
      disableReverseLookup: true,
      authMethods: ['PLAIN'],
      onAuth(auth, _session, cb) {
        seen.push([(auth as { authzid?: string }).authzid, auth.username, auth.password]);
        cb(null, { user: auth.username });
      },
      onData(stream, _session, cb) {
        stream.resume();
        stream.on('end', () => cb(null));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const port = (server.server.address() as AddressInfo).port;
      const mx = tableResolver({ 'ids.test': [{ preference: 10, exchange: 'mx.ids.test' }] }, { 'mx.ids.test': ['127.0.0.1'] });
      const id = await enqueue('<erin@ids.test>');
      expect(await runQueue(qdir, base({ smtpPort: port, mxResolver: mx }))).toMatchObject({ deferred: 0 }); // the earlier test's bounce may go on too
      expect(readdirSync(qdir).filter((f) => f.endsWith(id))).toEqual([]);
      expect(seen).toEqual([['zid', 'cid', 'pw']]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
