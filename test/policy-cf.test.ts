// The cf policy in process, on a copy of the sample cf with a few more
// access entries: each stage's decision and exact reply, the kinds
// (reject, tempfail, discard, quarantine), the triple of an accepted
// recipient, parseAddress and the macros the rulesets see.
import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { CfPolicy } from '../src/smtp/cf-policy.js';
import { formatReply } from '../src/smtp/reply.js';
import { parseAddress } from '../src/address/parse.js';
import type { Decision } from '../src/smtp/policy.js';
import { freePort, sampleConfigCopy } from './e2e-helpers.js';

let loaded: LoadedConfig;
let policy: CfPolicy;

function session(clientAddr: string, clientName = `[${clientAddr}]`, extra: Record<string, string> = {}): Map<string, string> {
  return new Map([
    ['client_addr', clientAddr],
    ['client_name', clientName],
    ['client_resolve', clientName.startsWith('[') ? 'FAIL' : 'OK'],
    ['daemon_flags', ''],
    ['j', 'mail.example.test'],
    ...Object.entries(extra),
  ]);
}

const wire = (d: Decision): string => ('reply' in d && d.reply ? formatReply(d.reply).trimEnd() : d.kind);

beforeAll(async () => {
  await import('../src/maps/index.js');
  const dir = sampleConfigCopy(await freePort(), {
    absolutePaths: true,
    extraAccess: [
      'Connect:10.9.9.9\tREJECT',
      'Connect:10.8.8.8\tERROR:4.3.2:421 closing',
      'From:discard@example.org\tDISCARD',
      'From:held@example.org\tQUARANTINE:held for review',
      'From:later@example.org\tERROR:4.3.2:451 try later',
      'To:closed.example\tERROR:5.7.1:550 closed here',
    ],
  });
  loaded = await loadConfig({ file: path.join(dir, 'etc-mail/sendmail.cf'), print: () => {}, opMode: 'd', hostName: 'mail.example.test' });
  policy = new CfPolicy(loaded, { warn: () => {} });
});

describe('connect (check_relay)', () => {
  it('accepts an unlisted client and refuses a listed one with the access text', async () => {
    expect((await policy.connect(session('10.1.1.1'))).kind).toBe('accept');
    expect(wire(await policy.connect(session('10.9.9.9')))).toBe('550 5.7.1 Access denied');
    const temp = await policy.connect(session('10.8.8.8'));
    expect(temp.kind).toBe('tempfail');
    expect(wire(temp)).toBe('421 4.3.2 closing');
  });
});

describe('MAIL (parse, check_mail)', () => {
  it('gives reject, tempfail, discard and quarantine as the access map says', async () => {
    const m = session('10.1.1.1');
    expect(wire(await policy.mail(m, '<spammer@bad.example>', new Map()))).toBe('550 5.7.1 <spammer@bad.example>... Access denied');
    expect(wire(await policy.mail(m, '<later@example.org>', new Map()))).toBe('451 4.3.2 try later');
    expect((await policy.mail(m, '<discard@example.org>', new Map())).kind).toBe('discard');
    expect(await policy.mail(m, '<held@example.org>', new Map())).toMatchObject({ kind: 'quarantine', reason: 'held for review' });
    expect((await policy.mail(m, '<>', new Map())).kind).toBe('accept');
  });
});

describe('RCPT (parse, check_rcpt, local users)', () => {
  const withSender = (addr: string): Map<string, string> => session(addr, `[${addr}]`, { mail_addr: 'me@mail.example.test' });

  it('resolves accepted recipients to their mailer triple', async () => {
    const local = await policy.rcpt(withSender('10.1.1.1'), '<root@mail.example.test>', new Map());
    expect(local.decision.kind).toBe('accept');
    expect(local.resolved).toEqual({ mailer: 'local', host: '', user: 'root' });
    const relayed = await policy.rcpt(withSender('127.0.0.1'), '<x@elsewhere.example>', new Map());
    expect(relayed.resolved).toEqual({ mailer: 'esmtp', host: 'elsewhere.example', user: 'x@elsewhere.example' });
  });

  it('refuses unknown local users, access-listed recipients and relaying', async () => {
    const m = withSender('10.1.1.1');
    expect(wire((await policy.rcpt(m, '<nosuchuser@mail.example.test>', new Map())).decision)).toBe('550 5.1.1 <nosuchuser@mail.example.test>... User unknown');
    expect(wire((await policy.rcpt(m, '<x@closed.example>', new Map())).decision)).toBe('550 5.7.1 <x@closed.example>... closed here');
    expect(wire((await policy.rcpt(m, '<x@elsewhere.example>', new Map())).decision)).toBe('550 5.7.1 <x@elsewhere.example>... Relaying denied. IP name lookup failed [10.1.1.1]');
    const named = session('10.1.1.2', 'client.example.org', { mail_addr: 'me@mail.example.test' });
    expect(wire((await policy.rcpt(named, '<x@elsewhere.example>', new Map())).decision)).toBe('550 5.7.1 <x@elsewhere.example>... Relaying denied');
  });

  it('interleaved sessions do not see each other’s client', async () => {
    const [a, b] = await Promise.all([
      policy.rcpt(withSender('127.0.0.1'), '<x@elsewhere.example>', new Map()),
      policy.rcpt(withSender('10.1.1.1'), '<x@elsewhere.example>', new Map()),
    ]);
    expect(a.decision.kind).toBe('accept');
    expect(b.decision.kind).toBe('reject');
  });
});

describe('parseAddress', () => {
  it('gives the mailer triple of ruleset 0, the user rewritten', async () => {
    const local = await parseAddress(loaded, '<postmaster>');
    expect(local.ok && local.triple.mailer).toBe('local');
    const remote = await parseAddress(loaded, 'Some One <one@Elsewhere.Example>');
    expect(remote.ok && [remote.triple.mailer, remote.triple.host, remote.triple.user]).toEqual(['esmtp', 'elsewhere.example', 'one@Elsewhere.Example']);
  });
});
