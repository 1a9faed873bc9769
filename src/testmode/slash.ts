/**
 * src/testmode/slash.ts — the `/` commands of address test mode:
 * /map /canon /mx /parse /try /tryflags /quit.
 *
 * /parse follows sendmail's parseaddr: rulesets 3 and 0, then the mailer
 * triple is built and the user part rewritten (2, the mailer's recipient
 * ruleset, 4); /try follows remotename: 3, 1 or 2, the mailer's ruleset, 4,
 * then the comment template of crackaddr is filled in.
 */
import type { LookupResult } from '../maps/types.js';
import type { MailerDecl } from '../config/types.js';
import { prescan } from '../rewrite/prescan.js';
import { cataddr } from '../rewrite/cataddr.js';
import { splitTriple } from '../rewrite/triple.js';
import { resolverFor } from '../maps/classes/resolverFor.js';
import { stripQuotes } from '../maps/common.js';
import { OP, diagText, showText } from '../rewrite/tokens.js';
import { EX_TEMPFAIL } from '../rewrite/engine.js';
import type { TestMode } from './index.js';
import { finishAddress } from '../address/buildaddr.js';
import { TRANSIENT_PARSE_ERROR } from '../address/parse.js';

/** The `$g` placeholder in a crackaddr template. */
const G = OP.MACROEXPAND + 'g';

/**
 * sendmail's crackaddr: the address with its machine part replaced by `$g`,
 * keeping phrases and comments (`Full Name <$g>`, `$g (Comment)`).
 */
export function crackaddr(addr: string): string {
  // group syntax: keep "name:" and a closing ";" around the rest
  const colon = groupColon(addr);
  if (colon >= 0) {
    // the name is quoted as a phrase is (a route "@a,@b:u@c" gives "@a,@b":$g)
    const prefix = quotePhrase(addr.slice(0, colon)) + ':' + (addr[colon + 1] === ' ' ? ' ' : '');
    let rest = addr.slice(colon + 1).trim();
    const semi = rest.endsWith(';');
    if (semi) rest = rest.slice(0, -1).trim();
    const inner = crackaddr(rest);
    if (inner === '') return prefix.trimEnd() + (semi ? ';' : '') + G;
    return prefix + inner + (semi ? ';' : '');
  }
  // an angle-bracket group outside quotes and comments wins; with several,
  // the last (what comes before it is the phrase)
  const lt = lastBareAngle(addr);
  if (lt >= 0) {
    let nest = 0;
    let j = lt;
    for (; j < addr.length; j++) {
      if (addr[j] === '<') nest++;
      else if (addr[j] === '>' && --nest === 0) break;
    }
    const close = j < addr.length ? j + 1 : addr.length;
    return quotePhrase(addr.slice(0, lt)) + '<' + crackAngle(addr.slice(lt + 1, j)) + '>' + addr.slice(close);
  }
  let out = '';
  let emitted = false;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < addr.length; i++) {
    const c = addr[i]!;
    if (depth > 0) {
      out += c;
      if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    if (!quoted && c === '(') {
      depth = 1;
      out += c;
      continue;
    }
    if (!quoted && (c === ' ' || c === '\t')) {
      if (!out.endsWith(' ')) out += ' ';
      continue;
    }
    if (!quoted && c === ';') {
      out = out.trimEnd() + ';';
      break;
    }
    if (c === '"') quoted = !quoted;
    if (!emitted) {
      out += G;
      emitted = true;
    }
  }
  if (depth > 0) out += ')'.repeat(depth);
  return out.trim();
}

/**
 * The inside of `<...>`: the address becomes `$g` where its first character
 * (a blank too) is, comments stay, each after a blank: `<(x) u@c(y)>` gives
 * `< (x) $g (y)>`.
 */
