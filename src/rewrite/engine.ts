/**
 * src/rewrite/engine.ts — the rewrite engine: rulesets, matching, RHS
 * substitution, map lookups and subroutine calls, with the -bt trace.
 *
 * Behaviour follows sendmail 8.17: a rule is retried until it stops matching
 * (at most 100 times), `$:` applies a rule once, `$@` returns, a result
 * starting with `$#` ends the ruleset, `$>` calls run right to left and each
 * call rewrites everything after it, recursion stops at depth 50.
 *
 * Rewriting runs synchronously.  When a map lookup returns a Promise, the
 * run stops (NeedAsync), the lookup is awaited and remembered, the caller's
 * tokens, the output since the start (through the mark/rollback hooks) and
 * changed macros are restored, and the ruleset runs again, the remembered
 * lookups now answering at once.  Synchronous maps cost nothing extra.
 */
import type { LookupResult, SendmailMap } from '../maps/types.js';
import { dequoteMapKey } from '../maps/common.js';
import type { ClassTable } from './classes.js';
import type { MacroTable } from './macros.js';
import { prescan, tokenize, type TokenTable, MAXATOM } from './prescan.js';
import { cataddr } from './cataddr.js';
import { PatKind, literalIds, type CompiledRule, type PatElem } from './rules.js';
import { OP, diagText, showTokens } from './tokens.js';

/** sysexits values used by the engine. */
export const EX_OK = 0;
export const EX_USAGE = 64;
export const EX_DATAERR = 65;
export const EX_UNAVAILABLE = 69;
export const EX_SOFTWARE = 70;
export const EX_TEMPFAIL = 75;
export const EX_CONFIG = 78;

export const MAXRWSETS = 200;
export const MAX_NUMBERED_RULESET = MAXRWSETS / 2;
const MAX_RECURSION = 50;
const MAX_LOOP = 100;
const MAX_SUBR = 50;
const MAX_MAP_ARGS = 10;

/** Thrown inside a synchronous run when a lookup has to wait. */
class NeedAsync {
  constructor(
    readonly key: string,
    readonly promise: Promise<LookupResult>,
  ) {}
}

/** Upper bound on re-runs of one rewrite for asynchronous lookups. */
const MAX_ASYNC_RERUNS = 1000;

export interface EngineOptions {
  macros: MacroTable;
  classes: ClassTable;
  table: TokenTable;
  /** BlankSub: joins atoms of map keys and arguments. */
  spaceSub: string;
  /** Where traces and diagnostics go. */
  print: (line: string) => void;
  /** Position in the printed output, and a way back to it (for re-runs). */
  mark?: () => number;
  rollback?: (mark: number) => void;
}

function pad16(name: string): string {
  return name.length >= 16 ? name.slice(0, 16) : name + ' '.repeat(16 - name.length);
}

/** The working state of one ruleset run. */
class Workspace {
  /** Lower-cased tokens, valid when lowerGen equals gen. */
  lower: string[] = [];
  lowerGen = -1;
  gen = 0;
  loopcount = 0;
  /** Bindings of the last match: count, and first/last token and pattern index of each. */
  mlp = 0;
  readonly first: number[] = [];
  readonly last: number[] = [];
  readonly mpat: number[] = [];
  constructor(
    /** The tokens being rewritten. */
    public pvp: string[],
    /** Literal number of each token (-1 when no rule names it). */
    public ids: number[],
  ) {}

  /** Start a new ruleset run (workspaces are reused per recursion depth). */
  reset(pvp: string[], ids: number[]): void {
    this.pvp = pvp;
    this.ids = ids;
    this.lowerGen = -1;
    this.loopcount = 0;
    this.mlp = 0;
  }
}

