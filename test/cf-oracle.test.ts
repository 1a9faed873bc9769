// The cf library against the real sendmail-cf on configurations the
// conformance corpus does not cover: each test/fixtures/cf/NAME.mc is
// compiled twice -- with the real sendmail-cf tree and with our cf/ -- and
// both results answer the address test cases in NAME.bt through the real
// sendmail -bt (host name pinned with unshare, as the corpus runner does).
// Only answers are compared: the final "returns:" of each command and
// every non-trace line; =S, =M and -d commands are skipped; class listings
// compare as sets.  Skips when the real tools are not installed.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import {
  existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const fixtures = join(root, 'test/fixtures/cf');
const realCf = '/usr/share/sendmail/cf/m4/cf.m4';
const sendmail = '/usr/sbin/sendmail';

function works(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0;
}
const hasGnuM4 = works('m4', ['--version']);
const canPinHost = works('unshare', ['--uts', '--net', 'true']);
const ready = hasGnuM4 && canPinHost && existsSync(realCf) && existsSync(sendmail)
  && works('sh', ['-c', 'command -v makemap']);
if (!ready) {
  console.log('cf oracle tests: need GNU m4, the sendmail-cf tree, sendmail, makemap '
    + 'and unshare --uts --net (root); skipping');
}

/** One block of transcript per input line (a block starts at each "> "). */
function blocks(text: string): string[][] {
  const out: string[][] = [];
  let cur: string[] | undefined;
  for (let line of text.split('\n')) {
    while (line.startsWith('> ')) {
      if (cur) out.push(cur);
      cur = [];
      line = line.slice(2);
    }
    if (cur && line !== '') cur.push(line);
  }
  if (cur) out.push(cur);
  return out;
}

const TRACE = /^(\S+)\s+(input|returns): ?(.*)$/;

/** The answer of one command: non-trace lines and its last "returns:". */
function answer(cmd: string, lines: string[]): string[] {
  const kept: string[] = [];
  let last: string | undefined;
  for (const line of lines) {
    const m = TRACE.exec(line);
    if (m) {
      if (m[2] === 'returns') last = `returns: ${m[3]}`;
      continue;
    }
    kept.push(line);
  }
  if (last !== undefined) kept.push(last);
  if (cmd.startsWith('$=')) kept.sort();
  return kept;
}

function compared(cmd: string): boolean {
  const c = cmd.trim();
  return !(c === '' || c.startsWith('#') || c.startsWith('=S') || c.startsWith('=M') || c.startsWith('-d'));
}

function run(cmd: string, args: string[], input?: string) {
  return spawnSync(cmd, args, { encoding: 'latin1', input, maxBuffer: 64 << 20, timeout: 60_000 });
}

/** Compile NAME.mc with the given cf.m4 into dir/OUT, build its maps, run the cases. */
function transcript(dir: string, mc: string, cfEntry: string, out: string, cases: string): string {
  const m4 = run('m4', [cfEntry, mc]);
  if (m4.status !== 0) throw new Error(`${cfEntry} ${mc}: m4 failed: ${m4.stderr}`);
  const cfPath = join(dir, out);
  writeFileSync(cfPath, m4.stdout, 'latin1');
  // Every hash/btree map whose file lies in dir is built from its text source.
  for (const line of m4.stdout.split('\n')) {
    const k = /^K\S+\s+(hash|btree)\s(.*)$/.exec(line);
    if (!k) continue;
    const file = k[2].split(/\s+/).find((w) => w.startsWith(dir + '/'));
    if (!file) continue;
    const base = file.replace(/\.db$/, '');
    if (!existsSync(base)) continue;
    run('makemap', [k[1], base], readFileSync(base, 'latin1'));
  }
  // sendmail sleeps a minute at start on an unqualified host name: pin it.
  const host = /^Dj(.*)$/m.exec(m4.stdout)?.[1] ?? 'mail.example.com';
  const pinned = (mode: string, input?: string) => run('unshare', ['--uts', '--net', 'sh', '-c',
    'hostname "$1" && exec "$2" "$3" -C "$4"', 'sh', host, sendmail, mode, cfPath], input);
  pinned('-bi');
  const r = pinned('-bt', cases);
  const text = (r.stdout + r.stderr).split(dir).join('/CONFDIR');
  if (process.env.CF_ORACLE_KEEP) writeFileSync(`${cfPath}.bt.out`, text, 'latin1');
  return text;
}

function fixtureNames(): string[] {
  return readdirSync(fixtures).filter((f) => f.endsWith('.mc') && existsSync(join(fixtures, f.replace(/\.mc$/, '.bt'))))
    .map((f) => f.replace(/\.mc$/, ''));
}

describe.skipIf(!ready)('cf library decides as the real sendmail-cf (fixtures)', () => {
  for (const name of fixtureNames()) {
    it(name, () => {
      const dir = mkdtempSync(join(tmpdir(), `cf-oracle-${name}-`));
      try {
        for (const f of readdirSync(join(fixtures, 'common'))) {
          const text = readFileSync(join(fixtures, 'common', f), 'latin1');
          writeFileSync(join(dir, f), text.split('/CONFDIR').join(dir), 'latin1');
        }
        const mcText = readFileSync(join(fixtures, `${name}.mc`), 'latin1');
        const mc = join(dir, `${name}.mc`);
        writeFileSync(mc, mcText.split('/CONFDIR').join(dir), 'latin1');
        const cases = readFileSync(join(fixtures, `${name}.bt`), 'latin1');
        const expected = blocks(transcript(dir, mc, realCf, 'real.cf', cases));
        const actual = blocks(transcript(dir, mc, join(root, 'cf/m4/cf.m4'), 'ours.cf', cases));
        const differing: string[] = [];
        cases.split('\n').forEach((cmd, i) => {
          if (i >= expected.length || !compared(cmd)) return;
          const e = answer(cmd, expected[i]).join('\n');
          const a = answer(cmd, actual[i] ?? ['<no answer>']).join('\n');
          if (e !== a) differing.push(`line ${i + 1}: ${cmd}\n  real: ${e}\n  ours: ${a}`);
        });
        expect(differing, differing.join('\n')).toEqual([]);
      } finally {
        if (process.env.CF_ORACLE_KEEP) console.log(`kept ${dir}`);
        else rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
