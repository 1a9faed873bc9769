// src/sys/watched-file.ts: a kept, parsed system file, looked at again at
// most once a second (real files in a temp dir; the clock is injected).
import { mkdtempSync, writeFileSync, rmSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECHECK_MS, WatchedFile } from '../src/sys/watched-file.js';
import { findPasswdEntry } from '../src/sys/passwd.js';

describe('WatchedFile', () => {
  it('keeps the parse for a second, then sees an edit; a missing file is an error, tried again', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'watched-'));
    const file = path.join(dir, 'f');
    writeFileSync(file, 'one');
    let clock = 1_000_000;
    let parses = 0;
    const w = new WatchedFile(file, (t) => (parses++, t.toUpperCase()), () => clock);
    expect(w.get()).toEqual({ ok: true, value: 'ONE' });
    writeFileSync(file, 'three'); // size changes too
    clock += RECHECK_MS - 1;
    expect(w.get()).toEqual({ ok: true, value: 'ONE' }); // within the bound: not looked at
    clock += 1;
    expect(w.get()).toEqual({ ok: true, value: 'THREE' });
    clock += RECHECK_MS;
    expect(w.get()).toEqual({ ok: true, value: 'THREE' });
    expect(parses).toBe(2); // unchanged file: stat only
    // replaced by another file (new inode)
    writeFileSync(path.join(dir, 'g'), 'other');
    renameSync(path.join(dir, 'g'), file);
    clock += RECHECK_MS;
    expect(w.get()).toEqual({ ok: true, value: 'OTHER' });
    rmSync(file);
    clock += RECHECK_MS;
    const gone = w.get();
    expect(gone.ok).toBe(false);
    expect(!gone.ok && gone.message).toMatch(/^.*\/f: ENOENT/);
    writeFileSync(file, 'back');
    clock += RECHECK_MS;
    expect(w.get()).toEqual({ ok: true, value: 'BACK' });
  });

  it('findPasswdEntry takes the first entry of a name and reports an unreadable file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'watched-'));
    const file = path.join(dir, 'passwd');
    writeFileSync(file, 'short:x\nbob:x:1000:1000:Bob,,,:/home/bob:/bin/sh\nbob:x:2:2::/:/bin/false\n');
    expect(findPasswdEntry('bob', file)).toEqual({ name: 'bob', passwd: 'x', uid: '1000', gid: '1000', gecos: 'Bob,,,', dir: '/home/bob', shell: '/bin/sh' });
    expect(findPasswdEntry('short', file)).toBeUndefined();
    const errors: string[] = [];
    expect(findPasswdEntry('bob', path.join(dir, 'none'), (m) => errors.push(m))).toBeUndefined();
    expect(errors[0]).toMatch(/none: ENOENT/);
  });
});
