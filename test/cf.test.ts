// The project's cf/ macro library: sendmail.mc files compile with it, our
// m4 and GNU m4 give byte-identical sendmail.cf, the committed sample
// etc-mail/sendmail.cf is up to date, and configuration errors name the
// .mc file and line.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cfEntry = join(root, 'cf/m4/cf.m4');
const sampleMc = join(root, 'etc-mail/sendmail.mc');
const corpus = resolve(root, '../shared/conformance');
const ourM4 = join(root, 'bin/m4');

function hasGnuM4(): boolean {
  const r = spawnSync('m4', ['--version'], { encoding: 'utf8' });
  return r.status === 0 && /GNU M4/.test(r.stdout);
}
const gnu = hasGnuM4();
const ours = existsSync(join(root, 'dist/cli/m4.js'));
if (!gnu) console.log('cf tests: GNU m4 not installed, skipping the comparisons with it');
if (!ours) console.log('cf tests: bin/m4 not built (dist/cli/m4.js missing), skipping our-m4 comparisons');

function run(cmd: string, args: string[], cwd = root) {
  return spawnSync(cmd, args, { cwd, encoding: 'latin1', maxBuffer: 64 << 20 });
}

function mcFiles(): string[] {
  const files = [sampleMc];
  if (existsSync(corpus)) {
    for (const d of readdirSync(corpus)) {
      const mc = join(corpus, d, 'sendmail.mc');
      if (existsSync(mc)) files.push(mc);
    }
  }
  return files;
}

