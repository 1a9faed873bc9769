/**
 * src/cli/map-cli.ts — what the map commands (makemap, editmap, praliases)
 * share: parsing their getopt-style command lines (node:util's parseArgs,
 * already loaded with Node: commander costs these short-lived commands
 * ~25 ms of start-up) while printing the C tools' messages
 * (`invalid option -- 'x'`, usage, exit 64), the map types they know,
 * reading the cf's TrustedUser (-C), sendmail's safety checks on a map file
 * before it is opened (writable directories, links, owner), writing large
 * outputs to stdout in chunks (quietly ending when the reader goes away),
 * and handing new map files to the cf's TrustedUser.
 */
import { findPasswdEntry } from '../sys/passwd.js';
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { writableDirectories } from '../maps/common.js';
import { giveMapFileTo, toMapFileError } from '../maps/lmdb/map-file.js';

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

/** Map types the tools build and read, all as one LMDB file (`makemap -l`). */
export const MAP_TYPES = ['hash', 'btree', 'implicit'];

/** Types sendmail knows that its Debian build (and ours) does not have, with the compile flag they need. */
const UNBUILT_TYPES: Record<string, string> = { cdb: 'CDB', dbm: 'NDBM' };

/**
 * Whether the tools handle `type`; if not, says so as sendmail's do
 * (`Need to recompile with -DCDB for cdb support`, or `fail` with
 * `Unknown database type`) and sets exit status 73.  `-i type` does not
 * stand in for a missing type: the real tools ignore it as well.
 */
export function checkMapType(progName: string, type: string, fail: (reason: string) => void): boolean {
  if (MAP_TYPES.includes(type)) return true;
  const flag = UNBUILT_TYPES[type];
  if (flag) {
    process.stderr.write(`${progName}: Need to recompile with -D${flag} for ${type} support\n`);
    process.exitCode = EX_CANTCREAT;
  } else {
    fail('Unknown database type');
  }
  return false;
}

/** Print usage to stderr and set exit status 64. */
export function usageError(usage: string): void {
  process.stderr.write(usage);
  process.exitCode = EX_USAGE;
}

let pipeWatched = false;

/** What a shell sees from a command SIGPIPE killed (128 + 13). */
const EXIT_BROKEN_PIPE = 141;

/**
 * A reader that goes away (`makemap -u ... | head`) ends the command
 * quietly with the status SIGPIPE gives the C tools, instead of an
 * unhandled EPIPE.
 */
function endQuietlyOnBrokenPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(EXIT_BROKEN_PIPE);
  });
}

/** Collects output lines and writes them to stdout in large chunks. */
export class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;

  constructor() {
    endQuietlyOnBrokenPipe();
  }

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

/** The first read from a pipe, and the growth step after it. */
const PIPE_READ_START = 1 << 20;

/**
 * All of standard input as one Buffer.  A regular file is read at once; a
 * pipe in reads as large as it gives into one growing buffer
 * (readFileSync reads a pipe 8 KiB at a time and joins the pieces: ~950
 * reads and 10 ms more for a 7 MB makemap source).  A non-blocking input
 * (EAGAIN) is waited for, 1 ms at a time.
 */
export function readStandardInput(): Buffer {
  if (fs.fstatSync(0).isFile()) return fs.readFileSync(0);
  let buf = Buffer.allocUnsafe(PIPE_READ_START);
  let length = 0;
  for (;;) {
    if (length === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, length);
      buf = bigger;
    }
    let n: number;
    try {
      n = fs.readSync(0, buf, length, buf.length - length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EOF') break;
      if (code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      continue;
    }
    if (n === 0) break;
    length += n;
  }
  return buf.subarray(0, length);
}

/** What the map tools read from the cf: only TrustedUser. */
export interface ToolCf {
  /** TrustedUser as a uid; undefined when unset or unknown. */
  trustedUid: number | undefined;
}

/**
 * Read the cf named by -C (or the default one).  A -C file that cannot be
 * read stops the tools as it stops sendmail's (`makemap: FILE: No such
 * file or directory`, exit 66, returned as `error`).  A missing default cf
 * does not: sendmail's tools refuse to work then, ours build the map
 * without a TrustedUser (a machine being set up has maps before a cf).
 */
export function readToolCf(cfOption: string | true | undefined): { cf: ToolCf } | { error: string } {
  const explicit = typeof cfOption === 'string';
  const cfPath = explicit ? cfOption : DEFAULT_CF;
  let text: string;
  try {
    text = fs.readFileSync(cfPath, 'latin1');
  } catch (err) {
    if (!explicit) return { cf: { trustedUid: undefined } };
    return { error: `${cfPath}: ${toMapFileError(cfPath, err).reason}` };
  }
  return { cf: { trustedUid: trustedUserIn(text) } };
}

/** `O TrustedUser=name` (or a number) of a cf's text as a uid. */
function trustedUserIn(cf: string): number | undefined {
  return userId(/^O\s*TrustedUser\s*=\s*(\S+)/m.exec(cf)?.[1]);
}

/** A user name or number (TrustedUser's value) as a uid; undefined when unset or unknown. */
export function userId(value: string | undefined): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const uid = findPasswdEntry(v)?.uid;
  return uid !== undefined && /^\d+$/.test(uid) ? Number(uid) : undefined;
}