export class RewriteEngine {
  readonly rulesets: (CompiledRule[] | undefined)[] = new Array(MAXRWSETS);
  readonly rulesetNames: (string | undefined)[] = new Array(MAXRWSETS);
  readonly rulesetByName = new Map<string, number>();
  readonly maps = new Map<string, SendmailMap>();
  /** Declared maps that could not be opened (optional ones). */
  readonly closedMaps = new Set<string>();
  readonly macros: MacroTable;
  readonly classes: ClassTable;
  table: TokenTable;
  spaceSub: string;
  print: (line: string) => void;
  /** Print "input:"/"returns:" lines (address test mode). */
  trace = true;
  /** One workspace per recursion depth, reused. */
  private readonly workspaces: Workspace[] = [];
  /** Literal number by token as written (a cache of lower-casing and lookup). */
  private readonly tokenIds = new Map<string, number>();
  /** Ruleset labels padded or cut to 16 columns, by number. */
  private readonly paddedLabels: (string | undefined)[] = [];
  /** Per-literal generation stamps: which literals the current input holds. */
  private stamps = new Uint32Array(0);
  private generation = 0;
  /** Ruleset numbers of `$>` targets already resolved. */
  private readonly calledRulesets = new Map<string, number>();
  /** Next number for a named ruleset without one. */
  private nextNamed = MAXRWSETS - 1;

  constructor(opts: EngineOptions) {
    this.macros = opts.macros;
    this.scope = opts.macros;
    this.classes = opts.classes;
    this.table = opts.table;
    this.spaceSub = opts.spaceSub;
    this.print = opts.print;
    this.mark = opts.mark ?? (() => 0);
    this.rollback = opts.rollback ?? (() => {});
  }

  mark: () => number;
  rollback: (mark: number) => void;
  /** Answers of asynchronous lookups during the re-runs of one rewrite. */
  private memo: Map<string, LookupResult> | null = null;
  /** Macros of the synchronous run in progress. */
  private scope: MacroTable;

  /** The name a ruleset prints under. */
  rulesetLabel(rs: number): string {
    return this.rulesetNames[rs] ?? String(rs);
  }

  /**
   * Define (or find) a ruleset for an S line: `name`, `num` or `name=num`.
   * Returns the number or an error message.
   */
  declareRuleset(spec: string): number | string {
    spec = spec.trim();
    if (/^\d+$/.test(spec)) {
      const n = Number(spec);
      if (n >= MAX_NUMBERED_RULESET) return `bad ruleset ${n} (${MAX_NUMBERED_RULESET} max)`;
      return n;
    }
    const m = /^([A-Za-z0-9_]+)\s*(?:=\s*(\d+))?\s*$/.exec(spec);
    if (!m) return `invalid ruleset name: "${spec.slice(0, 20)}"`;
    const name = m[1]!;
    const existing = this.rulesetByName.get(name);
    if (m[2] !== undefined) {
      const n = Number(m[2]);
      if (n >= MAX_NUMBERED_RULESET) return `bad ruleset ${n} (${MAX_NUMBERED_RULESET} max)`;
      if (existing !== undefined && existing !== n) return `ruleset ${name} has multiple numbers`;
      this.rulesetByName.set(name, n);
      this.rulesetNames[n] = name;
      return n;
    }
    if (existing !== undefined) return existing;
    const n = this.nextNamed--;
    this.rulesetByName.set(name, n);
    this.rulesetNames[n] = name;
    return n;
  }

  /**
   * Find a ruleset by the text at the start of `spec` (sendmail's
   * strtorwset in find mode).  Returns -1 after printing what was wrong.
   */
  findRuleset(spec: string, report: (msg: string) => void): number {
    const c = spec.charCodeAt(0);
    if (c >= 48 && c <= 57) {
      let i = 0;
      while (i < spec.length && spec.charCodeAt(i) >= 48 && spec.charCodeAt(i) <= 57) i++;
      const n = Number(spec.slice(0, i));
      if (n >= MAX_NUMBERED_RULESET) {
        report(`bad ruleset ${n} (${MAX_NUMBERED_RULESET} max)`);
        return -1;
      }
      return n;
    }
    let i = 0;
    while (i < spec.length && /[A-Za-z0-9_]/.test(spec[i]!)) i++;
    if (i === 0) {
      report(`invalid ruleset name: "${spec.slice(0, 20)}"`);
      return -1;
    }
    return this.rulesetByName.get(spec.slice(0, i)) ?? -1;
  }

  /** Append a rule to ruleset `rs`. */
  addRule(rs: number, rule: CompiledRule): void {
    let list = this.rulesets[rs];
    if (!list) this.rulesets[rs] = list = [];
    list.push(rule);
  }

