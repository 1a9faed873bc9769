// srv_features: the sample cf's ruleset reads "Srv_Features:" entries of
// the access map; the daemon offers and takes what the letters say.  The
// transcripts are real sendmail 8.17.1.9's for `$# A B D E P X` and for
// `$#temp` (learned with LOCAL_SRV_FEATURES rules on a hermetic cf).
import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { CfPolicy } from '../src/smtp/cf-policy.js';
import { parseServerFeatures } from '../src/smtp/server-features.js';
import { chat, recordedPolicy, startDaemon } from './smtp-fixtures.js';
import { freePort, sampleConfigCopy } from './e2e-helpers.js';

let loaded: LoadedConfig;

beforeAll(async () => {
  await import('../src/maps/index.js');
  const dir = sampleConfigCopy(await freePort(), {
    absolutePaths: true,
    extraAccess: ['Srv_Features:127.0.0.1\tA B D E P X', 'Srv_Features:10.5.5.5\ttemp'],
  });
  loaded = await loadConfig({ file: path.join(dir, 'etc-mail/sendmail.cf'), print: () => {}, opMode: 'd', hostName: 'mail.example.test' });
});

describe('srv_features', () => {
  it("the cf's ruleset answers with the access entry's letters for the client, nothing for others", async () => {
    const policy = new CfPolicy(loaded, { warn: () => {} });
    const macros = (addr: string): Map<string, string> => new Map([['client_addr', addr], ['client_name', `[${addr}]`]]);
    expect(await policy.serverFeatures(macros('127.0.0.1'), '[127.0.0.1]')).toBe('A B D E P X');
    expect(await policy.serverFeatures(macros('10.5.5.5'), '[10.5.5.5]')).toBe('temp');
    expect(await policy.serverFeatures(macros('10.1.1.1'), '[10.1.1.1]')).toBeUndefined();
    expect(parseServerFeatures('X')).toMatchObject({ privacy: ['noexpn', 'noverb'] });
    expect(parseServerFeatures('temp').temporaryFailure).toBe(true);
  });

  it('A B D E P X: no AUTH, VERB, DSN, ETRN, PIPELINING, EXPN offered or taken (as real 8.17)', async () => {
    const d = await startDaemon({ maxMessageSize: 0 }, new CfPolicy(loaded, { warn: () => {} }));
    try {
      const t = await chat(d.port, [
        'EHLO c.example.org',
        'VERB',
        'EXPN root',
        'ETRN example.org',
        'MAIL FROM:<a@example.org> RET=HDRS',
        'MAIL FROM:<a@example.org> ENVID=x',
        'MAIL FROM:<you@mail.example.test>',
        'RCPT TO:<root@mail.example.test> NOTIFY=SUCCESS',
        'RCPT TO:<root@mail.example.test> ORCPT=rfc822;a@b',
        'QUIT',
      ]);
      expect(t.slice(1)).toEqual([
        '>>> EHLO c.example.org',
        '250-mx.example.com Hello localhost [127.0.0.1], pleased to meet you',
        '250-ENHANCEDSTATUSCODES',
        '250-8BITMIME',
        '250-SIZE',
        '250-DELIVERBY',
        '250 HELP',
        '>>> VERB',
        '502 5.7.0 Verbose unavailable',
        '>>> EXPN root',
        '502 5.7.0 Sorry, we do not allow this operation',
        '>>> ETRN example.org',
        '502 5.7.0 Sorry, we do not allow this operation',
        '>>> MAIL FROM:<a@example.org> RET=HDRS',
        '504 5.7.0 Sorry, RET not supported, we do not allow DSN',
        '>>> MAIL FROM:<a@example.org> ENVID=x',
        '504 5.7.0 Sorry, ENVID not supported, we do not allow DSN',
        '>>> MAIL FROM:<you@mail.example.test>',
        '250 2.1.0 <you@mail.example.test>... Sender ok',
        '>>> RCPT TO:<root@mail.example.test> NOTIFY=SUCCESS',
        '504 5.7.0 Sorry, NOTIFY not supported, we do not allow DSN',
        '>>> RCPT TO:<root@mail.example.test> ORCPT=rfc822;a@b',
        '504 5.7.0 Sorry, ORCPT not supported, we do not allow DSN',
        '>>> QUIT',
        '221 2.0.0 mx.example.com closing connection',
      ]);
    } finally {
      await d.listeners.close();
    }
  });

  it('$#temp: EHLO offers nothing, mail commands get 450 4.3.0 (as real 8.17)', async () => {
    const policy = Object.assign(recordedPolicy(), { serverFeatures: () => 'temp' });
    const d = await startDaemon({}, policy);
    try {
      const t = await chat(d.port, ['EHLO c.example.org', 'MAIL FROM:<a@example.org>', 'RCPT TO:<root>', 'DATA', 'VRFY root', 'NOOP', 'QUIT']);
      expect(t.slice(1)).toEqual([
        '>>> EHLO c.example.org',
        '250-mx.example.com Hello localhost [127.0.0.1], pleased to meet you',
        '250 ENHANCEDSTATUSCODES',
        '>>> MAIL FROM:<a@example.org>',
        '450 4.3.0 Please try again later.',
        '>>> RCPT TO:<root>',
        '450 4.3.0 Please try again later.',
        '>>> DATA',
        '450 4.3.0 Please try again later.',
        '>>> VRFY root',
        '450 4.3.0 Please try again later.',
        '>>> NOOP',
        '250 2.0.0 OK',
        '>>> QUIT',
        '221 2.0.0 mx.example.com closing connection',
      ]);
    } finally {
      await d.listeners.close();
    }
  });
});
