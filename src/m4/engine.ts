/**
 * src/m4/engine.ts — the expansion loop, macro table, output and diversions.
 *
 * The loop is iterative: a macro call whose arguments are being collected
 * is a frame on an explicit stack, so deep nesting is bounded by the
 * nesting limit (-L) or memory, never by the JavaScript call stack.
 * Expansions are pushed back on the input stack and rescanned.
 */
import { writeSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { Kind } from './lexer.js';
import { InputOverflow, InputStack, UnterminatedError, type Location } from './input.js';

/** A builtin macro. */
export interface BuiltinDef {
  name: string;
  /** runs the builtin; the returned text is pushed back and rescanned */
  fn: (m: M4, args: Arg[]) => string | void;
  /** recognised only when followed by '(' */
  blind: boolean;
  /** accepts builtin tokens (defn results) as arguments */
  groks: boolean;
  /** a GNU extension (absent with -G) */
  gnu: boolean;
}

/** A macro argument: text, or a builtin passed whole (defn). */
export type Arg = string | BuiltinDef;

/** A macro's definition. */
export type Def = { text: string; builtin?: undefined; body?: MacroBody | null } | { builtin: BuiltinDef; text?: undefined };

/** Stops processing: m4exit or a fatal error. */
export class M4Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export type { Location } from './input.js';

export interface M4Options {
  progName: string;
  prefixBuiltins: boolean;
  gnu: boolean;
  quiet: boolean;
  fatalWarnings: number;
  nestingLimit: number;
  synclines: boolean;
  includeDirs: string[];
  debugFlags: string;
  /** where standard output goes (tests may capture it) */
  writeOut: (s: string) => void;
  writeErr: (s: string) => void;
}

interface Frame {
  def: Def;
  args: Arg[];
  chunks: string[];
  func: BuiltinDef | null;
  depth: number;
  skipWS: boolean;
  loc: Location | null;
  level: number;
  id: number;
}

/** Safety limit on runaway pushback. */
const PUSHBACK_LIMIT = 64 * 1024 * 1024;
/**
 * Without -L, nesting is limited by memory only (as GNU m4's is by its
 * stack): every this many levels the heap is checked, and a run that has
 * used most of it stops with a message instead of V8's out-of-memory abort.
 */
const NESTING_MEMORY_CHECK = 4096;
const HEAP_SHARE_FOR_NESTING = 0.5; // of V8's whole limit, which counts more than the old space that runs out

function heapNearlyFull(): boolean {
  const h = getHeapStatistics();
  return h.used_heap_size > h.heap_size_limit * HEAP_SHARE_FOR_NESTING;
}

export const DEFAULT_DELIMS = { lquote: '`', rquote: "'", bcomm: '#', ecomm: '\n' };

export function writeFd(fd: number, s: string): void {
  const buf = Buffer.from(s, 'latin1');
  let off = 0;
  let tries = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
      tries = 0;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // a closed pipe ends the run quietly, as SIGPIPE ends GNU m4
      if (code === 'EPIPE') throw new M4Exit(141);
      if (code !== 'EAGAIN' || ++tries > 100000) throw e;
    }
  }
}

export class M4 {
  readonly opts: M4Options;
  readonly input = new InputStack(DEFAULT_DELIMS);
  readonly table = new Map<string, Def[]>();
  private frames: Frame[] = [];
  /** location of the macro call being executed (GNU reports errors there) */
  callLoc: Location | null = null;
  callLevel = 0;
  /** macro calls so far (the x debug flag shows it) */
  callId = 0;
  exitStatus = 0;
  sysval = 0;
  wraps: { text: string; loc: Location | null }[] = [];
  traced = new Set<string>();
  debugFlags: string;
  debugOut: ((s: string) => void) | null;
  // output
  divNum = 0;
  private out: string[] = [];
  private outLen = 0;
  diversions = new Map<number, string[]>();
  private syncLine = -1;
  private syncFile = '';
  private startOfLine = true;

  constructor(opts: M4Options) {
    this.opts = opts;
    this.input.trackLines = opts.synclines;
    this.input.onFileEnd = () => {
      this.syncLine = -1;
      this.syncFile = '';
      const back = this.input.location();
      if (back) {
        this.lastLoc = { file: back.file, line: back.line };
        this.debugInput(`input reverted to ${back.file}, line ${back.line}`);
      }
    };
    this.debugFlags = opts.debugFlags;
    this.debugOut = opts.writeErr;
  }

