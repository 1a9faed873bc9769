// Routes through the daemon, side by side: one routing scenario (an mc
// body under test/fixtures/routing/, its maps, aliases and SMTP sessions)
// is built into a hermetic cf, a daemon (real sendmail 8.17 or ours) takes
// the sessions over SMTP on loopback and queues them, queue runs deliver,
// and what left is captured: messages at the sinks on 127.0.0.2-5 (which
// host, envelope, headers, body; nothing listens on 127.0.0.6, a dead
// host), local mailboxes (aliases to files), what is still queued.  What
// names a run (queue ids, dates, the DSN boundary's time, the temp
// directory) is masked so two runs compare as text.  Every SMTP mailer's
// A= names the sinks' port, so the host a route names is where it went.
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSink, waitForPort, type Sink } from './deliver-helpers.js';
import { chatFrom, freePort, ROOT, SENDMAIL, stopDaemon } from './e2e-helpers.js';
import { tempDir } from './smtp-helpers.js';
import { compileWithSendmailCf, hermeticMc, pinnedSendmail, writeHermeticFiles } from './hermetic-cf.mjs';

export const FIXTURES = path.join(ROOT, 'test/fixtures/routing');
/** The loopback addresses the sinks listen on: the hosts a route can name. */
export const SINK_HOSTS = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'] as const;

export type Side = 'real' | 'ours';
/** Which macro library compiles the mc: sendmail-cf with GNU m4, or our cf/ with our m4. */
export type CfLibrary = 'sendmail-cf' | 'ours';

export interface QueueRun {
  /** -O options of this run (Timeout.queuereturn=...). */
  options?: string[];
  /** Seconds to wait before it (for a timeout to pass). */
  waitBefore?: number;
}

export interface Scenario {
  /** test/fixtures/routing/NAME.mc holds the scenario's mc lines. */
  name: string;
  /** Map sources in the config directory, built with makemap hash: file name -> lines. */
  maps?: Record<string, string[]>;
  /** Local names delivered to a file each (an alias NAME: DIR/mbox/NAME); DIR/mbox/local.USER is the local mailer's. */
  mailboxes?: string[];
  /** More hosts file lines. */
  hosts?: string[];
  /** SMTP sessions, one script each (chat.mjs lines; <DATA> sends the block up to "."). */
  sessions: string[][];
  /** Queue runs after the sessions (default one). */
  queueRuns?: QueueRun[];
  /** Addresses for `sendmail -bv` (its lines are compared sorted: the order of targets differs, see the report). */
  verify?: string[];
}

export interface RelayedMessage {
  host: string;
  from: string;
  to: string[];
  /** ESMTP DSN parameters as the peer got them: MAIL (RET, ENVID) and each RCPT's (NOTIFY, ORCPT). */
  dsn: { mail: unknown; rcpt: Record<string, unknown> };
  headers: string[];
  body: string[];
}

export interface Capture {
  transcripts: string[][];
  relayed: RelayedMessage[];
  mailboxes: Record<string, string[]>;
  /** Recipients left in the queue (R lines), per message, sorted. */
  queued: string[][];
  /** `sendmail -bv` lines, sorted, then its exit status. */
  verified?: string[];
}

/** Placeholders of the fixtures: @DIR@ the config directory, @SINK@ the sinks' port. */
function substitute(text: string, dir: string, sinkPort: number): string {
  return text.split('@DIR@').join(dir).split('@SINK@').join(String(sinkPort));
}

/** The scenario's mc: hermetic defines, a listener on `port`, every SMTP mailer at the sinks' port, then the fixture. */
function scenarioMc(sc: Scenario, dir: string, port: number, sinkPort: number): string {
  const body = readFileSync(path.join(FIXTURES, `${sc.name}.mc`), 'latin1');
  const extra = [
    "FEATURE(`no_default_msa')dnl",
    // the hermetic host's name is local whatever this machine is called (our daemon is not renamed)
    "LOCAL_DOMAIN(`host.example.com')dnl",
    `DAEMON_OPTIONS(\`Family=inet, Name=MTA, Port=${port}, Addr=127.0.0.1')dnl`,
    ...['SMTP', 'ESMTP', 'SMTP8', 'DSMTP', 'RELAY'].map((m) => `define(\`${m}_MAILER_ARGS', \`TCP $h ${sinkPort}')dnl`),
    substitute(body, dir, sinkPort).trimEnd(),
  ];
  return hermeticMc(dir, { extra });
}

function nodeTool(name: string, args: string[], opts: { cwd?: string; input?: Buffer } = {}): void {
  execFileSync(process.execPath, [path.join(ROOT, 'bin', name), ...args], { ...opts, stdio: ['pipe', 'ignore', 'pipe'] });
}

