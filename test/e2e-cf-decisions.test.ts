// The SMTP decisions (every reply to the same script, from several client
// addresses) of every corpus config that has a sendmail.mc, three ways:
//   real   real sendmail 8.17 on the stored sendmail.cf (made by sendmail-cf),
//          maps by the real makemap, aliases by its -bi
//   ours   our daemon on the same stored cf, maps by our makemap
//   lib    our daemon on the cf our m4 makes from the mc with our cf/ library
// With root, real sendmail and unshare, each daemon runs once per config in
// its own network namespace under the config's host name with the client
// addresses on loopback, and real is compared with ours and with lib.
// Without them (a fresh machine with only Node), lib is compared with ours,
// each daemon on a free port, clients from 127/8.  The script and the
// clients come from the config's own data (e2e-cf-decisions-script.ts).
// Greeting dates, queue ids and the AUTH line (no SASL here) are ignored.
import { describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, SENDMAIL } from './e2e-helpers.js';
import { canPinHostName, hasTool, realSendmail, tempDir } from './smtp-helpers.js';
import { decisionScript } from './e2e-cf-decisions-script.js';

const execFileAsync = promisify(execFile);
const CORPUS = process.env.CONFORMANCE_DIR ?? '/work/shared/conformance';
const RUN = path.join(ROOT, 'test/e2e-cf-decisions-run.sh');
const CHAT = path.join(ROOT, 'test/e2e-cf-decisions-chat.mjs');
const M4 = path.join(ROOT, 'bin/m4');
const MAKEMAP = path.join(ROOT, 'bin/makemap');
const CF_LIBRARY = path.join(ROOT, 'cf/m4/cf.m4');

const CONFIGS = existsSync(CORPUS) ? readdirSync(CORPUS).filter((c) => existsSync(path.join(CORPUS, c, 'sendmail.mc'))).sort() : [];
const noCorpus = CONFIGS.length === 0 ? `no conformance corpus at ${CORPUS} (set CONFORMANCE_DIR)` : '';
const whyNoReal =
  noCorpus ||
  (!realSendmail.usable
    ? realSendmail.why
    : !canPinHostName()
      ? 'needs root for unshare --net'
      : !hasTool('ip') || !hasTool('makemap')
        ? 'needs ip (iproute2) and makemap'
        : '');
// CFDEC_OURS_ONLY=1 runs the part a machine without root or real sendmail runs
const withReal = whyNoReal === '' && !process.env.CFDEC_OURS_ONLY;
if (noCorpus) console.log(`e2e-cf-decisions skipped: ${noCorpus}`);
else if (!withReal) console.log(`e2e-cf-decisions: real sendmail part skipped (${whyNoReal || 'CFDEC_OURS_ONLY is set'}); comparing our cf library with the stored cf, both through our daemon`);

type Side = 'real' | 'ours' | 'lib';

interface Prepared {
  dir: string;
  /** cf file per side in this directory. */
  cf: Partial<Record<Side, string>>;
}

/** Every hash/btree map file a cf declares under `dir` (its text source beside it). */
function mapSources(cfText: string, dir: string): string[] {
  const files = new Set<string>();
  for (const m of cfText.matchAll(/^K\S+\s+(?:hash|btree)\b.*?(\S+)\s*$/gm)) {
    const file = m[1]!.replace(/\.db$/, '');
    if (file.startsWith(dir + '/') && existsSync(file)) files.add(file);
  }
  return [...files];
}