  // ---------- macro table ----------

  lookup(name: string): Def | undefined {
    const s = this.table.get(name);
    return s ? s[s.length - 1] : undefined;
  }

  define(name: string, def: Def): void {
    const s = this.table.get(name);
    if (s) s[s.length - 1] = def;
    else this.table.set(name, [def]);
  }

  pushdef(name: string, def: Def): void {
    const s = this.table.get(name);
    if (s) s.push(def);
    else this.table.set(name, [def]);
  }

  popdef(name: string): void {
    const s = this.table.get(name);
    if (!s) return;
    s.pop();
    if (s.length === 0) this.undefine(name);
  }

  undefine(name: string): void {
    this.table.delete(name);
    this.traced.delete(name);
  }

  // ---------- messages ----------

  location(): Location | null {
    return this.callLoc ?? this.input.location();
  }

  private prefix(loc: Location | null): string {
    return loc ? `${this.opts.progName}:${loc.file}:${loc.line}: ` : `${this.opts.progName}: `;
  }

  /** A non-fatal error (GNU's m4_error with status 0). */
  error(msg: string): void {
    this.flushOut();
    this.opts.writeErr(`${this.prefix(this.location())}${msg}\n`);
    if (this.opts.fatalWarnings > 1) throw new M4Exit(1);
  }

  warn(msg: string): void {
    if (this.opts.quiet) return;
    this.flushOut();
    this.opts.writeErr(`${this.prefix(this.location())}Warning: ${msg}\n`);
    if (this.opts.fatalWarnings > 0) this.exitStatus = 1;
    if (this.opts.fatalWarnings > 1) throw new M4Exit(1);
  }

  fatal(msg: string, loc: Location | null = this.location()): never {
    this.flushOut();
    this.opts.writeErr(`${this.prefix(loc)}${msg}\n`);
    throw new M4Exit(1);
  }

  // ---------- output ----------

  /** Text to the current diversion (discarded for negative ones). */
  output(s: string): void {
    if (this.divNum < 0 || s === '') return;
    this.outputRaw(this.opts.synclines ? this.withSynclines(s) : s);
  }

  /**
   * GNU's synclines: checked only where a token starts on a fresh output
   * line, against the input line where that token began.
   */
  private withSynclines(s: string): string {
    const loc = this.input.location();
    if (!loc) return s;
    let prefix = '';
    if (this.startOfLine) {
      this.startOfLine = false;
      this.syncLine++;
      const line = this.input.tokenLine || loc.line;
      if (this.syncLine !== line) {
        prefix = `#line ${line}`;
        if (this.syncFile !== loc.file) prefix += ` "${loc.file}"`;
        prefix += '\n';
        this.syncFile = loc.file;
        this.syncLine = line;
      }
    }
    // newlines inside a token move the output on without a check of their own
    let nl = s.indexOf('\n');
    while (nl >= 0 && nl < s.length - 1) {
      this.syncLine++;
      nl = s.indexOf('\n', nl + 1);
    }
    this.startOfLine = s.endsWith('\n');
    return prefix + s;
  }

  /** Where input stood when the last file ended (for the 'input exhausted' note). */
  private lastLoc: Location | null = null;

  /** A note of the debug flag i (input files), "m4debug:file:line: msg". */
  debugInput(msg: string, loc: Location | null = this.location()): void {
    const fl = this.debugFlags;
    if (!fl.includes('i')) return;
    let h = 'm4debug:';
    if (fl.includes('f') && loc) h += `${loc.file}:`;
    if (fl.includes('l') && loc) h += `${loc.line}:`;
    this.debug(`${h} ${msg}\n`);
  }

  /** Start reading a file on top of the input (include, command line). */
  pushFile(name: string, text: string): void {
    this.debugInput(`input read from ${name}`);
    this.input.pushFile(name, text);
    let lines = 1;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
    this.lastLoc = { file: name, line: lines };
  }

  /** The end of all input. */
  inputExhausted(): void {
    this.debugInput('input exhausted', this.lastLoc);
  }