  /**
   * Rewrite `pvp` in place through ruleset `rs`; returns a sysexits status.
   * `macros` is the scope the run reads and changes (`$&x`, the macro map):
   * a session's or a message's overlay (MacroTable.scope()), by default the
   * config's own table.  Runs of different scopes may be in progress at once
   * (each waits for its own lookups); only one synchronous run is active at
   * a time, and it sees only its scope.
   */
  rewrite(pvp: string[], rs: number, macros: MacroTable = this.macros): number | Promise<number> {
    const saved = pvp.slice();
    const mark = this.mark();
    const journal = macros.startJournal();
    let status: number;
    try {
      status = this.runSync(pvp, rs, macros, null);
    } catch (e) {
      if (!(e instanceof NeedAsync)) {
        macros.endJournal(journal);
        throw e;
      }
      return this.rewriteAgain(pvp, rs, macros, saved, mark, journal, e);
    }
    macros.endJournal(journal);
    return status;
  }

  /** The scope of the synchronous run in progress (the config's table between runs). */
  get activeMacros(): MacroTable {
    return this.scope;
  }

  /** The one place a synchronous run starts: its scope and remembered lookups are set, then restored. */
  private runSync(pvp: string[], rs: number, macros: MacroTable, memo: Map<string, LookupResult> | null): number {
    const outerScope = this.scope;
    const outerMemo = this.memo;
    this.scope = macros;
    this.memo = memo;
    try {
      return this.rewriteSync(pvp, rs, 0, MAXATOM);
    } finally {
      this.scope = outerScope;
      this.memo = outerMemo;
    }
  }

  /** Await a lookup, restore the start state, run again; until no lookup waits. */
  private async rewriteAgain(
    pvp: string[],
    rs: number,
    macros: MacroTable,
    saved: string[],
    mark: number,
    journal: number,
    need: NeedAsync,
  ): Promise<number> {
    const memo = new Map<string, LookupResult>();
    try {
      for (let round = 0; ; round++) {
        memo.set(need.key, await need.promise);
        this.rollback(mark);
        macros.rollbackJournal(journal);
        pvp.length = 0;
        for (const t of saved) pvp.push(t);
        if (round >= MAX_ASYNC_RERUNS) {
          this.print('rewrite: too many asynchronous lookups');
          return EX_SOFTWARE;
        }
        try {
          return this.runSync(pvp, rs, macros, memo);
        } catch (e) {
          if (!(e instanceof NeedAsync)) throw e;
          need = e;
        }
      }
    } finally {
      macros.endJournal(journal);
    }
  }

  /** Match `pvp` against a pattern; fills `first`/`last` per binding. */
  private match(rule: CompiledRule, ws: Workspace): number {
    const pat = rule.pattern;
    const minRest = rule.minRest;
    const pvp = ws.pvp;
    const ids = ws.ids;
    const first = ws.first;
    const last = ws.last;
    const mpat = ws.mpat;
    const n = pvp.length;
    const plen = pat.length;
    let avp = 0;
    let rvp = 0;
    let mlp = 0;
    outer: while (avp < n || rvp < plen) {
      matchOne: {
        if (rvp >= plen || n - avp < minRest[rvp]!) break matchOne;
        const el = pat[rvp]!;
        if (avp >= n && el.kind !== PatKind.ZeroOrMore && el.kind !== PatKind.Zero) break matchOne;
        switch (el.kind) {
          case PatKind.Literal:
            if (ids[avp] !== el.lit) break matchOne;
            avp++;
            break;
          case PatKind.ExactlyOne:
            mpat[mlp] = rvp;
            first[mlp] = avp;
            last[mlp] = avp++;
            mlp++;
            break;
          case PatKind.OneOrMore:
          case PatKind.ZeroOrMore: {
            // bind the fewest tokens; when a literal follows, skip straight
            // to where it occurs (the bindings in between could not match)
            let k = el.kind === PatKind.OneOrMore ? avp + 1 : avp;
            if (el.next >= 0) {
              while (k < n && ids[k] !== el.next) k++;
              if (k >= n) break matchOne;
            }
            mpat[mlp] = rvp;
            first[mlp] = avp;
            last[mlp] = k - 1;
            avp = k;
            mlp++;
            break;
          }
          case PatKind.Zero:
            break;
          case PatKind.NotInClass:
            if (this.classes.hasLower(el.text, this.lowerOf(ws)[avp]!)) break matchOne;
            mpat[mlp] = rvp;
            first[mlp] = avp;
            last[mlp] = avp++;
            mlp++;
            break;
          case PatKind.InClass: {
            mpat[mlp] = rvp;
            first[mlp] = avp;
            const end = this.classPhraseEnd(el.text, ws, avp, avp);
            if (end < 0) break matchOne;
            last[mlp] = end;
            avp = end + 1;
            mlp++;
            break;
          }
          case PatKind.DeferredMacro: {
            const v = this.scope.get(el.text);
            if (v !== undefined && v !== '') {
              const toks = tokenize(v, this.table);
              for (const t of toks) {
                if (avp >= n || pvp[avp]!.toLowerCase() !== t.toLowerCase()) break matchOne;
                avp++;
              }
            }
            break;
          }
        }
        rvp++;
        continue outer;
      }
      // back up
      for (;;) {
        if (--mlp < 0) return -1;
        rvp = mpat[mlp]!;
        const el = pat[rvp]!;
        avp = last[mlp]! + 1;
        if (el.kind === PatKind.OneOrMore || el.kind === PatKind.ZeroOrMore) {
          if (avp >= n) continue;
          let k = avp + 1;
          if (el.next >= 0) {
            while (k < n && ids[k] !== el.next) k++;
            if (k >= n) continue;
          }
          if (n - k < minRest[rvp + 1]!) continue;
          last[mlp] = k - 1;
          avp = k;
          rvp++;
          mlp++;
          continue outer;
        }
        if (el.kind === PatKind.InClass) {
          const end = this.classPhraseEnd(el.text, ws, first[mlp]!, avp);
          if (end < 0) continue;
          last[mlp] = end;
          avp = end + 1;
          rvp++;
          mlp++;
          continue outer;
        }
      }
    }
    return mlp;
  }