describe.skipIf(!gnu)('cf library with GNU m4', () => {
  it('compiles the sample and every corpus mc without errors (warnings where sendmail-cf warns)', () => {
    const realCf = '/usr/share/sendmail/cf/m4/cf.m4';
    for (const mc of mcFiles()) {
      const r = run('m4', [cfEntry, mc]);
      expect(r.stderr.split('\n').filter((l) => l !== '' && !/: warning: /.test(l)), mc).toEqual([]);
      // a deprecated feature warns with both libraries, a clean mc with neither
      if (existsSync(realCf)) expect(r.stderr !== '', mc).toBe(run('m4', [realCf, mc]).stderr !== '');
      expect(r.status, mc).toBe(0);
      expect(r.stdout, mc).toMatch(/^V10\/Berkeley$/m);
      expect(r.stdout, mc).toMatch(/^Sparse=0$/m);
    }
  });

  it('the committed etc-mail/sendmail.cf is the current output for etc-mail/sendmail.mc', () => {
    const r = run('m4', ['cf/m4/cf.m4', 'etc-mail/sendmail.mc']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(root, 'etc-mail/sendmail.cf'), 'latin1'));
  });

  it('has every FEATURE, MAILER, OSTYPE and HACK of the installed sendmail-cf; sample OSTYPEs give its options and mailers', () => {
    const realTree = '/usr/share/sendmail/cf';
    if (!existsSync(realTree)) return console.log('cf tests: no sendmail-cf tree, skipping the comparison with it');
    for (const kind of ['feature', 'mailer', 'ostype', 'hack']) {
      const names = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.m4'));
      const ours = new Set(names(join(root, 'cf', kind)));
      expect(names(join(realTree, kind)).filter((f) => !ours.has(f)), kind).toEqual([]);
    }
    const dir = mkdtempSync(join(tmpdir(), 'cf-os-'));
    // the O and M lines (continuations joined, blanks squeezed)
    const settings = (cf: string) => cf.replace(/\n[ \t]+/g, ' ').split('\n')
      .filter((l) => /^(O |M|E)/.test(l)).map((l) => l.replace(/\s+/g, ' ')).sort();
    for (const os of ['aix3', 'hpux10', 'irix6', 'sunos4.1', 'dgux', 'sco3.2']) {
      const mc = join(dir, `${os}.mc`);
      writeFileSync(mc, `divert(0)dnl\nOSTYPE(\`${os}')dnl\nMAILER(\`local')dnl\nMAILER(\`smtp')dnl\nMAILER(\`uucp')dnl\nMAILER(\`procmail')dnl\n`);
      expect(settings(run('m4', [cfEntry, mc]).stdout), os).toEqual(settings(run('m4', [join(realTree, 'm4/cf.m4'), mc]).stdout));
    }
  });

  it('an unknown FEATURE, MAILER or OSTYPE stops with the mc file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-test-'));
    const cases: Array<[string, RegExp]> = [
      ['FEATURE(`no_such_feature\')dnl', /bad\.mc:3: unknown FEATURE `no_such_feature'/],
      ['MAILER(`no_such_mailer\')dnl', /bad\.mc:3: unknown MAILER `no_such_mailer'/],
      ['OSTYPE(`no_such_os\')dnl', /bad\.mc:3: unknown OSTYPE `no_such_os'/],
    ];
    for (const [line, message] of cases) {
      const mc = join(dir, 'bad.mc');
      writeFileSync(mc, `divert(0)dnl\nVERSIONID(\`test')dnl\n${line}\n`);
      const r = run('m4', [cfEntry, mc]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
    }
  });

  it('an .mc that includes cf.m4 gives the same cf alone and after cf.m4 on the command line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-test-'));
    const mc = join(dir, 'inc.mc');
    writeFileSync(mc, `include(\`${cfEntry}')dnl\nOSTYPE(\`linux')dnl\nMAILER(\`smtp')dnl\n`);
    const alone = run('m4', [mc]);
    const twice = run('m4', [cfEntry, mc]);
    expect(alone.status).toBe(0);
    expect(alone.stdout.match(/^V10\/Berkeley$/gm)).toHaveLength(1);
    expect(twice.stdout).toBe(alone.stdout);
  });

  it('a FEATURE missing a required argument is a warning naming the .mc line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-test-'));
    const mc = join(dir, 'warn.mc');
    writeFileSync(mc, 'OSTYPE(`linux\')dnl\nFEATURE(`nouucp\')dnl\n');
    const r = run('m4', [cfEntry, mc]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warn\.mc:2: warning: FEATURE\(nouucp\) needs an argument/);
    expect(r.stdout).toMatch(/^CO @ % $/m);
  });

  it('FEATURE arguments reach the map declarations', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-test-'));
    const mc = join(dir, 'maps.mc');
    writeFileSync(mc, [
      'OSTYPE(`generic\')dnl',
      'FEATURE(`access_db\', `hash -T<TMPF> /x/access\')dnl',
      'FEATURE(`virtusertable\')dnl',
      'FEATURE(`delay_checks\')dnl',
      '',
    ].join('\n'));
    const r = run('m4', [cfEntry, mc]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Kaccess hash -T<TMPF> \/x\/access$/m);
    expect(r.stdout).toMatch(/^Kvirtuser hash \/etc\/mail\/virtusertable$/m);
    expect(r.stdout).toMatch(/^Scheckrcpt$/m);
    expect(r.stdout).not.toMatch(/^Scheck_mail$/m);
    // `LDAP' names the sendmailMTAMap schema lookup under the map's LDAP name (cf.README)
    writeFileSync(mc, 'FEATURE(`mailertable\', `LDAP\')dnl\nFEATURE(`access_db\', `hash /x/access\')dnl\n');
    const l = run('m4', [cfEntry, mc]);
    expect(l.stdout).toMatch(/^Kmailertable ldap -1 -v sendmailMTAMapValue,\S+ -k \(&\(objectClass=sendmailMTAMapObject\)\S*\(sendmailMTAMapName=mailer\)\(sendmailMTAKey=%0\)\)$/m);
    // an access map without -T<TMPF> gets it, with a warning
    expect(l.stdout).toMatch(/^Kaccess hash -T<TMPF> {2}\/x\/access$/m);
    expect(l.stderr).toMatch(/maps\.mc:2: warning: FEATURE\(access_db\) map "hash \/x\/access" has no -T<TMPF>/);
  });
});

describe.skipIf(!gnu || !ours)('cf library: our m4 and GNU m4 agree byte for byte', () => {
  for (const mc of mcFiles()) {
    it(mc.replace(root + '/', '').replace(corpus + '/', 'corpus/'), () => {
      const want = run('m4', [cfEntry, mc]);
      const got = run(process.execPath, [ourM4, cfEntry, mc]);
      expect(got.stderr).toBe(want.stderr);
      expect(got.status).toBe(want.status);
      expect(got.stdout).toBe(want.stdout);
    });
  }
});
