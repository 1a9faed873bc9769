/**
 * src/config — reading sendmail.cf (op.txt section 5) into a typed Config
 * and a ready RewriteEngine: macros, classes, rulesets, mailers, maps.
 *
 * Every line type is handled: V D C F S R M H O K P T Q X E (L and G are
 * obsolete and ignored), continuation lines (leading blank) and comments.
 * Problems are printed the way sendmail prints them, `FILE: line N: text`,
 * and reading goes on.  File classes and maps are I/O, so loading is async.
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { hostname, networkInterfaces } from 'node:os';
import type { MapDecl, MapEnvironment, SendmailMap, SourcePos } from '../maps/types.js';
import { createMap, isMapClass } from '../maps/registry.js';
import { MapOpenError, parseMapFlags } from '../maps/common.js';
import { resolverFor, useResolver } from '../maps/classes/resolverFor.js';
import { Resolver, readResolvConf } from '../dns/index.js';
import { ClassTable } from '../rewrite/classes.js';
import { MacroTable, readName, translateDollars } from '../rewrite/macros.js';
import { DEFAULT_OPERATOR_CHARS, tokenTable } from '../rewrite/prescan.js';
import { RewriteEngine } from '../rewrite/engine.js';
import { checkRule, compileRule, tokenizeRuleText } from '../rewrite/rules.js';
import { OP, names } from '../rewrite/tokens.js';
import { parseOptionText, resolveOptionName } from './options.js';
import { parseMailer, builtinMailers } from './mailers.js';
import type { Config, HeaderDecl, MailerDecl } from './types.js';
import { splitFields } from './fields.js';

export const SENDMAIL_VERSION = '8.17.1.9';
/** The newest configuration version this program understands. */
export const MAX_CONFIG_LEVEL = 10;

/** The cf could not be read; the message is sendmail's. */
export class ConfigOpenError extends Error {
  override name = 'ConfigOpenError';
}

/** sysexits statuses of read errors: an operating system error (a file that cannot be opened), any other. */
export const EX_OSERR = 71;
export const EX_SOFTWARE = 70;
export const EX_USAGE = 64;

/**
 * An error that ends reading at once, as sendmail's does (an unknown
 * delivery mode: exit 64); the message has been printed.
 */
export class ConfigFatalError extends Error {
  override name = 'ConfigFatalError';
  constructor(
    message: string,
    readonly status: number,
    /** The read error lines before it that were operating system errors. */
    readonly osErrorLines: ReadonlySet<string> = new Set(),
  ) {
    super(message);
  }
}

export interface LoadOptions {
  file: string;
  /** Where diagnostics go (stdout in -bt). */
  print: (line: string) => void;
  /** The machine's name; defaults to the system's. */
  hostName?: string;
  /** The operation mode letter (`t` for -bt), the value of ${opMode}. */
  opMode?: string;
  /** -O/-o options from the command line, applied after the cf. */
  overrides?: { name: string; value: string }[];
  /** Add the network interfaces' addresses and names to class w (default: unless DontProbeInterfaces). */
  probeInterfaces?: boolean;
}

export interface LoadedConfig {
  config: Config;
  engine: RewriteEngine;
  macros: MacroTable;
  classes: ClassTable;
  /** What the maps of this configuration see (and the resolver they share). */
  env: MapEnvironment;
  /**
   * How many read errors the cf had (every diagnostic while reading it but
   * the out-of-date warning).  Real sendmail prints them and goes on in -bt
   * only; every other mode exits 70 (EX_SOFTWARE) after printing them.
   */
  readErrors: number;
  /**
   * The status real sendmail exits with for them: the first read error's,
   * 71 (EX_OSERR, answered "451 4.0.0" in SMTP) for a file that could not be
   * opened, else 70 (EX_SOFTWARE, "554 5.0.0").  0 without read errors.
   */
  readErrorStatus: number;
  /** The read error lines that were operating system errors (451 4.0.0). */
  osErrorLines: ReadonlySet<string>;
}

/** One logical cf line with continuation lines joined. */
interface CfLine {
  text: string;
  line: number;
}

function foldLines(text: string): CfLine[] {
  const raw = text.split('\n');
  const out: CfLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    let s = raw[i]!;
    if (s.endsWith('\r')) s = s.slice(0, -1);
    if ((s.startsWith(' ') || s.startsWith('\t')) && out.length > 0) {
      const prev = out[out.length - 1]!;
      if (!prev.text.startsWith('#')) prev.text += '\n' + s;
      continue;
    }
    out.push({ text: s, line: i + 1 });
  }
  return out;
}

