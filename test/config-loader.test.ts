/**
 * Reading sendmail.cf: line types, errors with file and line, classes from
 * files, mailers, rulesets by name and number.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../src/maps/index.js';
import { loadConfig } from '../src/config/loader.js';
import { showMailer } from '../src/config/mailers.js';
import { names, showText } from '../src/rewrite/tokens.js';

async function load(text: string, files: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'config-loader-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  const file = join(dir, 'sendmail.cf');
  writeFileSync(file, text.split('DIR').join(dir));
  const printed: string[] = [];
  const loaded = await loadConfig({ file, print: (l) => printed.push(l), hostName: 'host.example.com', opMode: 't' });
  return { loaded, printed, file, dir };
}

describe('loader', () => {
  it('names file and line in rule errors and keeps the rule', async () => {
    const { loaded, printed, file } = await load('V10\nSTest\nR$-\t\t$@ $(a $(b $1 $) $)\nR"$+"\t\t$1\nRno tab here\n');
    expect(printed).toEqual([
      `${file}: line 3: cannot nest map lookups`,
      `${file}: line 4: replacement $1 out of bounds`,
      `${file}: line 5: invalid rewrite line "Rno tab here" (tab expected)`,
    ]);
    const rs = loaded.engine.findRuleset('Test', () => {});
    expect(loaded.engine.rulesets[rs]).toHaveLength(2);
  });

  it('matches long option names as sendmail 8.17 does: any case, a unique prefix with a warning; unknown and ambiguous names and bad X lines are read errors', async () => {
    const cf = 'V10\nO Bogus=1\nO AliasW=5\nO Alias=5\nO aliasfile=/tmp/aliases\nO Timeout.queuereturn=1d\nXbad, F=T\nX bad2, F=T\nXok, S=local:/tmp/x\n';
    const { loaded, printed, file } = await load(cf);
    // each line as real sendmail 8.17.1.9 -bt prints it for this cf
    expect(printed).toEqual([
      `${file}: line 2: readcf: unknown option name Bogus`,
      `${file}: line 3: Option AliasW used as abbreviation for AliasWait`,
      `${file}: line 4: readcf: ambiguous option name Alias (matches AliasFile and AliasWait)`,
      `${file}: line 7: Xbad: empty or missing socket information`,
      `${file}: line 8: name required for mail filter`,
    ]);
    expect(loaded.readErrors).toBe(4);
    const o = loaded.config.options;
    expect([o.get('AliasWait'), o.get('AliasFile'), o.get('Timeout.queuereturn'), o.has('Bogus')]).toEqual(['5', '/tmp/aliases', '1d', false]);
    expect(loaded.config.milters.map((m) => m.name)).toEqual(['ok']);
  });

  it('-O options: an unknown name is reported (not a read error) and not set; an abbreviation is taken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-loader-'));
    const file = join(dir, 'sendmail.cf');
    writeFileSync(file, 'V10\n');
    const printed: string[] = [];
    const loaded = await loadConfig({ file, print: (l) => printed.push(l), hostName: 'host.example.com', opMode: 't', overrides: [{ name: 'Bogus', value: '1' }, { name: 'aliasw', value: '5' }] });
    expect(printed).toEqual(['readcf: unknown option name Bogus', 'Option aliasw used as abbreviation for AliasWait']);
    expect(loaded.readErrors).toBe(0);
    expect(loaded.config.options.get('AliasWait')).toBe('5');
  });

  it('numbers named rulesets downward from 199, honours name=number', async () => {
    const { loaded } = await load('V10\nSfirst\nSsecond=42\nSthird\nS5\n');
    const e = loaded.engine;
    expect(e.findRuleset('first', () => {})).toBe(199);
    expect(e.findRuleset('second', () => {})).toBe(42);
    expect(e.findRuleset('third', () => {})).toBe(198);
    const msgs: string[] = [];
    expect(e.findRuleset('999', (m) => msgs.push(m))).toBe(-1);
    expect(msgs).toEqual(['bad ruleset 999 (100 max)']);
  });

  it('macros keep $ references; immediate expansion in rules; conditionals', async () => {
    const { loaded } = await load('V10\nDXx\nD{Combo}$X+${Yy}\nD{Cond}$?X yes$|no$.\nSR\nR$*\t\t$@ $X $&X\n');
    expect(showText(loaded.macros.getByName('Combo')!)).toBe('$X+${Yy}');
    expect(loaded.macros.expand(loaded.macros.getByName('Cond')!)).toBe(' yes');
    const rs = loaded.engine.findRuleset('R', () => {});
    expect(loaded.engine.rulesets[rs]![0]!.rhs.map(showText)).toEqual(['$@', 'x', '$&X']);
  });

  it('classes from C and F lines, scanf patterns, optional files, listing order', async () => {
    const { loaded, printed, file, dir } = await load(
      'V10\nCXbeta alpha\nCX gamma delta\nF{U}DIR/users %[^:]\nF{O} -o DIR/missing\nF{M}DIR/missing\n',
      { users: 'bob:x\nalice:y\n# comment\n' },
    );
    const c = loaded.classes;
    expect(c.members(names.id('X'))).toEqual(['beta', 'alpha', 'gamma', 'delta']);
    expect(c.has(names.id('U'), 'ALICE')).toBe(true);
    expect(c.members(names.id('O'))).toEqual([]);
    expect(printed).toEqual([`${file}: line 6: fileclass: cannot open '${dir}/missing': No such file or directory`]);
  });

  it('mailers: fields, sorted flags, defaults, =M form', async () => {
    const { loaded } = await load(
      'V10\nSparse=0\nSEnvFromL\nMlocal, P=/usr/bin/procmail, F=lsDFMAw5:/|@qSPfhn9, S=EnvFromL, R=EnvFromL/EnvFromL,\n\t\tT=DNS/RFC822/X-Unix,\n\t\tA=procmail -a $h -d $u\nMsmtp, P=[IPC], F=mDFMuX, A=TCP $h\n',
    );
    const m = loaded.config.mailers;
    expect(m.map((x) => x.name)).toEqual(['prog', '*file*', '*include*', 'local', 'smtp']);
    const label = (ref: string | undefined) => (ref ? ref : 'parse');
    expect(showMailer(3, m[3]!, label)).toBe(
      'mailer 3 (local): P=/usr/bin/procmail S=EnvFromL/EnvFromL R=EnvFromL/EnvFromL M=0 U=-1:-1 F=/59:@ADFMPSfhlnqsw| L=0 E=\\n T=DNS/RFC822/X-Unix r=100 A=procmail -a $h -d $u',
    );
    expect(showMailer(4, m[4]!, label)).toContain('E=\\r\\n T=<undefined>/<undefined>/<undefined>');
  });

  it('options by long and short name; OperatorChars changes the tokenizer', async () => {
    const { loaded } = await load('V10\nO OperatorChars=.@\nOB.\nO AliasFile=/x/aliases\n');
    expect(loaded.config.options.get('BlankSub')).toBe('.');
    expect(loaded.config.options.get('AliasFile')).toBe('/x/aliases');
    expect(loaded.engine.table.operatorChars).toBe('.@');
  });

  it('a missing cf is an error naming the file', async () => {
    await expect(loadConfig({ file: '/nonexistent/sendmail.cf', print: () => {} })).rejects.toThrow(
      '/nonexistent/sendmail.cf: line 0: cannot open: No such file or directory',
    );
  });
});
