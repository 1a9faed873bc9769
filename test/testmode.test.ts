/**
 * Address test mode (-bt): the command loop on a small cf, and the
 * conformance corpus transcripts (real sendmail's output) when the corpus
 * is present beside the checkout.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import '../src/maps/index.js';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { Resolver } from '../src/dns/index.js';
import { useResolver } from '../src/maps/classes/resolverFor.js';
import { buildAliasDatabases } from '../src/maps/aliases.js';
import { Output, TestMode, BANNER } from '../src/testmode/index.js';
import { MapFile } from '../src/maps/lmdb/index.js';

/** Run -bt commands in-process; returns the transcript as sendmail prints it. */
async function transcript(cfFile: string, input: string, hostName: string, setup?: (loaded: LoadedConfig) => void): Promise<string> {
  const chunks: Buffer[] = [];
  const out = new Output((b) => chunks.push(b));
  const loaded = await loadConfig({ file: cfFile, print: (l) => out.line(l), hostName, opMode: 't' });
  setup?.(loaded);
  if (!loaded.config.mailers.some((m) => m.name === 'local')) out.line('No local mailer defined');
  out.write(BANNER);
  const tm = new TestMode(loaded, out);
  out.write('> ');
  const lines = input.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const r = tm.handle(line);
    if (r) await r;
    if (tm.quit) break;
    out.write('> ');
  }
  out.flush();
  return Buffer.concat(chunks).toString('latin1');
}

const SMALL_CF = `V10/Berkeley
Dj mail.example.com
DXvalue
CXbeta alpha gamma
O OperatorChars=.:%@!^/[]+
Scanonify=3
R$* < $* > $*\t\t$2\tinner part
R$+ @ $+\t\t$: $1 < @ $2 >
SRecur
R$*\t\t$: $>Recur x $1
Mlocal, P=/bin/true, F=lsDFM, S=canonify, R=canonify, A=mail $u
`;

