/**
 * src/rewrite/cataddr.ts — joining tokens back into text (sendmail's
 * cataddr): tokens are concatenated, with `sub` (the BlankSub character,
 * a map's -S character, or none) between two adjacent atoms.
 */
import { isAtomToken, type TokenTable } from './prescan.js';

export function cataddr(tokens: readonly string[], sub: string, table: TokenTable, from = 0, to = tokens.length): string {
  let out = '';
  let prevAtom = false;
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    const atom = sub !== '' && isAtomToken(t, table);
    if (prevAtom && atom) out += sub;
    out += t;
    prevAtom = atom;
  }
  return out;
}
