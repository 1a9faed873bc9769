/**
 * src/m4/builtins.ts — GNU m4 1.4.19's builtin macros.
 *
 * Each builtin gets the engine and its arguments (args[0] is the name it
 * was called by) and returns the text to push back, if any.  Argument
 * count checks and numeric arguments follow GNU's messages.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { type Arg, type BuiltinDef, type Def, M4, M4Exit, DEFAULT_DELIMS, writeFd } from './engine.js';
import { evaluate, formatRadix } from './eval.js';
import { formatM4 } from './format.js';
import { compileRegex, execLongest, expandReplacement } from './regex.js';

const str = (a: Arg | undefined): string => (typeof a === 'string' ? a : '');

/** GNU's bad_argc: false (and a warning) when too few; warns on excess. */
function argc(m: M4, args: Arg[], min: number, max: number): boolean {
  const n = args.length - 1;
  if (n < min) {
    m.warn(`too few arguments to builtin \`${str(args[0])}'`);
    return false;
  }
  if (max >= 0 && n > max) m.warn(`excess arguments to builtin \`${str(args[0])}' ignored`);
  return true;
}

/** GNU's numeric_arg: a decimal integer, or undefined after an error. */
export function numericArg(m: M4, name: string, s: string): number | undefined {
  if (s === '') {
    m.error(`empty string treated as 0 in builtin \`${name}'`);
    return 0;
  }
  const r = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(s);
  if (!r) {
    m.error(`non-numeric argument to builtin \`${name}'`);
    return undefined;
  }
  if (/^[ \t\n\v\f\r]/.test(s)) m.error(`leading whitespace ignored in builtin \`${name}'`);
  let v = Number(r[2]);
  if (r[1] === '-') v = -v;
  if (v > 2147483647 || v < -2147483648) {
    m.error(`numeric overflow detected in builtin \`${name}'`);
    v = v > 0 ? 2147483647 : -2147483648;
  }
  return v;
}

function defOf(a: Arg | undefined): Def {
  return typeof a === 'string' || a === undefined ? { text: str(a) } : { builtin: a };
}

/** Look a file up as include does: as given, then in -I directories, then M4PATH. */
export function searchPath(m: M4, name: string): string | null {
  if (name === '') return null;
  if (existsSync(name) || name.startsWith('/')) return existsSync(name) ? name : null;
  const dirs = [...m.opts.includeDirs, ...(process.env.M4PATH ?? '').split(':').filter((d) => d !== '')];
  for (const d of dirs) {
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  return null;
}

function readText(path: string): string {
  return readFileSync(path, 'latin1');
}

/** The C library's text for a file error, as GNU m4 prints it. */
export function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  if (code === 'EISDIR') return 'Is a directory';
  return (e as Error).message;
}

function include(m: M4, args: Arg[], silent: boolean): void {
  if (!argc(m, args, 1, 1)) return;
  const name = str(args[1]);
  const path = searchPath(m, name);
  try {
    if (path === null) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    const text = readText(path);
    m.pushFile(path, text);
  } catch (e) {
    if (silent) return;
    m.error(`cannot open \`${name}': ${errnoText(e)}`);
    m.exitStatus = 1;
  }
}

/** Expand a translit character list: ranges a-z (also descending). */
export function expandRanges(s: string): string {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '-' && i > 0 && i + 1 < s.length) {
      const from = s.charCodeAt(i - 1);
      const to = s.charCodeAt(i + 1);
      if (from <= to) for (let k = from + 1; k <= to; k++) out.push(String.fromCharCode(k));
      else for (let k = from - 1; k >= to; k--) out.push(String.fromCharCode(k));
      i++;
    } else out.push(c);
  }
  return out.join('');
}

function translit(m: M4, args: Arg[]): string | void {
  if (!argc(m, args, 2, 3)) return args.length === 2 ? str(args[1]) : undefined;
  const s = str(args[1]);
  const from = expandRanges(str(args[2]));
  const to = args.length > 3 ? expandRanges(str(args[3])) : '';
  const map = new Map<string, string>();
  for (let i = 0; i < from.length; i++) {
    const c = from[i]!;
    if (!map.has(c)) map.set(c, i < to.length ? to[i]! : '');
  }
  const out: string[] = [];
  for (const c of s) {
    const r = map.get(c);
    out.push(r === undefined ? c : r);
  }
  return out.join('');
}