/**
 * Like makemap and editmap run by root: give the map file and its lock file
 * to the cf's TrustedUser (the group stays).
 */
export function giveToTrustedUser(mapPath: string, cf: ToolCf): void {
  giveMapFileTo(mapPath, cf.trustedUid);
}

/** EX_NOINPUT: the cf named by -C cannot be read. */
export const EX_NOINPUT = 66;

export interface MapTargetCheck {
  /** The tool is about to change the file. */
  write: boolean;
  /** The file must exist already (makemap -u, -o; editmap -q, -x). */
  mustExist: boolean;
  /** makemap -s: no checks for symbolic or hard links. */
  skipLinkChecks?: boolean;
  cf: ToolCf;
}

/**
 * sendmail's map tools' safety checks on a map file before they open it
 * (learned from makemap and editmap 8.17 run as root):
 * - every directory above the file that others can write is named, from
 *   the top: `WARNING: World writable directory DIR` (sticky or not, and
 *   whatever DontBlameSendmail says), else `WARNING: Group writable
 *   directory DIR`.  The tools print these twice on success: once when
 *   checking, once when opening; a check that fails stops after the first.
 * - the file must not be a symbolic link (`Symbolic links not allowed`) or
 *   have other hard links (`Hard links not allowed`), unless -s;
 * - a file to be changed must belong to the user running the tool, or to
 *   TrustedUser when that is root (`Permission denied`), even with -s;
 * - a file that must exist and does not: `No such file or directory`.
 * Returns the warnings and the reason the map cannot be used, if any.
 */
export function checkMapTarget(path: string, check: MapTargetCheck): { warnings: string[]; error?: string } {
  const warnings = writableDirectories(path).map((d) => `WARNING: ${d.what} ${d.dir}`);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !check.mustExist && fs.existsSync(dirname(path))) return { warnings };
    return { warnings, error: toMapFileError(path, err).reason };
  }
  if (!check.skipLinkChecks) {
    if (st.isSymbolicLink()) return { warnings, error: 'Symbolic links not allowed' };
    if (st.isFile() && st.nlink > 1) return { warnings, error: 'Hard links not allowed' };
  }
  if (check.write && typeof process.geteuid === 'function') {
    const euid = process.geteuid();
    const owner = check.skipLinkChecks && st.isSymbolicLink() ? statOwner(path) : st.uid;
    const mayOwn = owner === undefined || owner === euid || (euid === 0 && owner === check.cf.trustedUid);
    if (!mayOwn) return { warnings, error: 'Permission denied' };
  }
  return { warnings };
}

function statOwner(path: string): number | undefined {
  try {
    return fs.statSync(path).uid;
  } catch {
    return undefined;
  }
}

function printWarnings(warnings: readonly string[]): void {
  if (warnings.length > 0) process.stderr.write(warnings.map((w) => `${w}\n`).join(''));
}

/**
 * What makemap and editmap do before opening a map: read the cf (-C), run
 * the safety checks and print their warnings as sendmail's tools do.
 * Returns the cf, or undefined after reporting why the map cannot be used
 * (`fail` for the map's own problems).
 */
export function prepareMapTarget(
  progName: string,
  cfOption: string | true | undefined,
  path: string,
  check: Omit<MapTargetCheck, 'cf'>,
  fail: (reason: string) => void,
): ToolCf | undefined {
  const cfRead = readToolCf(cfOption);
  if ('error' in cfRead) {
    process.stderr.write(`${progName}: ${cfRead.error}\n`);
    process.exitCode = EX_NOINPUT;
    return undefined;
  }
  const safety = checkMapTarget(path, { ...check, cf: cfRead.cf });
  printWarnings(safety.warnings);
  if (safety.error) {
    fail(safety.error);
    return undefined;
  }
  printWarnings(safety.warnings);
  return cfRead.cf;
}
