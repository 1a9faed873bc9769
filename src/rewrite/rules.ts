/**
 * src/rewrite/rules.ts — compiling R lines into matcher programs.
 *
 * A rule side arrives in internal form (macros already expanded, `$`
 * operators as meta chars).  It is split into tokens once; the LHS becomes a
 * list of pattern elements with lower-cased literals and resolved class ids,
 * the RHS stays a token list with its leading `$:`/`$@` and the presence of
 * lookups and subroutine calls noted, so nothing is parsed per rewrite.
 */
import { OP, isMeta } from './tokens.js';
import type { TokenTable } from './prescan.js';

export const enum PatKind {
  Literal,
  ZeroOrMore,
  OneOrMore,
  ExactlyOne,
  InClass,
  NotInClass,
  Zero,
  DeferredMacro,
}

export interface PatElem {
  kind: PatKind;
  /** Lower-cased literal, or the class/macro id. */
  text: string;
  /** For literals: the literal's number in the process-wide literal table. */
  lit: number;
  /** The literal number of the next element when it is a literal, else -1. */
  next: number;
}

/** Every lower-cased LHS literal gets a small number, so matching compares integers. */
export const literalIds = new Map<string, number>();

/** The number of a lower-cased literal (-1 when no rule uses it). */
export function literalId(lower: string): number {
  return literalIds.get(lower) ?? -1;
}

function internLiteral(lower: string): number {
  let id = literalIds.get(lower);
  if (id === undefined) {
    id = literalIds.size;
    literalIds.set(lower, id);
  }
  return id;
}

export interface CompiledRule {
  lhs: string[];
  rhs: string[];
  pattern: PatElem[];
  /** Literal numbers the input must contain for the LHS to match. */
  required: number[];
  /** minRest[i]: the fewest input tokens pattern[i..] can match. */
  minRest: Int32Array;
  /** Literal numbers of the body's tokens (filled on first use, -1 = none). */
  bodyIds?: Int32Array;
  /** Set once the quotes of `$>"name"` were stripped (after the first call). */
  callNamesBare?: boolean;
  /** Number of elements that bind $1..$9. */
  bindings: number;
  /** 0 = plain, 1 = `$:` prefix, 2 = `$@` prefix. */
  prefix: 0 | 1 | 2;
  /** RHS after the prefix. */
  body: string[];
  /** Whether the body holds $n or $&x and needs per-token work. */
  bodyHasRefs: boolean;
  hasLookups: boolean;
  hasCalls: boolean;
  file: string;
  line: number;
}

const ID_OPS = new Set<string>([OP.MATCHCLASS, OP.MATCHNCLASS, OP.MACRODEXPAND, OP.MACROEXPAND, OP.CONDIF]);

