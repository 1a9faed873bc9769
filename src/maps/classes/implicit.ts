/**
 * The `implicit` class: the keyed database file (`NAME.db`, the hash class)
 * when it exists; otherwise the map fails every lookup temporarily (with -o
 * it is just not open), as sendmail does when no database type matches.
 */
import { existsSync } from 'node:fs';
import { MapOpenError, TEMP_FAIL_75 } from '../common.js';
import { createMap, isMapClass, registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, SendmailMap } from '../types.js';

registerMapClass('implicit', (decl: MapDecl, env): SendmailMap => {
  const file = decl.args[0];
  if (file === undefined) throw new MapOpenError(`No file name for implicit map ${decl.name}`, decl.pos);
  const dbFile = file.endsWith('.db') ? file : `${file}.db`;
  if (existsSync(dbFile) && isMapClass('hash')) {
    const inner = createMap({ ...decl, className: 'hash' }, env);
    return { decl, lookup: (key, args) => inner.lookup(key, args), close: () => inner.close?.() };
  }
  if (decl.flags.optional) throw new MapOpenError(`implicit map "${decl.name}": no database ${dbFile}`, decl.pos, true);
  return { decl, lookup: () => TEMP_FAIL_75 };
});
