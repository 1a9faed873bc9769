import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandAliases, includeItems, readForwardFile, splitAddressList, type ExpandedRecipient } from '../src/deliver/alias-expand.js';
import { buildAliasDatabases, lookupAlias } from '../src/maps/aliases.js';
import { MapFile, mapFilePath } from '../src/maps/lmdb/index.js';
import { buildRealSendmailCf, canUnshareUts, hasTool, runRealSendmail, SENDMAIL_CF_DIR, tempDir } from './deliver-helpers.js';

/** Builds a real aliases database (LMDB, as newaliases does) and returns a lookup over it. */
async function aliasDb(lines: string[]): Promise<{ dir: string; lookup: (name: string) => string | undefined }> {
  const dir = tempDir('deliver-aliases-');
  const file = path.join(dir, 'aliases');
  writeFileSync(file, lines.join('\n') + '\n');
  const report: string[] = [];
  expect(await buildAliasDatabases([file], (l) => report.push(l))).toBe(true);
  const db = MapFile.open(mapFilePath(file));
  return { dir, lookup: (name) => lookupAlias(db, name) };
}

const LOCAL = new Set(['host.example.com']);
function localName(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  return LOCAL.has(address.slice(at + 1).toLowerCase()) ? address.slice(0, at) : undefined;
}

const summary = (rs: ExpandedRecipient[]) =>
  rs.map((r) => {
    const t = r.target;
    const what =
      t.kind === 'local' ? t.user : t.kind === 'remote' ? t.address : t.kind === 'program' ? t.command : t.kind === 'file' ? t.path : t.result.diagnostic;
    return `${t.kind}:${what}${r.expandedFrom ? ` <- ${r.expandedFrom}` : ''}${r.owner ? ` [owner ${r.owner}]` : ''}`;
  });

/** Aliases with lists, an include file, a program, files, a self reference, an owner and an escape. */
function listAliases(includeFile: string): string[] {
  return [
    'staff: alice, bob@remote.test, "|/usr/bin/vacation staff", /var/log/staff, dave',
    `team: :include:${includeFile}, staff`,
    'owner-team: team-request',
    'team-request: alice',
    'keep: keep, /archive/keep',
    'escape: \\root, root',
    'root: admin@remote.test',
  ];
}

describe('address lists', () => {
  it('splits at commas outside quotes, angle brackets and comments', () => {
    expect(splitAddressList('a, "b, c" <x@y>, Name <p,q@r> (x, y) z, "|cmd a,b"')).toEqual([
      'a',
      '"b, c" <x@y>',
      'Name <p,q@r> (x, y) z',
      '"|cmd a,b"',
    ]);
    expect(includeItems('# comment\nalice, bob\n\n  carol\n')).toEqual(['alice', 'bob', 'carol']);
  });
});