  flushOut(): void {
    if (this.out.length === 0) return;
    const s = this.out.join('');
    this.out = [];
    this.outLen = 0;
    this.opts.writeOut(s);
  }

  /** Append diversion n to the current output and empty it. */
  undivertNumber(n: number): void {
    if (n === this.divNum || n <= 0) return;
    const d = this.diversions.get(n);
    if (!d) return;
    this.diversions.delete(n);
    this.syncLine = -1;
    this.syncFile = '';
    for (const s of d) this.outputRaw(s);
  }

  undivertAll(): void {
    const nums = [...this.diversions.keys()].filter((n) => n > 0).sort((a, b) => a - b);
    for (const n of nums) this.undivertNumber(n);
  }

  /** Text to the current diversion as it is, without synclines (undivert). */
  outputRaw(s: string): void {
    if (this.divNum === 0) {
      this.out.push(s);
      this.outLen += s.length;
      if (this.outLen > 65536) this.flushOut();
    } else if (this.divNum > 0) {
      let t = this.diversions.get(this.divNum);
      if (!t) this.diversions.set(this.divNum, (t = []));
      t.push(s);
    }
  }

  debug(s: string): void {
    if (this.debugOut) this.debugOut(s);
  }

  // ---------- quoting helpers ----------

  quote(s: string): string {
    const d = this.input.delims;
    return d.lquote + s + d.rquote;
  }

  // ---------- the expansion loop ----------

  /** Read one file (or stdin) to its end, expanding macros. */
  runFile(name: string, text: string): void {
    this.syncLine = -1;
    this.pushFile(name, text);
    this.expandUntilEnd();
  }

  /** Expand the m4wrap texts until none is left. */
  runWraps(): void {
    while (this.wraps.length) {
      const w = this.wraps;
      this.wraps = [];
      for (const t of w) this.input.pushString(t.text, t.loc);
      this.expandUntilEnd();
    }
  }

  private expandUntilEnd(): void {
    try {
      this.loop();
    } catch (e) {
      if (e instanceof UnterminatedError) {
        this.fatal(`ERROR: end of file in ${e.what}`, e.file ? { file: e.file, line: e.line } : null);
      }
      if (e instanceof InputOverflow) this.fatal(`ERROR: ${e.message}: the expansion does not terminate`);
      throw e;
    }
  }

  /** Text that is not a macro call: to the output or the argument being collected. */
  private emit(s: string): void {
    const f = this.frames[this.frames.length - 1];
    if (f === undefined) {
      if (this.divNum >= 0) this.output(s);
      return;
    }
    if (f.skipWS) {
      let i = 0;
      for (let c = s.charCodeAt(0); c === 32 || (c >= 9 && c <= 13); c = s.charCodeAt(++i));
      if (i === s.length) return;
      if (i > 0) s = s.slice(i);
      f.skipWS = false;
    }
    if (f.func === null) f.chunks.push(s);
  }

  /** Whether a name is defined now (plainRun's question). */
  private readonly isMacro = (name: string): boolean => this.table.has(name);