function crackAngle(inner: string): string {
  let out = '';
  let emitted = false;
  const address = (): void => {
    if (emitted) return;
    out += (out.endsWith(')') ? ' ' : '') + G;
    emitted = true;
  };
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === '(') {
      let depth = 0;
      let j = i;
      for (; j < inner.length; j++) {
        if (inner[j] === '\\') j++;
        else if (inner[j] === '(') depth++;
        else if (inner[j] === ')' && --depth === 0) break;
      }
      out += ' ' + inner.slice(i, j + 1) + (j >= inner.length ? ')'.repeat(depth) : '');
      i = j;
      continue;
    }
    address();
    if (c === '\\') i++;
    else if (c === '"') {
      for (i++; i < inner.length && inner[i] !== '"'; i++) if (inner[i] === '\\') i++;
    }
  }
  return out;
}

/** Index of the last `<` outside quotes, escapes, comments and other `<...>`, or -1. */
function lastBareAngle(addr: string): number {
  let last = -1;
  for (let from = 0; ; ) {
    const i = firstBare(addr.slice(from), '<');
    if (i < 0) return last;
    last = from + i;
    let nest = 0;
    let j = last;
    for (; j < addr.length; j++) {
      if (addr[j] === '<') nest++;
      else if (addr[j] === '>' && --nest === 0) break;
    }
    if (j >= addr.length) return last;
    from = j + 1;
  }
}

/** Characters that make crackaddr quote the phrase before `<`. */
const MUST_QUOTE = "@,;:\\()[].'";

/**
 * crackaddr's phrase before `<`: when it has one of MUST_QUOTE outside
 * quotes and comments, the whole phrase (without its trailing white space)
 * is put in quotes; its own quote marks become `\"` and a backslash inside
 * a quoted string is doubled (the character it escapes is kept as is).
 */
function quotePhrase(phrase: string): string {
  const body = phrase.trimEnd();
  let must = false;
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < body.length && !must; i++) {
    const c = body[i]!;
    if (c === '\\') i++;
    else if (quoted) quoted = c !== '"';
    else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0 && MUST_QUOTE.includes(c)) must = true;
  }
  if (!must) return phrase;
  let out = '"';
  quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      out += quoted ? '\\\\' : '\\';
      if (i + 1 < body.length) out += body[++i];
    } else if (c === '"') {
      quoted = !quoted;
      out += '\\"';
    } else out += c;
  }
  return out + '"' + phrase.slice(body.length);
}

/**
 * Index of the first of `chars` outside quotes, backslash escapes and
 * comments, or -1.
 */
function firstBare(addr: string, chars: string): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < addr.length; i++) {
    const c = addr[i]!;
    if (c === '\\') i++;
    else if (quoted) quoted = c !== '"';
    else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0 && chars.includes(c)) return i;
  }
  return -1;
}

/** Index of a group name's colon (`name: addr, ...;`), or -1. */
function groupColon(addr: string): number {
  const i = firstBare(addr, '<:');
  if (i < 0 || addr[i] === '<') return -1;
  return addr[i + 1] === ':' ? -1 : i;
}

export function slashCommand(tm: TestMode, line: string): void | Promise<void> {
  const out = tm.out;
  const m = /^\/(\S*)\s*(.*)$/s.exec(line)!;
  const cmd = m[1]!;
  const arg = m[2]!;
  switch (cmd) {
    case '':
      out.line('Usage: /[canon|map|mx|parse|try|tryflags]');
      return;
    case 'quit':
      tm.quit = true;
      return;
    case 'tryflags': {
      if (arg.length === 0) {
        out.line('Usage: /tryflags [Hh|Ee][Ss|Rr]');
        return;
      }
      for (const c of arg) {
        if (c === 'H' || c === 'h') tm.tryFlags.header = true;
        else if (c === 'E' || c === 'e') tm.tryFlags.header = false;
        else if (c === 'S' || c === 's') tm.tryFlags.sender = true;
        else if (c === 'R' || c === 'r') tm.tryFlags.sender = false;
      }
      setAddrType(tm);
      return;
    }
    case 'map':
      return mapCommand(tm, arg);
    case 'mx':
      if (arg.length === 0) {
        out.line('Usage: /mx address');
        return;
      }
      return mxCommand(tm, arg);
    case 'canon':
      if (arg.length === 0) {
        out.line('Usage: /canon address');
        return;
      }
      return canonCommand(tm, arg);
    case 'parse':
      if (arg.length === 0) {
        out.line('Usage: /parse address');
        return;
      }
      return parseCommand(tm, arg);
    case 'try': {
      const mm = /^(\S+)\s+(.*\S.*)$/s.exec(arg);
      if (!mm) {
        out.line('Usage: /try mailer address');
        return;
      }
      const mailer = tm.loaded.config.mailers.find((x) => x.name === mm[1]);
      if (!mailer) {
        out.line(`Unknown mailer ${mm[1]}`);
        return;
      }
      return tryCommand(tm, mailer, mm[2]!);
    }
    default:
      out.line(`Unknown "/" command /${cmd}`);
  }
}

