// Whether a local recipient exists, as sendmail decides at RCPT time for the
// local mailer: the alias databases of the AliasFile option (user+detail,
// then user+*, then user), then the password file (the user without its
// +detail).  An unknown user is "550 5.1.1 <addr>... User unknown".

import { findPasswdEntry } from '../sys/passwd.js';
import { lookupAlias, parseAliasSpecs } from '../maps/aliases.js';
import { mapFilePath } from '../maps/lmdb/keyed-map.js';
import { ReopeningMapFile } from '../maps/lmdb/reopening-file.js';

export interface LocalUserOptions {
  /** AliasFile option entries ("/etc/mail/aliases", "hash:/x/aliases"). */
  aliasFiles: readonly string[];
  /** The password file (default /etc/passwd). */
  passwdFile?: string;
  warn?: (message: string) => void;
}

export class LocalUsers {
  /** The alias databases, kept open (an LMDB open costs far more than a lookup). */
  private readonly aliasDbs: ReopeningMapFile[];
  private readonly passwdFile: string;
  private readonly warn: (m: string) => void;

  constructor(opts: LocalUserOptions) {
    this.passwdFile = opts.passwdFile ?? '/etc/passwd';
    this.warn = opts.warn ?? (() => {});
    this.aliasDbs = parseAliasSpecs(opts.aliasFiles)
      .filter((s) => s.buildable)
      .map((s) => new ReopeningMapFile(mapFilePath(s.path), (err) => this.warn(`alias database ${err.path}: ${err.reason}`)));
  }

  /** The alias value of `name` in the first database that has it. */
  alias(name: string): string | undefined {
    for (const db of this.aliasDbs) {
      const file = db.current();
      const v = file && lookupAlias(file, name);
      if (v !== undefined) return v;
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
