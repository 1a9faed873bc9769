// Shared pieces of the map class tests: a tiny K-line reader, a map
// environment, our `/map` answers, and real sendmail's `/map` answers from
// `sendmail -bt` on a minimal cf (run under unshare with a qualified host
// name, as the conformance runner does).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resolver } from '../src/dns/index.js';
import { MapOpenError, createMap, parseMapFlags, useResolver, type LookupResult, type MapEnvironment, type SendmailMap } from '../src/maps/index.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Real sendmail can run here: installed, and a UTS+network namespace can be made. */
export const canRunRealSendmail: boolean =
  hasTool('sendmail') && hasTool('unshare') && spawnSync('unshare', ['--uts', '--net', 'true'], { stdio: 'ignore' }).status === 0;
if (!canRunRealSendmail) console.log('maps tests: real sendmail (or unshare) not available; comparisons with it are skipped');

export function tempDir(prefix = 'maps-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A map environment over K lines, with macros and captured reports. */
export class TestEnv implements MapEnvironment {
  readonly maps = new Map<string, SendmailMap>();
  readonly notOpen = new Set<string>();
  readonly macros = new Map<string, string>();
  readonly reports: string[] = [];
  readonly options: Record<string, string>;
  constructor(options: Record<string, string> = {}) {
    // as in the test cf: temporary directories lie under the sticky /tmp
    this.options = { DontBlameSendmail: 'TrustStickyBit', ...options };
    // the local domain sendmail's resolver has in the test namespace (host.example.com)
    // no DNS server: a loopback port nobody listens on (tests use loopback only)
    useResolver(
      this,
      new Resolver({
        hostsFile: options.HostsFile,
        serviceSwitchFile: options.ServiceSwitchFile,
        domain: 'example.com',
        nameservers: [{ address: '127.0.0.1', port: 9 }],
        timeoutMs: 300,
        attempts: 1,
      }),
    );
  }
  getMap(name: string): SendmailMap | undefined {
    return this.maps.get(name);
  }
  getMacro(name: string): string | undefined {
    return this.macros.get(name);
  }
  setMacro(name: string, value: string | undefined): void {
    if (value === undefined) this.macros.delete(name);
    else this.macros.set(name, value);
  }
  option(name: string): string | undefined {
    return this.options[name];
  }
  report(message: string): void {
    this.reports.push(message);
  }

  /** Declare maps from `Kname class args` lines, as the cf loader would. */
  declare(kLines: string, file = 'test.cf', firstLine = 1): this {
    kLines.split('\n').forEach((line, i) => {
      const m = /^K(\S+)\s+(\S+)\s*(.*)$/.exec(line);
      if (!m) return;
      const [, name, className, rawArgs] = m;
      const pos = { file, line: firstLine + i };
      const parsed = parseMapFlags(rawArgs, pos, { className, mapName: name });
      this.reports.push(...parsed.problems);
      try {
        this.maps.set(name, createMap({ name, className, flags: parsed.flags, args: parsed.args, rawArgs, pos }, this));
        this.notOpen.delete(name);
      } catch (err) {
        if (!(err instanceof MapOpenError)) throw err;
        if (!err.silent) this.reports.push(err.describe());
        this.notOpen.add(name);
        this.maps.delete(name);
      }
    });
    return this;
  }

  async lookup(name: string, key: string, args: string[] = []): Promise<LookupResult> {
    const map = this.maps.get(name);
    if (!map) throw new Error(`no map ${name}`);
    return await map.lookup(key, args);
  }

  /** Our answer to `/map NAME KEY`, worded like sendmail -bt. */
  async slashMap(name: string, key: string): Promise<string> {
    if (this.notOpen.has(name)) return `Map named "${name}" not open`;
    const map = this.maps.get(name);
    if (!map) return `Map named "${name}" not found`;
    const r = await map.lookup(key, []);
    // a failure's own message (host map timeouts) comes with the answer
    if (r.status === 'tempfail' && r.report !== undefined) this.reports.push(r.report);
    return formatSlashMap(name, key, r);
  }
}

export function formatSlashMap(name: string, key: string, r: LookupResult): string {
  const code = r.code ?? (r.status === 'tempfail' ? 75 : 0);
  return r.status === 'found'
    ? `map_lookup: ${name} (${key}) returns ${r.value} (${code})`
    : `map_lookup: ${name} (${key}) no match (${code})`;
}

const BASE_CF = (dir: string, extra: string): string => `V10/Berkeley
Djhost.example.com
O ServiceSwitchFile=${dir}/service.switch
O HostsFile=${dir}/hosts
O DontProbeInterfaces=True
O DontBlameSendmail=TrustStickyBit
S0
S1
S2
S3
S4
S5
${extra}
`;

/** First line of the K lines in BASE_CF-built files (for messages with line numbers). */
export const FIRST_K_LINE = 13;

/**
 * Real sendmail's answers to `/map NAME KEY` for each [name, key], with its
 * diagnostics removed: one line per query, `map_lookup: ...` or
 * `Map named "x" not ...`.  `dir` holds service.switch and hosts.
 */
export function realSlashMaps(dir: string, kLines: string, queries: [string, string][]): { answers: string[]; output: string } {
  const cf = writeTestCf(dir, kLines);
  const input = slashMapInput(queries);
  const r = spawnSync('unshare', ['--uts', '--net', 'sh', '-c', `hostname host.example.com && exec sendmail -bt -C ${cf} 2>&1`], {
    input: Buffer.from(input, 'latin1'),
    timeout: 60000,
  });
  const output = r.stdout.toString('latin1');
  return { answers: slashMapAnswers(output), output };
}

/** Write the minimal cf (BASE_CF plus `kLines`) into `dir`; returns its path. */
export function writeTestCf(dir: string, kLines: string): string {
  const cf = path.join(dir, 'real.cf');
  writeFileSync(cf, BASE_CF(dir, kLines));
  return cf;
}

export function slashMapInput(queries: [string, string][]): string {
  return queries.map(([n, k]) => `/map ${n} ${k}\n`).join('');
}

/** The `/map` answers in sendmail -bt output, diagnostics removed. */
export function slashMapAnswers(output: string): string[] {
  const answers: string[] = [];
  const re = /(map_lookup: (\S+) \(([^\n]*?)\) )(?:[^\n]*\n)?(returns [^\n]*|no match) \((\d+)\)\n|(Map named "[^"]*" not (?:open|found))/g;
  for (let m = re.exec(output); m; m = re.exec(output)) {
    answers.push(m[6] ?? `${m[1]}${m[4]} (${m[5]})`);
  }
  return answers;
}

/** Write the files a BASE_CF config needs. */
export function writeResolverFiles(dir: string, hosts: string, serviceSwitch = 'hosts files\naliases files\n'): void {
  writeFileSync(path.join(dir, 'hosts'), hosts);
  writeFileSync(path.join(dir, 'service.switch'), serviceSwitch);
}
