// Whether a local recipient exists, as sendmail decides at RCPT time for the
// local mailer: the alias databases of the AliasFile option (user+detail,
// then user+*, then user), then the password file (the user without its
// +detail).  An unknown user is "550 5.1.1 <addr>... User unknown".

import { findPasswdEntry } from '../sys/passwd.js';
import { lookupAlias, parseAliasSpecs } from '../maps/aliases.js';
import { MapFile, MapFileError } from '../maps/lmdb/index.js';
import { mapFilePath } from '../maps/lmdb/keyed-map.js';

export interface LocalUserOptions {
  /** AliasFile option entries ("/etc/mail/aliases", "hash:/x/aliases"). */
  aliasFiles: readonly string[];
  /** The password file (default /etc/passwd). */
  passwdFile?: string;
  warn?: (message: string) => void;
}

export class LocalUsers {
  private readonly aliasDbs: string[];
  private readonly passwdFile: string;
  private readonly warn: (m: string) => void;

  constructor(opts: LocalUserOptions) {
    this.aliasDbs = parseAliasSpecs(opts.aliasFiles)
      .filter((s) => s.buildable)
      .map((s) => mapFilePath(s.path));
    this.passwdFile = opts.passwdFile ?? '/etc/passwd';
    this.warn = opts.warn ?? (() => {});
  }

  /** The alias value of `name` in the first database that has it. */
  alias(name: string): string | undefined {
    for (const db of this.aliasDbs) {
      let file: MapFile;
      try {
        file = MapFile.open(db);
      } catch (err) {
        if (err instanceof MapFileError) {
          this.warn(`alias database ${db}: ${err.reason}`);
          continue;
        }
        throw err;
      }
      try {
        const v = lookupAlias(file, name);
        if (v !== undefined) return v;
      } finally {
        file.close();
      }
    }
    return undefined;
  }

  /** A password file entry for `name` (names compared exactly, as getpwnam does). */
  hasAccount(name: string): boolean {
    return findPasswdEntry(name, this.passwdFile, this.warn) !== undefined;
  }


  /** True when the local mailer's user `user` (possibly user+detail) is an alias or an account. */
  exists(user: string): boolean {
    const plus = user.indexOf('+');
    const base = plus > 0 ? user.slice(0, plus) : user;
    const names = plus > 0 ? [user, `${base}+*`, base] : [user];
    if (names.some((n) => this.alias(n) !== undefined)) return true;
    return this.hasAccount(base);
  }
}
