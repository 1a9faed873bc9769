/**
 * src/m4/regex.ts — GNU m4's regular expressions (GNU regex, Emacs syntax)
 * translated to JavaScript RegExp, and replacement-text expansion.
 *
 * Emacs syntax: \( \) group, \| alternation, * + ? postfix (literal where
 * nothing precedes them), ^ and $ anchors only at the ends of a branch, no
 * intervals or character classes, '.' does not match newline, \< \> \b \B
 * \w \W \` \' as in GNU.  Texts are binary strings, so bytes map 1:1.
 *
 * GNU regex picks, among the matches at the leftmost start, the longest
 * (POSIX); JavaScript picks the first its backtracking finds.  Where that can
 * differ (alternation, or two repetitions) execLongest looks for a longer
 * match at the same start, trying ends from the farthest down.
 */

const cache = new Map<string, RegExp | string>();

/** How to find the longest match of a pattern, when it can differ from JavaScript's. */
interface LongestSearch {
  /** the translated source */
  source: string;
  /** the source assertions look past a match's end ($, word boundaries): ends are asserted, not cut */
  endSensitive: boolean;
  /** `(?:source)$`, sticky: a match that ends where the text is cut */
  endsAtCut: RegExp;
}
const longest = new WeakMap<RegExp, LongestSearch>();

function lit(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? '\\' + c : c;
}

function bracket(pat: string, i: number): { js: string; end: number } | null {
  // i points just after '['
  let j = i;
  let neg = false;
  if (pat[j] === '^') {
    neg = true;
    j++;
  }
  const items: string[] = [];
  let first = true;
  while (j < pat.length) {
    const c = pat[j]!;
    if (c === ']' && !first) {
      return { js: `[${neg ? '^' : ''}${items.join('')}]`, end: j + 1 };
    }
    first = false;
    if (c === '-' && items.length > 0 && j + 1 < pat.length && pat[j + 1] !== ']') {
      items.push('-');
    } else {
      items.push(/[\\\]^[-]/.test(c) ? '\\' + c : c);
    }
    j++;
  }
  return null;
}

/** Compile an m4 regular expression; a string is GNU's error message. */
export function compileRegex(pat: string): RegExp | string {
  const hit = cache.get(pat);
  if (hit !== undefined) {
    if (typeof hit !== 'string') hit.lastIndex = 0;
    return hit;
  }
  const r = translate(pat);
  cache.set(pat, r);
  return r;
}