function mapCommand(tm: TestMode, arg: string): void | Promise<void> {
  const out = tm.out;
  const m = /^(\S+)\s*(.*)$/s.exec(arg);
  if (!m) {
    out.line('Usage: /map mapname key');
    return;
  }
  if (m[2] === '') {
    out.line('No key specified');
    return;
  }
  const name = m[1]!;
  const key = m[2]!;
  const engine = tm.loaded.engine;
  const map = engine.maps.get(name);
  if (!map) {
    out.line(engine.closedMaps.has(name) ? `Map named "${name}" not open` : `Map named "${name}" not found`);
    return;
  }
  // diagnostics a class prints during the lookup come between the key and the verdict
  const head = `map_lookup: ${name} (${key}) `;
  const show = (r: LookupResult): void => {
    if (r.status === 'tempfail' && r.report !== undefined) {
      out.line(`${head}${r.report}`);
      out.line(`no match (${r.code ?? 75})`);
    } else if (r.status === 'found') out.line(`${head}returns ${r.value} (${r.code ?? 0})`);
    else out.line(`${head}no match (${r.code ?? (r.status === 'tempfail' ? 75 : 0)})`);
  };
  const r = map.lookup(key, []);
  if (r instanceof Promise) return r.then(show);
  show(r);
}

async function mxCommand(tm: TestMode, host: string): Promise<void> {
  const { count, hosts } = await resolverFor(tm.loaded.env).getmxrr(host);
  tm.out.line(`getmxrr(${host}) returns ${count} value(s):`);
  for (const h of hosts) tm.out.line(`\t${h}`);
}

async function canonCommand(tm: TestMode, host: string): Promise<void> {
  let result = host;
  const map = tm.loaded.engine.maps.get('host');
  if (map && !host.startsWith('[')) {
    const r = await map.lookup(host, []);
    if (r.status === 'found') {
      result = r.value;
      const app = map.decl.flags.append;
      if (app !== undefined && result.endsWith(app)) result = result.slice(0, result.length - app.length);
    }
  }
  tm.out.line(`getcanonname(${host}) returns ${result}`);
}

/** The number of a mailer's ruleset reference; 0 when unset or unknown. */
function mailerRuleset(tm: TestMode, ref: string | undefined): number {
  if (ref === undefined || ref === '') return 0;
  const n = tm.loaded.engine.findRuleset(ref, () => {});
  return n < 0 ? 0 : n;
}

