// FEATURE(authinfo) built by our cf library and m4: its own authinfo map
// (our makemap), looked up for {server_name}, then {server_addr}, then the
// bare AuthInfo: default.  When the real tools are installed, real
// sendmail's authinfo ruleset (cf from the sendmail-cf tree, map from the
// real makemap) gives the same result for the same three servers.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../src/config/loader.js';
import { lookupAuthInfo } from '../src/deliver/authinfo.js';
import { hasTool, runRealSendmail, SENDMAIL_CF_DIR, tempDir } from './deliver-helpers.js';
import { ROOT } from './e2e-helpers.js';

const ENTRIES = [
  'AuthInfo:mx.example.test "U:smmsp" "P:secret" "M:PLAIN LOGIN"',
  'AuthInfo:192.0.2.7 "U:byaddr" "I:authid" "P=c2VjcmV0" "R:realm.test"',
  'AuthInfo: "U:fallback" "P:dflt"',
];
const SERVERS: [string, string][] = [
  ['mx.example.test', '192.0.2.9'],
  ['other.example.test', '192.0.2.7'],
  ['other.example.test', '192.0.2.8'],
];

function mc(dir: string, cfM4: string): string {
  return [
    `include(\`${cfM4}')dnl`,
    "OSTYPE(`linux')dnl",
    "define(`confDOMAIN_NAME', `host.example.com')dnl",
    `FEATURE(\`authinfo', \`hash ${dir}/authinfo')dnl`,
    "MAILER(`local')dnl",
    "MAILER(`smtp')dnl",
    '',
  ].join('\n');
}

let dir = '';
let loaded: LoadedConfig;

beforeAll(async () => {
  dir = tempDir('authinfo-feature-');
  writeFileSync(path.join(dir, 'authinfo'), ENTRIES.join('\n') + '\n');
  execFileSync(process.execPath, [path.join(ROOT, 'bin/makemap'), 'hash', path.join(dir, 'authinfo')], { input: ENTRIES.join('\n') + '\n' });
  writeFileSync(path.join(dir, 'ours.mc'), mc(dir, path.join(ROOT, 'cf/m4/cf.m4')));
  const cf = execFileSync(process.execPath, [path.join(ROOT, 'bin/m4'), path.join(dir, 'ours.mc')], { encoding: 'latin1' });
  writeFileSync(path.join(dir, 'ours.cf'), cf, 'latin1');
  loaded = await loadConfig({ file: path.join(dir, 'ours.cf'), print: () => {}, hostName: 'host.example.com' });
});

describe('FEATURE(authinfo) from our cf library', () => {
  it('takes the server name entry, then the address entry, then the default', async () => {
    const got = await Promise.all(SERVERS.map(([n, a]) => lookupAuthInfo(loaded, n, a)));
    expect(got).toEqual([
      { user: 'smmsp', authId: 'smmsp', password: 'secret', realm: loaded.macros.getByName('j'), mechanisms: ['PLAIN', 'LOGIN'] },
      { user: 'byaddr', authId: 'authid', password: 'secret', realm: 'realm.test', mechanisms: [] },
      { user: 'fallback', authId: 'fallback', password: 'dflt', realm: loaded.macros.getByName('j'), mechanisms: [] },
    ]);
  });
});

const haveReal = hasTool('sendmail') && hasTool('makemap') && hasTool('m4') && hasTool('unshare');
if (!haveReal) console.log('deliver-authinfo-feature: real sendmail, makemap or GNU m4 not installed; oracle comparison skipped');

describe.skipIf(!haveReal)('authinfo ruleset: ours and real sendmail 8.17', () => {
  /** "authinfo returns:" lines for the three servers, from `sendmail -bt` with the given cf. */
  const returns = (run: (input: string) => string): string[] => {
    const input = SERVERS.map(([n, a]) => `.D{server_name}${n}\n.D{server_addr}${a}\nauthinfo x\n`).join('');
    return run(input)
      .split('\n')
      .filter((l) => /^authinfo +returns:/.test(l.replace(/^> /, '')))
      .map((l) => l.replace(/^> /, ''));
  };

  it('gives the same result tokens', () => {
    const realDir = tempDir('authinfo-real-');
    writeFileSync(path.join(realDir, 'real.mc'), mc(realDir, path.join(SENDMAIL_CF_DIR, 'm4/cf.m4')));
    execFileSync('makemap', ['hash', path.join(realDir, 'authinfo')], { input: ENTRIES.join('\n') + '\n' });
    const realCf = execFileSync('m4', [path.join(realDir, 'real.mc')], { encoding: 'latin1' });
    writeFileSync(path.join(realDir, 'real.cf'), realCf.replace(/^#O DontBlameSendmail=.*$/m, 'O DontBlameSendmail=TrustStickyBit'), 'latin1');
    const real = returns((input) => runRealSendmail(['-bt', '-C', path.join(realDir, 'real.cf')], input).output);
    const ours = returns((input) =>
      execFileSync('unshare', ['--uts', 'sh', '-c', `hostname host.example.com && exec "$0" "$@"`, process.execPath, path.join(ROOT, 'bin/sendmail'), '-bt', '-C', path.join(dir, 'ours.cf')], {
        input,
        encoding: 'latin1',
      }),
    );
    expect(real).toHaveLength(3);
    expect(real[0]).toContain('"U:smmsp"');
    expect(ours).toEqual(real);
  });
});