describe('address test mode commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'testmode-'));
  const cf = join(dir, 'sendmail.cf');
  writeFileSync(cf, SMALL_CF);

  it('$( $) strips quotes from the key (not with -q, not for dequote maps)', async () => {
    const mdir = mkdtempSync(join(tmpdir(), 'testmode-map-'));
    const db = MapFile.open(join(mdir, 'acc.db'), { write: true, create: true });
    db.replaceAll([[Buffer.from('srv_features:1.2.3.4'), Buffer.from('V')]]);
    db.close();
    const mcf = join(mdir, 'map.cf');
    writeFileSync(
      mcf,
      `V10\nO DontBlameSendmail=TrustStickyBit\nKacc hash ${mdir}/acc\nKq hash -q ${mdir}/acc\n` +
        `Kdq dequote\n` +
        `Sacc\nR$*\t\t$: $(acc $1 $: nf $)\nSq\nR$*\t\t$: $(q $1 $: nf $)\n` +
        `Sdq\nR$*\t\t$: $(dq $1 $)\n`,
    );
    const t = await transcript(mcf, 'acc "Srv_Features":1.2.3.4\nq "Srv_Features":1.2.3.4\ndq "qx"\n', 'mail.example.com');
    expect(t).toContain('acc              returns: V\n');
    expect(t).toContain('q                returns: nf\n');
    expect(t).toContain('dq               returns: qx\n');
  });

  it('starts with {addr_type} set to an envelope recipient ("e r")', async () => {
    const t = await transcript(cf, '$&{addr_type}\n${addr_type}\n', 'mail.example.com');
    expect(t).toBe(BANNER + '> $&\n> e r\n> ');
  });

  it('banner, prompts, traces with 16-column names', async () => {
    const t = await transcript(cf, '3 Name <user@host>\n', 'mail.example.com');
    expect(t).toBe(
      BANNER +
        '> canonify           input: Name < user @ host >\n' +
        'canonify         returns: user < @ host >\n' +
        '> ',
    );
  });

  it('=S, $x, $=X, .D, .C and errors', async () => {
    const t = await transcript(
      cf,
      ['=Scanonify', '$X', '${Unset}', '$=X', '.DXnew', '$X', '.CXzeta', '$=X', '3', '-x', 'nosuch a', '=S999', '#c', ''].join('\n') + '\n',
      'mail.example.com',
    );
    expect(t.split('\n')).toEqual([
      ...BANNER.split('\n').slice(0, 2),
      '> R$* < $* > $* \t\t$2 ',
      'R$+ @ $+ \t\t$: $1 < @ $2 > ',
      '> value',
      '> Undefined',
      '> beta',
      'alpha',
      'gamma',
      '> > new',
      '> > beta',
      'zeta',
      'alpha',
      'gamma',
      '> No address!',
      '> Unknown "-" command -x',
      '> Undefined ruleset nosuch',
      '> bad ruleset 999 (100 max)',
      'Undefined ruleset 999',
      '> > > ',
    ]);
  });

  it('recursion limit, long addresses, 8-bit meta bytes', async () => {
    const long = 'a'.repeat(300);
    const t = await transcript(cf, `Recur a\n3 ${long}\n3 a\x81b\n`, 'mail.example.com');
    expect(t).toContain('rewrite: excessive recursion (max 50), ruleset Recur\n');
    expect(t).toContain('== Ruleset Recur (199) status 78\n');
    expect(t).toContain(`> Address "${'a'.repeat(255)}" too long (255 bytes max)\n`);
    expect(t).toContain('> 8-bit character in mailbox address "a?b"\n');
  });

  it('a host lookup that times out says so where the rule uses it (after an asynchronous lookup too)', async () => {
    const switchFile = join(dir, 'switch-dns');
    writeFileSync(switchFile, 'hosts dns\n');
    const dnsCf = join(dir, 'dns.cf');
    writeFileSync(dnsCf, `${SMALL_CF}O ServiceSwitchFile=${switchFile}\nO DontBlameSendmail=TrustStickyBit\nSHost\nR$*\t\t$: $[ $1 $]\n`);
    // no DNS server: a loopback port nobody answers on
    const noDns = (loaded: LoadedConfig): void => useResolver(loaded.env,
      new Resolver({ serviceSwitchFile: switchFile, domain: 'example.com', nameservers: [{ address: '127.0.0.1', port: 9 }], timeoutMs: 300, attempts: 1 }));
    const t = await transcript(dnsCf, 'Host foo.example\nHost [127.0.0.2](c)\nHost [IPv6:::2]\nHost [foo]\n', 'mail.example.com', noDns);
    // as real sendmail 8.17 without a reachable name server
    for (const [shown, key] of [['foo . example', 'foo.example'], ['[ 127 . 0 . 0 . 2 ] ( c )', '[127.0.0.2](c)'], ['[ IPv6 : : : 2 ]', '[IPv6:::2]'], ['[ foo ]', '[foo]']]) {
      expect(t).toContain(`> Host               input: ${shown}\n${key}: Name server timeout\nHost             returns: ${shown}\n== Ruleset Host (198) status 75\n`);
    }
  });

  it('? prints the help file\'s -bt lines (as sendmail 8.17), expanded after "#vers 2"', async () => {
    const help = join(dir, 'helpfile');
    writeFileSync(help, '-bt\tplain $$m\n#vers\t2\nsmtp\tnot shown\n-bt\t?\t :help $$m = $X\n-btx\tprefix\n-bt more\n-bt\n  -bt\tindented\n');
    const withHelp = join(dir, 'help.cf');
    // (the temporary directory is below /tmp: sticky, so trusted with TrustStickyBit)
    writeFileSync(withHelp, `${SMALL_CF}O HelpFile=${help}\nO DontBlameSendmail=TrustStickyBit\n`);
    // the version line counts for the rest of the session: the second ? expands line 1 too
    expect(await transcript(withHelp, '?\n? smtp\n', 'mail.example.com')).toContain(
      '> plain $$m\n?\t :help $m = value\nprefix\nmore\n\nEnd of HELP info\n'
      + '> plain $m\n?\t :help $m = value\nprefix\nmore\n\nEnd of HELP info\n');
    writeFileSync(help, 'smtp\tonly\n');
    expect(await transcript(withHelp, '?\n', 'mail.example.com')).toContain('> HELP topic "-bt" unknown\n');
    expect(await transcript(cf, '?\n', 'mail.example.com')).toContain('> Sendmail 8.17.1.9 -- HELP not implemented\n');
    const unsafe = join(dir, 'unsafe');
    mkdirSync(unsafe, { mode: 0o777 });
    chmodSync(unsafe, 0o777);
    writeFileSync(join(unsafe, 'helpfile'), '-bt\tshown\n');
    const unsafeCf = join(dir, 'unsafe.cf');
    writeFileSync(unsafeCf, `${SMALL_CF}O HelpFile=${join(unsafe, 'helpfile')}\nO DontBlameSendmail=TrustStickyBit\n`);
    expect(await transcript(unsafeCf, '?\n', 'mail.example.com')).toContain('> Sendmail 8.17.1.9 -- HELP not implemented\n');
    writeFileSync(unsafeCf, `${SMALL_CF}O HelpFile=${join(unsafe, 'helpfile')}\nO DontBlameSendmail=TrustStickyBit,HelpFileInUnsafeDirPath\n`);
    expect(await transcript(unsafeCf, '?\n', 'mail.example.com')).toContain(`> WARNING: World writable directory ${unsafe}\nshown\nEnd of HELP info\n`);
  });
});