/** The scenario's config directory for one side; returns it and the cf's path. */
export function prepare(sc: Scenario, side: Side, library: CfLibrary, port: number, sinkPort: number): { dir: string; cf: string } {
  const dir = tempDir(`routing-${sc.name}-${side}-`);
  chmodSync(dir, 0o755);
  const mboxDir = path.join(dir, 'mbox');
  mkdirSync(mboxDir, { mode: 0o1777 });
  chmodSync(mboxDir, 0o1777);
  // a local mailer for scenarios that declare one (LOCAL_MAILER_ARGS `sh DIR/local-mailer.sh $u')
  writeFileSync(path.join(dir, 'local-mailer.sh'), `cat >> '${mboxDir}/local.'"$1"\n`, { mode: 0o755 });
  const aliases = ['postmaster: root', 'MAILER-DAEMON: postmaster', ...(sc.mailboxes ?? []).map((n) => `${n}: ${mboxDir}/${n}`)];
  writeHermeticFiles(dir, { hosts: sc.hosts ?? [], aliases });
  mkdirSync(path.join(dir, 'q'), { mode: 0o700 });
  for (const [file, lines] of Object.entries(sc.maps ?? {})) {
    const source = path.join(dir, file);
    writeFileSync(source, substitute(lines.join('\n') + '\n', dir, sinkPort));
    const input = readFileSync(source);
    if (side === 'real') execFileSync('makemap', ['hash', source], { input, stdio: ['pipe', 'ignore', 'pipe'] });
    else nodeTool('makemap', ['hash', source], { input });
  }
  const mc = path.join(dir, 'sendmail.mc');
  writeFileSync(mc, scenarioMc(sc, dir, port, sinkPort));
  const cf = path.join(dir, 'sendmail.cf');
  const text =
    library === 'sendmail-cf'
      ? compileWithSendmailCf(mc)
      : execFileSync(process.execPath, [path.join(ROOT, 'bin/m4'), path.join(ROOT, 'cf/m4/cf.m4'), mc], { encoding: 'latin1' });
  writeFileSync(cf, text, 'latin1');
  if (side === 'real') spawnSync('unshare', [...pinnedSendmail(), '-bi', '-C', cf], { stdio: 'ignore', timeout: 20000 });
  else nodeTool('sendmail', ['-bi', '-C', cf]);
  return { dir, cf };
}

/** The command running `side`'s sendmail in `dir` (real: its hosts file is /etc/hosts too). */
function sendmailCommand(side: Side, dir: string, args: string[]): [string, string[]] {
  const hostsFile = path.join(dir, 'hosts');
  return side === 'real' ? ['unshare', [...pinnedSendmail(undefined, { hostsFile }), ...args]] : [process.execPath, [SENDMAIL, ...args]];
}