  /**
   * The stamp table, grown to the literal count.  Stamps are generation
   * numbers, so nested rewrites share one table without clearing it.
   */
  private stampFor(size: number): Uint32Array {
    if (this.stamps.length < size) {
      const grown = new Uint32Array(Math.max(size, 64) * 2);
      grown.set(this.stamps);
      this.stamps = grown;
    }
    return this.stamps;
  }

  /**
   * The last token of the shortest phrase starting at `from` and ending at
   * `from2` or later that is a member of class `id` (tokens joined without
   * spaces); -1 when there is none.
   */
  private classPhraseEnd(id: string, ws: Workspace, from: number, from2: number): number {
    const longest = this.classes.maxLength(id);
    const lower = this.lowerOf(ws);
    const n = lower.length;
    let phrase = '';
    for (let i = from; i < from2; i++) phrase += lower[i]!;
    for (let k = from2; k < n; k++) {
      phrase += lower[k]!;
      if (phrase.length > longest || !this.classes.hasPrefix(id, phrase)) return -1;
      if (this.classes.hasLower(id, phrase)) return k;
    }
    return -1;
  }



  /**
   * The tokens as a trace line shows them (with a leading blank).  One
   * ruleset's result is usually the next one's input, so the last text is
   * reused when the tokens are the same.
   */
  private traceText(pvp: readonly string[]): string {
    const last = this.lastTraced;
    if (last.length === pvp.length) {
      let k = 0;
      while (k < pvp.length && last[k] === pvp[k]) k++;
      if (k === pvp.length) return this.lastTracedText;
    }
    const text = pvp.length > 0 ? ' ' + showTokens(pvp) : '';
    this.lastTraced = pvp.slice();
    this.lastTracedText = text;
    return text;
  }

  private lastTraced: string[] = [];
  private lastTracedText = '';

  /** Lower-cased tokens of the workspace, computed when a class needs them. */
  private lowerOf(ws: Workspace): string[] {
    if (ws.lowerGen !== ws.gen) {
      const pvp = ws.pvp;
      const lower = ws.lower;
      lower.length = pvp.length;
      for (let k = 0; k < pvp.length; k++) lower[k] = pvp[k]!.toLowerCase();
      ws.lowerGen = ws.gen;
    }
    return ws.lower;
  }

  /** Literal numbers of every token (after lookups and calls changed them). */
  private computeIds(pvp: readonly string[]): number[] {
    const ids = new Array<number>(pvp.length);
    const cache = this.tokenIds;
    for (let k = 0; k < pvp.length; k++) {
      const t = pvp[k]!;
      let id = cache.get(t);
      if (id === undefined) {
        id = literalIds.get(t.toLowerCase()) ?? -1;
        if (cache.size >= 50000) cache.clear();
        cache.set(t, id);
      }
      ids[k] = id;
    }
    return ids;
  }

