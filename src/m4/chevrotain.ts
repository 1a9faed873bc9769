/**
 * src/m4/chevrotain.ts — chevrotain, loaded from its single-file bundle.
 *
 * The package's main entry pulls in a few hundred ES modules (its sources
 * and lodash-es), which costs more than a second of start-up on a slow
 * machine; the bundle shipped beside it is the same library in one file.
 * Types come from the package as usual.
 */
import type * as Chevrotain from 'chevrotain';

async function load(): Promise<typeof Chevrotain> {
  try {
    const main = import.meta.resolve('chevrotain');
    return (await import(new URL('../chevrotain.min.mjs', main).href)) as typeof Chevrotain;
  } catch {
    return await import('chevrotain');
  }
}

const lib = await load();

export const { createToken, Lexer, EmbeddedActionsParser, MismatchedTokenException, NotAllInputParsedException } = lib;