/**
 * The delimiter pair changequote/changecom set: `none` without arguments,
 * both empty (disabled) when the opening one is empty, and `close` when the
 * closing one is missing or empty.
 */
function delimiterPair(args: Arg[], none: [string, string], close: string): [string, string] {
  if (args.length < 2) return none;
  const open = str(args[1]);
  if (open === '') return ['', ''];
  const end = args.length > 2 ? str(args[2]) : '';
  return [open, end === '' ? close : end];
}

function setQuotes(m: M4, args: Arg[]): void {
  const [lquote, rquote] = delimiterPair(args, [DEFAULT_DELIMS.lquote, DEFAULT_DELIMS.rquote], DEFAULT_DELIMS.rquote);
  m.input.setDelimiters({ ...m.input.delims, lquote, rquote });
}

function setComment(m: M4, args: Arg[]): void {
  const [bcomm, ecomm] = delimiterPair(args, ['', ''], DEFAULT_DELIMS.ecomm);
  m.input.setDelimiters({ ...m.input.delims, bcomm, ecomm });
}

function dumpdef(m: M4, args: Arg[]): void {
  let names: string[];
  if (args.length < 2) names = [...m.table.keys()];
  else {
    names = [];
    for (const a of args.slice(1)) {
      const n = str(a);
      if (m.lookup(n)) names.push(n);
      else m.error(`undefined macro \`${n}'`);
    }
  }
  names.sort();
  const q = m.debugFlags.includes('q');
  for (const n of names) {
    const d = m.lookup(n)!;
    if (d.builtin) m.debug(`${n}:\t<${d.builtin.name}>\n`);
    else m.debug(`${n}:\t${q ? m.quote(d.text) : d.text}\n`);
  }
}

/** Debug flags from GNU's letters ('' means aeq, V means all); null if bad. */
export function decodeDebug(s: string): string | null {
  if (s === '') return 'aeq';
  if (!/^[acefilpqtxV]*$/.test(s)) return null;
  return s.replace('V', 'acefilpqtx');
}

function debugmode(m: M4, args: Arg[]): void {
  if (args.length < 2) {
    m.debugFlags = '';
    return;
  }
  let s = str(args[1]);
  const op = s[0] === '+' || s[0] === '-' ? s[0] : '';
  if (op) s = s.slice(1);
  const f = decodeDebug(s);
  if (f === null) {
    m.error(`Debugmode: bad debug flags: \`${str(args[1])}'`);
    return;
  }
  if (op === '+') m.debugFlags += f;
  else if (op === '-') m.debugFlags = [...m.debugFlags].filter((c) => !f.includes(c)).join('');
  else m.debugFlags = f;
}

function debugfile(m: M4, args: Arg[]): void {
  if (args.length < 2) {
    m.debugOut = m.opts.writeErr;
    return;
  }
  const name = str(args[1]);
  if (name === '') {
    m.debugOut = null;
    return;
  }
  try {
    const fd = openSync(name, 'a');
    m.debugOut = (s) => writeFd(fd, s);
  } catch (e) {
    m.error(`cannot set debug file \`${name}': ${errnoText(e)}`);
  }
}

function mkstemp(m: M4, args: Arg[]): string | void {
  if (!argc(m, args, 1, 1)) return;
  const tmpl = str(args[1]);
  const stem = tmpl.replace(/X*$/, '');
  const xs = tmpl.length - stem.length;
  for (let tries = 0; tries < 100; tries++) {
    let suffix = '';
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    for (let i = 0; i < Math.max(xs, 6); i++) suffix += chars[Math.floor(Math.random() * chars.length)];
    const name = stem + suffix.slice(0, Math.max(xs, 6));
    try {
      closeSync(openSync(name, 'wx', 0o600));
      return m.quote(name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        m.error(`${str(args[0])}: cannot create tempfile \`${tmpl}': ${errnoText(e)}`);
        return;
      }
    }
  }
}

function runShell(m: M4, cmd: string, capture: boolean): string {
  m.flushOut();
  const r = spawnSync('/bin/sh', ['-c', cmd], {
    stdio: ['inherit', 'pipe', 'pipe'],
    encoding: 'latin1',
    maxBuffer: 1 << 30,
  });
  if (r.status !== null) m.sysval = r.status;
  else if (r.signal) m.sysval = (osConstants.signals[r.signal] ?? 0) * 256;
  else m.sysval = 127;
  const out = (r.stdout as unknown as string | null) ?? '';
  const err = (r.stderr as unknown as string | null) ?? '';
  if (err !== '') m.opts.writeErr(err);
  if (capture) return out;
  if (out !== '') m.opts.writeOut(out);
  return '';
}


