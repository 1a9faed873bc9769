/**
 * src/m4 — an m4 macro processor compatible with GNU m4 1.4.19.
 *
 * Owns: m4's tokens with run-time quotes and comments (lexer.ts: the hand
 * scanner and chevrotain's lexer of record), the input stack (input.ts), the
 * expansion loop, macro table, output and diversions (engine.ts), the
 * builtins (builtins.ts) with eval (eval.ts; its chevrotain grammar of record
 * in eval-grammar.ts), format (format.ts) and regular expressions (regex.ts).
 * chevrotain (chevrotain.ts) is loaded only for the grammars of record.  `runM4` is the
 * whole program minus command-line parsing (src/cli/m4.ts does that).
 */
import { readFileSync } from 'node:fs';
import { errnoText, installBuiltins } from './builtins.js';
import { M4, M4Exit, type M4Options } from './engine.js';

export { M4, M4Exit } from './engine.js';
export type { M4Options } from './engine.js';

/** A -D or -U given on the command line, in order. */
export type Predefine = { define: string; value: string } | { undefine: string };

export interface RunRequest {
  options: Partial<M4Options> & Pick<M4Options, 'writeOut' | 'writeErr'>;
  predefines: Predefine[];
  /** macro names to trace (-t) */
  trace: string[];
  /** file names; '-' is standard input */
  files: string[];
  /** read a file (defaults to the file system, '-' = fd 0) */
  readFile?: (name: string) => string;
}

export function defaultOptions(o: RunRequest['options']): M4Options {
  return {
    progName: 'm4',
    prefixBuiltins: false,
    gnu: true,
    quiet: false,
    fatalWarnings: 0,
    nestingLimit: 0,
    synclines: false,
    includeDirs: [],
    debugFlags: '',
    ...o,
  };
}

function readInput(name: string): string {
  return readFileSync(name === '-' ? 0 : name, 'latin1');
}

/** Run m4 over the files; returns the exit status. */
export function runM4(req: RunRequest): number {
  const opts = defaultOptions(req.options);
  const m = new M4(opts);
  installBuiltins(m);
  for (const t of req.trace) m.traced.add(t);
  const read = req.readFile ?? readInput;
  let status = 0;
  try {
    for (const p of req.predefines) {
      if ('undefine' in p) m.undefine(p.undefine);
      else m.define(p.define, { text: p.value });
    }
    const files = req.files.length ? req.files : ['-'];
    for (const f of files) {
      let text: string;
      try {
        text = read(f);
      } catch (e) {
        m.flushOut();
        opts.writeErr(`${opts.progName}: cannot open \`${f}': ${errnoText(e)}\n`);
        m.exitStatus = 1;
        continue;
      }
      m.runFile(f === '-' ? 'stdin' : f, text);
    }
    m.runWraps();
    m.inputExhausted();
    m.divNum = 0;
    m.undivertAll();
    status = m.exitStatus;
  } catch (e) {
    if (!(e instanceof M4Exit)) throw e;
    status = e.code === 0 && m.exitStatus !== 0 ? m.exitStatus : e.code;
  }
  m.flushOut();
  return status;
}