function translate(pat: string): RegExp | string {
  const out: string[] = [];
  let alternation = false;
  let repeats = 0;
  let endSensitive = false;
  let groups = 0;
  const open: number[] = [];
  const closed = new Set<number>();
  let atStart = true;
  let lastWasRepeat = false;
  const n = pat.length;
  let i = 0;
  while (i < n) {
    const c = pat[i]!;
    if (c === '\\') {
      if (i + 1 >= n) return 'Trailing backslash';
      const d = pat[i + 1]!;
      i += 2;
      lastWasRepeat = false;
      if (d === '(') {
        groups++;
        open.push(groups);
        out.push('(');
        atStart = true;
        continue;
      }
      if (d === ')') {
        if (open.length === 0) return 'Unmatched ) or \\)';
        closed.add(open.pop()!);
        out.push(')');
      } else if (d === '|') {
        alternation = true;
        out.push('|');
        atStart = true;
        continue;
      } else if (d >= '1' && d <= '9') {
        if (!closed.has(Number(d))) return 'Invalid back reference';
        out.push('\\' + d);
      } else if (d === '<') {
        endSensitive = true;
        out.push('(?<![A-Za-z0-9_])(?=[A-Za-z0-9_])');
      } else if (d === '>') {
        endSensitive = true;
        out.push('(?<=[A-Za-z0-9_])(?![A-Za-z0-9_])');
      } else if (d === 'b' || d === 'B') {
        endSensitive = true;
        out.push('\\' + d);
      }
      else if (d === 'w') out.push('[A-Za-z0-9_]');
      else if (d === 'W') out.push('[^A-Za-z0-9_]');
      else if (d === 's') out.push('[ \\t\\n\\v\\f\\r]');
      else if (d === 'S') out.push('[^ \\t\\n\\v\\f\\r]');
      else if (d === '`') out.push('^');
      else if (d === "'") {
        endSensitive = true;
        out.push('$');
      }
      else out.push(lit(d));
      atStart = false;
      continue;
    }
    if (c === '[') {
      const b = bracket(pat, i + 1);
      if (!b) return 'Unmatched [, [^, [:, [., or [=';
      out.push(b.js);
      i = b.end;
      atStart = false;
      lastWasRepeat = false;
      continue;
    }
    if (c === '*' || c === '+' || c === '?') {
      if (atStart) {
        out.push(lit(c));
        atStart = false;
      } else if (!lastWasRepeat) {
        out.push(c);
        repeats++;
        lastWasRepeat = true;
      } else if (c !== '?' || out[out.length - 1] !== '?') {
        // a repeated repeat: x** is x*, x+* is x*, x*? stays greedy x*
        const prev = out.pop()!;
        out.push(prev === '+' && c === '+' ? '+' : '*');
      }
      i++;
      continue;
    }
    lastWasRepeat = false;
    if (c === '^') {
      out.push(atStart ? '^' : '\\^');
    } else if (c === '$') {
      const rest = pat.slice(i + 1);
      const anchor = rest === '' || rest.startsWith('\\)') || rest.startsWith('\\|');
      if (anchor) endSensitive = true;
      out.push(anchor ? '$' : '\\$');
    } else if (c === '.') {
      out.push('[^\\n]');
    } else {
      out.push(lit(c));
    }
    atStart = false;
    i++;
  }
  if (open.length) return 'Unmatched ( or \\(';
  const source = out.join('');
  try {
    const re = new RegExp(source, 'g');
    if (alternation || repeats > 1) longest.set(re, { source, endSensitive, endsAtCut: new RegExp(`(?:${source})$`, 'y') });
    return re;
  } catch {
    return 'Invalid regular expression';
  }
}

/** The leftmost match at or after `from`, the longest of those starting there (GNU's choice). */
export function execLongest(re: RegExp, text: string, from: number): RegExpExecArray | null {
  re.lastIndex = from;
  const first = re.exec(text);
  const how = longest.get(re);
  if (!first || !how) return first;
  const start = first.index;
  for (let end = text.length; end > start + first[0].length; end--) {
    let m: RegExpExecArray | null;
    if (how.endSensitive) {
      const exact = new RegExp(`(?:${how.source})(?=[^]{${text.length - end}}$)`, 'y');
      exact.lastIndex = start;
      m = exact.exec(text);
    } else {
      how.endsAtCut.lastIndex = start;
      m = how.endsAtCut.exec(text.slice(0, end));
    }
    if (m) return m;
  }
  return first;
}

/** Expand \& \0 \1..\9 \\ in a replacement; other \x give x. */
export function expandReplacement(repl: string, m: RegExpExecArray, warn: (msg: string) => void): string {
  if (!repl.includes('\\')) return repl;
  const out: string[] = [];
  let i = 0;
  for (;;) {
    const k = repl.indexOf('\\', i);
    if (k < 0) {
      out.push(repl.slice(i));
      break;
    }
    out.push(repl.slice(i, k));
    if (k + 1 >= repl.length) {
      warn('trailing \\ ignored in replacement');
      break;
    }
    const d = repl[k + 1]!;
    if (d === '&') out.push(m[0]);
    else if (d === '0') {
      warn('\\0 will disappear, use \\& instead in replacements');
      out.push(m[0]);
    } else if (d >= '1' && d <= '9') {
      const g = Number(d);
      if (g >= m.length) warn(`sub-expression ${g} not present`);
      else out.push(m[g] ?? '');
    } else out.push(d);
    i = k + 2;
  }
  return out.join('');
}