function undivert(m: M4, args: Arg[]): void {
  if (args.length < 2) {
    m.undivertAll();
    return;
  }
  for (const a of args.slice(1)) {
    const s = str(a);
    if (/^[+-]?[0-9]*$/.test(s)) {
      m.undivertNumber(s === '' || s === '+' || s === '-' ? 0 : Number(s));
      continue;
    }
    if (!m.opts.gnu) {
      m.error(`non-numeric argument to builtin \`${str(args[0])}'`);
      continue;
    }
    const path = searchPath(m, s);
    try {
      if (path === null) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      m.outputRaw(readText(path));
    } catch (e) {
      m.error(`cannot undivert \`${s}': ${errnoText(e)}`);
    }
  }
}

function evalBuiltin(m: M4, args: Arg[]): string | void {
  if (!argc(m, args, 1, 3)) return;
  const name = str(args[0]);
  let radix = 10;
  let width = 1;
  if (args.length > 2 && str(args[2]) !== '') {
    const r = numericArg(m, name, str(args[2]));
    if (r === undefined) return;
    radix = r;
  }
  if (args.length > 3) {
    const w = numericArg(m, name, str(args[3]));
    if (w === undefined) return;
    width = w;
  }
  if (radix < 1 || radix > 36) {
    m.error(`radix ${radix} in builtin \`${name}' out of range`);
    return;
  }
  if (width < 0) {
    m.error(`negative width to builtin \`${name}'`);
    return;
  }
  const expr = str(args[1]);
  if (expr.trim() === '' && !/\S/.test(expr)) {
    m.error(`empty string treated as 0 in builtin \`${name}'`);
    return formatRadix(0, radix, width);
  }
  const r = evaluate(expr, (msg) => m.warn(msg));
  if (typeof r === 'string') {
    m.error(r);
    return;
  }
  return formatRadix(r, radix, width);
}

function substrBuiltin(m: M4, args: Arg[]): string | void {
  if (!argc(m, args, 2, 3)) return args.length === 2 ? str(args[1]) : undefined;
  const s = str(args[1]);
  const name = str(args[0]);
  const start = numericArg(m, name, str(args[2]));
  if (start === undefined) return;
  let len = s.length - start;
  if (args.length > 3) {
    const l = numericArg(m, name, str(args[3]));
    if (l === undefined) return;
    len = l;
  }
  if (start < 0 || len <= 0 || start >= s.length) return;
  return s.slice(start, start + len);
}

function regexpBuiltin(m: M4, args: Arg[]): string | void {
  if (!argc(m, args, 2, 3)) return args.length === 2 ? '0' : undefined;
  const re = compileRegex(str(args[2]));
  if (typeof re === 'string') {
    m.error(`bad regular expression: \`${str(args[2])}': ${re}`);
    return;
  }
  const s = str(args[1]);
  const r = execLongest(re, s, 0);
  if (args.length < 4) return String(r ? r.index : -1);
  if (!r) return;
  return expandReplacement(str(args[3]), r, (msg) => m.warn(msg));
}

function patsubstBuiltin(m: M4, args: Arg[]): string | void {
  if (!argc(m, args, 2, 3)) return args.length === 2 ? str(args[1]) : undefined;
  const re = compileRegex(str(args[2]));
  if (typeof re === 'string') {
    m.error(`bad regular expression: \`${str(args[2])}': ${re}`);
    return;
  }
  const s = str(args[1]);
  const repl = str(args[3]);
  const out: string[] = [];
  let pos = 0;
  while (pos <= s.length) {
    const r = execLongest(re, s, pos);
    if (!r) break;
    out.push(s.slice(pos, r.index), expandReplacement(repl, r, (msg) => m.warn(msg)));
    if (r[0].length === 0) {
      if (r.index < s.length) out.push(s[r.index]!);
      pos = r.index + 1;
    } else pos = r.index + r[0].length;
  }
  if (pos < s.length) out.push(s.slice(pos));
  return out.join('');
}

function indir(m: M4, args: Arg[]): string | void {
  if (!argc(m, args, 1, -1)) return;
  const name = str(args[1]);
  const def = m.lookup(name);
  if (!def) {
    m.error(`undefined macro \`${name}'`);
    return;
  }
  return m.invoke(def, [name, ...args.slice(2)]);
}