async function parseCommand(tm: TestMode, addr: string): Promise<void> {
  const out = tm.out;
  const { engine, config, macros } = tm.loaded;
  const table = engine.table;
  out.line(`Cracked address = ${showText(crackaddr(addr))}`);
  const { header, sender } = tm.tryFlags;
  out.line(`Parsing ${header ? 'header' : 'envelope'} ${sender ? 'sender' : 'recipient'} address`);
  const r = prescan(addr, 0, '', table, (msg) => out.line(`${diagText(addr)}... ${msg}`), true);
  if (!r.tokens) {
    out.line('Cannot parse');
    return;
  }
  const pvp = r.tokens;
  const tempfail3 = (await engine.rewrite(pvp, 3)) === EX_TEMPFAIL;
  const transient = (await engine.rewrite(pvp, 0)) === EX_TEMPFAIL || tempfail3;
  // buildaddr's refusals: -bt prints them without the address, then the
  // error mailer it falls back to.
  const refuse = (why: string): void => {
    out.line(`buildaddr: ${why}`);
    out.line('mailer *error*, user ');
  };
  const triple = splitTriple(pvp);
  if (!triple) {
    refuse('no mailer in parsed address');
    return;
  }
  if (pvp.indexOf(OP.CANONUSER, 2) < 0) {
    refuse('no user');
    return;
  }
  const mailerName = triple.mailer;
  const hostToks = triple.host;
  let userToks = triple.user;
  if (mailerName === 'error') {
    const host = cataddr(hostToks, engine.spaceSub, table);
    const user = cataddr(userToks, ' ', table);
    const text = stripQuotes(user);
    const m = /^([245]\d\d) (.*)$/s.exec(text);
    let msg = m ? m[2]! : text;
    const dsn = /^\d\.\d{1,3}\.\d{1,3} /.exec(msg);
    if (m && dsn) msg = msg.slice(dsn[0].length);
    out.line(m && m[1] === '551' ? msg : `${diagText(addr)}... ${msg}`);
    out.line(`mailer *error*, host ${host}, user ${user}`);
    return;
  }
  let mailer: MailerDecl | undefined = config.mailers.find((x) => x.name === mailerName);
  if (!mailer) {
    refuse(`unknown mailer ${mailerName}`);
    return;
  }
  const { decl, host, user } = await finishAddress(tm.loaded, mailer, hostToks, userToks, false);
  mailer = decl;
  if (transient) out.line(`${diagText(addr)}... ${TRANSIENT_PARSE_ERROR}`);
  out.line(hostToks.length > 0 ? `mailer ${mailer.name}, host ${host}, user ${user}` : `mailer ${mailer.name}, user ${user}`);
}

async function tryCommand(tm: TestMode, mailer: MailerDecl, addr: string): Promise<void> {
  const out = tm.out;
  const { engine } = tm.loaded;
  const { header, sender } = tm.tryFlags;
  out.line(`Trying ${header ? 'header' : 'envelope'} ${sender ? 'sender' : 'recipient'} address ${addr} for mailer ${mailer.name}`);
  setAddrType(tm);
  const pair = sender ? mailer.senderRulesets : mailer.recipientRulesets;
  const rwset = mailerRuleset(tm, pair?.[header ? 1 : 0]);
  const fancy = mailer.flags.has('c') ? G : crackaddr(addr);
  let rcode = 0;
  const r = prescan(addr, 0, '', engine.table, (msg) => out.line(`${diagText(addr)}... ${msg}`), true);
  let result = addr;
  if (r.tokens) {
    const pvp = r.tokens;
    const note = (st: number): void => {
      if (st === EX_TEMPFAIL) rcode = EX_TEMPFAIL;
    };
    note(await engine.rewrite(pvp, 3));
    note(await engine.rewrite(pvp, sender ? 1 : 2));
    if (rwset > 0) note(await engine.rewrite(pvp, rwset));
    note(await engine.rewrite(pvp, 4));
    const g = cataddr(pvp, engine.spaceSub, engine.table);
    result = fancy.split(G).join(g);
  }
  out.line(`Rcode = ${rcode}, addr = ${result}`);
}

/** ${addr_type}: `e`/`h` and `s`/`r`, as the /tryflags state says. */
function setAddrType(tm: TestMode): void {
  const { header, sender } = tm.tryFlags;
  tm.loaded.macros.setByName('addr_type', `${header ? 'h' : 'e'} ${sender ? 's' : 'r'}`);
}
