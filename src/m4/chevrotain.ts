/**
 * src/m4/chevrotain.ts — chevrotain, loaded from its single-file bundle when first asked for.
 *
 * The package's main entry pulls in a few hundred ES modules (its sources
 * and lodash-es), which costs more than a second of start-up on a slow
 * machine; the bundle shipped beside it is the same library in one file.
 * Only the grammars of record (the m4 token types, eval's grammar) use it,
 * so the m4 command never loads it.  Types come from the package as usual.
 */
import type * as Chevrotain from 'chevrotain';

let lib: Promise<typeof Chevrotain> | null = null;

async function load(): Promise<typeof Chevrotain> {
  try {
    const main = import.meta.resolve('chevrotain');
    return (await import(new URL('../chevrotain.min.mjs', main).href)) as typeof Chevrotain;
  } catch {
    return await import('chevrotain');
  }
}

/** The chevrotain library (loaded once). */
export function loadChevrotain(): Promise<typeof Chevrotain> {
  lib ??= load();
  return lib;
}
