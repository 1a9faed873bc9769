/**
 * The `user` class: looks a login name up in the password file.  Without -v
 * a hit returns the name; -v picks a field by name (name, passwd, uid, gid,
 * gecos, dir, shell; any case).  Names fold to lower case (even with -f,
 * as sendmail does).  A miss is status 67 (EX_NOUSER), as in sendmail.
 */
import { readFileSync } from 'node:fs';
import { foldKey, foundResult, TEMP_FAIL_75 } from '../common.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../types.js';

export const PASSWD_COLUMNS = ['name', 'passwd', 'uid', 'gid', 'gecos', 'dir', 'shell'] as const;

/** The password file the class reads; tests may point it elsewhere. */
export let passwdFile = '/etc/passwd';
export function setPasswdFile(path: string): void {
  passwdFile = path;
}

/** One passwd entry as named fields, or undefined. */
export function findPasswdEntry(name: string, path = passwdFile): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 7 || fields[0] !== name) continue;
    const entry: Record<string, string> = {};
    PASSWD_COLUMNS.forEach((col, i) => (entry[col] = fields[i]));
    return entry;
  }
  return undefined;
}

class UserMap implements SendmailMap {
  private reported = false;

  constructor(
    readonly decl: MapDecl,
    private readonly env: MapEnvironment,
  ) {}

  lookup(key: string, args: readonly string[]): LookupResult {
    const { flags } = this.decl;
    const column = flags.valueColumn?.toLowerCase();
    if (column !== undefined && column !== '' && !(PASSWD_COLUMNS as readonly string[]).includes(column)) {
      if (!this.reported) this.env.report(`User map ${this.decl.name}: unknown column name ${flags.valueColumn}`);
      this.reported = true;
      return TEMP_FAIL_75;
    }
    const name = foldKey(key);
    const entry = findPasswdEntry(name);
    if (!entry) return { status: 'notfound', code: 67 };
    const value = column ? entry[column] : entry.name;
    return foundResult(value, key, args, flags);
  }
}

registerMapClass('user', (decl, env) => new UserMap(decl, env));
