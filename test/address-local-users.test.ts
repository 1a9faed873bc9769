// Local users and aliases as the daemon and the delivery see them: an
// AliasFile entry of no class whose database cannot be opened (none built
// yet, or a Berkeley DB left by the real sendmail) is read from its text
// file, as sendmail does ("reading text version"), until newaliases builds
// the database; a database, once there, is what counts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalUsers } from '../src/address/local-user.js';
import { parseAliasFile, writeAliasDatabase } from '../src/maps/aliases.js';
import { tempDir } from './smtp-helpers.js';

/** The first 16 bytes of a Berkeley DB hash file (its magic at offset 12). */
function berkeleyHashHead(): Buffer {
  const b = Buffer.alloc(4096);
  b.writeUInt32LE(0x061561, 12);
  return b;
}

describe('alias databases that cannot be opened', () => {
  it('an entry of no class is read from its text file, with a warning naming why; a built database then wins', () => {
    const dir = tempDir('local-users-');
    const aliases = path.join(dir, 'aliases');
    writeFileSync(aliases, 'postmaster: root\nTeam: alice, bob\n');
    const warnings: string[] = [];
    const users = new LocalUsers({ aliasFiles: [aliases], passwdFile: path.join(dir, 'passwd'), warn: (m) => warnings.push(m) });
    expect(users.alias('postmaster')).toBe('root');
    expect(users.alias('TEAM')).toBe('alice, bob');
    expect(users.alias('nobody')).toBeUndefined();
    expect(warnings).toEqual([`WARNING: cannot open alias database ${aliases}; reading text version (${aliases}.db: No such file or directory)`]);

    const built = new LocalUsers({ aliasFiles: [aliases], passwdFile: path.join(dir, 'passwd') });
    writeAliasDatabase(`${aliases}.db`, parseAliasFile(aliases, 'postmaster: admin\n').entries);
    expect(built.alias('postmaster')).toBe('admin');
    expect(built.alias('team')).toBeUndefined();
  });

  it("a Berkeley DB left by the real sendmail is named as such, and the text is read", () => {
    const dir = tempDir('local-users-');
    const aliases = path.join(dir, 'aliases');
    writeFileSync(aliases, 'abuse: root\n');
    writeFileSync(`${aliases}.db`, berkeleyHashHead());
    const warnings: string[] = [];
    const users = new LocalUsers({ aliasFiles: [aliases], warn: (m) => warnings.push(m) });
    expect(users.alias('abuse')).toBe('root');
    expect(warnings[0]).toMatch(/reading text version \(.*aliases\.db: a Berkeley DB hash file \(sendmail's own map format\), not an LMDB map/);
  });

  it('an entry with a class (hash:) is not read from its text', () => {
    const dir = tempDir('local-users-');
    const aliases = path.join(dir, 'aliases');
    writeFileSync(aliases, 'abuse: root\n');
    const warnings: string[] = [];
    const users = new LocalUsers({ aliasFiles: [`hash:${aliases}`], warn: (m) => warnings.push(m) });
    expect(users.alias('abuse')).toBeUndefined();
    expect(warnings).toEqual([`alias database ${aliases}.db: No such file or directory`]);
  });
});