/** Set the start-up macros and classes that depend on the machine. */
function initHostMacros(macros: MacroTable, classes: ClassTable, host: string): void {
  macros.setByName('v', SENDMAIL_VERSION);
  macros.setByName('Z', SENDMAIL_VERSION);
  const dot = host.indexOf('.');
  const short = dot < 0 ? host : host.slice(0, dot);
  macros.setByName('w', short);
  macros.setByName('j', host);
  if (dot >= 0) {
    macros.setByName('m', host.slice(dot + 1));
    classes.add('m', host.slice(dot + 1));
  }
  macros.setByName('k', host);
  classes.add('k', host);
  classes.add('w', host);
  for (const w of ['7bit', '8bit', 'binary']) classes.add('e', w);
  for (const w of ['r', 's', '_', '{if_addr}', '{daemon_flags}']) classes.add(names.id('persistentMacros'), w);
}

/** The maps sendmail has without a K line: `host` (for `$[ $]`). */
function builtinMaps(engine: RewriteEngine, env: MapEnvironment, file: string, print: (line: string) => void): void {
  const pos = { file, line: 0 };
  const rawArgs = '-a. -D';
  const decl: MapDecl = { name: 'host', className: 'host', flags: parseMapFlags(rawArgs, pos).flags, args: [], rawArgs, pos };
  if (isMapClass('host')) openMap(decl, engine, env, print);
}