function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('latin1').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('latin1').on('data', (d: string) => (err += d));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err}`))));
    child.stdin.end(input ?? '');
  });
}

/** `sh -c cmd` under the config's host name in new UTS and network namespaces (or directly without root). */
function pinned(host: string, cmd: string): Promise<string> {
  return withReal ? run('unshare', ['--uts', '--net', 'sh', '-c', `hostname ${host}; ${cmd}`]) : run('sh', ['-c', cmd]);
}

/** The config copied for `sides`, /CONFDIR replaced, maps and aliases built by the real tools (real) or ours. */
async function prepare(name: string, sides: readonly Side[]): Promise<Prepared> {
  const dir = path.join(tempDir(`cfdec-${name}-${sides.join('-')}-`), name);
  cpSync(path.join(CORPUS, name), dir, { recursive: true });
  for (const f of readdirSync(dir)) {
    const p = path.join(dir, f);
    chmodSync(p, 0o644);
    if (!f.endsWith('.out')) writeFileSync(p, readFileSync(p, 'latin1').split('/CONFDIR').join(dir), 'latin1');
  }
  chmodSync(dir, 0o755);
  const real = sides.includes('real');
  const cf: Prepared['cf'] = {};
  for (const s of sides) if (s !== 'lib') cf[s] = path.join(dir, 'sendmail.cf');
  if (sides.includes('lib')) {
    cf.lib = path.join(dir, 'lib.cf');
    writeFileSync(cf.lib, await run(process.execPath, [M4, CF_LIBRARY, path.join(dir, 'sendmail.mc')]), 'latin1');
  }
  const cfTexts = Object.values(cf).map((f) => readFileSync(f, 'latin1'));
  const sources = new Set(cfTexts.flatMap((t) => mapSources(t, dir)));
  await Promise.all(
    [...sources].map((file) => {
      const input = readFileSync(file, 'latin1');
      return real ? run('makemap', ['hash', file], input) : run(process.execPath, [MAKEMAP, 'hash', file], input);
    }),
  );
  const host = /^Dj(.*)$/m.exec(cfTexts[0]!)?.[1] ?? 'localhost';
  if (cfTexts.some((t) => /^O AliasFile=/m.test(t))) {
    const aliasCf = cf.real ?? cf.ours ?? cf.lib!;
    await pinned(host, real ? `sendmail -bi -C ${aliasCf} >/dev/null 2>&1; true` : `${process.execPath} ${SENDMAIL} -bi -C ${aliasCf} >/dev/null 2>&1; true`);
  }
  return { dir, cf };
}

/** The port of the first DaemonPortOptions line (25 when it names none or "smtp"). */
function firstPort(cfText: string): number {
  const v = /^O DaemonPortOptions=(.*)$/m.exec(cfText)?.[1] ?? '';
  const port = /(?:^|,)\s*Port=([^,\s]+)/.exec(v)?.[1] ?? 'smtp';
  return /^\d+$/.test(port) ? Number(port) : port === 'smtp' ? 25 : port === 'submission' ? 587 : 25;
}

function daemonCommand(side: Side, cf: string, queue: string): string[] {
  // load-average limits off: a busy test machine must not make real sendmail refuse or queue
  const base = ['-bD', '-C', cf, `-oQ${queue}`, '-odq', `-OPidFile=${queue}/daemon.pid`, '-ORefuseLA=10000', '-OQueueLA=10000'];
  return side === 'real' ? ['/usr/sbin/sendmail', ...base] : [process.execPath, SENDMAIL, ...base];
}

type Transcripts = Record<string, string[]>;

/** One daemon of `side` in its own namespace, every client's transcript. */
async function chatPinned(side: Side, prep: Prepared, host: string, clients: string[], scriptFile: string): Promise<Transcripts> {
  const cf = prep.cf[side]!;
  const queue = path.join(prep.dir, `mq-${side}`);
  mkdirSync(queue, { mode: 0o700 });
  const port = firstPort(readFileSync(cf, 'latin1'));
  const t0 = Date.now();
  const { stdout } = await execFileAsync(RUN, [host, String(port), scriptFile, clients.join(','), '--', ...daemonCommand(side, cf, queue)], {
    encoding: 'latin1',
    timeout: 120_000,
  });
  if (process.env.CFDEC_TIMES) console.log(`${path.basename(prep.dir)} ${side}: ${Date.now() - t0} ms`);
  return JSON.parse(stdout) as Transcripts;
}

/** The cf's listeners replaced by one on 127.0.0.1 with a port of the system's choice (its other fields kept). */
function onFreePort(cf: string): void {
  const text = readFileSync(cf, 'latin1');
  const first = /^O DaemonPortOptions=(.*)$/m.exec(text)?.[1] ?? 'Name=MTA';
  const fields = first.split(',').map((f) => f.trim()).filter((f) => f !== '' && !/^(Port|Addr|Family)=/.test(f));
  const line = `O DaemonPortOptions=${[...fields, 'Port=0', 'Addr=127.0.0.1'].join(', ')}`;
  let done = false;
  const out = text
    .split('\n')
    .flatMap((l) => (/^O DaemonPortOptions=/.test(l) ? (done ? [] : ((done = true), [line])) : [l]))
    .join('\n');
  writeFileSync(cf, done ? out : out.replace(/^(O QueueDirectory=.*)$/m, `$1\n${line}`), 'latin1');
}

class DaemonRefused extends Error {}

/** Our daemon on this machine (no namespace) on a free port; every client's transcript. */
async function chatLocal(side: Side, prep: Prepared, clients: string[], scriptFile: string): Promise<Transcripts> {
  const cf = prep.cf[side]!;
  onFreePort(cf);
  const queue = path.join(prep.dir, `mq-${side}`);
  mkdirSync(queue, { mode: 0o700 });
  const [cmd, ...args] = daemonCommand(side, cf, queue);
  const child = spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`daemon did not start: ${err}`)), 20_000);
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /listening on \S+ port (\d+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new DaemonRefused(`daemon exited with ${code}`));
      });
    }).catch((e: unknown) => {
      if (e instanceof DaemonRefused) return e;
      throw e;
    });
    // a daemon that refuses the cf (a submit.cf) is every client's whole transcript
    if (port instanceof DaemonRefused) return Object.fromEntries(clients.map((c) => [c, [port.message]]));
    const { stdout } = await execFileAsync(process.execPath, [CHAT, String(port), scriptFile, ...clients], { encoding: 'latin1', timeout: 120_000 });
    return JSON.parse(stdout) as Transcripts;
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

/** A transcript as exchanges: the command (or "(connect)") with its reply lines, normalized. */
export function exchanges(transcript: readonly string[]): { command: string; reply: string[] }[] {
  const out: { command: string; reply: string[] }[] = [{ command: '(connect)', reply: [] }];
  for (const l of transcript) {
    if (l.startsWith('>>> ')) out.push({ command: l.slice(4), reply: [] });
    else if (!l.startsWith('250-AUTH'))
      out[out.length - 1]!.reply.push(
        l.replace(/^(220[ -]\S+ .*?);.*$/, '$1; DATE').replace(/^250 2\.0\.0 \S+ Message accepted/, '250 2.0.0 QUEUEID Message accepted'),
      );
  }
  return out;
}

interface Comparison {
  compared: number;
  equal: number;
  differences: string[];
}

function compare(a: Side, ta: Transcripts, b: Side, tb: Transcripts): Comparison {
  const res: Comparison = { compared: 0, equal: 0, differences: [] };
  for (const client of Object.keys(ta)) {
    const xa = exchanges(ta[client]!);
    const xb = exchanges(tb[client] ?? []);
    for (let i = 0; i < Math.max(xa.length, xb.length); i++) {
      res.compared++;
      const ea = xa[i];
      const eb = xb[i];
      if (ea && eb && ea.command === eb.command && ea.reply.join('\n') === eb.reply.join('\n')) res.equal++;
      else
        res.differences.push(
          `from ${client}: ${ea?.command ?? eb?.command}\n    ${a}: ${ea?.reply.join(' | ') ?? '(nothing)'}\n    ${b}: ${eb?.reply.join(' | ') ?? '(nothing)'}`,
        );
    }
  }
  return res;
}

/** With CFDEC_KEEP=dir, every side's transcripts are written there (config.side.json) for reading. */
function keep(config: string, transcripts: Partial<Record<Side, Transcripts>>): void {
  const dir = process.env.CFDEC_KEEP;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  for (const [side, t] of Object.entries(transcripts)) writeFileSync(path.join(dir, `${config}.${side}.json`), JSON.stringify(t, null, 1));
}

function report(config: string, what: string, c: Comparison): void {
  console.log(`${config} ${what}: ${c.equal} of ${c.compared} exchanges equal`);
  for (const d of c.differences.slice(0, 8)) console.log(`  ${d}`);
  if (c.differences.length > 8) console.log(`  ... and ${c.differences.length - 8} more (CFDEC_KEEP=dir keeps the transcripts)`);
}

async function scriptFor(prep: Prepared): Promise<{ host: string; clients: string[]; file: string }> {
  const s = decisionScript(prep.dir);
  const file = path.join(prep.dir, 'decisions.smtp');
  writeFileSync(file, s.lines.join('\n') + '\n', 'latin1');
  return { host: s.host, clients: s.clients, file };
}

/** Runs `job` for every config, at most `limit` at a time, all started at once (greet pauses overlap). */
function runAll<T>(limit: number, job: (config: string) => Promise<T>): Map<string, Promise<T>> {
  const out = new Map<string, Promise<T>>();
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async (): Promise<void> => {
    if (running >= limit) await new Promise<void>((r) => waiting.push(r));
    running++;
  };
  const free = (): void => {
    running--;
    waiting.shift()?.();
  };
  for (const config of CONFIGS) {
    const p = slot().then(() => job(config).finally(free));
    p.catch(() => {}); // awaited by the config's test
    out.set(config, p);
  }
  return out;
}

/** Differences the daemon still has, each with its cause; every entry must still occur (so a fix updates the list). */
// (the engine cf's read errors: real sendmail and ours both print them and exit 70 without listening)
const KNOWN: { config: string; command: RegExp; why: string }[] = [];

function unexplained(config: string, c: Comparison): { left: string[]; unused: string[] } {
  const known = KNOWN.filter((k) => k.config === config);
  const used = new Set<number>();
  const left = c.differences.filter((d) => {
    const i = known.findIndex((k) => k.command.test(d.split('\n')[0]!));
    if (i >= 0) used.add(i);
    return i < 0;
  });
  return { left, unused: known.filter((_, i) => !used.has(i)).map((k) => `${k.command} (${k.why})`) };
}

interface RealRun {
  clients: number;
  /** Real sendmail did not take connections (it refused to run on the cf). */
  refused: boolean;
  stored: Comparison;
  lib: Comparison;
}

let realRuns: Map<string, Promise<RealRun>> | undefined;
const realRun = (config: string): Promise<RealRun> =>
  (realRuns ??= runAll(6, async (c) => {
    const [real, ours] = await Promise.all([prepare(c, ['real']), prepare(c, ['ours', 'lib'])]);
    const script = await scriptFor(real);
    const [tReal, tOurs, tLib] = await Promise.all([
      chatPinned('real', real, script.host, script.clients, script.file),
      chatPinned('ours', ours, script.host, script.clients, script.file),
      chatPinned('lib', ours, script.host, script.clients, script.file),
    ]);
    keep(c, { real: tReal, ours: tOurs, lib: tLib });
    const refused = Object.values(tReal).every((t) => t.length === 1 && t[0]!.startsWith('error: connect'));
    return { clients: script.clients.length, refused, stored: compare('real', tReal, 'ours', tOurs), lib: compare('real', tReal, 'lib', tLib) };
  })).get(config)!;

describe.skipIf(noCorpus !== '' || !withReal)('SMTP decisions: real sendmail on the stored cf vs our daemon on it and on our cf library', () => {
  for (const config of CONFIGS) {
    it(config, async () => {
      const r = await realRun(config);
      report(config, `real vs ours (stored cf), ${r.clients} clients`, r.stored);
      report(config, `real vs ours (our cf library), ${r.clients} clients`, r.lib);
      // a daemon that refuses the cf (real sendmail on a submit.cf, or on a cf with errors) leaves one exchange per client
      if (!r.refused) expect(r.stored.compared).toBeGreaterThan(20 * r.clients);
      const stored = unexplained(config, r.stored);
      const lib = unexplained(config, r.lib);
      expect(stored.left, 'differences without a known cause (stored cf)').toEqual([]);
      expect(lib.left, 'differences without a known cause (our cf library)').toEqual([]);
      expect(stored.unused, 'known differences that no longer occur: take them out of KNOWN').toEqual([]);
    }, 240_000);
  }
});

interface LocalRun {
  clients: number;
  refused: boolean;
  c: Comparison;
}

let localRuns: Map<string, Promise<LocalRun>> | undefined;
const localRun = (config: string): Promise<LocalRun> =>
  (localRuns ??= runAll(4, async (c) => {
    const prep = await prepare(c, ['ours', 'lib']);
    const script = await scriptFor(prep);
    const clients = script.clients.filter((a) => a.startsWith('127.'));
    const [tOurs, tLib] = await Promise.all([chatLocal('ours', prep, clients, script.file), chatLocal('lib', prep, clients, script.file)]);
    keep(c, { ours: tOurs, lib: tLib });
    const refused = Object.values(tOurs).every((t) => t.length === 1 && t[0]!.startsWith('daemon exited'));
    return { clients: clients.length, refused, c: compare('ours', tOurs, 'lib', tLib) };
  })).get(config)!;

describe.skipIf(noCorpus !== '' || withReal)('SMTP decisions: our cf library vs the stored cf, both through our daemon', () => {
  for (const config of CONFIGS) {
    it(config, async () => {
      const { clients, refused, c } = await localRun(config);
      report(config, `stored cf vs our cf library, ${clients} clients`, c);
      if (!refused) expect(c.compared).toBeGreaterThan(20 * clients);
      expect(c.differences).toEqual([]);
    }, 240_000);
  }
});