  /** Start a new generation: stamp the literals the workspace holds. */
  private restamp(ws: Workspace): void {
    const gen = (ws.gen = ++this.generation);
    const stamp = this.stamps;
    const ids = ws.ids;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (id >= 0) stamp[id] = gen;
    }
  }

  /**
   * From rule `ri` on, find the next rule whose LHS matches (bindings in the
   * workspace).  Returns its index, `rules.length` when none is left (or the
   * input became a mailer triple), or -1 after an infinite loop report.
   */
  private scan(rules: CompiledRule[], ri: number, ws: Workspace, label: string): number {
    const stamp = this.stamps;
    const gen = ws.gen;
    const pvp = ws.pvp;
    while (ri < rules.length) {
      if (pvp.length > 0 && pvp[0] === OP.CANONNET) return rules.length;
      if (++ws.loopcount > MAX_LOOP) {
        this.print(`Infinite loop in ruleset ${label}, rule ${ri + 1}`);
        return -1;
      }
      const rule = rules[ri]!;
      const req = rule.required;
      let k = 0;
      while (k < req.length && stamp[req[k]!] === gen) k++;
      if (k === req.length && pvp.length >= rule.minRest[0]!) {
        const mlp = this.match(rule, ws);
        if (mlp >= 0) {
          ws.mlp = mlp;
          return ri;
        }
      }
      ri++;
      ws.loopcount = 0;
    }
    return ri;
  }

  private bodyIds(rule: CompiledRule): Int32Array {
    let ids = rule.bodyIds;
    if (!ids) {
      ids = new Int32Array(rule.body.length);
      rule.body.forEach((t, k) => (ids![k] = literalIds.get(t.toLowerCase()) ?? -1));
      rule.bodyIds = ids;
    }
    return ids;
  }

  /**
   * Build a rule's RHS from the bindings, with the literal number of each
   * token in `ids`; a number is an error status.
   */
  private substitute(rule: CompiledRule, ws: Workspace, maxatom: number, label: string, ids: number[]): string[] | number {
    const body = rule.body;
    const bids = this.bodyIds(rule);
    if (!rule.bodyHasRefs) {
      if (body.length > maxatom) return this.tooLong();
      for (let k = 0; k < bids.length; k++) ids.push(bids[k]!);
      return body.slice();
    }
    const pvp = ws.pvp;
    const pids = ws.ids;
    const npvp: string[] = [];
    for (let k = 0; k < body.length; k++) {
      const t = body[k]!;
      const c = t[0];
      if (c === OP.MATCHREPL) {
        const idx = t.charCodeAt(1) - 49;
        if (idx < 0 || idx >= ws.mlp) {
          this.print(`rewrite: ruleset ${label}: replacement $${t[1]} out of bounds`);
          return EX_CONFIG;
        }
        const f = ws.first[idx]!;
        const l = ws.last[idx]!;
        if (npvp.length + (l - f + 1) > maxatom) return this.tooLong();
        for (let j = f; j <= l; j++) {
          npvp.push(pvp[j]!);
          ids.push(pids[j]!);
        }
      } else if (c === OP.MACRODEXPAND) {
        const v = this.scope.get(t.slice(1));
        if (v === undefined || v === '') continue;
        const toks = tokenize(v, this.table);
        if (npvp.length + toks.length > maxatom) return this.tooLong();
        for (const x of toks) {
          npvp.push(x);
          ids.push(literalIds.get(x.toLowerCase()) ?? -1);
        }
      } else {
        if (npvp.length >= maxatom) return this.tooLong();
        npvp.push(t);
        ids.push(bids[k]!);
      }
    }
    return npvp;
  }

  private rewriteSync(pvp: string[], rs: number, reclevel: number, maxatom: number): number {
    const label = this.rulesetLabel(rs);
    const padded = (this.paddedLabels[rs] ??= pad16(label));
    if (this.trace) this.print(`${padded}   input:${this.traceText(pvp)}`);
    if (reclevel > MAX_RECURSION) {
      this.print(`rewrite: excessive recursion (max ${MAX_RECURSION}), ruleset ${label}`);
      return EX_CONFIG;
    }
    if (rs < 0 || rs >= MAXRWSETS) {
      this.print(`rewrite: illegal ruleset number ${rs}`);
      return EX_CONFIG;
    }
    const rules = this.rulesets[rs];
    let rstat = EX_OK;
    if (rules !== undefined && rules.length > 0) {
      this.stampFor(literalIds.size);
      const ws = (this.workspaces[reclevel] ??= new Workspace(pvp, []));
      ws.reset(pvp, this.computeIds(pvp));
      try {
        rstat = this.applyRules(rules, ws, reclevel, maxatom, label);
      } finally {
        if (ws.pvp !== pvp) {
          pvp.length = 0;
          for (let k = 0; k < ws.pvp.length; k++) pvp.push(ws.pvp[k]!);
        }
      }
      if (rstat < 0) return -rstat;
    }
    if (this.trace) this.print(`${padded} returns:${this.traceText(pvp)}`);
    return rstat;
  }

  /** The rule loop; a negative result is an error status that skips "returns". */
  private applyRules(rules: CompiledRule[], ws: Workspace, reclevel: number, maxatom: number, label: string): number {
    let rstat = EX_OK;
    this.restamp(ws);
    let ri = 0;
    for (;;) {
      ri = this.scan(rules, ri, ws, label);
      if (ri < 0 || ri >= rules.length) break;
      const rule = rules[ri]!;
      if (rule.prefix === 1) {
        ri++;
        ws.loopcount = 0;
      } else if (rule.prefix === 2) ri = rules.length;
      let ids: number[] = [];
      const npvp = this.substitute(rule, ws, maxatom, label, ids);
      if (typeof npvp === 'number') return -npvp;
      if (rule.hasLookups || rule.hasCalls) {
        if (rule.hasLookups) {
          const st = this.doLookups(npvp, maxatom);
          if (st.status !== EX_OK && st.status !== EX_TEMPFAIL) return -st.status;
          if (st.status === EX_TEMPFAIL) rstat = EX_TEMPFAIL;
        }
        if (rule.hasCalls) {
          // sendmail strips the quotes of a $>"name" in place, in the rule itself
          if (!rule.callNamesBare) unquoteCallNames(rule);
          const status = this.callSubroutines(npvp, reclevel);
          if (rstat === EX_OK || status === EX_TEMPFAIL) rstat = status;
        }
        ids = this.computeIds(npvp);
      }
      ws.pvp = npvp;
      ws.ids = ids;
      this.restamp(ws);
      if (ri >= rules.length) break;
    }
    return rstat;
  }

  private tooLong(): number {
    this.print('rewrite: expansion too long');
    return EX_DATAERR;
  }

  /** Resolve `$[ ... $]` and `$( ... $)` in place, left to right. */
  private doLookups(npvp: string[], maxatom: number): { status: number } {
    let status = EX_OK;
    for (let i = 0; i < npvp.length; i++) {
      const t = npvp[i];
      let endTok: string;
      let mapName: string;
      let j = i + 1;
      if (t === OP.HOSTBEGIN) {
        endTok = OP.HOSTEND;
        mapName = 'host';
      } else if (t === OP.LOOKUPBEGIN) {
        endTok = OP.LOOKUPEND;
        mapName = npvp[j++] ?? '';
      } else continue;
      const map = this.maps.get(mapName);
      if (!map) this.print(`rewrite: map ${mapName} not found`);
      const keyStart = j;
      let keyEnd = -1;
      let defStart = -1;
      let defEnd = -1;
      const argRanges: [number, number][] = [];
      let argStart = -1;
      for (; j < npvp.length && npvp[j] !== endTok; j++) {
        const x = npvp[j];
        if (x !== OP.CANONHOST && x !== OP.CANONUSER) continue;
        if (keyEnd < 0) keyEnd = j;
        if (argStart >= 0) {
          argRanges.push([argStart, j]);
          argStart = -1;
        }
        if (defStart >= 0 && defEnd < 0) defEnd = j;
        if (x === OP.CANONHOST) argStart = j + 1;
        else {
          defStart = j + 1;
          defEnd = -1;
        }
      }
      const closeAt = j; // index of end token or npvp.length
      if (keyEnd < 0) keyEnd = closeAt;
      if (argStart >= 0) argRanges.push([argStart, closeAt]);
      if (defStart >= 0 && defEnd < 0) defEnd = closeAt;
      const sub = map?.decl.flags.spaceSub ?? this.spaceSub;
      const key = cataddr(npvp, sub, this.table, keyStart, keyEnd);
      const args: string[] = [];
      for (const [a, b] of argRanges.slice(0, MAX_MAP_ARGS - 1)) args.push(cataddr(npvp, sub, this.table, a, b));
      let replac: string | null = null;
      if (map) {
        // `$( $)` strips quotes from the key unless the map has -q (`/map` does not).
        const lookupKey = dequoteMapKey(key, map.decl.flags);
        const memoKey = `${mapName}\0${lookupKey}\0${args.join('\0')}`;
        let res = this.memo?.get(memoKey) ?? map.lookup(lookupKey, args);
        if (res instanceof Promise) throw new NeedAsync(memoKey, res);
        if (res.status === 'tempfail' && res.report !== undefined) this.print(res.report);
        if (res.status === 'found') replac = res.value;
        else if (res.status === 'tempfail') {
          status = EX_TEMPFAIL;
          const tapp = map.decl.flags.tempfailAppend;
          if (tapp !== undefined) replac = lookupKey + tapp;
        }
      }
      let repl: string[];
      if (replac === null && defStart >= 0) replac = cataddr(npvp, this.spaceSub, this.table, defStart, defEnd);
      if (replac === null) repl = npvp.slice(keyStart, keyEnd);
      else if (replac === '') repl = [];
      else {
        const text = replac;
        const r = prescan(text, 0, '', this.table, (m) => this.print(`${diagText(text)}... ${m}`), true);
        if (!r.tokens) return { status: EX_DATAERR };
        repl = r.tokens;
      }
      const tailFrom = closeAt < npvp.length ? closeAt + 1 : closeAt;
      const tail = npvp.slice(tailFrom);
      npvp.length = i;
      for (const x of repl) npvp.push(x);
      const resume = npvp.length - 1;
      for (const x of tail) npvp.push(x);
      if (npvp.length > maxatom) {
        this.tooLong();
        return { status: EX_DATAERR };
      }
      i = resume;
    }
    return { status };
  }

  /** Run `$>` calls right to left; each rewrites everything after it. */
  private callSubroutines(pvp: string[], reclevel: number): number {
    const calls: { rs: number; at: number }[] = [];
    for (let j = 0; j < pvp.length; j++) {
      if (pvp[j] !== OP.CALLSUBR || j + 1 >= pvp.length) continue;
      let name = pvp[j + 1]!;
      if (name.length >= 2 && name[0] === '"' && name[name.length - 1] === '"') name = name.slice(1, -1);
      let rs = this.calledRulesets.get(name);
      if (rs === undefined) {
        rs = this.findRuleset(name, (m) => this.print(m));
        if (rs >= 0) this.calledRulesets.set(name, rs);
      }
      if (rs < 0) {
        this.print(`Unknown ruleset ${name}`);
        return EX_CONFIG;
      }
      if (!this.rulesets[rs] || this.rulesets[rs]!.length === 0) {
        pvp.splice(j, 2);
        j--;
        continue;
      }
      if (calls.length >= MAX_SUBR) {
        this.print(`Too many subroutine calls (${MAX_SUBR} max)`);
        return EX_CONFIG;
      }
      calls.push({ rs, at: j });
    }
    let rstat = EX_OK;
    for (let k = calls.length - 1; k >= 0; k--) {
      const { rs, at } = calls[k]!;
      const tail = pvp.slice(at + 2);
      pvp.length = at;
      const status = this.rewriteSync(tail, rs, reclevel + 1, MAXATOM - at);
      for (const x of tail) pvp.push(x);
      if (status !== EX_OK && status !== EX_TEMPFAIL) return status;
      if (rstat === EX_OK || status === EX_TEMPFAIL) rstat = status;
    }
    return rstat;
  }
}

/** Remove the quotes around `$>` ruleset names in a rule's RHS (once). */
function unquoteCallNames(rule: CompiledRule): void {
  for (const list of [rule.rhs, rule.body]) {
    for (let i = 0; i + 1 < list.length; i++) {
      const t = list[i + 1]!;
      if (list[i] === OP.CALLSUBR && t.length >= 2 && t[0] === '"' && t[t.length - 1] === '"') list[i + 1] = t.slice(1, -1);
    }
  }
  rule.bodyIds = undefined;
  rule.callNamesBare = true;
}