async function startDaemon(side: Side, dir: string, cf: string, port: number): Promise<ChildProcess> {
  const [cmd, args] = sendmailCommand(side, dir, ['-bD', '-odq', '-C', cf]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  if (!(await waitForPort(port, '127.0.0.1', 20000))) {
    child.kill('SIGKILL');
    throw new Error(`${side} daemon did not listen on ${port}: ${err}`);
  }
  return child;
}

/** One queue run in the foreground; rejects with its output when it fails. */
function runQueue(side: Side, dir: string, cf: string, run: QueueRun): Promise<void> {
  const opts = (run.options ?? []).flatMap((o) => ['-O', o]);
  const [cmd, args] = sendmailCommand(side, dir, ['-qf', ...opts, '-C', cf]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${side} sendmail -qf -C ${cf} exited with ${code ?? signal}: ${output}`));
    });
  });
}

/** `sendmail -bv` of `addresses`: its lines sorted, then "exit N". */
function verify(side: Side, dir: string, cf: string, addresses: string[]): string[] {
  const [cmd, args] = sendmailCommand(side, dir, ['-bv', '-C', cf, ...addresses]);
  const r = spawnSync(cmd, args, { encoding: 'latin1', timeout: 30000 });
  const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l !== '').map((l) => maskLine(l, dir));
  return [...lines.sort(), `exit ${r.status}`];
}

/** The sinks on every SINK_HOSTS address at one port. */
export async function startSinks(): Promise<{ port: number; sinks: Map<string, Sink>; close(): Promise<void> }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort();
    const sinks = new Map<string, Sink>();
    try {
      for (const host of SINK_HOSTS) sinks.set(host, await startSink({}, host, port));
      return { port, sinks, close: async () => void (await Promise.all([...sinks.values()].map((s) => s.close()))) };
    } catch {
      await Promise.all([...sinks.values()].map((s) => s.close()));
    }
  }
  throw new Error('no port free on every sink address');
}

const DATE = /\w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d (GMT|[+-]\d{4}( \(\w+\))?)/g;
const QUEUE_ID = /\b[0-9A-Za-x]{8}\d{6}\b/g;

/** One line with run-specific parts masked: the directory, dates, queue ids, the DSN boundary's time. */
function maskLine(line: string, dir: string): string {
  return line
    .split(dir)
    .join('DIR')
    .replace(DATE, 'DATE')
    .replace(QUEUE_ID, 'QID')
    .replace(/QID\.\d{10}\//g, 'QID.TIME/')
    .replace(/^(Message-ID: <)\d{12}\.QID/i, '$1STAMP.QID');
}

/** A header block (LF line ends, folded lines joined) with run-specific parts masked. */
export function maskHeaders(block: string, dir: string): string[] {
  return block
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => maskLine(l, dir));
}

/** A mailbox's messages: the From_ line without its date, the masked headers, the body lines. */
function maskMailbox(text: string, dir: string): string[] {
  const out: string[] = [];
  for (const msg of text.split(/\n(?=From )/)) {
    if (msg.trim() === '') continue;
    // a program mailer's file may have no From_ line
    const nl = msg.startsWith('From ') ? msg.indexOf('\n') : -1;
    const end = msg.indexOf('\n\n');
    if (nl >= 0) out.push(msg.slice(0, nl).replace(/^(From \S*) +\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/, '$1 DATE'));
    out.push(...maskHeaders(msg.slice(nl + 1, end < 0 ? undefined : end), dir));
    if (end >= 0) out.push('', ...msg.slice(end + 2).replace(/\n+$/, '').split('\n').map((l) => maskLine(l, dir)));
    out.push('----');
  }
  return out;
}

function maskTranscript(lines: string[]): string[] {
  // no SASL here: real sendmail's AUTH line is left out
  return lines.filter((l) => !l.startsWith('250-AUTH ')).map((l) =>
    l
      .replace(/^220 (\S+) .*$/, '220 $1')
      .replace(/^(250[ -]\S+ Hello ).*$/, '$1...')
      .replace(QUEUE_ID, 'QID'),
  );
}

/** One side's whole run of a scenario (with its own sinks): daemon, sessions, queue runs; what left, masked. */
export async function runScenario(sc: Scenario, side: Side, library: CfLibrary): Promise<Capture> {
  const sinks = await startSinks();
  try {
    return await runWithSinks(sc, side, library, sinks);
  } finally {
    await sinks.close();
  }
}

async function runWithSinks(sc: Scenario, side: Side, library: CfLibrary, sinks: { port: number; sinks: Map<string, Sink> }): Promise<Capture> {
  const port = await freePort();
  const { dir, cf } = prepare(sc, side, library, port, sinks.port);
  const daemon = await startDaemon(side, dir, cf, port);
  const transcripts: string[][] = [];
  try {
    for (const script of sc.sessions) transcripts.push(maskTranscript(await chatFrom(port, '127.0.0.1', script)));
  } finally {
    await stopDaemon(daemon);
  }
  for (const run of sc.queueRuns ?? [{}]) {
    if (run.waitBefore) await new Promise((r) => setTimeout(r, run.waitBefore! * 1000));
    await runQueue(side, dir, cf, run);
  }
  const relayed: RelayedMessage[] = [];
  for (const [host, sink] of sinks.sinks) {
    for (const m of sink.messages) {
      const end = m.data.indexOf('\r\n\r\n');
      const body = end < 0 ? [] : m.data.slice(end + 4).replace(/(\r\n)+$/, '').split('\r\n').map((l) => maskLine(l, dir));
      const rcpt = Object.fromEntries(m.to.sort().map((t) => [t, m.rcptDsn[t]]));
      const headers = maskHeaders(m.data.slice(0, end < 0 ? undefined : end), dir);
      relayed.push({ host, from: m.from, to: [...m.to].sort(), dsn: { mail: m.mailDsn, rcpt }, headers, body });
    }
  }
  relayed.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const mailboxes: Record<string, string[]> = {};
  for (const name of readdirSync(path.join(dir, 'mbox')).sort()) mailboxes[name] = maskMailbox(readFileSync(path.join(dir, 'mbox', name), 'latin1'), dir);
  const qdir = path.join(dir, 'q');
  const queued = readdirSync(qdir)
    .filter((f) => f.startsWith('qf'))
    .map((f) => [...readFileSync(path.join(qdir, f), 'latin1').matchAll(/^R[^:\n]*:(.*)$/gm)].map((m) => m[1]!).sort())
    .sort();
  const verified = sc.verify ? verify(side, dir, cf, sc.verify) : undefined;
  if (!process.env.ROUTING_KEEP) rmSync(dir, { recursive: true, force: true });
  return { transcripts, relayed, mailboxes, queued, ...(verified ? { verified } : {}) };
}
