/**
 * src/rewrite/macros.ts — macros: the cf's `$` notation, stored values and
 * expansion.
 *
 * Values are kept in internal form (see tokens.ts): `$x` references are
 * MACROEXPAND + id, `$$` is a plain `$`, other `$` operators are their meta
 * char.  `expand` resolves references and `$?x ... $| ... $.` conditionals,
 * the way the cf is read and the way macro values are used.
 */
import { OP, names } from './tokens.js';

const SIMPLE_OPS: Record<string, string> = {
  '*': OP.MATCHZANY,
  '+': OP.MATCHANY,
  '-': OP.MATCHONE,
  '#': OP.CANONNET,
  '@': OP.CANONHOST,
  ':': OP.CANONUSER,
  '>': OP.CALLSUBR,
  '|': OP.CONDELSE,
  '.': OP.CONDFI,
  '[': OP.HOSTBEGIN,
  ']': OP.HOSTEND,
  '(': OP.LOOKUPBEGIN,
  ')': OP.LOOKUPEND,
};

const ID_OPS: Record<string, string> = {
  '=': OP.MATCHCLASS,
  '~': OP.MATCHNCLASS,
  '&': OP.MACRODEXPAND,
  '?': OP.CONDIF,
};

/**
 * Read a macro/class name at `i` (`x` or `{name}`); returns the name and the
 * index after it, or null when there is none.
 */
export function readName(text: string, i: number): { name: string; next: number } | null {
  if (i >= text.length) return null;
  const c = text[i]!;
  if (c === '{') {
    const close = text.indexOf('}', i + 1);
    if (close < 0) return { name: text.slice(i + 1), next: text.length };
    return { name: text.slice(i + 1, close), next: close + 1 };
  }
  if (c === ' ' || c === '\t') return null;
  return { name: c, next: i + 1 };
}

/** Convert cf text with `$` notation into internal form. */
export function translateDollars(text: string): string {
  if (text.indexOf('$') < 0) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '$' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const d = text[i + 1]!;
    if (d === '$') {
      out += '$';
      i++;
    } else if (d >= '0' && d <= '9') {
      out += OP.MATCHREPL + d;
      i++;
    } else if (SIMPLE_OPS[d] !== undefined) {
      out += SIMPLE_OPS[d];
      i++;
    } else if (ID_OPS[d] !== undefined) {
      const nm = readName(text, i + 2);
      if (!nm) {
        out += ID_OPS[d];
        i++;
        continue;
      }
      out += ID_OPS[d] + names.id(nm.name);
      i = nm.next - 1;
    } else {
      const nm = readName(text, i + 1);
      if (!nm) {
        out += c;
        continue;
      }
      out += OP.MACROEXPAND + names.id(nm.name);
      i = nm.next - 1;
    }
  }
  return out;
}

/**
 * Macro values by id.  A table made with `scope()` is an overlay: its own
 * values (and unsets) over its parent's, which it never changes; each
 * table keeps its own journal.  The config's start-up values live in the
 * root table; each SMTP session's or delivery's calls get an overlay, so
 * calls running at the same time never see each other's macros.
 */
export class MacroTable {
  /** Values set here; in an overlay, an undefined value unsets the parent's. */
  private readonly values = new Map<string, string | undefined>();
  /** Earlier values of macros changed while a journal is open (for rollback); null: the id was not set here. */
  private readonly journal: [string, string | undefined | null][] = [];
  private journals = 0;

  constructor(readonly parent?: MacroTable) {}

  /** A new overlay over this table (session values over start-up values). */
  scope(): MacroTable {
    return new MacroTable(this);
  }

  get(id: string): string | undefined {
    const v = this.values.get(id);
    if (v !== undefined || this.parent === undefined || this.values.has(id)) return v;
    return this.parent.get(id);
  }

  /** Set (or with undefined, clear) a macro by id. */
  set(id: string, value: string | undefined): void {
    if (this.journals > 0) this.journal.push([id, this.values.has(id) ? this.values.get(id) : null]);
    this.put(id, value);
  }

  private put(id: string, value: string | undefined | null): void {
    if (value === null || (value === undefined && this.parent === undefined)) this.values.delete(id);
    else this.values.set(id, value);
  }

  /** Start recording changes; returns the position to roll back to. */
  startJournal(): number {
    this.journals++;
    return this.journal.length;
  }

  /** Undo the changes recorded since `pos`. */
  rollbackJournal(pos: number): void {
    while (this.journal.length > pos) {
      const [id, old] = this.journal.pop()!;
      this.put(id, old);
    }
  }

  /** Stop recording (changes stay). */
  endJournal(_pos: number): void {
    this.journals--;
    if (this.journals === 0) this.journal.length = 0;
  }

  getByName(name: string): string | undefined {
    return this.get(names.id(name));
  }

  setByName(name: string, value: string | undefined): void {
    this.set(names.id(name), value);
  }

  /**
   * Expand references and conditionals in internal text; other operators
   * stay.  Depth-limited like sendmail's (a self-referencing macro stops).
   */
  expand(text: string, depth = 0): string {
    if (depth > 20) return '';
    let needs = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === OP.MACROEXPAND || c === OP.CONDIF) {
        needs = true;
        break;
      }
    }
    if (!needs) return text;
    let out = '';
    // skipping: stack of booleans for nested conditionals
    const skip: boolean[] = [];
    let skipping = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (c === OP.CONDIF) {
        const id = text[++i] ?? '';
        skip.push(skipping);
        if (!skipping) {
          const v = this.get(id);
          skipping = v === undefined || v === '';
        }
        continue;
      }
      if (c === OP.CONDELSE && skip.length > 0) {
        const outer = skip[skip.length - 1]!;
        if (!outer) skipping = !skipping;
        continue;
      }
      if (c === OP.CONDFI && skip.length > 0) {
        skipping = skip.pop()!;
        continue;
      }
      if (skipping) {
        if (c === OP.MACROEXPAND || c === OP.MACRODEXPAND || c === OP.MATCHCLASS || c === OP.MATCHNCLASS || c === OP.MATCHREPL) i++;
        continue;
      }
      if (c === OP.MACROEXPAND) {
        const v = this.get(text[++i] ?? '');
        if (v !== undefined) out += this.expand(v, depth + 1);
        continue;
      }
      if (c === OP.MACRODEXPAND || c === OP.MATCHCLASS || c === OP.MATCHNCLASS || c === OP.MATCHREPL) {
        out += c + (text[++i] ?? '');
        continue;
      }
      out += c;
    }
    return out;
  }

  /** Expanded value of a macro as plain text (undefined when unset). */
  value(id: string): string | undefined {
    const v = this.get(id);
    return v === undefined ? undefined : this.expand(v);
  }
}
