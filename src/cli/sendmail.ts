/**
 * src/cli/sendmail.ts — the `sendmail` command line.
 *
 * sendmail's flags are getopt-style with glued values (`-bt`, `-Cfile`,
 * `-d21.12`, `-oQ/var/spool`, `-O Name=value`), so they are parsed here by
 * hand.  Implemented modes: -bt (address test mode) and -bi (newaliases)
 * here; -bd/-bD, -bs, -bm (the default, with -t), -bv and -bp in
 * src/submit/modes.ts; the others exit with a clear "not yet implemented".
 */
import { setFlagsFromString } from 'node:v8';
import { ConfigFatalError, ConfigOpenError, loadConfig, type LoadedConfig } from '../config/loader.js';
import { parseOptionText } from '../config/options.js';
import { BANNER, Output, TestMode } from '../testmode/index.js';

export const DEFAULT_CF = '/etc/mail/sendmail.cf';

/** Flags that take a value (glued or as the next argument). */
const VALUE_FLAGS = new Set(['b', 'C', 'd', 'f', 'F', 'h', 'L', 'N', 'o', 'O', 'p', 'q', 'Q', 'r', 'R', 'B', 'V', 'X', 'A']);
/** Flags whose value is optional and must be glued. */
const OPTIONAL_VALUE = new Set(['d', 'q', 'Q']);

export interface SendmailArgs {
  mode: string;
  configFile: string;
  debug: string[];
  options: { name: string; value: string }[];
  flags: Map<string, string>;
  recipients: string[];
}

/** Parse sendmail's command line; throws with a usage message on bad input. */
export function parseSendmailArgs(argv: string[]): SendmailArgs {
  const res: SendmailArgs = { mode: 'm', configFile: DEFAULT_CF, debug: [], options: [], flags: new Map(), recipients: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const f = a[1]!;
    let value = a.slice(2);
    if (VALUE_FLAGS.has(f) && value === '' && !OPTIONAL_VALUE.has(f)) {
      if (i + 1 >= argv.length) throw new Error(`option requires an argument -- '${f}'`);
      value = argv[++i]!;
    }
    switch (f) {
      case 'b':
        res.mode = value;
        break;
      case 'C':
        res.configFile = value;
        break;
      case 'd':
        res.debug.push(value);
        break;
      case 'O': {
        const o = parseOptionText(' ' + value);
        if (o) res.options.push(o);
        break;
      }
      case 'o': {
        const o = parseOptionText(value);
        if (o) res.options.push(o);
        break;
      }
      default:
        res.flags.set(f, value);
    }
  }
  res.recipients = argv.slice(i);
  return res;
}

async function load(args: SendmailArgs, out: Output): Promise<LoadedConfig | null> {
  await import('../maps/index.js');
  try {
    return await loadConfig({
      file: args.configFile,
      print: (l) => out.line(l),
      opMode: args.mode,
      overrides: args.options,
    });
  } catch (e) {
    if (!(e instanceof ConfigOpenError)) throw e;
    out.line(e.message);
    return null;
  }
}

/**
 * The cf for -bt and -bi, or the status to exit with after what was
 * printed: 72 when it cannot be opened, a fatal read error's (64).
 */
async function loadOrStatus(args: SendmailArgs, out: Output): Promise<LoadedConfig | number> {
  try {
    const loaded = await load(args, out);
    if (loaded) return loaded;
    out.flush();
    return 72;
  } catch (e) {
    if (!(e instanceof ConfigFatalError)) throw e;
    out.flush();
    return e.status;
  }
}

/** Address test mode: banner, then one command per input line. */
async function testMode(args: SendmailArgs): Promise<number> {
  const out = new Output((b) => process.stdout.write(b), process.stdin.isTTY === true);
  const loaded = await loadOrStatus(args, out);
  if (typeof loaded === 'number') return loaded;
  if (!loaded.config.mailers.some((m) => m.name === 'local')) out.line('No local mailer defined');
  out.write(BANNER);
  const tm = new TestMode(loaded, out);
  out.write('> ');
  await forEachLine(process.stdin, (line) => {
    const r = tm.handle(line);
    const next = (): boolean => {
      if (tm.quit) return false;
      out.write('> ');
      out.flushIfFull();
      return true;
    };
    return r ? r.then(next) : next();
  });
  out.flush();
  // real sendmail 8.17 runs -bt on a cf with read errors, then exits with the first one's status (70 or 71)
  return loaded.readErrors > 0 ? loaded.readErrorStatus : 0;
}