  private loop(): void {
    const input = this.input;
    const frames = this.frames;
    // with synclines every token is placed by its own line, so none is passed over
    const plainRuns = !this.opts.synclines;
    for (;;) {
      if (plainRuns && frames.length === 0) {
        const run = input.plainRun(this.isMacro);
        if (run !== '' && this.divNum >= 0) this.outputRaw(run);
      }
      const kind = input.next();
      switch (kind) {
        case 0: {
          const f = frames[frames.length - 1];
          if (f) {
            frames.length = 0;
            this.fatal('ERROR: end of file in argument list', f.loc);
          }
          return;
        }
        case Kind.Name: {
          const name = input.text;
          const def = this.lookup(name);
          if (def === undefined || (def.builtin !== undefined && def.builtin.blind && input.peekChar() !== '(')) {
            this.emit(name);
            break;
          }
          const level = frames.length + 1;
          const limit = this.opts.nestingLimit;
          if (limit > 0 && level > limit) {
            this.fatal(`recursion limit of ${limit} exceeded, use -L<N> to change it`);
          }
          if (limit <= 0 && level % NESTING_MEMORY_CHECK === 0 && heapNearlyFull()) {
            this.fatal(`ERROR: macro calls nested ${level} deep have used up memory, use -L<N> to set a limit`);
          }
          const outer = frames[frames.length - 1];
          if (outer !== undefined) outer.skipWS = false;
          const loc = input.location();
          const id = ++this.callId;
          if (this.debugFlags !== '' && this.debugFlags.includes('c') && this.isTraced(name)) {
            this.debug(this.traceLine(name, null, loc, level, id, false) + ' ...\n');
          }
          if (input.peekChar() === '(') {
            input.skipChar();
            frames.push({ def, args: [name], chunks: [], func: null, depth: 0, skipWS: true, loc, level, id });
          } else {
            this.call(def, [name], loc, level, id);
          }
          break;
        }
        case Kind.Quoted: {
          const t = input.text;
          const d = input.delims;
          const body = t.slice(d.lquote.length, t.length - d.rquote.length);
          const f = frames[frames.length - 1];
          if (f !== undefined) {
            f.skipWS = false;
            if (f.func === null) f.chunks.push(body);
          } else if (this.divNum >= 0) this.output(body);
          break;
        }
        case Kind.LParen: {
          const f = frames[frames.length - 1];
          if (f !== undefined) {
            f.depth++;
            f.skipWS = false;
            if (f.func === null) f.chunks.push('(');
          } else if (this.divNum >= 0) this.output('(');
          break;
        }
        case Kind.Comma: {
          const f = frames[frames.length - 1];
          if (f !== undefined && f.depth === 0) {
            this.finishArg(f);
          } else this.emit(',');
          break;
        }
        case Kind.RParen: {
          const f = frames[frames.length - 1];
          if (f !== undefined && f.depth === 0) {
            this.finishArg(f);
            frames.pop();
            this.call(f.def, f.args, f.loc, f.level, f.id);
          } else {
            if (f !== undefined) f.depth--;
            this.emit(')');
          }
          break;
        }
        case Kind.Builtin: {
          const f = frames[frames.length - 1];
          if (f && f.func === null && f.chunks.every((c) => c === '')) {
            f.func = input.builtin as BuiltinDef;
            f.skipWS = false;
          }
          break;
        }
        default:
          this.emit(input.text);
      }
    }
  }

  private finishArg(f: Frame): void {
    if (f.func !== null) f.args.push(f.func);
    else f.args.push(f.chunks.length === 1 ? f.chunks[0]! : f.chunks.join(''));
    f.chunks = [];
    f.func = null;
    f.skipWS = true;
  }

  /** Whether calls of `name` are traced now. */
  isTraced(name: string): boolean {
    return this.traced.has(name) || this.debugFlags.includes('t');
  }

  /** Run a macro without tracing or pushing back (indir, builtin). */
  invoke(def: Def, args: Arg[]): string {
    if (def.builtin !== undefined) {
      if (!def.builtin.groks) {
        for (let i = 1; i < args.length; i++) if (typeof args[i] !== 'string') args[i] = '';
      }
      return def.builtin.fn(this, args) ?? '';
    }
    // the body is parsed at its first call (null: it has no $ to replace)
    if (def.body === undefined) def.body = def.text.indexOf('$') < 0 ? null : parseMacroBody(def.text);
    return def.body === null ? def.text : expandMacroBody(def.body, args, this.input.delims);
  }

  /** Call a macro with collected arguments (args[0] is the name) and push back its expansion. */
  call(def: Def, args: Arg[], loc: Location | null, level: number, id: number): void {
    const name = args[0] as string;
    const traced = this.isTraced(name);
    let head = '';
    if (traced) {
      head = this.traceLine(name, args, loc, level, id, true);
      if (this.debugFlags.includes('c')) {
        this.debug(head + ' -> ???\n');
        head = '';
      }
    }
    const saveLoc = this.callLoc;
    const saveLevel = this.callLevel;
    this.callLoc = loc;
    this.callLevel = level;
    let exp: string;
    try {
      exp = this.invoke(def, args);
    } finally {
      this.callLoc = saveLoc;
      this.callLevel = saveLevel;
    }
    if (traced) {
      const fl = this.debugFlags;
      let s = fl.includes('c') ? this.traceLine(name, args, loc, level, id, false) : head;
      if (fl.includes('e') && exp !== '') s += ` -> ${fl.includes('q') ? this.quote(exp) : exp}`;
      this.debug(s + '\n');
    }
    if (exp !== '') {
      // as in GNU m4, text read from an expansion is at the line of its call
      this.input.pushString(exp, loc);
      if (this.input.pending > PUSHBACK_LIMIT) {
        this.fatal(`expansion of \`${name}' too large (over ${PUSHBACK_LIMIT} bytes pending)`, loc);
      }
    }
  }