function builtinBuiltin(m: M4, args: Arg[]): string | void {
  if (!argc(m, args, 1, -1)) return;
  const name = str(args[1]);
  const b = BUILTINS.get(name);
  if (!b) {
    m.error(`undefined builtin \`${name}'`);
    return;
  }
  return m.invoke({ builtin: b }, [name, ...args.slice(2)]);
}

function ifelse(m: M4, args: Arg[]): string | void {
  const n = args.length - 1;
  if (n === 1) return;
  if (n === 2) {
    m.warn(`too few arguments to builtin \`${str(args[0])}'`);
    return;
  }
  let i = 1;
  for (;;) {
    const left = n - i + 1;
    if (str(args[i]) === str(args[i + 1])) return str(args[i + 2]);
    if (left === 3) return;
    if (left <= 5) return str(args[i + 3]);
    i += 3;
  }
}

function defn(m: M4, args: Arg[]): string | void {
  if (!argc(m, args, 1, -1)) return;
  const parts: string[] = [];
  for (const a of args.slice(1)) {
    const d = m.lookup(str(a));
    if (!d) continue;
    if (d.builtin) {
      if (args.length === 2) m.input.pushBuiltin(d.builtin);
      else m.warn(`cannot concatenate builtin \`${d.builtin.name}'`);
    } else parts.push(m.quote(d.text));
  }
  return parts.join('');
}

