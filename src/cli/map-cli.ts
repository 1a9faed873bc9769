/**
 * src/cli/map-cli.ts — what the map commands (makemap, editmap, praliases)
 * share: parsing their getopt-style command lines (node:util's parseArgs,
 * already loaded with Node: commander costs these short-lived commands
 * ~25 ms of start-up) while printing the C tools' messages
 * (`invalid option -- 'x'`, usage, exit 64),
 * writing large outputs to stdout in chunks, and handing new map files to
 * the cf's TrustedUser.
 */
import { findPasswdEntry } from '../sys/passwd.js';
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { giveMapFileTo } from '../maps/lmdb/index.js';

/** The cf the tools read when -C is not given. */
export const DEFAULT_CF = '/etc/mail/sendmail.cf';

/** sysexits.h values the map tools use. */
export const EX_USAGE = 64;
export const EX_DATAERR = 65;
export const EX_UNAVAILABLE = 69;
export const EX_SOFTWARE = 70;
export const EX_IOERR = 74;
export const EX_CANTCREAT = 73;

export interface OptionSpec {
  /** Single letter. */
  letter: string;
  /** Name of the value, when the option takes one. */
  value?: string;
}

export interface ParsedCommandLine {
  /** Options by letter: true for flags, the (last) value for valued ones. */
  options: Map<string, string | true>;
  args: string[];
}

/**
 * Parse `argv` with getopt's conventions (grouped flags `-rv`, glued values
 * `-t:`, options anywhere).  On a bad option prints getopt's message and
 * `usage` to stderr, sets exit status 64 and returns undefined.
 */
export function parseCommandLine(
  argv: string[],
  progName: string,
  specs: OptionSpec[],
  usage: string,
): ParsedCommandLine | undefined {
  const valued = new Map(specs.map((spec) => [spec.letter, spec.value !== undefined]));
  const parseOptions: Record<string, { type: 'string' | 'boolean'; short: string }> = {};
  for (const spec of specs) parseOptions[spec.letter] = { type: spec.value ? 'string' : 'boolean', short: spec.letter };
  // not strict: the tokens are checked here, to answer as getopt does
  const { tokens } = parseArgs({ args: argv, options: parseOptions, strict: false, allowPositionals: true, tokens: true });
  const options = new Map<string, string | true>();
  const args: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') args.push(token.value);
    if (token.kind !== 'option') continue;
    const takesValue = valued.get(token.name);
    if (takesValue === undefined || token.rawName.startsWith('--')) {
      return badOption(progName, 'invalid option', token.rawName.startsWith('--') ? '-' : token.name, usage);
    }
    if (takesValue && token.value === undefined) return badOption(progName, 'option requires an argument', token.name, usage);
    options.set(token.name, takesValue ? token.value! : true);
  }
  return { options, args };
}

function badOption(progName: string, what: string, letter: string, usage: string): undefined {
  process.stderr.write(`${progName}: ${what} -- '${letter}'\n${usage}`);
  process.exitCode = EX_USAGE;
  return undefined;
}

/** Print usage to stderr and set exit status 64. */
export function usageError(usage: string): void {
  process.stderr.write(usage);
  process.exitCode = EX_USAGE;
}

/** Collects output lines and writes them to stdout in large chunks. */
export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;

  line(text: string): void {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    process.stdout.write(Buffer.from(this.parts.join(''), 'latin1'));
    this.parts = [];
    this.size = 0;
  }
}

/**
 * The cf's TrustedUser as a uid (`O TrustedUser=name` or a number), read
 * from `cfPath`; undefined when unset, unknown or the cf is unreadable.
 */
export function trustedUserId(cfPath: string): number | undefined {
  let cf: string;
  try {
    cf = fs.readFileSync(cfPath, 'latin1');
  } catch {
    return undefined;
  }
  const m = /^O\s*TrustedUser\s*=\s*(\S+)/m.exec(cf);
  if (!m) return undefined;
  if (/^\d+$/.test(m[1])) return Number(m[1]);
  const uid = findPasswdEntry(m[1])?.uid;
  return uid !== undefined && /^\d+$/.test(uid) ? Number(uid) : undefined;
}

/**
 * Like makemap and editmap run by root: give the map file and its lock file
 * to the cf's TrustedUser (the group stays).
 */
export function giveToTrustedUser(mapPath: string, cfOption: string | true | undefined): void {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  giveMapFileTo(mapPath, trustedUserId(typeof cfOption === 'string' ? cfOption : DEFAULT_CF));
}
