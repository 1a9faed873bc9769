/**
 * The `dequote` class: removes the double quotes from the key.  It finds
 * nothing when the key has no quote, when quotes, angle brackets or
 * parentheses do not balance, when a backslash ends the key, or when an
 * unescaped blank remains (-s<c> / -S<c> turn blanks into <c> first).
 * Backslashes stay.  Its K line knows only -s and -S: another flag ends
 * the flags, and -a, -m ... do not apply, as in sendmail.
 */
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapFlags } from '../types.js';

/** The dequoted key, or undefined when sendmail's dequote map would find nothing. */
export function dequote(key: string, spaceSub: string | undefined): string | undefined {
  let out = '';
  let quoted = false;
  let sawQuote = false;
  let escaped = false;
  let angles = 0;
  let parens = 0;
  let blanks = false;
  for (let c of key) {
    if (c === ' ' && spaceSub !== undefined) c = spaceSub;
    if (escaped) {
      escaped = false;
      out += c;
      continue;
    }
    switch (c) {
      case '\\': escaped = true; break;
      case '"': quoted = !quoted; sawQuote = true; continue;
      case '(': parens++; break;
      case ')': if (--parens < 0) return undefined; break;
      case '<': angles++; break;
      case '>': if (--angles < 0) return undefined; break;
      case ' ': case '\t': blanks = true; break;
    }
    out += c;
  }
  if (!sawQuote || quoted || escaped || angles !== 0 || parens !== 0 || blanks) return undefined;
  return out;
}

/** The blank substitute: the first -s or -S given (sendmail keeps the first). */
function spaceSubOf(flags: MapFlags): string | undefined {
  const first = flags.raw.find((r) => r[1] === 's' || r[1] === 'S');
  return first !== undefined && first.length > 2 ? first[2] : undefined;
}

registerMapClass('dequote', (decl) => {
  // The dequote class works on the quotes themselves: `$( $)` hands it the key as written.
  decl.flags.noDequote = true;
  const spaceSub = spaceSubOf(decl.flags);
  return {
    decl,
    lookup(key: string): LookupResult {
      const value = dequote(key, spaceSub);
      return value === undefined ? { status: 'notfound' } : { status: 'found', value };
    },
  };
});
