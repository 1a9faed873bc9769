/**
 * test/m4-gnu-details.test.ts — corners where GNU m4 1.4.19 and JavaScript differ:
 * POSIX leftmost-longest regular expression matches, C's rounding of exact
 * ties in %e, nesting limited by memory only (and -L as GNU), frozen-state
 * options refused by name.  Expected texts are GNU m4's; when GNU m4 is
 * installed each input is also run through it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runM4Command } from '../src/cli/m4.js';

const hasGnu = spawnSync('m4', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasGnu) console.log('m4-gnu-details: GNU m4 not installed, checking against recorded GNU output only');

function ours(input: string, args: string[] = []): { out: string; err: string; rc: number } {
  const d = mkdtempSync(path.join(tmpdir(), 'm4d-'));
  writeFileSync(path.join(d, 'in.m4'), input, 'latin1');
  const out: string[] = [];
  const err: string[] = [];
  const prev = process.cwd();
  process.chdir(d);
  try {
    const rc = runM4Command([...args, 'in.m4'], 'm4', (s) => out.push(s), (s) => err.push(s));
    return { out: out.join(''), err: err.join(''), rc };
  } finally {
    process.chdir(prev);
  }
}

/** Our output equals the recorded GNU output, and GNU m4's own when installed. */
function sameAsGnu(input: string, expected: string, args: string[] = []): void {
  expect(ours(input, args).out).toBe(expected);
  if (hasGnu) expect(spawnSync('m4', args, { input, encoding: 'latin1' }).stdout).toBe(expected);
}

describe('m4: GNU details', () => {
  it('regexp and patsubst take the longest of the leftmost matches', () => {
    sameAsGnu(
      'regexp(abcd, b\\|bc, \\&)\nregexp(aab, a*\\(ab\\)*, \\&)\npatsubst(abcabcd, b\\|bc, X)\npatsubst(aaa, a\\|aa, <\\&>)\n' +
        'regexp(abc d, \\(b\\|bc\\)\\>, [\\&])\nregexp(foobar, o*\\|fo*b, \\&)\npatsubst(ab ab, \\(a\\|ab\\)$, X)\nregexp(abcd, c\\|bcd\\|b)\n',
      'bc\naab\naXaXd\n<aa><a>\n[bc]\nfoob\nab X\n1\n',
    );
  });

  it('text between macro calls passes whole, but a name ending an expansion still joins the word below, and comment or quote starts beginning with letters win', () => {
    sameAsGnu(
      "define(`ab',`[AB]')define(`m',`a')m()b and m()bc ab, (x), y\n" +
        "changecom(`foo',`bar\n')foo ab bar\n ab fo ab\nchangecom(`#')dnl\n" +
        "changequote([,])define([w],[W])w, (w) [w] a(b,c) #w\nw\nchangequote\n`ab' ab`'ab\n" +
        "define(`undef1')undef1 undefine(`undef1')undef1\nchangequote(`q',`p')dnl\nq ab p ab qab\n",
      '[AB] and abc [AB], (x), y\nfoo ab bar\n [AB] fo [AB]\nW, (W) w a(b,c) #w\nW\n\nab [AB][AB]\n undef1\nq [AB] p [AB] qab\n',
    );
  });

  it('%e and %g round exact ties to even as C does; # keeps the point', () => {
    sameAsGnu(
      "format(`%.0e %.0e %.1e %.1e %.2e %.3e %.0E %.2g %.1g', 2.5, 3.5, 1.25, 1.35, 1.125, 2.0625, 4.5, 2.25, 0.25)\n" +
        "format(`%#.0e %#.0g %#g %#.3g|%10.1e|%-10.1e|', 2.5, 2.5, 3, 100, 1.25, 6.25)\n",
      '2e+00 4e+00 1.2e+00 1.4e+00 1.12e+00 2.062e+00 4E+00 2.2 0.2\n2.e+00 2. 3.00000 100.|   1.2e+00|6.2e+00   |\n',
    );
  });

  it('nests as deep as memory allows without -L, and stops at -L N as GNU does', () => {
    const depth = 120000; // deeper than GNU m4's C stack allows
    const deep = "define(`f', `$1')" + 'f('.repeat(depth) + 'x' + ')'.repeat(depth) + '\n';
    expect(ours(deep)).toEqual({ out: 'x\n', err: '', rc: 0 });
    const r = ours(deep, ['-L', '50']);
    expect(r.err).toBe('m4:in.m4:1: recursion limit of 50 exceeded, use -L<N> to change it\n');
    expect(r.rc).toBe(1);
  });

  const built = existsSync(path.resolve(__dirname, '..', 'dist', 'cli', 'm4.js'));
  if (!built) console.log('m4-gnu-details: dist/ not built (npm run build), skipping the bin/m4 memory test');
  it.skipIf(!built)('endless nesting ends with a message, not an out-of-memory abort', () => {
    const d = mkdtempSync(path.join(tmpdir(), 'm4d-'));
    writeFileSync(path.join(d, 'in.m4'), "define(`f', `f(f(x))')f\n");
    const bin = path.resolve(__dirname, '..', 'bin', 'm4');
    const r = spawnSync(process.execPath, ['--max-old-space-size=40', bin, 'in.m4'], { cwd: d, encoding: 'latin1', timeout: 60000 });
    expect(r.stderr).toMatch(/^m4:in\.m4:1: ERROR: macro calls nested \d+ deep have used up memory, use -L<N> to set a limit\n$/);
    expect(r.status).toBe(1);
  });

  it('-F and -R are refused by name', () => {
    for (const [opt, name] of [['-F', '-F (--freeze-state)'], ['--reload-state', '-R (--reload-state)']] as const) {
      const r = ours('x\n', [opt, 'state.m4f']);
      expect(r.err).toBe(`m4: option ${name} is not supported: this m4 does not write or read frozen state files\n`);
      expect(r.rc).toBe(1);
    }
  });
});
