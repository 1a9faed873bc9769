/**
 * The rewrite engine on small configurations read from real files:
 * pattern operators, RHS prefixes, subroutine calls, maps, limits.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import '../src/maps/index.js';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { prescan } from '../src/rewrite/prescan.js';
import { showTokens } from '../src/rewrite/tokens.js';

const CF = `V10/Berkeley
Dj mail.example.com
DXx-value
CXalpha beta
C{Multi}a.b x.y.z
O OperatorChars=.:%@!^/[]+
O BlankSub=.
Karith arith
Kecho program /bin/echo got
Kstore macro
SAsync
R$*\t\t$: $(store {Acc} $@ $&{Acc}x $) $1
R$*\t\t$: $(echo $1 $) $&{Acc}
R$*\t\t$@ $1 $(echo again $)
SPat
R$@\t\t$@ EMPTY
R$-\t\t$@ ONE $1
R$- $-\t\t$@ TWO $1 | $2
R$+ @ $-\t\t$@ LASTAT $1 | $2
R$* < $+ > $*\t\t$@ ANGLE $1 | $2 | $3
R$+ $+\t\t$@ SPLIT $1 | $2
SGreedy
R$* . $*\t\t$@ $2 | $1
SClasses
R$=X\t\t$@ X $1
R$* $={Multi} $*\t\t$@ MULTI $1 | $2 | $3
R$~X\t\t$@ NOTX $1
SDefer
R$&X\t\t$@ MATCHED
R$*\t\t$@ NO $1 $&X
SLoop
R$* x $*\t\t$1 y $2
SRev
R$-\t\t$@ $1
R$+ . $-\t\t$@ $2 . $>Rev $1
SChain
R$*\t\t$@ $>Rev $>Greedy $1
SCount
R$*\t\t$: < 0 > $1
R< $- > $- $*\t\t< $(arith + $@ $1 $@ 1 $) > $3
R< $- >\t\t$@ $1
SDefault
R$*\t\t$@ $(nosuch $1 $: fallback $)
SInfinite
R$*\t\t$1 a
SRecur
R$*\t\t$: $>Recur x $1
STriple
R$+ @ $+\t\t$#esmtp $@ $2 $: $1
R$*\t\t$@ not-reached
`;

let loaded: LoadedConfig;
let printed: string[] = [];

async function run(rs: string, addr: string): Promise<{ result: string; status: number; printed: string[] }> {
  printed = [];
  const toks = prescan(addr, 0, '', loaded.engine.table, null).tokens!;
  const n = loaded.engine.findRuleset(rs, () => {});
  const status = await loaded.engine.rewrite(toks, n);
  return { result: showTokens(toks), status, printed };
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rewrite-engine-'));
  const file = join(dir, 'sendmail.cf');
  writeFileSync(file, CF);
  loaded = await loadConfig({ file, print: (l) => printed.push(l), hostName: 'mail.example.com' });
  loaded.engine.trace = false;
});

describe('LHS operators', () => {
  it('$@ $- $+ $* with sendmail backtracking order', async () => {
    expect((await run('Pat', 'a')).result).toBe('ONE a');
    expect((await run('Pat', 'a b')).result).toBe('TWO a | b');
    expect((await run('Pat', 'a @ b @ c')).result).toBe('LASTAT a @ b | c');
    expect((await run('Pat', 'x < y > z')).result).toBe('ANGLE x | y | z');
    expect((await run('Pat', 'a b c d')).result).toBe('SPLIT a | b c d');
    expect((await run('Greedy', 'a.b.c')).result).toBe('b . c | a');
  });

  it('classes: one token, multi-token phrases, negation, case-insensitive', async () => {
    expect((await run('Classes', 'ALPHA')).result).toBe('X ALPHA');
    expect((await run('Classes', 'q a.b r')).result).toBe('MULTI q | a . b | r');
    expect((await run('Classes', 'x.y.z')).result).toBe('MULTI | x . y . z |');
    expect((await run('Classes', 'zzz')).result).toBe('NOTX zzz');
  });

  it('$&X matches and substitutes the macro value at run time', async () => {
    expect((await run('Defer', 'x-value')).result).toBe('MATCHED');
    loaded.macros.setByName('X', 'new');
    expect((await run('Defer', 'x-value')).result).toBe('NO x-value new');
    loaded.macros.setByName('X', 'x-value');
  });
});

describe('RHS', () => {
  it('a plain rule is retried until it stops matching', async () => {
    expect((await run('Loop', 'axbxc x x')).result).toBe('axbxc y y');
  });

  it('$> calls run right to left on everything after them', async () => {
    expect((await run('Rev', 'a.b.c.d')).result).toBe('d . c . b . a');
    expect((await run('Chain', 'a.b.c')).result).toBe('b . c | a');
  });

  it('$( $) with $@ arguments and $: default; missing maps are reported', async () => {
    expect((await run('Count', 'a b c d e')).result).toBe('5');
    const r = await run('Default', 'k');
    expect(r.result).toBe('fallback');
    expect(r.printed).toContain('rewrite: map nosuch not found');
  });

  it('$# ends the ruleset', async () => {
    expect((await run('Triple', 'u@h')).result).toBe('$# esmtp $@ h $: u');
  });
});

describe('limits', () => {
  it('a rule matching 100 times is an infinite loop', async () => {
    const r = await run('Infinite', 'a');
    expect(r.printed).toEqual(['Infinite loop in ruleset Infinite, rule 1']);
    expect(r.result.split(' ')).toHaveLength(101);
  });

  it('recursion past 50 calls fails with EX_CONFIG', async () => {
    const r = await run('Recur', 'a');
    expect(r.status).toBe(78);
    expect(r.printed).toContain('rewrite: excessive recursion (max 50), ruleset Recur');
  });
});

describe('asynchronous lookups', () => {
  it('waits for a program map, runs the ruleset again with the answers, prints the trace once', async () => {
    loaded.engine.trace = true;
    // the output owner lets a re-run take back what the first attempt printed
    loaded.engine.mark = () => printed.length;
    loaded.engine.rollback = (m) => {
      printed.length = m;
    };
    const r = await run('Async', 'hello');
    loaded.engine.trace = false;
    expect(r.status).toBe(0);
    expect(r.result).toBe('got hello x got again');
    // the first rule appends to {Acc}: the re-runs start from the value before the run
    expect(loaded.macros.getByName('Acc')).toBe('x');
    expect(r.printed).toEqual(['Async              input: hello', 'Async            returns: got hello x got again']);
  });
});