export async function loadConfig(opts: LoadOptions): Promise<LoadedConfig> {
  const file = opts.file;
  const shown = opts.print;
  // while the cf is read, a diagnostic is a read error; after, a map's or the engine's report
  let reading = true;
  let readErrors = 0;
  let readErrorStatus = 0;
  const osErrorLines = new Set<string>();
  // status 0: a warning, printed without making the cf one with read errors
  const print = (line: string, status = EX_SOFTWARE): void => {
    if (reading && status !== 0) {
      readErrors++;
      if (readErrorStatus === 0) readErrorStatus = status;
      if (status === EX_OSERR) osErrorLines.add(line);
    }
    shown(line);
  };
  const macros = new MacroTable();
  const classes = new ClassTable();
  const config: Config = {
    file,
    level: 0,
    vendor: '',
    options: new Map(),
    mailers: builtinMailers(),
    headers: [],
    trustedUsers: [],
    precedences: new Map(),
    queueGroups: [],
    milters: [],
    maps: [],
    environment: new Map(),
  };
  const engine = new RewriteEngine({
    macros,
    classes,
    table: tokenTable(DEFAULT_OPERATOR_CHARS),
    spaceSub: ' ',
    print,
  });
  initHostMacros(macros, classes, opts.hostName ?? hostname());
  if (opts.opMode !== undefined) macros.setByName('opMode', opts.opMode);

  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'No such file or directory' : err.code === 'EACCES' ? 'Permission denied' : err.message;
    throw new ConfigOpenError(`${file}: line 0: cannot open: ${why}`);
  }

  const at = (pos: number, msg: string): void => print(`${file}: line ${pos}: ${msg}`);
  const env: MapEnvironment = {
    getMap: (name) => engine.maps.get(name),
    // the scope of the ruleset run in progress (a session's own macros in the daemon)
    getMacro: (name) => engine.activeMacros.value(names.id(name)),
    setMacro: (name, value) => engine.activeMacros.setByName(name, value),
    option: (name) => config.options.get(name),
    report: (m) => print(m),
  };

  builtinMaps(engine, env, file, print);
  let currentRuleset = -1;
  for (const { text: raw, line } of foldLines(text)) {
    if (raw.length === 0 || raw[0] === '#') continue;
    const kind = raw[0]!;
    const rest = raw.slice(1);
    const pos: SourcePos = { file, line };
    switch (kind) {
      case 'R': {
        const tab = rest.indexOf('\t');
        if (tab < 0) {
          at(line, `invalid rewrite line "${raw}" (tab expected)`);
          break;
        }
        const lhsText = rest.slice(0, tab);
        let r = tab;
        while (r < rest.length && rest[r] === '\t') r++;
        let rEnd = rest.indexOf('\t', r);
        if (rEnd < 0) rEnd = rest.length;
        const rhsText = rest.slice(r, rEnd).replace(/\n/g, '');
        if (currentRuleset < 0) {
          // sendmail shows the line with each `$` as a \x01 byte here
          at(line, `missing valid ruleset for "${raw.split('$').join('\x01')}"`);
          break;
        }
        const lhs = tokenizeRuleText(macros.expand(translateDollars(lhsText)), engine.table);
        const rhs = tokenizeRuleText(macros.expand(translateDollars(rhsText)), engine.table);
        const rule = compileRule(lhs, rhs, file, line);
        for (const p of checkRule(rhs, rule.bindings)) at(line, p);
        engine.addRule(currentRuleset, rule);
        break;
      }
      case 'S': {
        const res = engine.declareRuleset(rest);
        if (typeof res === 'string') {
          at(line, res);
          currentRuleset = -1;
        } else currentRuleset = res;
        break;
      }
      case 'D': {
        const nm = readName(rest, 0);
        if (!nm) {
          at(line, 'Name required for macro/class');
          break;
        }
        macros.setByName(nm.name, translateDollars(rest.slice(nm.next)));
        // old configurations name their operator characters in $o
        if (nm.name === 'o' && config.level < 6 && !config.options.has('OperatorChars')) {
          engine.table = tokenTable(macros.value('o') ?? DEFAULT_OPERATOR_CHARS);
        }
        break;
      }
      case 'C': {
        const nm = readName(rest, 0);
        if (!nm) {
          at(line, 'Name required for macro/class');
          break;
        }
        addClassWords(classes, macros, names.id(nm.name), rest.slice(nm.next));
        break;
      }
      case 'F': {
        const nm = readName(rest, 0);
        if (!nm) {
          at(line, 'Name required for macro/class');
          break;
        }
        await fileClass(names.id(nm.name), rest.slice(nm.next), pos, classes, macros, env, print);
        break;
      }
      case 'T':
        for (const w of macros.expand(translateDollars(rest)).split(/[\s,]+/)) {
          if (w.length === 0) continue;
          config.trustedUsers.push(w);
          classes.add('t', w);
        }
        break;
      case 'P': {
        const eq = rest.indexOf('=');
        if (eq < 0) at(line, `invalid precedence line "${raw}"`);
        else config.precedences.set(rest.slice(0, eq).trim(), Number.parseInt(rest.slice(eq + 1), 10) || 0);
        break;
      }
      case 'O': {
        const opt = parseOptionText(rest);
        if (!opt) break;
        // a long name is matched as sendmail matches it (case, abbreviations); an unknown one is an error
        const long = rest[0] === ' ' || rest[0] === '\t';
        const resolved = long ? resolveOptionName(opt.name) : { name: opt.name };
        if ('error' in resolved) {
          at(line, resolved.error);
          break;
        }
        if (resolved.warning) shown(`${file}: line ${line}: ${resolved.warning}`);
        checkDeliveryMode(resolved.name, opt.value, (m) => at(line, m), osErrorLines);
        setOption(config, engine, resolved.name, opt.value);
        break;
      }
      case 'V': {
        const m = /^\s*(\d+)(?:\/(.*))?/.exec(rest);
        if (m) {
          config.level = Number(m[1]);
          config.vendor = (m[2] ?? '').trim();
        }
        break;
      }
      case 'M': {
        const res = parseMailer(rest, pos);
        if (typeof res === 'string') {
          at(line, res);
          break;
        }
        const idx = config.mailers.findIndex((m) => m.name === res.name);
        if (idx >= 0) config.mailers[idx] = res;
        else config.mailers.push(res);
        break;
      }
      case 'H': {
        const h = parseHeader(rest, pos);
        if (h) config.headers.push(h);
        else at(line, `invalid header line "${raw}"`);
        break;
      }
      case 'K': {
        const decl = parseMapLine(rest, pos, print);
        if (!decl) {
          at(line, `readcf: config K line: no map name`);
          break;
        }
        config.maps.push(decl);
        openMap(decl, engine, env, print);
        break;
      }
      case 'Q':
      case 'X': {
        const comma = rest.indexOf(',');
        const name = (comma < 0 ? rest : rest.slice(0, comma)).trim();
        const fields = parseFields(comma < 0 ? '' : rest.slice(comma + 1));
        if (kind === 'X') {
          // a mail filter needs a name right after the X and a socket (S=), as sendmail 8.17 says
          if (name === '' || /^[ \t]/.test(rest)) {
            at(line, 'name required for mail filter');
            break;
          }
          if (!fields.get('S')) {
            at(line, `X${name}: empty or missing socket information`);
            break;
          }
        }
        (kind === 'Q' ? config.queueGroups : config.milters).push({ name, fields, pos });
        break;
      }
      case 'E': {
        const eq = rest.indexOf('=');
        if (eq < 0) config.environment.set(rest.trim(), process.env[rest.trim()]);
        else config.environment.set(rest.slice(0, eq).trim(), rest.slice(eq + 1));
        break;
      }
      case 'L':
      case 'G':
        break;
      default:
        at(line, `unknown configuration line "${raw}"`);
    }
  }
  if (config.level < MAX_CONFIG_LEVEL) {
    shown(`Warning: .cf file is out of date: sendmail ${SENDMAIL_VERSION} supports version ${MAX_CONFIG_LEVEL}, .cf file is version ${config.level}`);
  }
  for (const o of opts.overrides ?? []) {
    // -O names as in the cf; what sendmail says of a bad one is a warning here (the option is not set)
    const resolved = o.name.length > 1 ? resolveOptionName(o.name) : { name: o.name };
    if ('error' in resolved) {
      shown(resolved.error);
      continue;
    }
    if (resolved.warning) shown(resolved.warning);
    checkDeliveryMode(resolved.name, o.value, shown, osErrorLines);
    setOption(config, engine, resolved.name, o.value);
  }
  // once, for the value the cf and the command line leave
  const maxHeaders = Number.parseInt(config.options.get('MaxHeadersLength')?.trim() ?? '', 10);
  if (maxHeaders > 0 && maxHeaders < LOW_HEADERS_LENGTH) shown(`Warning: MaxHeadersLength: headers length limit set lower than ${LOW_HEADERS_LENGTH}`);
  if (opts.hostName !== undefined) {
    // the resolver's local domain follows the host name we were given, as the C library's does
    const conf = readResolvConf(undefined, opts.hostName);
    useResolver(
      env,
      new Resolver({
        nameservers: conf.nameservers,
        timeoutMs: conf.timeoutMs,
        attempts: conf.attempts,
        domain: conf.domain,
        hostsFile: config.options.get('HostsFile') || '/etc/hosts',
        serviceSwitchFile: config.options.get('ServiceSwitchFile') || '/etc/mail/service.switch',
      }),
    );
  }
  if (!engine.maps.has('aliases') && !engine.closedMaps.has('aliases')) aliasMap(config, engine, env, print);
  if (opts.probeInterfaces !== false && !optionIsTrue(config.options.get('DontProbeInterfaces'))) {
    await addInterfaceNames(classes, resolverFor(env));
  }
  reading = false;
  return { config, engine, macros, classes, env, readErrors, readErrorStatus, osErrorLines };
}