/** Split one rule side (internal form) into tokens. */
export function tokenizeRuleText(text: string, table: TokenTable): string[] {
  const out: string[] = [];
  const cls = table.classes;
  let cur = '';
  const flush = (): void => {
    if (cur.length > 0) out.push(cur);
    cur = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const code = c.charCodeAt(0);
    if (code >= 0xe000 && isMeta(c)) {
      flush();
      if (c === OP.MATCHREPL || ID_OPS.has(c)) {
        out.push(c + (text[i + 1] ?? ''));
        i++;
      } else out.push(c);
      continue;
    }
    if (c === '"') {
      flush();
      let q = '"';
      let j = i + 1;
      for (; j < text.length; j++) {
        const d = text[j]!;
        if (d === '\\' && j + 1 < text.length) {
          q += d + text[++j];
          continue;
        }
        q += d;
        if (d === '"') break;
      }
      if (!q.endsWith('"') || q.length === 1) q += '"';
      out.push(q);
      i = j;
      continue;
    }
    if (c === '\\') {
      cur += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    const k = code < 256 ? cls[code]! : 1;
    if (k === 1) cur += c; // atom
    else if (k === 0) {
      flush();
      out.push(c);
    } else if (k === 3) flush(); // space
    // control characters are dropped
  }
  flush();
  return out;
}

/** Compile a LHS token list. */
export function compilePattern(lhs: readonly string[]): { pattern: PatElem[]; bindings: number } {
  const pattern: PatElem[] = [];
  let bindings = 0;
  for (const t of lhs) {
    const c = t[0]!;
    switch (c) {
      case OP.MATCHZANY:
        pattern.push({ kind: PatKind.ZeroOrMore, text: '', lit: -1, next: -1 });
        bindings++;
        break;
      case OP.MATCHANY:
        pattern.push({ kind: PatKind.OneOrMore, text: '', lit: -1, next: -1 });
        bindings++;
        break;
      case OP.MATCHONE:
        pattern.push({ kind: PatKind.ExactlyOne, text: '', lit: -1, next: -1 });
        bindings++;
        break;
      case OP.MATCHCLASS:
        pattern.push({ kind: PatKind.InClass, text: t.slice(1), lit: -1, next: -1 });
        bindings++;
        break;
      case OP.MATCHNCLASS:
        pattern.push({ kind: PatKind.NotInClass, text: t.slice(1), lit: -1, next: -1 });
        bindings++;
        break;
      case OP.CANONHOST:
        pattern.push({ kind: PatKind.Zero, text: '', lit: -1, next: -1 });
        break;
      case OP.MACRODEXPAND:
        pattern.push({ kind: PatKind.DeferredMacro, text: t.slice(1), lit: -1, next: -1 });
        break;
      default:
        pattern.push({ kind: PatKind.Literal, text: t.toLowerCase(), lit: internLiteral(t.toLowerCase()), next: -1 });
    }
  }
  for (let i = 0; i + 1 < pattern.length; i++) {
    const nx = pattern[i + 1]!;
    if (nx.kind === PatKind.Literal) pattern[i]!.next = nx.lit;
  }
  return { pattern, bindings };
}

/** Problems sendmail reports when it reads a rule (the rule is kept). */
export function checkRule(rhs: readonly string[], bindings: number): string[] {
  const problems: string[] = [];
  let depth = 0;
  for (const t of rhs) {
    const c = t[0];
    if (c === OP.MATCHREPL) {
      const n = t.charCodeAt(1) - 48;
      if (n > bindings) problems.push(`replacement $${t[1]} out of bounds`);
    } else if (c === OP.LOOKUPBEGIN || c === OP.HOSTBEGIN) {
      if (depth > 0) problems.push('cannot nest map lookups');
      depth++;
    } else if ((c === OP.LOOKUPEND || c === OP.HOSTEND) && depth > 0) depth--;
  }
  return problems;
}

/** Build a compiled rule from its token sides. */
export function compileRule(lhs: string[], rhs: string[], file: string, line: number): CompiledRule {
  const { pattern, bindings } = compilePattern(lhs);
  let prefix: 0 | 1 | 2 = 0;
  if (rhs[0] === OP.CANONUSER) prefix = 1;
  else if (rhs[0] === OP.CANONHOST) prefix = 2;
  const body = prefix === 0 ? rhs : rhs.slice(1);
  let bodyHasRefs = false;
  let hasLookups = false;
  let hasCalls = false;
  for (const t of body) {
    const c = t[0];
    if (c === OP.MATCHREPL || c === OP.MACRODEXPAND) bodyHasRefs = true;
    else if (c === OP.LOOKUPBEGIN || c === OP.HOSTBEGIN) hasLookups = true;
    else if (c === OP.CALLSUBR) hasCalls = true;
  }
  const required = [...new Set(pattern.filter((p) => p.kind === PatKind.Literal).map((p) => p.lit))];
  const minRest = new Int32Array(pattern.length + 1);
  for (let i = pattern.length - 1; i >= 0; i--) {
    const k = pattern[i]!.kind;
    const consumes = k === PatKind.ZeroOrMore || k === PatKind.Zero || k === PatKind.DeferredMacro ? 0 : 1;
    minRest[i] = minRest[i + 1]! + consumes;
  }
  return { lhs, rhs, pattern, required, minRest, bindings, prefix, body, bodyHasRefs, hasLookups, hasCalls, file, line };
}