type Fn = (m: M4, args: Arg[]) => string | void;
const table: [string, Fn, { blind?: boolean; groks?: boolean; gnu?: boolean }][] = [
  ['define', (m, a) => {
    if (argc(m, a, 1, 2)) m.define(str(a[1]), defOf(a[2]));
  }, { blind: true, groks: true }],
  ['pushdef', (m, a) => {
    if (argc(m, a, 1, 2)) m.pushdef(str(a[1]), defOf(a[2]));
  }, { blind: true, groks: true }],
  ['undefine', (m, a) => {
    if (argc(m, a, 1, -1)) for (const n of a.slice(1)) m.undefine(str(n));
  }, { blind: true }],
  ['popdef', (m, a) => {
    if (argc(m, a, 1, -1)) for (const n of a.slice(1)) m.popdef(str(n));
  }, { blind: true }],
  ['defn', defn, { blind: true }],
  ['indir', indir, { blind: true, groks: true, gnu: true }],
  ['builtin', builtinBuiltin, { blind: true, groks: true, gnu: true }],
  ['ifdef', (m, a) => {
    if (!argc(m, a, 2, 3)) return;
    return m.lookup(str(a[1])) ? str(a[2]) : str(a[3]);
  }, { blind: true }],
  ['ifelse', ifelse, { blind: true }],
  ['shift', (m, a) => {
    if (!argc(m, a, 1, -1)) return;
    return a.slice(2).map((x) => m.quote(str(x))).join(',');
  }, { blind: true }],
  ['dnl', (m, a) => {
    argc(m, a, 0, 0);
    if (!m.input.skipLine()) m.warn('end of file treated as newline');
  }, {}],
  ['changequote', (m, a) => {
    argc(m, a, 0, 2);
    setQuotes(m, a);
  }, {}],
  ['changecom', (m, a) => {
    argc(m, a, 0, 2);
    setComment(m, a);
  }, {}],
  ['divert', (m, a) => {
    argc(m, a, 0, 1);
    let n = 0;
    if (a.length > 1) {
      const v = numericArg(m, str(a[0]), str(a[1]));
      if (v === undefined) return;
      n = v;
    }
    m.divNum = n;
  }, {}],
  ['undivert', (m, a) => undivert(m, a), {}],
  ['divnum', (m, a) => {
    argc(m, a, 0, 0);
    return String(m.divNum);
  }, {}],
  ['include', (m, a) => include(m, a, false), { blind: true }],
  ['sinclude', (m, a) => include(m, a, true), { blind: true }],
  ['len', (m, a) => {
    if (argc(m, a, 1, 1)) return String(str(a[1]).length);
  }, { blind: true }],
  ['index', (m, a) => {
    if (!argc(m, a, 2, 2)) return a.length === 2 ? '0' : undefined;
    return String(str(a[1]).indexOf(str(a[2])));
  }, { blind: true }],
  ['substr', substrBuiltin, { blind: true }],
  ['translit', translit, { blind: true }],
  ['regexp', regexpBuiltin, { blind: true, gnu: true }],
  ['patsubst', patsubstBuiltin, { blind: true, gnu: true }],
  ['format', (m, a) => {
    if (!argc(m, a, 1, -1)) return;
    return formatM4(str(a[1]), a.slice(2).map(str), (msg) => m.error(msg), (msg) => m.warn(msg));
  }, { blind: true, gnu: true }],
  ['incr', (m, a) => {
    if (!argc(m, a, 1, 1)) return;
    const v = numericArg(m, str(a[0]), str(a[1]));
    if (v !== undefined) return String((v + 1) | 0);
  }, { blind: true }],
  ['decr', (m, a) => {
    if (!argc(m, a, 1, 1)) return;
    const v = numericArg(m, str(a[0]), str(a[1]));
    if (v !== undefined) return String((v - 1) | 0);
  }, { blind: true }],
  ['eval', evalBuiltin, { blind: true }],
  ['errprint', (m, a) => {
    if (!argc(m, a, 1, -1)) return;
    m.flushOut();
    m.opts.writeErr(a.slice(1).map(str).join(' '));
  }, { blind: true }],
  ['__file__', (m, a) => {
    argc(m, a, 0, 0);
    return m.quote(m.location()?.file ?? '');
  }, { gnu: true }],
  ['__line__', (m, a) => {
    argc(m, a, 0, 0);
    return String(m.location()?.line ?? 0);
  }, { gnu: true }],
  ['__program__', (m, a) => {
    argc(m, a, 0, 0);
    return m.quote(m.opts.progName);
  }, { gnu: true }],
  ['m4exit', (m, a) => {
    argc(m, a, 0, 1);
    let code = 0;
    if (a.length > 1) {
      const v = numericArg(m, str(a[0]), str(a[1]));
      code = v === undefined ? 1 : v;
    }
    if (code < 0 || code > 255) {
      m.warn(`exit status out of range: \`${code}'`);
      code = 1;
    }
    throw new M4Exit(code);
  }, {}],
  ['m4wrap', (m, a) => {
    if (argc(m, a, 1, -1)) m.wraps.push({ text: a.slice(1).map(str).join(' '), loc: m.location() });
  }, { blind: true }],
  ['syscmd', (m, a) => {
    if (argc(m, a, 1, 1)) runShell(m, str(a[1]), false);
  }, { blind: true }],
  ['esyscmd', (m, a) => {
    if (argc(m, a, 1, 1)) return runShell(m, str(a[1]), true);
  }, { blind: true, gnu: true }],
  ['sysval', (m) => String(m.sysval), {}],
  ['mkstemp', mkstemp, { blind: true }],
  ['maketemp', mkstemp, { blind: true }],
  ['traceon', (m, a) => {
    if (a.length < 2) for (const n of m.table.keys()) m.traced.add(n);
    else for (const n of a.slice(1)) m.traced.add(str(n));
  }, {}],
  ['traceoff', (m, a) => {
    if (a.length < 2) m.traced.clear();
    else for (const n of a.slice(1)) m.traced.delete(str(n));
  }, {}],
  ['dumpdef', (m, a) => dumpdef(m, a), {}],
  ['debugmode', (m, a) => {
    argc(m, a, 0, 1);
    debugmode(m, a);
  }, { gnu: true }],
  ['debugfile', (m, a) => {
    argc(m, a, 0, 1);
    debugfile(m, a);
  }, { gnu: true }],
];

/** Every builtin by its unprefixed name. */
export const BUILTINS = new Map<string, BuiltinDef>(
  table.map(([name, fn, o]) => [name, { name, fn, blind: o.blind ?? false, groks: o.groks ?? false, gnu: o.gnu ?? false }]),
);

/** Install the builtins (and __gnu__/__unix__) the way the options ask. */
export function installBuiltins(m: M4): void {
  const prefix = m.opts.prefixBuiltins ? 'm4_' : '';
  for (const b of BUILTINS.values()) {
    if (b.gnu && !m.opts.gnu) continue;
    m.define(prefix + b.name, { builtin: b });
  }
  if (m.opts.gnu) m.define(prefix + '__gnu__', { text: '' });
  m.define(prefix + (m.opts.gnu ? '__unix__' : 'unix'), { text: '' });
}
