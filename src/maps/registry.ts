/**
 * src/maps/registry.ts — map classes by name.
 *
 * Each class module registers its factory once (`registerMapClass`); the
 * engine builds a map from a parsed `K` line with `createMap`.  A class
 * nobody registered is reported the way sendmail reports it when the cf is
 * read, so the loader can name the file and line.
 */
import type { MapDecl, MapEnvironment, MapFactory, SendmailMap } from './types.js';

const factories = new Map<string, MapFactory>();

/** Register (or replace) the factory of one map class, e.g. "hash". */
export function registerMapClass(className: string, factory: MapFactory): void {
  factories.set(className.toLowerCase(), factory);
}

/** Whether a class is known (the loader checks K lines with it). */
export function isMapClass(className: string): boolean {
  return factories.has(className.toLowerCase());
}

/** Build one map; throws when the class is unknown or the factory fails. */
export function createMap(decl: MapDecl, env: MapEnvironment): SendmailMap {
  const factory = factories.get(decl.className.toLowerCase());
  if (!factory) throw new Error(`unknown map class ${decl.className}`);
  return factory(decl, env);
}

/** Names of the registered classes (for diagnostics and tests). */
export function mapClassNames(): string[] {
  return [...factories.keys()].sort();
}
