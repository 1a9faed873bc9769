/**
 * POSIX regular expressions (regcomp's ERE, or BRE with -b, plus the GNU
 * extensions glibc accepts: \w \W \s \S \b \B \< \> \` \') translated to
 * JavaScript RegExp source.  Errors carry glibc's regerror() wording,
 * which sendmail prints as `pattern-compile-error: ...`.
 *
 * POSIX picks the leftmost-*longest* match while JavaScript picks the
 * leftmost-first alternative: `longestMatch` finds the POSIX extent (same
 * start, then the longest end that matches).  Inside that extent the
 * captured substrings are JavaScript's choice, which can still differ from
 * glibc's for ambiguous alternations and repeated groups.
 */

export class PosixRegexError extends Error {}

const ERR = {
  paren: 'Unmatched ( or \\(',
  closeParen: 'Unmatched ) or \\)',
  bracket: 'Unmatched [, [^, [:, [., or [=',
  preceding: 'Invalid preceding regular expression',
  backslash: 'Trailing backslash',
  backref: 'Invalid back reference',
  ctype: 'Invalid character class name',
  range: 'Invalid range end',
  brace: 'Unmatched \\{',
  braceContent: 'Invalid content of \\{\\}',
} as const;

const CLASS_MAP: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
};

const JS_SPECIAL = new Set([...'\\^$.|?*+()[]{}/']);
const escapeChar = (c: string): string => (JS_SPECIAL.has(c) ? `\\${c}` : c);
const escapeInClass = (c: string): string => (c === '\\' || c === ']' || c === '[' || c === '^' || c === '-' ? `\\${c}` : c);

export interface TranslatedRegex {
  source: string;
  /** Number of capture groups (sendmail counts group 0 too: groups + 1). */
  groups: number;
}

/** Parse a bracket expression starting after `[`; returns [jsText, nextIndex]. */
function translateBracket(p: string, start: number): [string, number] {
  let i = start;
  let negate = false;
  if (p[i] === '^') {
    negate = true;
    i++;
  }
  const items: string[] = [];
  let first = true;
  let prevChar: string | undefined;
  for (;;) {
    if (i >= p.length) throw new PosixRegexError(ERR.bracket);
    const c = p[i];
    if (c === ']' && !first) {
      i++;
      break;
    }
    first = false;
    if (c === '[' && (p[i + 1] === ':' || p[i + 1] === '.' || p[i + 1] === '=')) {
      const kind = p[i + 1];
      const end = p.indexOf(`${kind}]`, i + 2);
      if (end < 0) throw new PosixRegexError(ERR.bracket);
      const name = p.slice(i + 2, end);
      i = end + 2;
      if (kind === ':') {
        const cls = CLASS_MAP[name];
        if (cls === undefined) throw new PosixRegexError(ERR.ctype);
        items.push(cls);
        prevChar = undefined;
      } else {
        items.push([...name].map(escapeInClass).join(''));
        prevChar = name.length === 1 ? name : undefined;
      }
      continue;
    }
    if (c === '-' && prevChar !== undefined && p[i + 1] !== undefined && p[i + 1] !== ']') {
      let hi = p[i + 1];
      let step = 2;
      if (hi === '[' && (p[i + 2] === '.' || p[i + 2] === '=')) {
        const end = p.indexOf(`${p[i + 2]}]`, i + 3);
        if (end < 0) throw new PosixRegexError(ERR.bracket);
        hi = p.slice(i + 3, end);
        step = end + 2 - i;
      }
      if (hi.length !== 1 || hi < prevChar) throw new PosixRegexError(ERR.range);
      items.push(`-${escapeInClass(hi)}`);
      i += step;
      prevChar = undefined;
      continue;
    }
    items.push(escapeInClass(c));
    prevChar = c;
    i++;
  }
  return [`[${negate ? '^' : ''}${items.join('')}]`, i];
}

/** Parse `{m}`, `{m,}`, `{,n}`, `{m,n}` starting after the brace; returns [js, nextIndex after closing]. */
function translateInterval(p: string, start: number, basic: boolean): [string, number] {
  const close = basic ? p.indexOf('\\}', start) : p.indexOf('}', start);
  if (close < 0) throw new PosixRegexError(ERR.brace);
  const body = p.slice(start, close);
  const m = /^(\d*)(,(\d*))?$/.exec(body);
  if (!m || (m[1] === '' && m[2] === undefined)) throw new PosixRegexError(ERR.braceContent);
  const lo = m[1] === '' ? 0 : Number(m[1]);
  const hi = m[3] !== undefined && m[3] !== '' ? Number(m[3]) : undefined;
  if (hi !== undefined && hi < lo) throw new PosixRegexError(ERR.braceContent);
  if (lo > 0x7fff || (hi ?? 0) > 0x7fff) throw new PosixRegexError('Regular expression too big');
  const js = m[2] === undefined ? `{${lo}}` : `{${lo},${hi ?? ''}}`;
  return [js, close + (basic ? 2 : 1)];
}

/** Builds the JavaScript source, keeping track of the last atom for quantifiers. */
class SourceBuilder {
  out = '';
  groups = 0;
  /** Where the last atom (or group) starts in `out`; -1: nothing to repeat. */
  private atomStart = -1;
  private quantified = false;
  private readonly openGroups: number[] = [];
  /** At the start of the expression, a group or an alternative (where BRE's ^ anchors). */
  fresh = true;

