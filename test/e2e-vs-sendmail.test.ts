// Our daemon against real sendmail 8.17 on corpus configs: each config is
// copied twice (paths substituted, maps built by each side's makemap,
// aliases by each side's -bi), each daemon runs in its own network
// namespace under the config's host name, and the same SMTP script is sent
// from several client addresses (added to loopback: listed RELAY, listed
// REJECT/DISCARD, unlisted).  Transcripts must be the same, greeting text,
// queue ids and the AUTH line (no SASL here) aside.  Skips without root,
// unshare, ip, real sendmail and makemap, or the corpus.
import { describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { canPinHostName, hasTool, realSendmail, tempDir } from './smtp-helpers.js';
import { ROOT, SENDMAIL } from './e2e-helpers.js';

const execFileAsync = promisify(execFile);
const CORPUS = process.env.CONFORMANCE_DIR ?? '/work/shared/conformance';
const RUNNER = path.join(ROOT, 'test/fixtures/e2e/run-daemon-chat.sh');
const why = !realSendmail.usable
  ? realSendmail.why
  : !canPinHostName()
    ? 'needs root for unshare --net'
    : !hasTool('ip') || !hasTool('makemap')
      ? 'needs ip (iproute2) and makemap'
      : !existsSync(CORPUS)
        ? `no conformance corpus at ${CORPUS} (set CONFORMANCE_DIR)`
        : '';
if (why) console.log(`e2e-vs-sendmail skipped: ${why}`);

type Side = 'real' | 'ours';

/** The config copied for one side with its maps and aliases built; returns the directory. */
function prepare(name: string, side: Side): { dir: string; host: string } {
  const dir = path.join(tempDir(`e2e-${name}-${side}-`), name);
  cpSync(path.join(CORPUS, name), dir, { recursive: true });
  for (const f of readdirSync(dir)) {
    const p = path.join(dir, f);
    chmodSync(p, 0o644);
    if (!f.endsWith('.out')) writeFileSync(p, readFileSync(p, 'latin1').split('/CONFDIR').join(dir), 'latin1');
  }
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, 'mq'), { mode: 0o700 });
  const cf = readFileSync(path.join(dir, 'sendmail.cf'), 'latin1');
  const host = /^Dj(.*)$/m.exec(cf)?.[1] ?? 'localhost';
  const maps = new Set<string>();
  for (const m of cf.matchAll(/^K\S+\s+(?:hash|btree)\b.*?(\S+)\s*$/gm)) {
    const file = m[1]!.replace(/\.db$/, '');
    if (file.startsWith(dir) && existsSync(file)) maps.add(file);
  }
  for (const file of maps) {
    const input = readFileSync(file);
    if (side === 'real') execFileSync('makemap', ['hash', file], { input, stdio: ['pipe', 'ignore', 'ignore'] });
    else execFileSync(process.execPath, [path.join(ROOT, 'bin/makemap'), 'hash', file], { input, stdio: ['pipe', 'ignore', 'ignore'] });
  }
  if (/^O AliasFile=/m.test(cf)) {
    const cmd = side === 'real' ? `hostname ${host}; sendmail -bi -C ${dir}/sendmail.cf` : `${process.execPath} ${SENDMAIL} -bi -C ${dir}/sendmail.cf`;
    execFileSync('unshare', ['--uts', '--net', 'sh', '-c', cmd], { stdio: 'ignore' });
  }
  return { dir, host };
}

function normalize(transcript: string): string[] {
  return transcript
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('250-AUTH'))
    .map((l) => l.replace(/^220 (\S+) .*$/, '220 $1').replace(/^250 2\.0\.0 \S+ Message accepted/, '250 2.0.0 ID Message accepted'));
}

async function transcript(side: Side, dir: string, host: string, client: string, script: string): Promise<string[]> {
  const daemon =
    side === 'real'
      ? ['sendmail', '-bD', '-C', `${dir}/sendmail.cf`, `-oQ${dir}/mq`, `-OPidFile=${dir}/${client}.pid`]
      : [process.execPath, SENDMAIL, '-bD', '-C', `${dir}/sendmail.cf`, `-oQ${dir}/mq`, `-OPidFile=${dir}/${client}.pid`];
  const { stdout } = await execFileAsync(RUNNER, [host, client, script, '25', '--', ...daemon], { encoding: 'latin1', timeout: 60_000 });
  return normalize(stdout);
}

const CASES: [config: string, clients: string[]][] = [
  ['debian', ['127.0.0.1', '203.0.113.5', '192.0.2.99', '198.51.100.9']],
  ['antispam', ['10.3.0.5', '192.0.2.66', '198.51.100.13', '204.168.23.4']],
  ['virthost', ['127.0.0.1', '192.0.2.7', '198.51.100.9']],
];

describe.skipIf(why !== '')('SMTP decisions equal real sendmail on corpus configs', () => {
  for (const [config, clients] of CASES) {
    it(`${config}: clients ${clients.join(', ')}`, async () => {
      const real = prepare(config, 'real');
      const ours = prepare(config, 'ours');
      const script = path.join(ROOT, 'test/fixtures/e2e', `${config}.smtp`);
      const runs = clients.map(async (client) => ({
        client,
        real: await transcript('real', real.dir, real.host, client, script),
        ours: await transcript('ours', ours.dir, ours.host, client, script),
      }));
      for (const r of await Promise.all(runs)) {
        expect(r.ours.length, `${config} from ${r.client}`).toBeGreaterThan(5);
        expect(r.ours, `${config} from ${r.client}`).toEqual(r.real);
      }
    }, 120_000);
  }
});