const CORPUS = resolve(__dirname, '../../shared/conformance');
const CONFIGS = ['engine', 'nullclient', 'submit', 'satellite'];
const haveCorpus = existsSync(join(CORPUS, 'engine', 'cases.bt.out'));
const haveMakemap = existsSync(resolve(__dirname, '../dist/cli/makemap.js'));
if (!haveCorpus || !haveMakemap) {
  console.log(`testmode corpus transcripts skipped: ${!haveCorpus ? `no corpus at ${CORPUS}` : 'dist/ not built (npm run build)'}`);
}

describe.skipIf(!haveCorpus || !haveMakemap)('conformance corpus transcripts', () => {
  for (const name of CONFIGS) {
    it(`${name}: identical to real sendmail -bt`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `testmode-${name}-`));
      for (const f of readdirSync(join(CORPUS, name))) {
        if (f.endsWith('.out')) continue;
        const text = readFileSync(join(CORPUS, name, f), 'latin1');
        writeFileSync(join(dir, f), text.split('/CONFDIR').join(dir), 'latin1');
      }
      const cfText = readFileSync(join(dir, 'sendmail.cf'), 'latin1');
      for (const m of cfText.matchAll(/^K\S+\s+(hash|btree)\s.*?(\S+)\s*$/gm)) {
        const file = m[2]!.replace(/\.db$/, '');
        if (!file.startsWith(dir) || !existsSync(file)) continue;
        spawnSync(process.execPath, [resolve(__dirname, '../bin/makemap'), m[1]!, file], {
          cwd: dir,
          input: readFileSync(file),
        });
      }
      const alias = /^O AliasFile=(.*)$/m.exec(cfText);
      if (alias) await buildAliasDatabases(alias[1]!.split(','), () => {});
      const host = /^Dj(.*)$/m.exec(cfText)?.[1]?.trim() ?? 'mail.example.com';
      const got = (await transcript(join(dir, 'sendmail.cf'), readFileSync(join(dir, 'cases.bt'), 'latin1'), host))
        .split(dir)
        .join('/CONFDIR');
      const want = readFileSync(join(CORPUS, name, 'cases.bt.out'), 'latin1');
      expect(got.split('\n')).toEqual(want.split('\n'));
    });
  }
});
