// Whether a local recipient exists, as sendmail decides at RCPT time for the
// local mailer: the alias databases of the AliasFile option (user+detail,
// then user+*, then user), then the password file (the user without its
// +detail).  An unknown user is "550 5.1.1 <addr>... User unknown".
// An AliasFile entry of no class whose database cannot be opened (missing,
// unreadable, or a Berkeley DB left by the real sendmail) is read from its
// text file instead, as sendmail does ("reading text version"), so aliases
// keep working until newaliases builds the database.

import { readFileSync, statSync } from 'node:fs';
import { findPasswdEntry } from '../sys/passwd.js';
import { lookupAlias, parseAliasFile, parseAliasSpecs } from '../maps/aliases.js';
import { mapFilePath } from '../maps/lmdb/keyed-map.js';
import { ReopeningMapFile } from '../maps/lmdb/reopening-file.js';

export interface LocalUserOptions {
  /** AliasFile option entries ("/etc/mail/aliases", "hash:/x/aliases"). */
  aliasFiles: readonly string[];
  /** The password file (default /etc/passwd). */
  passwdFile?: string;
  warn?: (message: string) => void;
}

/** An alias text file read whole, read again when it changes (looked at no more than once a second). */
class AliasText {
  private table = new Map<string, string>();
  private stamp = '';
  private nextCheck = 0;

  constructor(readonly path: string) {}

  get(name: string): string | undefined {
    const now = Date.now();
    if (now >= this.nextCheck) {
      this.nextCheck = now + 1000;
      let stamp = '';
      try {
        const st = statSync(this.path);
        stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
      } catch {
        // gone or unreadable: no aliases from it
      }
      if (stamp !== this.stamp) {
        this.stamp = stamp;
        this.table = new Map();
        if (stamp !== '') {
          try {
            for (const e of parseAliasFile(this.path, readFileSync(this.path, 'latin1')).entries) this.table.set(e.name, e.value);
          } catch {
            // unreadable between the stat and the read: tried again at the next change
          }
        }
      }
    }
    return this.table.get(name.replace(/[A-Z]+/g, (m) => m.toLowerCase()));
  }
}

interface AliasSource {
  db: ReopeningMapFile;
  /** the text file read when the database cannot be opened (an entry of no class) */
  text: AliasText | undefined;
}

export class LocalUsers {
  /** The alias databases, kept open (an LMDB open costs far more than a lookup). */
  private readonly aliasDbs: AliasSource[];
  private readonly passwdFile: string;
  private readonly warn: (m: string) => void;

  constructor(opts: LocalUserOptions) {
    this.passwdFile = opts.passwdFile ?? '/etc/passwd';
    this.warn = opts.warn ?? (() => {});
    this.aliasDbs = parseAliasSpecs(opts.aliasFiles)
      .filter((s) => s.buildable)
      .map((s) => {
        const text = s.className === 'implicit' ? new AliasText(s.path) : undefined;
        const db = new ReopeningMapFile(mapFilePath(s.path), (err) => {
          const why = err.hint ?? err.reason;
          this.warn(text ? `WARNING: cannot open alias database ${s.path}; reading text version (${err.path}: ${why})` : `alias database ${err.path}: ${why}`);
        });
        return { db, text };
      });
  }

  /** The alias value of `name` in the first database that has it. */
  alias(name: string): string | undefined {
    for (const { db, text } of this.aliasDbs) {
      const file = db.current();
      const v = file ? lookupAlias(file, name) : text?.get(name);
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
