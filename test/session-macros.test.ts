// Per-call macro scopes: the daemon's sessions share one rewrite engine but
// each policy call runs in its own macro scope (the session's values over the
// config's), so calls run at the same time.  Two sessions on one daemon, from
// 127.0.0.1 and 127.0.0.2, whose check_rcpt asks a program map that answers
// slowly for 127.0.0.2: the other session's RCPT is answered while the slow
// lookup is still running, and each answer names its own {client_addr}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, chmodSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { MacroTable } from '../src/rewrite/macros.js';
import { names } from '../src/rewrite/tokens.js';
import { CfPolicy } from '../src/smtp/cf-policy.js';
import { crlfLines, startDaemon, type Daemon } from './smtp-fixtures.js';
import { tempDir, writeMiniCf } from './smtp-helpers.js';

const SLOW_MS = 1500;

describe('MacroTable scopes', () => {
  it('reads through to the parent, sets and unsets only its own values, rolls back its own journal', () => {
    const root = new MacroTable();
    root.setByName('j', 'mx.example.com');
    root.setByName('daemon_flags', 'CC');
    const a = root.scope();
    const b = root.scope();
    a.setByName('client_addr', '127.0.0.1');
    a.setByName('daemon_flags', undefined);
    b.setByName('client_addr', '127.0.0.2');
    expect([a.getByName('j'), a.getByName('client_addr'), a.getByName('daemon_flags')]).toEqual(['mx.example.com', '127.0.0.1', undefined]);
    expect([b.getByName('client_addr'), b.getByName('daemon_flags')]).toEqual(['127.0.0.2', 'CC']);
    expect([root.getByName('client_addr'), root.getByName('daemon_flags')]).toEqual([undefined, 'CC']);
    const pos = a.startJournal();
    a.setByName('client_addr', '10.0.0.1');
    a.setByName('daemon_flags', 'c');
    a.setByName('new', 'x');
    a.rollbackJournal(pos);
    a.endJournal(pos);
    expect([a.getByName('client_addr'), a.getByName('daemon_flags'), a.getByName('new')]).toEqual(['127.0.0.1', undefined, undefined]);
    expect(a.value(names.id('j'))).toBe('mx.example.com');
  });
});

/** The test cf (the mini cf plus): check_rcpt looks the client address up in a program map (slow for 127.0.0.2), stores it in a macro, and refuses naming both. */
function writeCf(dir: string): string {
  const slow = path.join(dir, 'slow.sh');
  writeFileSync(slow, `#!/bin/sh\ncase "$1" in 127.0.0.2) sleep ${SLOW_MS / 1000};; esac\necho "looked-$1"\n`);
  chmodSync(slow, 0o755);
  chmodSync(dir, 0o755);
  const cf = writeMiniCf(dir, path.join(dir, 'q'));
  appendFileSync(
    cf,
    [
      `Kslow program ${slow}`,
      'Kstore macro',
      'Scheck_rcpt',
      // remember who asked (in the call's own scope), wait for the lookup, then read it back
      'R$*\t$: $(store {asker} $@ $&{client_addr} $) $(slow $&{client_addr} $)',
      'R$*\t$#error $@ 5.7.1 $: "550 " $1 " for " $&{client_addr} " asked by " $&{asker}',
      'Scheck_data',
      'R$*\t$#error $@ 5.7.1 $: "550 " $&{tls_version} " " $&{cipher_bits} " " $&{verify} " " $&{auth_type} " " $&{auth_authen}',
      '',
    ].join('\n'),
  );
  return cf;
}

/** One SMTP session from `localAddress`; resolves with the RCPT reply, how long the RCPT and the whole session up to its reply took. */
function rcptFrom(port: number, localAddress: string, onRcptSent?: () => void): Promise<{ reply: string; ms: number; sessionMs: number }> {
  return new Promise((resolve, reject) => {
    const script = ['EHLO client.example', 'MAIL FROM:<a@example.org>', 'RCPT TO:<b@example.org>', 'QUIT'];
    const start = Date.now();
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    let i = 0;
    let sentAt = 0;
    let result: { reply: string; ms: number; sessionMs: number } | undefined;
    socket.on(
      'data',
      crlfLines((line) => {
        if (!/^\d{3}( |$)/.test(line)) return;
        if (i === 3) result = { reply: line, ms: Date.now() - sentAt, sessionMs: Date.now() - start };
        if (i >= script.length) return;
        const cmd = script[i++]!;
        if (cmd.startsWith('RCPT')) {
          sentAt = Date.now();
          onRcptSent?.();
        }
        socket.write(`${cmd}\r\n`);
      }),
    );
    socket.on('close', () => (result ? resolve(result) : reject(new Error(`session from ${localAddress} ended without a RCPT reply`))));
    socket.on('error', reject);
    setTimeout(() => socket.destroy(), 10_000).unref();
  });
}

describe('two sessions on one daemon', () => {
  let loaded: LoadedConfig;
  let daemon: Daemon;

  beforeAll(async () => {
    await import('../src/maps/index.js');
    const dir = tempDir('session-macros-');
    loaded = await loadConfig({ file: writeCf(dir), print: () => {}, opMode: 'd', hostName: 'mx.example.com' });
    daemon = await startDaemon({}, new CfPolicy(loaded, { warn: () => {} }));
  });

  afterAll(async () => {
    await daemon?.listeners.close();
  });

  it('answers one session while the other waits for a slow lookup, each with its own {client_addr}', async () => {
    let slowStarted!: () => void;
    const started = new Promise<void>((r) => (slowStarted = r));
    const slow = rcptFrom(daemon.port, '127.0.0.2', () => slowStarted());
    await started;
    await new Promise((r) => setTimeout(r, 100)); // the program is running
    const fast = await rcptFrom(daemon.port, '127.0.0.1');
    const slowResult = await slow;
    expect(fast.reply).toBe('550 5.7.1 <b@example.org>... looked-127.0.0.1 for 127.0.0.1 asked by 127.0.0.1');
    expect(slowResult.reply).toBe('550 5.7.1 <b@example.org>... looked-127.0.0.2 for 127.0.0.2 asked by 127.0.0.2');
    expect(slowResult.ms).toBeGreaterThanOrEqual(SLOW_MS - 50);
    // neither its connect, MAIL nor RCPT was held behind the slow session's lookup (which still had ~1.4 s to go)
    expect(fast.sessionMs).toBeLessThan(SLOW_MS / 2);
    // nothing of either session was left in the config's own table
    expect(loaded.macros.getByName('client_addr')).toBeUndefined();
    expect(loaded.macros.getByName('asker')).toBeUndefined();
  });

  it('hands the TLS and AUTH macros of a session to the rulesets', async () => {
    const policy = new CfPolicy(loaded, { warn: () => {} });
    const session = new Map([
      ['client_addr', '127.0.0.1'],
      ['tls_version', 'TLSv1.3'],
      ['cipher_bits', '256'],
      ['verify', 'NO'],
      ['auth_type', 'PLAIN'],
      ['auth_authen', 'alice'],
    ]);
    const d = await policy.data(session);
    expect(d.kind === 'reject' && d.reply.lines[0]).toBe('TLSv1.3 256 NO PLAIN alice');
  });
});