/**
 * Call `each` for every line of a Latin-1 stream (without its newline; a
 * last line without one counts too), waiting only when it returns a Promise;
 * `false` stops reading.
 */
export async function forEachLine(
  input: NodeJS.ReadableStream,
  each: (line: string) => boolean | Promise<boolean>,
): Promise<void> {
  input.setEncoding('latin1');
  let rest = '';
  for await (const chunk of input) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const line = text.slice(start, nl);
      start = nl + 1;
      let go = each(line);
      if (typeof go !== 'boolean') go = await go;
      if (!go) return;
    }
    rest = text.slice(start);
  }
  if (rest.length > 0) await each(rest);
}

/** -bi: build the alias databases named by the AliasFile option. */
async function newAliases(args: SendmailArgs): Promise<number> {
  const out = new Output((b) => process.stdout.write(b));
  const loaded = await loadOrStatus(args, out);
  out.flush();
  if (typeof loaded === 'number') return loaded;
  const { buildAliasesOf } = await import('./newaliases.js');
  return buildAliasesOf(loaded, (l) => process.stdout.write(l + '\n'));
}

export async function main(argv: string[], progName: string): Promise<void> {
  let args: SendmailArgs;
  try {
    args = parseSendmailArgs(argv);
  } catch (e) {
    process.stderr.write(`${progName}: ${(e as Error).message}\n`);
    process.exitCode = 64;
    return;
  }
  if (progName === 'newaliases') args.mode = 'i';
  else if (progName === 'mailq') args.mode = 'p';
  if (args.mode === 'd' || args.mode === 'D') {
    // a long-running process: the old generation grows 50% past what a full GC keeps instead of
    // V8's factor of up to 4 (peak memory under 50 connections, bench/smtp-throughput.mjs with
    // bin/sendmail's 2 x 4 MB young generation: about 83 MB instead of 91-110; 20% gave the same)
    setFlagsFromString('--heap-growing-percent=50');
  }
  switch (args.mode) {
    case 't':
      process.exitCode = await testMode(args);
      return;
    case 'i':
      process.exitCode = await newAliases(args);
      return;
    case 'v':
    case 'p':
    case 'd':
    case 'D':
    case 's':
    case 'm': {
      const { runMailMode } = await import('../submit/modes.js');
      let refusedStatus: number | undefined;
      const loadReporting = async (): Promise<LoadedConfig | null> => {
        const said: Buffer[] = [];
        const out = new Output((b) => said.push(b));
        let loaded: LoadedConfig | null;
        let status = 0;
        let osErrorLines: ReadonlySet<string> = new Set();
        try {
          loaded = await load(args, out);
        } catch (e) {
          if (!(e instanceof ConfigFatalError)) throw e;
          [loaded, status, osErrorLines] = [null, e.status, e.osErrorLines];
        }
        out.flush();
        if (loaded && loaded.readErrors > 0) [status, osErrorLines] = [loaded.readErrorStatus, loaded.osErrorLines];
        if (status !== 0) {
          // as real sendmail 8.17: a cf with read errors runs no daemon, session or queue command;
          // the diagnostics go to stdout, as SMTP replies for -bd and -bs (451 4.0.0 for a file that
          // could not be opened, else 554 5.0.0); the exit is the first error's status (70, 71; 64 fatal)
          const smtp = args.mode === 'd' || args.mode === 's';
          const lines = Buffer.concat(said).toString('latin1').split('\n').filter((l) => l !== '');
          process.stdout.write(lines.map((l) => (smtp ? `${osErrorLines.has(l) ? '451 4.0.0' : '554 5.0.0'} ${l}\r\n` : `${l}\n`)).join(''));
          refusedStatus = status;
          return null;
        }
        process.stderr.write(Buffer.concat(said));
        return loaded;
      };
      const code = await runMailMode(args, progName, loadReporting, argv);
      process.exitCode = refusedStatus ?? code;
      return;
    }
    case 'h':
    case 'H':
    case 'P':
      process.stderr.write(`${progName}: mode -b${args.mode} is not yet implemented\n`);
      process.exitCode = 69;
      return;
    default:
      process.stderr.write(`${progName}: Invalid operation mode ${args.mode}\n`);
      process.exitCode = 64;
  }
}
