/**
 * src/cli/m4.ts — the `m4` command: GNU m4's command line on commander.
 *
 * -D/-U are applied in the order given, before the first file; files are
 * read in order, `-` (or none) meaning standard input.
 */
import { createRequire } from 'node:module';
import { runM4, type Predefine, type RunRequest } from '../m4/index.js';
import { decodeDebug } from '../m4/builtins.js';
import { writeFd } from '../m4/engine.js';

const VERSION = 'm4 (GNU M4 compatible, sendmail-ts) 1.4.19\n';

/** Run the m4 command; output through the given writers. Returns the exit status. */
export function runM4Command(argv: string[], progName: string, writeOut: (s: string) => void, writeErr: (s: string) => void): number {
  const req = parseM4Args(argv, progName, writeOut, writeErr);
  return typeof req === 'number' ? req : runM4(req);
}

export function main(argv: string[], progName: string): void {
  process.exitCode = runM4Command(argv, progName, (s) => writeFd(1, s), (s) => writeFd(2, s));
}

/** Options shared by both parsers, for a run with nothing but files. */
function plainRequest(progName: string, files: string[], writeOut: (s: string) => void, writeErr: (s: string) => void): RunRequest {
  return {
    options: { progName, prefixBuiltins: false, gnu: true, quiet: false, fatalWarnings: 0, nestingLimit: 0, synclines: false, includeDirs: [], debugFlags: '', writeOut, writeErr },
    predefines: [],
    trace: [],
    files,
  };
}

/** GNU m4's command line to a run request, or an exit status (help, version, bad usage). */
export function parseM4Args(argv: string[], progName: string, writeOut: (s: string) => void, writeErr: (s: string) => void): RunRequest | number {
  // only file names (the usual `m4 cf.m4 sendmail.mc`): no need to load commander
  if (argv.every((a) => a === '-' || !a.startsWith('-'))) return plainRequest(progName, argv, writeOut, writeErr);
  return parseWithCommander(argv, progName, writeOut, writeErr);
}

function parseWithCommander(argv: string[], progName: string, writeOut: (s: string) => void, writeErr: (s: string) => void): RunRequest | number {
  const { Command, CommanderError, InvalidArgumentError } = createRequire(import.meta.url)('commander') as typeof import('commander');
  const predefines: Predefine[] = [];
  const trace: string[] = [];
  const includeDirs: string[] = [];
  let fatalWarnings = 0;
  const intArg = (v: string): number => {
    if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError(`invalid number \`${v}'`);
    return Number(v);
  };
  const program = new Command(progName)
    .usage('[OPTION]... [FILE]...')
    .description('Process macros in FILEs (standard input if none or `-`), as GNU m4 1.4.19 does.')
    .helpOption('--help', 'display this help and exit')
    .option('-D, --define <NAME[=VALUE]>', 'define NAME as having VALUE, or empty', (v: string) => {
      const eq = v.indexOf('=');
      predefines.push(eq < 0 ? { define: v, value: '' } : { define: v.slice(0, eq), value: v.slice(eq + 1) });
      return v;
    })
    .option('-U, --undefine <NAME>', 'undefine NAME', (v: string) => {
      predefines.push({ undefine: v });
      return v;
    })
    .option('-I, --include <DIRECTORY>', 'append DIRECTORY to include path', (v: string) => {
      includeDirs.push(v);
      return v;
    })
    .option('-E, --fatal-warnings', 'once: warnings set exit status 1; twice: stop at the first', () => {
      fatalWarnings++;
      return true;
    })
    .option('-i, --interactive', 'unbuffer output')
    .option('-e', 'same as -i')
    .option('-P, --prefix-builtins', "force a `m4_' prefix to all builtins")
    .option('-Q, --quiet', 'suppress some warnings for builtins')
    .option('--silent', 'same as -Q')
    .option('-s, --synclines', "generate `#line NUM \"FILE\"' lines")
    .option('-G, --traditional', 'suppress all GNU extensions')
    .option('-g, --gnu', 're-enable GNU extensions')
    .option('-H, --hashsize <PRIME>', 'ignored (kept for compatibility)')
    .option('-L, --nesting-limit <NUMBER>', 'change nesting limit, 0 for unlimited', intArg)
    .option('-d, --debug [FLAGS]', 'set debug flags (no FLAGS implies aeq)')
    .option('--debugfile [FILE]', 'send trace and debug output to FILE')
    .option('-l, --arglength <NUM>', 'ignored: restrict macro tracing size', intArg)
    .option('-t, --trace <NAME>', 'trace NAME', (v: string) => {
      trace.push(v);
      return v;
    })
    .option('-F, --freeze-state <FILE>', 'not supported')
    .option('-R, --reload-state <FILE>', 'not supported')
    .option('--version', 'output version information and exit')
    .argument('[FILE...]')
    .exitOverride()
    .configureOutput({
      writeOut,
      writeErr,
      outputError: (s, write) => write(`${progName}: ${s.replace(/^error: /, '')}`),
    });
  let opts: Record<string, unknown>;
  let files: string[];
  try {
    // GNU's optional values must be attached (-dFLAGS, --debugfile=FILE):
    // a bare -d or --debugfile must not take the next argument
    const attached = argv.map((a) => (a === '-d' || a === '--debug' ? '--debug=' : a === '--debugfile' ? '--debugfile=' : a));
    program.parse(attached, { from: 'user' });
    opts = program.opts();
    files = program.args;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    throw e;
  }
  if (opts.version) {
    writeOut(VERSION);
    return 0;
  }
  if (opts.freezeState || opts.reloadState) {
    const opt = opts.freezeState ? '-F (--freeze-state)' : '-R (--reload-state)';
    writeErr(`${progName}: option ${opt} is not supported: this m4 does not write or read frozen state files\n`);
    return 1;
  }
  let debugFlags = '';
  if (opts.debug !== undefined) {
    const f = decodeDebug(opts.debug === true ? '' : String(opts.debug));
    if (f === null) writeErr(`${progName}: bad debug flags: \`${String(opts.debug)}'\n`);
    else debugFlags = f;
  }
  return {
    options: {
      progName,
      prefixBuiltins: Boolean(opts.prefixBuiltins),
      gnu: !opts.traditional || Boolean(opts.gnu),
      quiet: Boolean(opts.quiet || opts.silent),
      fatalWarnings,
      nestingLimit: (opts.nestingLimit as number | undefined) ?? 0,
      synclines: Boolean(opts.synclines),
      includeDirs,
      debugFlags,
      writeOut,
      writeErr,
    },
    predefines,
    trace,
    files,
  };
}
