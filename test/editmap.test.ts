// editmap on real LMDB files: query, update, delete one record, messages and
// exit codes compared with the real editmap when it is installed.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import '../src/maps/lmdb/index.js';
import { MapFile } from '../src/maps/lmdb/map-file.js';
import { hasTool, runOurs, runReal, tempDir, withoutWarnings } from './lmdb-helpers.js';

describe('editmap', () => {
  it('queries, updates and deletes one key while a reader keeps the file open', () => {
    const dir = tempDir('editmap-');
    const name = path.join(dir, 'm');
    expect(runOurs('makemap', ['hash', name], 'foo bar\nother x\n').status).toBe(0);
    const reader = MapFile.open(`${name}.db`);
    const query = runOurs('editmap', ['-q', 'hash', name, 'FOO']);
    expect({ ...query, stderr: withoutWarnings(query.stderr) }).toEqual({ status: 0, stdout: 'bar\n', stderr: '' });
    expect(runOurs('editmap', ['-u', 'hash', name, 'Foo', 'new value']).status).toBe(0);
    expect(reader.get(Buffer.from('foo'))?.toString()).toBe('new value');
    expect(runOurs('editmap', ['-x', 'hash', name, 'foo']).status).toBe(0);
    expect(reader.get(Buffer.from('foo'))).toBeUndefined();
    expect(reader.get(Buffer.from('other'))?.toString()).toBe('x');
    reader.close();
    expect(runOurs('makemap', ['-u', 'hash', name]).stdout).toBe('other\tx\n');
  });

  it('keeps -f case and -N NULs as makemap does', () => {
    const dir = tempDir('editmap-');
    const name = path.join(dir, 'm');
    expect(runOurs('editmap', ['-N', '-f', '-u', 'btree', name, 'Key', 'v']).status).toBe(0);
    const f = MapFile.open(`${name}.db`);
    expect(f.get(Buffer.from('Key\0'))?.toString()).toBe('v\0');
    f.close();
    expect(runOurs('editmap', ['-N', '-f', '-q', 'btree', name, 'Key']).stdout).toBe('v\n');
    expect(runOurs('editmap', ['-q', 'btree', name, 'Key']).status).toBe(69);
  });
});

describe.skipIf(!hasTool('editmap'))('editmap answers like the real one', () => {
  if (!hasTool('editmap')) console.log('skipped: real editmap (sendmail-bin) is not installed');
  it.each([
    [['-q', 'hash', '@', 'foo']],
    [['-q', 'hash', '@', 'nokey']],
    [['-x', 'hash', '@', 'zzz']],
    [['-x', 'hash', '@', 'FOO']],
    [['-u', 'hash', '@', 'k']],
    [['hash', '@', 'foo']],
    [['-q', '-u', 'hash', '@', 'foo']],
    [['-q', 'hash', '@missing', 'x']],
    [['-q', 'nosuchtype', '@', 'x']],
  ])('editmap %j', (args) => {
    const dir = tempDir('editmap-oracle-');
    const realName = path.join(dir, 'real');
    const ourName = path.join(dir, 'ours');
    runReal('makemap', ['hash', realName], 'foo bar\n');
    runOurs('makemap', ['hash', ourName], 'foo bar\n');
    const real = runReal('editmap', args.map((a) => a.replace('@', realName)));
    const ours = runOurs('editmap', args.map((a) => a.replace('@', ourName)));
    expect({ ...ours, stderr: ours.stderr.replaceAll(ourName, 'M') }).toEqual({
      ...real,
      stderr: real.stderr.replaceAll(realName, 'M'),
    });
  });
});
