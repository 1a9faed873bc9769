// The m4 macro processor: language behaviour in process (no GNU m4 needed),
// the command's messages and exit status, and - when GNU m4 and the
// conformance corpus are installed - every corpus case and the sendmail.mc
// compiles compared with GNU m4's recorded output.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runM4Command } from '../src/cli/m4.js';

const CORPUS = path.resolve(__dirname, '..', '..', 'shared', 'conformance');
const CF_M4 = '/usr/share/sendmail/cf/m4/cf.m4';

function hasTool(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

interface Result {
  out: string;
  err: string;
  rc: number;
}

/** Run our m4 in process on some input text (written to a temp file). */
function m4(input: string, args: string[] = [], name = 'in.m4', dir?: string): Result {
  const d = dir ?? mkdtempSync(path.join(tmpdir(), 'm4t-'));
  writeFileSync(path.join(d, name), input, 'latin1');
  return m4In(d, [...args, name]);
}

function m4In(dir: string, argv: string[]): Result {
  const out: string[] = [];
  const err: string[] = [];
  const prev = process.cwd();
  process.chdir(dir);
  try {
    const rc = runM4Command(argv, 'm4', (s) => out.push(s), (s) => err.push(s));
    return { out: out.join(''), err: err.join(''), rc };
  } finally {
    process.chdir(prev);
  }
}

describe('m4 language', () => {
  it('quotes, nested quotes and rescanning', () => {
    expect(m4("define(`a', `b')define(`b', `c')a `a' ``a''\n").out).toBe("c a `a'\n");
  });

  it('arguments: $#, $*, $@, $0, $10 and whitespace', () => {
    const r = m4("define(`f', ``$#|$*|$@|$0|$10'')f( a, `b,c' ,3,4,5,6,7,8,9,ten)\n");
    expect(r.out).toBe("10|a,b,c ,3,4,5,6,7,8,9,ten|`a',`b,c ',`3',`4',`5',`6',`7',`8',`9',`ten'|f|ten\n");
  });

  it('changequote and changecom take effect at once', () => {
    expect(m4("changequote([,])define([x],[X])[x] x changecom(//)// x\nx\n").out).toBe('x X // x\nX\n');
    expect(m4("changequote(<<,>>)<<a<<b>>c>>\n").out).toBe('a<<b>>c\n');
  });

  it('diversions, undivert and divnum', () => {
    expect(m4('divert(2)two\ndivert(1)one\ndivert(-1)gone\ndivert(0)divnum\n').out).toBe('0\none\ntwo\n');
    expect(m4('divert(1)x\ndivert(0)undivert(1)y\n').out).toBe('x\ny\n');
  });

  it('pushdef/popdef, defn of builtins, indir and builtin', () => {
    const r = m4("define(`d', defn(`define'))d(`x', 1)pushdef(`x', 2)x popdef(`x')x indir(`x') builtin(`len', `abc')\n");
    expect(r.out).toBe('2 1 1 3\n');
  });

  it('eval: operators, radix, width and errors', () => {
    expect(m4('eval(2**3**2) eval(-7/2) eval(1<<33) eval(255, 16, 4) eval(0r36:zz) eval(0 && 1/0)\n').out).toBe('512 -3 2 00ff 1295 0\n');
    const r = m4("eval(1 +)\neval(1/0)\neval(`(1')\neval(1 2)\n");
    expect(r.err).toBe(
      'm4:in.m4:1: bad expression in eval: 1 +\n' +
        'm4:in.m4:2: divide by zero in eval: 1/0\n' +
        'm4:in.m4:3: bad expression in eval (missing right parenthesis): (1\n' +
        'm4:in.m4:4: bad expression in eval (excess input): 1 2\n',
    );
    expect(r.rc).toBe(0);
  });

  it('string builtins: substr, index, translit, regexp, patsubst, format', () => {
    const r = m4(
      "substr(`hello', 1, 3) index(`hello', `l') translit(`abc', `a-c', `A-C') regexp(`user@host', `\\(.*\\)@\\(.*\\)', `\\2:\\1') patsubst(`a.b.c', `\\.', `-') format(`%5.2f|%-3d|%x', 3.14159, 7, 255)\n",
    );
    expect(r.out).toBe('ell 2 ABC host:user a-b-c  3.14|7  |ff\n');
  });

  it('m4wrap runs at the end, last registered first', () => {
    expect(m4("m4wrap(`1 ')m4wrap(`2 ')main\n").out).toBe('main\n2 1 ');
  });

  it('dnl, comments and __line__', () => {
    expect(m4("a dnl gone\n# define(`x') kept\n__line__\n").out).toBe('a # define(`x\') kept\n3\n');
  });

  it('text of an expansion is at the line where its call began', () => {
    expect(m4("define(`f', `__line__ $1')f(a,\nb)\nf(`__line__\n')\n").out).toBe('1 a\n3 3\n\n');
  });

  it('unterminated quote, comment and argument list are fatal with the start line', () => {
    expect(m4("x\n`never\nclosed\n")).toEqual({ out: 'x\n', err: 'm4:in.m4:2: ERROR: end of file in string\n', rc: 1 });
    expect(m4('define(`f\', `$1\')f(a,\nb\n')).toEqual({ out: '', err: 'm4:in.m4:1: ERROR: end of file in argument list\n', rc: 1 });
  });

  it('the nesting limit stops runaway recursion with a message, not a stack overflow', () => {
    const r = m4("define(`n', `n(n($1))')n(a)\n", ['-L', '50']);
    expect(r.rc).toBe(1);
    expect(r.err).toBe('m4:in.m4:1: recursion limit of 50 exceeded, use -L<N> to change it\n');
  });

  it('an expansion that keeps growing stops with an error', () => {
    const r = m4("define(`x', `x(`$1$1')')x(`aaaaaaaaaaaaaaaa')\n");
    expect(r.rc).toBe(1);
    expect(r.err).toMatch(/^m4:in.m4:1: expansion of `x' too large/);
  });

  it('long tail recursion runs in constant stack', () => {
    const r = m4("define(`loop', `ifelse($1, 0, `done', `loop(decr($1))')')loop(20000)\n");
    expect(r.out).toBe('done\n');
  });

  it('include: search path, missing file message and exit status', () => {
    const d = mkdtempSync(path.join(tmpdir(), 'm4t-'));
    writeFileSync(path.join(d, 'lib.m4'), "define(`HI', `hello $1')dnl\n");
    expect(m4("include(`lib.m4')HI(`you')\n", [], 'in.m4', d).out).toBe('hello you\n');
    const r = m4("a\ninclude(`nosuch.m4')b\n", [], 'in.m4', d);
    expect(r).toEqual({ out: 'a\nb\n', err: "m4:in.m4:2: cannot open `nosuch.m4': No such file or directory\n", rc: 1 });
  });

  it('options: -D/-U in order, -P prefixes, -G drops GNU extensions, -E makes warnings fail', () => {
    expect(m4('X Y\n', ['-DX=1', '-DY', '-UY']).out).toBe('1 Y\n');
    expect(m4("m4_define(`a', `b')a define\n", ['-P']).out).toBe('b define\n');
    expect(m4("ifdef(`__gnu__', `gnu', `plain')\n", ['-G']).out).toBe('plain\n');
    const r = m4("dnl(`x')\n", ['-E']);
    expect(r.rc).toBe(1);
    expect(r.err).toBe("m4:in.m4:1: Warning: excess arguments to builtin `dnl' ignored\n");
  });

  it('bytes pass through unchanged (8-bit text is not part of names)', () => {
    expect(m4("define(`x', `\xe9')x\xe9 len(`\xc3\xa9')\n").out).toBe('\xe9\xe9 2\n');
  });
});

const corpusM4 = path.join(CORPUS, 'm4');
describe.skipIf(!existsSync(corpusM4))('m4 conformance corpus (recorded GNU m4 1.4.19 output)', () => {
  if (!existsSync(corpusM4)) console.log(`m4 corpus cases skipped: ${corpusM4} not found`);
  it('every case gives the recorded stdout, stderr and exit status', () => {
    const failed: string[] = [];
    const names = readdirSync(corpusM4).filter((f) => f.endsWith('.m4')).map((f) => f.slice(0, -3));
    for (const name of names) {
      const argsFile = path.join(corpusM4, `${name}.args`);
      const args = existsSync(argsFile) ? readFileSync(argsFile, 'latin1').split('\n').filter((l, i, a) => l !== '' || i < a.length - 1) : [];
      const r = m4In(corpusM4, [...args, `${name}.m4`]);
      const want = {
        out: readFileSync(path.join(corpusM4, `${name}.out`), 'latin1'),
        err: readFileSync(path.join(corpusM4, `${name}.err`), 'latin1'),
        rc: Number(readFileSync(path.join(corpusM4, `${name}.rc`), 'latin1')),
      };
      if (r.out !== want.out || r.err !== want.err || r.rc !== want.rc) failed.push(name);
    }
    expect(failed).toEqual([]);
  });
});

const haveCf = existsSync(CF_M4) && existsSync(CORPUS);
describe.skipIf(!haveCf)('sendmail.mc -> sendmail.cf with the real sendmail-cf tree', () => {
  if (!haveCf) console.log(`cf compile checks skipped: ${CF_M4} or the corpus is missing (install sendmail-cf)`);
  const normalise = (s: string): string => s.replace(/^##### built by .*$/m, '#####').replace(/^##### in .*$/m, '#####');
  for (const cfg of ['debian', 'fedora-datix', 'submit']) {
    it(`${cfg}: byte for byte as recorded from GNU m4`, () => {
      const r = m4In('/', [CF_M4, path.join(CORPUS, cfg, 'sendmail.mc')]);
      expect(r.rc).toBe(0);
      expect(normalise(r.out)).toBe(normalise(readFileSync(path.join(CORPUS, cfg, 'sendmail.cf'), 'latin1')));
    });
  }
});

describe.skipIf(!hasTool('m4'))('against GNU m4 on this machine', () => {
  if (!hasTool('m4')) console.log('GNU m4 comparisons skipped: m4 is not installed');
  const inputs = [
    "define(`cnt', `ifelse($1, 0, , `$1 cnt(decr($1))')')cnt(5)\n",
    "traceon(`f')define(`f', `[$1]')debugmode(`aeqx')f(`a', b)\n",
    "define(`x', `X')changecom(`/*', `*/')/* x */ x\nsubstr(`axb', 1, 1)translit(`q', `q', `x')\n",
    "eval(1 ? 2 : 3)eval(5 % -3)eval(-5, 2, 8)format(`%g %e', 100000, 0.5)\n",
  ];
  it.each(inputs.map((s, i) => [i, s] as const))('input %i gives the same output and messages', (_i, input) => {
    const d = mkdtempSync(path.join(tmpdir(), 'm4t-'));
    const ours = m4(input, [], 'in.m4', d);
    const gnu = spawnSync('m4', ['in.m4'], { cwd: d, encoding: 'latin1' });
    expect(ours).toEqual({ out: gnu.stdout, err: gnu.stderr, rc: gnu.status });
  });
});