/** sendmail's reading of a boolean option: no value, or one starting with t or y, is true. */
function optionIsTrue(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim();
  return v === '' || /^[tTyY]/.test(v);
}

/**
 * This host's other names in class w, as sendmail probes its network
 * interfaces (unless DontProbeInterfaces): each IPv4 address of an
 * interface that is up as `[a.b.c.d]`, and each name the address has
 * (gethostbyaddr's name and aliases) that class w does not hold yet, with
 * that name in brackets too (observed of 8.17: `localhost [localhost]`).
 * IPv6 addresses are not added, as in 8.17.
 */
async function addInterfaceNames(classes: ClassTable, resolver: Resolver): Promise<void> {
  const addresses: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !addresses.includes(a.address)) addresses.push(a.address);
  }
  const names = await Promise.all(addresses.map((a) => interfaceNames(resolver, a)));
  addresses.forEach((address, i) => {
    classes.add('w', `[${address}]`);
    for (const name of names[i]!) {
      if (classes.has('w', name)) continue;
      classes.add('w', name);
      classes.add('w', `[${name}]`);
    }
  });
}

/**
 * Names of this host's addresses, kept a minute: a process that reads its
 * cf again and again (tests, quick SIGHUPs) asks once, a later reload anew.
 */
const namesOfAddress = new Map<string, { at: number; names: Promise<string[]> }>();
const NAMES_KEPT_MS = 60_000;

function interfaceNames(resolver: Resolver, address: string): Promise<string[]> {
  const now = Date.now();
  let kept = namesOfAddress.get(address);
  if (!kept || now - kept.at > NAMES_KEPT_MS) {
    kept = { at: now, names: resolver.reverseNames(address).catch(() => []) };
    namesOfAddress.set(address, kept);
  }
  return kept.names;
}

