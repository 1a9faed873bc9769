/**
 * test/m4-snapshot.test.ts — bin/m4 as a program: started from the V8 startup
 * snapshot `npm run build` makes (scripts/build-m4-snapshot.mjs) when the blob
 * fits this node binary and the built modules (by its name), from the plain
 * modules otherwise; both give the same output, exit status and errors.
 * Runs bin/m4's sh line with `sh -x` to see which way it went.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const snapDir = path.join(root, 'dist', 'm4-snapshot');
const blob = existsSync(snapDir) ? readdirSync(snapDir).find((f) => f.endsWith('.blob')) : undefined;
const hasSh = spawnSync('sh', ['-c', 'stat -L -c %i /'], { stdio: 'ignore' }).status === 0;
if (!blob || !hasSh) console.log('m4-snapshot: no startup snapshot built (npm run build) or no sh/stat here, skipping');

const input = "define(`greet', `hello $1')dnl\ngreet(`world') A eval(6*7) translit(`abc', `a-c', `A-C')\n";

/**
 * Run a bin/m4 copy: its output, status and errors from a plain run, and
 * whether it starts from the snapshot from a second run under `sh -x` (the
 * trace of the pipeline in the start line comes from several processes at
 * once and can split lines, so the errors are not taken from that run).
 */
function runBin(binM4: string, args: string[]): { out: string; err: string; rc: number | null; fromSnapshot: boolean } {
  const r = spawnSync('sh', [binM4, ...args], { input, encoding: 'latin1' });
  const traced = spawnSync('sh', ['-x', binM4, ...args], { input, encoding: 'latin1' });
  const trace = traced.stderr.split('\n').filter((l) => l.startsWith('+ '));
  return {
    out: r.stdout,
    err: r.stderr,
    rc: r.status,
    fromSnapshot: trace.some((l) => l.startsWith('+ exec ') && l.includes('--snapshot-blob')),
  };
}

/** A checkout-like tree: bin/m4 copied, dist/cli linked, dist/m4 linked (or copied and changed), the blob copied or not. */
function tree(withBlob: boolean, changeModules = false): string {
  const d = mkdtempSync(path.join(tmpdir(), 'm4snap-'));
  mkdirSync(path.join(d, 'bin'));
  mkdirSync(path.join(d, 'dist', 'm4-snapshot'), { recursive: true });
  copyFileSync(path.join(root, 'bin', 'm4'), path.join(d, 'bin', 'm4'));
  symlinkSync(path.join(root, 'dist', 'cli'), path.join(d, 'dist', 'cli'));
  if (changeModules) {
    cpSync(path.join(root, 'dist', 'm4'), path.join(d, 'dist', 'm4'), { recursive: true });
    appendFileSync(path.join(d, 'dist', 'm4', 'index.js'), '\n// changed after the snapshot was made\n');
  } else symlinkSync(path.join(root, 'dist', 'm4'), path.join(d, 'dist', 'm4'));
  if (withBlob) copyFileSync(path.join(snapDir, blob!), path.join(d, 'dist', 'm4-snapshot', blob!));
  return path.join(d, 'bin', 'm4');
}

describe.skipIf(!blob || !hasSh)('bin/m4 and its startup snapshot', () => {
  it('starts from a fitting snapshot, with the same output as the plain modules', () => {
    const snap = runBin(tree(true), ['-DA=a', '-']);
    const plain = runBin(tree(false), ['-DA=a', '-']);
    expect(snap.fromSnapshot).toBe(true);
    expect(plain.fromSnapshot).toBe(false);
    expect(snap.out).toBe('hello world a 42 ABC\n');
    expect(plain.out).toBe(snap.out);
    expect([snap.rc, plain.rc]).toEqual([0, 0]);
  });

  it('passes options that look like node options to m4, errors alike', () => {
    const snap = runBin(tree(true), ['--nosuch']);
    const plain = runBin(tree(false), ['--nosuch']);
    expect(snap.fromSnapshot).toBe(true);
    expect(snap.rc).toBe(1);
    expect(plain.rc).toBe(1);
    expect(snap.err).toContain("unknown option '--nosuch'");
    expect(snap.err).toBe(plain.err);
  });

  it('falls back to the plain modules when the built modules changed since the blob was made', () => {
    const r = runBin(tree(true, true), ['-']);
    expect(r.fromSnapshot).toBe(false);
    expect(r.out).toBe('hello world A 42 ABC\n');
  });

  it('falls back when the blob was made by another node binary (other name)', () => {
    const bin = tree(false);
    const other = path.join(path.dirname(bin), '..', 'dist', 'm4-snapshot', '1-2-3.blob');
    writeFileSync(other, 'not a snapshot');
    const r = runBin(bin, ['-']);
    expect(r.fromSnapshot).toBe(false);
    expect(r.out).toBe('hello world A 42 ABC\n');
  });
});
