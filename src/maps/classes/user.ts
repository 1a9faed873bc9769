/**
 * The `user` class: looks a login name up in the password file.  Without -v
 * a hit returns the name; -v picks a field by name (name, passwd, uid, gid,
 * gecos, dir, shell; any case).  Names fold to lower case (even with -f,
 * as sendmail does).  A miss is status 67 (EX_NOUSER), as in sendmail.
 */
import { findPasswdEntry as readPasswdEntry, PASSWD_COLUMNS, PASSWD_FILE, type PasswdColumn, type PasswdEntry } from '../../sys/passwd.js';
import { foldKey, foundResult, TEMP_FAIL_75 } from '../common.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../types.js';

export { PASSWD_COLUMNS };

/** The password file the class reads; tests may point it elsewhere. */
export let passwdFile = PASSWD_FILE;
export function setPasswdFile(path: string): void {
  passwdFile = path;
}

/** One passwd entry as named fields, or undefined (the class's password file by default). */
export function findPasswdEntry(name: string, path = passwdFile): PasswdEntry | undefined {
  return readPasswdEntry(name, path);
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
    const value = column ? entry[column as PasswdColumn] : entry.name;
    return foundResult(value, key, args, flags);
  }
}

registerMapClass('user', (decl, env) => new UserMap(decl, env));