/** DeliveryMode's letter must be one sendmail knows (i, b, q, d; case matters): else reading ends, exit 64. */
function checkDeliveryMode(name: string, value: string, report: (message: string) => void, osErrorLines: ReadonlySet<string>): void {
  if (name !== 'DeliveryMode') return;
  const letter = value.trim().charAt(0);
  if (letter === '' || 'ibqd'.includes(letter)) return;
  const message = `Unknown delivery mode ${letter}`;
  report(message);
  throw new ConfigFatalError(message, EX_USAGE, osErrorLines);
}

/** Below this MaxHeadersLength sendmail warns that the limit is low (and keeps it). */
const LOW_HEADERS_LENGTH = 16384;

function setOption(config: Config, engine: RewriteEngine, name: string, value: string): void {
  config.options.set(name, value);
  if (name === 'OperatorChars') engine.table = tokenTable(value.trim() + '');
  else if (name === 'BlankSub') engine.spaceSub = value.length > 0 ? value[0]! : ' ';
}

/**
 * The `aliases` map sendmail builds from the AliasFile option: each entry
 * (`[class:][flags ]file`, class implicit by default, keys stored with their
 * NUL byte) looked up in turn.
 */
function aliasMap(config: Config, engine: RewriteEngine, env: MapEnvironment, print: (line: string) => void): void {
  const spec = config.options.get('AliasFile');
  if (spec === undefined || spec.trim() === '') return;
  const parts: SendmailMap[] = [];
  const pos = { file: config.file, line: 0 };
  spec.split(',').forEach((entry, i) => {
    const e = entry.trim();
    if (e.length === 0) return;
    const m = /^([A-Za-z0-9_.-]+):(.*)$/s.exec(e);
    const className = m ? m[1]! : 'implicit';
    const rawArgs = `-N ${(m ? m[2]! : e).trim()}`;
    if (!isMapClass(className)) return;
    const parsed = parseMapFlags(rawArgs, pos, { mapName: `Alias${i}`, className });
    const decl: MapDecl = { name: `Alias${i}`, className, flags: parsed.flags, args: parsed.args, rawArgs, pos };
    try {
      parts.push(createMap(decl, env));
    } catch (err) {
      if (err instanceof MapOpenError) {
        if (!err.silent) print(err.describe());
      } else throw err;
    }
  });
  if (parts.length === 0) return;
  const decl: MapDecl = { name: 'aliases', className: 'sequence', flags: parseMapFlags('', pos).flags, args: [], rawArgs: '', pos };
  engine.maps.set('aliases', {
    decl,
    lookup: async (key, args) => {
      let last: Awaited<ReturnType<SendmailMap['lookup']>> = { status: 'notfound', code: 68 };
      for (const p of parts) {
        const r = await p.lookup(key, args);
        if (r.status === 'found') return r;
        if (r.status === 'tempfail') last = r;
      }
      return last;
    },
  });
}

/** Words of a C line; `$=X` inside adds X's members. */
function addClassWords(classes: ClassTable, macros: MacroTable, id: string, text: string): void {
  const expanded = macros.expand(translateDollars(text));
  for (const w of expanded.split(/[ \t\n]+/)) {
    if (w.length === 0) continue;
    if (w[0] === OP.MATCHCLASS && w.length === 2) {
      for (const m of classes.members(w[1]!)) classes.add(id, m);
      continue;
    }
    classes.add(id, w);
  }
}

