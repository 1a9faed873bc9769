/**
 * src/rewrite/triple.ts — the parts of a resolved address, the result of
 * ruleset 0 (and of check rulesets): `$#mailer $@host $:user`.
 */
import { OP } from './tokens.js';

export interface TripleTokens {
  mailer: string;
  /** Tokens after `$@` up to `$:` (empty when there is no `$@`). */
  host: string[];
  /** Tokens after `$:` (empty when there is no `$:`). */
  user: string[];
}

/** Split `$# mailer [$@ host...] [$: user...]`; null when pvp does not start with `$#`. */
export function splitTriple(pvp: readonly string[]): TripleTokens | null {
  if (pvp[0] !== OP.CANONNET || pvp.length < 2) return null;
  let i = 2;
  let host: string[] = [];
  if (pvp[i] === OP.CANONHOST) {
    const j = pvp.indexOf(OP.CANONUSER, i + 1);
    host = pvp.slice(i + 1, j < 0 ? pvp.length : j);
    i = j < 0 ? pvp.length : j;
  }
  const user = pvp[i] === OP.CANONUSER ? pvp.slice(i + 1) : [];
  return { mailer: pvp[1]!, host, user };
}
