/**
 * The `stab` class: sendmail's in-memory symbol table of aliases.  At the
 * first lookup the K line's file is read as an aliases file (sendmail's
 * messages and its `N aliases, longest ...` summary are reported) and
 * lookups then answer from memory.  A file that cannot be read makes every
 * lookup a temporary failure.
 */
import { readFileSync } from 'node:fs';
import { foldKey, foundResult, MapOpenError, TEMP_FAIL_75 } from '../common.js';
import { aliasSummary, parseAliasFile } from '../aliases.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../types.js';

class StabMap implements SendmailMap {
  private table: Map<string, string> | null | undefined;

  constructor(
    readonly decl: MapDecl,
    private readonly env: MapEnvironment,
    private readonly path: string,
  ) {}

  lookup(key: string, args: readonly string[]): LookupResult {
    const table = this.load();
    if (!table) return TEMP_FAIL_75;
    const value = table.get(this.decl.flags.noFold ? key : foldKey(key));
    return value === undefined ? { status: 'notfound' } : foundResult(value, key, args, this.decl.flags);
  }

  private load(): Map<string, string> | null {
    if (this.table !== undefined) return this.table;
    let text: string;
    try {
      text = readFileSync(this.path, 'latin1');
    } catch {
      this.table = null;
      return null;
    }
    const parsed = parseAliasFile(this.path, text);
    for (const m of parsed.messages) this.env.report(m);
    this.env.report(aliasSummary(this.path, parsed.entries));
    this.table = new Map(parsed.entries.map((e) => [e.name, e.value]));
    return this.table;
  }
}

registerMapClass('stab', (decl, env) => {
  const path = decl.args[0];
  if (path === undefined) throw new MapOpenError(`No file name for stab map ${decl.name}`, decl.pos);
  return new StabMap(decl, env, path);
});