  /** Nothing before this point can take a quantifier. */
  get atStart(): boolean {
    return this.atomStart < 0;
  }
  get depth(): number {
    return this.openGroups.length;
  }
  atom(js: string): void {
    this.fresh = false;
    this.atomStart = this.out.length;
    this.quantified = false;
    this.out += js;
  }
  /** Anchors and assertions: nothing to repeat after them. */
  anchor(js: string): void {
    this.fresh = false;
    this.out += js;
    this.atomStart = -1;
  }
  alternative(): void {
    this.fresh = true;
    this.out += '|';
    this.atomStart = -1;
  }
  quantify(js: string): void {
    if (this.atomStart < 0) throw new PosixRegexError(ERR.preceding);
    // POSIX allows a**, a{1,2}{2}: repeat the repeated atom as a whole
    if (this.quantified) this.out = `${this.out.slice(0, this.atomStart)}(?:${this.out.slice(this.atomStart)})`;
    this.out += js;
    this.quantified = true;
  }
  open(): void {
    this.groups++;
    this.openGroups.push(this.out.length);
    this.fresh = true;
    this.out += '(';
    this.atomStart = -1;
  }
  close(): void {
    const at = this.openGroups.pop();
    if (at === undefined) throw new PosixRegexError(ERR.closeParen);
    this.out += ')';
    this.fresh = false;
    this.atomStart = at;
    this.quantified = false;
  }
}

/** Translate a POSIX pattern (ERE, or BRE when `basic`) to JavaScript source. */
export function translatePosixRegex(pattern: string, basic = false): TranslatedRegex {
  const b = new SourceBuilder();
  const p = pattern;
  for (let i = 0; i < p.length; ) {
    const c = p[i];
    if (c === '\\') {
      if (i + 1 >= p.length) throw new PosixRegexError(ERR.backslash);
      const d = p[i + 1];
      i += 2;
      if (basic && d === '(') b.open();
      else if (basic && d === ')') b.close();
      else if (basic && d === '{') {
        const [js, next] = translateInterval(p, i, true);
        b.quantify(js);
        i = next;
      } else if (basic && d === '|') b.alternative();
      else if (basic && (d === '+' || d === '?')) {
        if (b.atStart) b.atom(escapeChar(d));
        else b.quantify(d);
      } else if (d >= '1' && d <= '9') {
        if (Number(d) > b.groups) throw new PosixRegexError(ERR.backref);
        b.atom(`\\${d}`);
      } else if ('wWsS'.includes(d)) b.atom(`\\${d}`);
      else if (d === 'b' || d === 'B') b.anchor(`\\${d}`);
      else if (d === '<') b.anchor('\\b(?=\\w)');
      else if (d === '>') b.anchor('\\b(?<=\\w)');
      else if (d === '`') b.anchor('^');
      else if (d === "'") b.anchor('$');
      else b.atom(escapeChar(d));
      continue;
    }
    i++;
    switch (c) {
      case '[': {
        const [js, next] = translateBracket(p, i);
        b.atom(js);
        i = next;
        break;
      }
      case '.':
        b.atom('.');
        break;
      case '^':
        if (basic && !b.fresh) b.atom('\\^');
        else b.anchor('^');
        break;
      case '$': {
        const atEnd = i >= p.length || (basic && (p.startsWith('\\)', i) || p.startsWith('\\|', i)));
        if (!basic || atEnd) b.anchor('$');
        else b.atom('\\$');
        break;
      }
      case '*':
        if (basic && b.atStart) b.atom('\\*');
        else b.quantify('*');
        break;
      case '+':
      case '?':
        if (basic) b.atom(escapeChar(c));
        else b.quantify(c);
        break;
      case '{':
        if (basic) b.atom('\\{');
        else {
          if (b.atStart) throw new PosixRegexError(ERR.preceding);
          const [js, next] = translateInterval(p, i, false);
          b.quantify(js);
          i = next;
        }
        break;
      case '|':
        if (basic) b.atom('\\|');
        else b.alternative();
        break;
      case '(':
        if (basic) b.atom('\\(');
        else b.open();
        break;
      case ')':
        if (basic) b.atom('\\)');
        else b.close();
        break;
      default:
        b.atom(escapeChar(c));
    }
  }
  if (b.depth > 0) throw new PosixRegexError(ERR.paren);
  return { source: b.out, groups: b.groups };
}

/** Compile a POSIX pattern; case-insensitive unless `caseSensitive`. */
export function compilePosixRegex(pattern: string, options: { basic?: boolean; caseSensitive?: boolean } = {}): { regex: RegExp; groups: number } {
  const { source, groups } = translatePosixRegex(pattern, options.basic ?? false);
  try {
    return { regex: new RegExp(source, options.caseSensitive ? 's' : 'is'), groups };
  } catch (err) {
    throw new PosixRegexError(`Invalid regular expression: ${(err as Error).message}`);
  }
}

/**
 * The leftmost-longest match of `regex` in `text` (POSIX's whole-match
 * rule): JavaScript's match gives the leftmost start; longer ends are then
 * tried, longest first, by forcing the end position with a lookbehind.
 * `cache` keeps the end-forcing expressions per end position.
 */
export function longestMatch(regex: RegExp, text: string, cache: Map<number, RegExp>): RegExpExecArray | null {
  regex.lastIndex = 0;
  const first = regex.exec(text);
  if (!first) return null;
  const start = first.index;
  for (let end = text.length; end > start + first[0].length; end--) {
    let forced = cache.get(end);
    if (!forced) {
      forced = new RegExp(`(?:${regex.source})(?<=^[\\s\\S]{${end}})`, `${regex.flags.replace('g', '')}y`);
      cache.set(end, forced);
    }
    forced.lastIndex = start;
    const m = forced.exec(text);
    if (m) return m;
  }
  return first;
}
