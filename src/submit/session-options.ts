// The SMTP session's settings from a loaded cf: host name ($j), version
// ($v), the queue (QueueDirectory; "dir/q*" takes the first), limits
// (MaxRecipientsPerMessage, MaxMessageSize, MaxHeadersLength,
// BadRcptThrottle), PrivacyOptions, HelpFile, the
// cf policy; and the listeners of every DaemonPortOptions line.

import { promises as fs, readFileSync } from 'node:fs';
import type { LoadedConfig } from '../config/loader.js';
import { promises as dnsPromises } from 'node:dns';
import { parseDaemonOptions, type ListenerSpec } from '../smtp/adapter.js';
import { CfPolicy } from '../smtp/cf-policy.js';
import { authServerFromOptions } from '../smtp/auth.js';
import type { SessionMacros } from '../smtp/policy.js';
import { translateDollars } from '../rewrite/macros.js';
import { readHelpFile } from '../smtp/helpfile.js';
import type { SessionOptions } from '../smtp/session.js';
import { QueueDirectory, expandQueueDirectory } from '../queue/queue-directory.js';
import { QueueIdGenerator } from '../queue/queue-id.js';

export type CfSessionOptions = Omit<SessionOptions, 'daemon' | 'client'>;

function numberOption(loaded: LoadedConfig, name: string): number | undefined {
  const v = loaded.config.options.get(name);
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** The queue directory the cf names (the first of "dir/q*"); an Error naming the option when it is missing. */
export async function queueDirectoryOf(loaded: LoadedConfig): Promise<string> {
  const option = loaded.config.options.get('QueueDirectory') ?? '/var/spool/mqueue';
  const dirs = await expandQueueDirectory(option).catch(() => [option]);
  const dir = dirs[0] ?? option;
  const st = await fs.stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new Error(`${loaded.config.file}: QueueDirectory ${option}: no such directory (create it, e.g. mkdir -p ${dir})`);
  return dir;
}

export async function sessionOptionsFromConfig(loaded: LoadedConfig, warn: (m: string) => void): Promise<CfSessionOptions> {
  const { macros, config } = loaded;
  const macro = (name: string): string | undefined => {
    const v = macros.getByName(name);
    return v === undefined ? undefined : macros.expand(v);
  };
  const hostName = macro('j') ?? 'localhost';
  const version = macro('v') ?? '8.17.1.9';
  const privacy = (config.options.get('PrivacyOptions') ?? '').split(/[\s,]+/).filter((p) => p !== '');
  const helpPath = config.options.get('HelpFile');
  const opts: CfSessionOptions = {
    identity: { hostName, version },
    policy: new CfPolicy(loaded, { warn }),
    queue: new QueueDirectory(await queueDirectoryOf(loaded)),
    ids: new QueueIdGenerator(),
    privacy,
    precedences: config.precedences,
    auth: authServerFromOptions(config.options, warn),
  };
  const greeting = config.options.get('SmtpGreetingMessage');
  if (greeting !== undefined) opts.greetingMessage = cfMacroExpander(loaded, greeting);
  // the cf's HReceived: line ($v/$Z: the cf's DZ names the build, "8.17.1.9/Debian-2+deb12u2")
  const received = config.headers.find((h) => h.name.toLowerCase() === 'received' && h.condition === undefined);
  if (received !== undefined) {
    const expand = cfMacroExpander(loaded, received.value);
    opts.receivedHeader = (session) => ` ${expand(session)}`;
  }
  const maxRcpt = numberOption(loaded, 'MaxRecipientsPerMessage');
  if (maxRcpt !== undefined) opts.maxRecipients = maxRcpt;
  const maxSize = numberOption(loaded, 'MaxMessageSize');
  if (maxSize !== undefined) opts.maxMessageSize = maxSize;
  const maxHeaders = numberOption(loaded, 'MaxHeadersLength');
  if (maxHeaders !== undefined) opts.maxHeadersLength = Math.max(0, maxHeaders);
  const badRcptThrottle = numberOption(loaded, 'BadRcptThrottle');
  if (badRcptThrottle !== undefined) opts.badRcptThrottle = Math.max(0, badRcptThrottle);
  if (helpPath) opts.helpFile = readHelpFile(helpPath);
  return opts;
}

/** DeliveryMode: i(nteractive), b(ackground), q(ueue only), d(efer: queue only, no map lookups). */
export type DeliveryMode = 'i' | 'b' | 'q' | 'd';

/**
 * The delivery mode from the cf's `O DeliveryMode=` with the command line's
 * -od?/-O DeliveryMode= applied by the loader: its first letter; unset is b,
 * set but empty is i (op.txt); -v (verbose) makes it i.  An unknown letter is
 * an Error naming it.
 */
export function deliveryModeOf(loaded: LoadedConfig, verbose = false): DeliveryMode {
  if (verbose) return 'i';
  const value = loaded.config.options.get('DeliveryMode');
  if (value === undefined) return 'b';
  const letter = value.trim().charAt(0).toLowerCase() || 'i';
  if (letter === 'i' || letter === 'b' || letter === 'q' || letter === 'd') return letter;
  throw new Error(`${loaded.config.file}: DeliveryMode=${value}: expected i (interactive), b (background), q (queue only) or d (deferred)`);
}

/**
 * A cf text (SmtpGreetingMessage, a header template) expanded with the cf's
 * macros and the given ones ($b, {client_addr}, {client_name}, $_ ...), set
 * for the expansion only.
 */
export function cfMacroExpander(loaded: LoadedConfig, text: string): (session: SessionMacros) => string {
  const internal = translateDollars(text);
  return (session) => {
    const table = loaded.macros;
    const pos = table.startJournal();
    try {
      for (const [name, value] of session) table.setByName(name, value);
      return table.expand(internal);
    } finally {
      table.rollbackJournal(pos);
      table.endJournal(pos);
    }
  };
}

/**
 * The listeners: every `O DaemonPortOptions=` line of the cf (the loaded
 * options keep only the last), unless the command line gives any (-O/-o):
 * then those alone, as real sendmail 8.17 (a command-line option wins over
 * the cf's).  None means the default: port 25 on every address.
 */
export function daemonListeners(loaded: LoadedConfig, overrides: readonly { name: string; value: string }[]): ListenerSpec[] {
  const values = overrides.filter((o) => o.name === 'DaemonPortOptions').map((o) => o.value);
  if (values.length === 0) {
    const text = readFileSync(loaded.config.file, 'latin1');
    for (const line of text.split('\n')) {
      const m = /^O\s*DaemonPortOptions\s*=\s*(.*?)\s*$/.exec(line);
      if (m) values.push(m[1]!);
    }
  }
  if (values.length === 0) values.push('Port=smtp');
  return values.map((v, i) => {
    try {
      return parseDaemonOptions(v, i);
    } catch (err) {
      throw new Error(`${loaded.config.file}: DaemonPortOptions #${i + 1}: ${(err as Error).message}`);
    }
  });
}

export type ClientResolver = (addr: string) => Promise<{ name: string | undefined; resolve: string }>;

/**
 * The name of a client address as sendmail finds it: through the system's
 * resolver (getnameinfo: /etc/hosts and DNS as nsswitch.conf says), not the
 * cf's HostsFile.  {client_resolve} is OK, FAIL when there is no name, TEMP
 * when the lookup failed for now.
 */
export const resolveClientAddress: ClientResolver = async (addr) => {
  try {
    const { hostname } = await dnsPromises.lookupService(addr, 0);
    return hostname === addr || hostname === '' ? { name: undefined, resolve: 'FAIL' } : { name: hostname, resolve: 'OK' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { name: undefined, resolve: code === 'ENOTFOUND' || code === 'EAI_NONAME' ? 'FAIL' : 'TEMP' };
  }
};