/** Read an F line: a file (with optional scanf pattern), a program, or a map. */
async function fileClass(
  id: string,
  spec: string,
  pos: SourcePos,
  classes: ClassTable,
  macros: MacroTable,
  env: MapEnvironment,
  print: (line: string, status?: number) => void,
): Promise<void> {
  let s = macros.expand(translateDollars(spec)).replace(/^[ \t]+/, '');
  let optional = false;
  while (s.startsWith('-')) {
    const m = /^-(\S*)\s*/.exec(s)!;
    if (m[1]!.includes('o')) optional = true;
    s = s.slice(m[0].length);
  }
  if (s.startsWith('|')) {
    let out = '';
    try {
      out = execFileSync('/bin/sh', ['-c', s.slice(1)], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      if (!optional) print(`${pos.file}: line ${pos.line}: fileclass: cannot exec ${s.slice(1)}`);
    }
    for (const line of out.split('\n')) for (const w of line.split(/\s+/)) if (w) classes.add(id, w);
    return;
  }
  const sp = s.search(/\s/);
  const path = sp < 0 ? s : s.slice(0, sp);
  const pattern = sp < 0 ? '' : s.slice(sp).trim();
  const atSign = path.indexOf('@');
  if (!path.startsWith('/') && atSign > 0) {
    // key@class:file — the words of one map entry
    const key = path.slice(0, atSign);
    const mapSpec = path.slice(atSign + 1);
    const colon = mapSpec.indexOf(':');
    const className = colon < 0 ? mapSpec : mapSpec.slice(0, colon);
    const arg = colon < 0 ? '' : mapSpec.slice(colon + 1);
    if (!isMapClass(className)) return;
    const flags = parseMapFlags(arg, pos, { className });
    const decl: MapDecl = { name: `${className}:${arg}`, className, flags: flags.flags, args: flags.args, rawArgs: arg, pos };
    try {
      const map = createMap(decl, env);
      let r = map.lookup(key, []);
      if (r instanceof Promise) r = await r;
      if (r.status === 'found') for (const w of r.value.split(/\s+/)) if (w) classes.add(id, w);
    } catch (e) {
      if (!optional && e instanceof MapOpenError && !e.silent) print(e.describe());
    }
    return;
  }
  let data: string;
  try {
    data = readFileSync(path, 'latin1');
  } catch (e) {
    if (!optional) {
      const code = (e as NodeJS.ErrnoException).code;
      print(`${pos.file}: line ${pos.line}: fileclass: cannot open '${path}': ${code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : String(code)}`, EX_OSERR);
    }
    return;
  }
  const scan = pattern ? scanfMatcher(pattern) : null;
  for (const line of data.split('\n')) {
    if (line.startsWith('#')) continue;
    if (scan) {
      const w = scan(line);
      if (w) classes.add(id, w);
      continue;
    }
    for (const w of line.split(/[ \t\r]+/)) if (w) classes.add(id, w);
  }
}

/** A tiny sscanf for F-line patterns: literal text and one %s or %[set]. */
function scanfMatcher(pattern: string): (line: string) => string | null {
  let re = '^\\s*';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '%' && pattern[i + 1] === 's') {
      re += '(\\S+)';
      i++;
    } else if (c === '%' && pattern[i + 1] === '[') {
      const close = pattern.indexOf(']', i + 3);
      const set = pattern.slice(i + 2, close < 0 ? pattern.length : close);
      const neg = set.startsWith('^');
      const body = (neg ? set.slice(1) : set).replace(/[\\\]]/g, '\\$&');
      re += `([${neg ? '^' : ''}${body}\\n]+)`;
      i = close < 0 ? pattern.length : close;
    } else if (/\s/.test(c)) re += '\\s*';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const rx = new RegExp(re);
  return (line) => {
    const m = rx.exec(line);
    return m && m[1] ? m[1] : null;
  };
}

function parseFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of splitFields(text)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return fields;
}

function parseHeader(rest: string, pos: SourcePos): HeaderDecl | null {
  let s = rest;
  let flags = '';
  let condition: string | undefined;
  if (s.startsWith('?')) {
    const end = s.indexOf('?', 1);
    if (end < 0) return null;
    const inner = s.slice(1, end);
    if (inner.startsWith('$')) condition = inner;
    else flags = inner;
    s = s.slice(end + 1);
  }
  const colon = s.indexOf(':');
  if (colon < 0) return null;
  return { flags, name: s.slice(0, colon).trim(), value: s.slice(colon + 1).replace(/^[ \t]+/, ''), condition, pos };
}

function parseMapLine(rest: string, pos: SourcePos, print: (line: string) => void): MapDecl | null {
  const m = /^\s*(\S+)\s+(\S+)(.*)$/s.exec(rest);
  if (!m) return null;
  const name = m[1]!;
  const className = m[2]!;
  const rawArgs = m[3]!.replace(/^[ \t]+/, '');
  const parsed = parseMapFlags(rawArgs, pos, { mapName: name, className });
  for (const p of parsed.problems) print(p);
  return { name, className, flags: parsed.flags, args: parsed.args, rawArgs, pos };
}

function openMap(decl: MapDecl, engine: RewriteEngine, env: MapEnvironment, print: (line: string, status?: number) => void): void {
  engine.maps.delete(decl.name);
  if (!isMapClass(decl.className)) {
    print(`${decl.pos.file}: line ${decl.pos.line}: readcf: map ${decl.name}: class ${decl.className} not available`);
    return;
  }
  try {
    const map: SendmailMap = createMap(decl, env);
    engine.maps.set(decl.name, map);
  } catch (e) {
    if (e instanceof MapOpenError) {
      if (!e.silent) print(e.describe(), e.warning ? 0 : undefined);
      engine.closedMaps.add(decl.name);
    } else throw e;
  }
}