describe('alias expansion on a real aliases database', () => {
  it('expands lists, programs, files, includes, self references and owners; suppresses duplicates', async () => {
    const inc = tempDir('deliver-inc-');
    writeFileSync(path.join(inc, 'list'), '# members\ndave\nerin@remote.test, alice\n');
    const { lookup } = await aliasDb(listAliases(path.join(inc, 'list')));
    const rs = await expandAliases(['team', 'escape', 'keep', 'alice@host.example.com'], { lookup, localName });
    expect(summary(rs)).toEqual([
      'local:dave <- team [owner team-request]',
      'remote:erin@remote.test <- team [owner team-request]',
      'local:alice <- team [owner team-request]',
      'remote:bob@remote.test <- staff [owner team-request]',
      'program:/usr/bin/vacation staff <- staff [owner team-request]',
      'file:/var/log/staff <- staff [owner team-request]',
      'local:root <- escape',
      'remote:admin@remote.test <- root',
      'local:keep <- keep',
      'file:/archive/keep <- keep',
    ]);
    expect(rs.find((r) => r.target.kind === 'program')?.display).toBe('"|/usr/bin/vacation staff"');
  });

  it('breaks loops and too deep chains with sendmail\'s messages', async () => {
    const deep = Array.from({ length: 11 }, (_, i) => `deep${i + 1}: deep${i + 2}`);
    const { lookup } = await aliasDb(['la: lb', 'lb: la', ...deep, 'deep12: /tmp/deep']);
    const loop = await expandAliases(['la'], { lookup, localName });
    expect(summary(loop)).toEqual(['failed:554 5.4.6 aliasing/forwarding loop broken']);
    const tooDeep = await expandAliases(['deep1'], { lookup, localName });
    expect(summary(tooDeep)).toEqual(['failed:554 5.4.6 aliasing/forwarding loop broken (11 aliases deep; 10 max) <- deep10']);
    expect(tooDeep[0]?.display).toBe('deep11');
  });

  it('fails an unreadable :include: with 5.2.4', async () => {
    const { lookup } = await aliasDb(['inc: :include:/nonexistent/list, alice']);
    const rs = await expandAliases(['inc'], { lookup, localName });
    expect(summary(rs)).toEqual([
      'failed:550 5.2.4 Cannot open /nonexistent/list: No such file or directory <- inc',
      'local:alice <- inc',
    ]);
  });

  it('follows a trusted .forward for a local user without an alias', async () => {
    const home = tempDir('deliver-home-');
    const fwd = path.join(home, '.forward');
    writeFileSync(fwd, '\\bob, bob@elsewhere.test\n');
    chmodSync(fwd, 0o644);
    const uid = process.getuid?.() ?? 0;
    const forward = async (user: string) => {
      if (user !== 'bob') return undefined;
      const r = await readForwardFile(fwd, uid);
      return r && 'items' in r ? r.items : undefined;
    };
    const { lookup } = await aliasDb(['postmaster: bob']);
    const rs = await expandAliases(['postmaster'], { lookup, localName, forward });
    expect(summary(rs)).toEqual(['local:bob <- bob', 'remote:bob@elsewhere.test <- bob']);
    chmodSync(fwd, 0o666);
    expect(await readForwardFile(fwd, uid)).toEqual({ refused: `${fwd}: group or world writable` });
    expect(await readForwardFile(path.join(home, 'none'), uid)).toBeUndefined();
  });
});

// Differential: real sendmail -bv on the same aliases file names the same targets.
const realSendmail = hasTool('sendmail') && hasTool('m4') && canUnshareUts() && existsSync(SENDMAIL_CF_DIR);
if (!realSendmail) console.warn('deliver-aliases: real sendmail/m4/sendmail-cf or unshare not available; skipping -bv comparison');

describe.skipIf(!realSendmail)('alias expansion compared with real sendmail -bv', () => {
  it('reaches the same set of targets', async () => {
    const inc = tempDir('deliver-inc-');
    chmodSync(inc, 0o755);
    writeFileSync(path.join(inc, 'list'), '# members\ndave\nerin@remote.test, alice\n');
    chmodSync(path.join(inc, 'list'), 0o644);
    const lines = listAliases(path.join(inc, 'list'));
    const dir = tempDir('deliver-bv-');
    const cf = buildRealSendmailCf(dir, 0, [], lines);
    const real = runRealSendmail(['-bv', '-C', cf, 'team', 'escape', 'keep', 'alice'], '');
    const realSet = new Set(
      real.output
        .split('\n')
        .filter((l) => /\.\.\. (deliverable|User unknown)/.test(l))
        .map((l) => {
          const who = l.slice(0, l.indexOf('...'));
          if (/User unknown$/.test(l)) return `local:${who}`;
          const m = /mailer (\S+), (?:host \S+, )?user (.*)$/.exec(l);
          const mailer = m?.[1] ?? '';
          const user = (m?.[2] ?? '').replace(/^\\/, '');
          return mailer === 'local' ? `local:${user}` : mailer === 'prog' ? `program:${user.slice(2, -1)}` : mailer === '*file*' ? `file:${user}` : `remote:${user}`;
        }),
    );
    const { lookup } = await aliasDb(lines);
    const ours = new Set(summary(await expandAliases(['team', 'escape', 'keep', 'alice'], { lookup, localName })).map((s) => s.replace(/ <- .*$/, '')));
    expect(realSet.size).toBe(10);
    expect([...ours].sort()).toEqual([...realSet].sort());
  });
});