  /** "m4trace:file:line: -level- id N: name(args)" as the debug flags ask. */
  traceLine(name: string, args: Arg[] | null, loc: Location | null, level: number, id: number, withArgs: boolean): string {
    const fl = this.debugFlags;
    let h = 'm4trace:';
    if (fl.includes('f') && loc) h += `${loc.file}:`;
    if (fl.includes('l') && loc) h += `${loc.line}:`;
    h += ` -${level}- `;
    if (fl.includes('x')) h += `id ${id}: `;
    h += name;
    if (args && args.length > 1) {
      if (!withArgs) h += '(...)';
      else if (fl.includes('a')) {
        const q = fl.includes('q');
        const shown = args.slice(1).map((a) => (typeof a === 'string' ? (q ? this.quote(a) : a) : `<${a.name}>`));
        h += `(${shown.join(', ')})`;
      }
    }
    return h;
  }
}

/** A user macro body cut at its $ references: texts[0] ref[0] texts[1] ... texts[n]. */
export interface MacroBody {
  texts: string[];
  /** n >= 0: argument n; REF_COUNT $#, REF_ALL $*, REF_ALL_QUOTED $@ */
  refs: number[];
}
const REF_COUNT = -1;
const REF_ALL = -2;
const REF_ALL_QUOTED = -3;

/** Where a body's $1..$N, $#, $*, $@ stand (the body is read once per definition, not per call). */
export function parseMacroBody(body: string): MacroBody {
  const texts: string[] = [];
  const refs: number[] = [];
  let from = 0;
  let i = body.indexOf('$');
  while (i >= 0 && i < body.length - 1) {
    const c = body.charCodeAt(i + 1);
    let ref: number;
    let next = i + 2;
    if (c >= 48 && c <= 57) {
      let j = i + 1;
      ref = 0;
      while (j < body.length && body.charCodeAt(j) >= 48 && body.charCodeAt(j) <= 57) ref = ref * 10 + body.charCodeAt(j++) - 48;
      next = j;
    } else if (c === 35 /* # */) ref = REF_COUNT;
    else if (c === 42 /* * */) ref = REF_ALL;
    else if (c === 64 /* @ */) ref = REF_ALL_QUOTED;
    else {
      i = body.indexOf('$', i + 1);
      continue;
    }
    texts.push(body.slice(from, i));
    refs.push(ref);
    from = next;
    i = body.indexOf('$', next);
  }
  texts.push(body.slice(from));
  return { texts, refs };
}

const argText = (a: Arg | undefined): string => (typeof a === 'string' ? a : '');

/** A parsed body with the call's arguments (args[0] is the name) in place of its references. */
export function expandMacroBody(b: MacroBody, args: Arg[], d: { lquote: string; rquote: string }): string {
  const { texts, refs } = b;
  let s = texts[0]!;
  for (let k = 0; k < refs.length; k++) {
    const r = refs[k]!;
    if (r >= 0) {
      if (r < args.length) s += argText(args[r]);
    } else if (r === REF_COUNT) s += String(args.length - 1);
    else {
      for (let a = 1; a < args.length; a++) {
        if (a > 1) s += ',';
        s += r === REF_ALL ? argText(args[a]) : d.lquote + argText(args[a]) + d.rquote;
      }
    }
    s += texts[k + 1]!;
  }
  return s;
}

/** Expand $1..$N, $#, $*, $@ in a user macro body. */
export function substitute(body: string, args: Arg[], d: { lquote: string; rquote: string }): string {
  return body.indexOf('$') < 0 ? body : expandMacroBody(parseMacroBody(body), args, d);
}
