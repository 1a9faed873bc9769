/**
 * POSIX regular expressions (regcomp's ERE, or BRE with -b, plus the GNU
 * extensions glibc accepts: \w \W \s \S \b \B \< \> \` \') translated to
 * JavaScript RegExp source.  Errors carry glibc's regerror() wording,
 * which sendmail prints as `pattern-compile-error: ...`.
 *
 * Known difference: POSIX picks the leftmost-*longest* match while
 * JavaScript picks the leftmost-first alternative; matching (found or not)
 * is the same, captured substrings of ambiguous alternations may differ.
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

/** Parse `{m}`, `{m,}`, `{m,n}` body starting after the brace; returns [js, nextIndex after closing]. */
function translateInterval(p: string, start: number, basic: boolean): [string, number] {
  const close = basic ? p.indexOf('\\}', start) : p.indexOf('}', start);
  if (close < 0) throw new PosixRegexError(basic ? ERR.brace : ERR.braceContent);
  const body = p.slice(start, close);
  const m = /^(\d+)(,(\d*))?$/.exec(body);
  if (!m) throw new PosixRegexError(ERR.braceContent);
  const lo = Number(m[1]);
  const hi = m[3] !== undefined && m[3] !== '' ? Number(m[3]) : undefined;
  if (hi !== undefined && hi < lo) throw new PosixRegexError(ERR.braceContent);
  if (lo > 0x7fff || (hi ?? 0) > 0x7fff) throw new PosixRegexError('Regular expression too big');
  return [`{${body}}`, close + (basic ? 2 : 1)];
}

/** Translate a POSIX pattern (ERE, or BRE when `basic`) to JavaScript source. */
export function translatePosixRegex(pattern: string, basic = false): TranslatedRegex {
  let out = '';
  let groups = 0;
  let depth = 0;
  /** Whether a repetition operator here would have nothing to repeat. */
  let atStart = true;
  const p = pattern;
  for (let i = 0; i < p.length; ) {
    const c = p[i];
    if (c === '\\') {
      if (i + 1 >= p.length) throw new PosixRegexError(ERR.backslash);
      const d = p[i + 1];
      i += 2;
      if (basic && d === '(') {
        groups++;
        depth++;
        out += '(';
        atStart = true;
        continue;
      }
      if (basic && d === ')') {
        if (depth === 0) throw new PosixRegexError(ERR.closeParen);
        depth--;
        out += ')';
        atStart = false;
        continue;
      }
      if (basic && d === '{') {
        if (atStart) throw new PosixRegexError(ERR.preceding);
        const [js, next] = translateInterval(p, i, true);
        out += js;
        i = next;
        continue;
      }
      if (basic && d === '|') {
        out += '|';
        atStart = true;
        continue;
      }
      if (basic && (d === '+' || d === '?')) {
        if (atStart) out += escapeChar(d);
        else out += d;
        continue;
      }
      if (d >= '1' && d <= '9') {
        if (Number(d) > groups) throw new PosixRegexError(ERR.backref);
        out += `\\${d}`;
        atStart = false;
        continue;
      }
      switch (d) {
        case 'w': case 'W': case 's': case 'S': case 'b': case 'B':
          out += `\\${d}`;
          break;
        case '<': out += '\\b(?=\\w)'; break;
        case '>': out += '\\b(?<=\\w)'; break;
        case '`': out += '^'; break;
        case "'": out += '$'; break;
        default: out += escapeChar(d);
      }
      atStart = false;
      continue;
    }
    i++;
    switch (c) {
      case '[': {
        const [js, next] = translateBracket(p, i);
        out += js;
        i = next;
        atStart = false;
        break;
      }
      case '.':
        out += '.';
        atStart = false;
        break;
      case '^':
        if (basic && !atStart) out += '\\^';
        else out += '^';
        break;
      case '$': {
        const atEnd = i >= p.length || (basic && (p.startsWith('\\)', i) || p.startsWith('\\|', i)));
        out += !basic || atEnd ? '$' : '\\$';
        if (basic && !atEnd) atStart = false;
        break;
      }
      case '*':
        if (atStart) {
          if (basic) {
            out += '\\*';
            atStart = false;
          } else throw new PosixRegexError(ERR.preceding);
        } else out += '*';
        break;
      case '+':
      case '?':
        if (basic) {
          out += escapeChar(c);
          atStart = false;
        } else if (atStart) throw new PosixRegexError(ERR.preceding);
        else out += c;
        break;
      case '{':
        if (basic) {
          out += '\\{';
          atStart = false;
        } else {
          if (atStart) throw new PosixRegexError(ERR.preceding);
          const [js, next] = translateInterval(p, i, false);
          out += js;
          i = next;
        }
        break;
      case '|':
        if (basic) {
          out += '\\|';
          atStart = false;
        } else {
          out += '|';
          atStart = true;
        }
        break;
      case '(':
        if (basic) {
          out += '\\(';
          atStart = false;
        } else {
          groups++;
          depth++;
          out += '(';
          atStart = true;
        }
        break;
      case ')':
        if (basic || depth === 0) {
          if (!basic) throw new PosixRegexError(ERR.closeParen);
          out += '\\)';
        } else {
          depth--;
          out += ')';
        }
        atStart = false;
        break;
      default:
        out += escapeChar(c);
        atStart = false;
    }
  }
  if (depth > 0) throw new PosixRegexError(ERR.paren);
  return { source: out, groups };
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
