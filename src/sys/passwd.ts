/**
 * src/sys/passwd.ts — the password file, read as getpwnam(3) would: one
 * entry by exact name.  Every user lookup of the project (the `user` map
 * class, local recipients, mailbox owners, TrustedUser) goes through here.
 * The file is kept parsed (src/sys/watched-file.ts): an edit is seen within
 * a second.
 */
import { watchedFileCache } from './watched-file.js';

export const PASSWD_FILE = '/etc/passwd';

/** The seven fields of a passwd line, in file order. */
export const PASSWD_COLUMNS = ['name', 'passwd', 'uid', 'gid', 'gecos', 'dir', 'shell'] as const;
export type PasswdColumn = (typeof PASSWD_COLUMNS)[number];

/** One passwd entry: each column as written. */
export type PasswdEntry = Record<PasswdColumn, string>;

/** Name -> its first entry in the file (getpwnam takes the first). */
function parsePasswd(text: string): Map<string, PasswdEntry> {
  const byName = new Map<string, PasswdEntry>();
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < PASSWD_COLUMNS.length || byName.has(fields[0]!)) continue;
    const entry = {} as PasswdEntry;
    PASSWD_COLUMNS.forEach((col, i) => (entry[col] = fields[i]!));
    byName.set(entry.name, entry);
  }
  return byName;
}

const passwdFile = watchedFileCache(parsePasswd);

/**
 * The entry for `name`, or undefined when there is none.  A file that cannot
 * be read counts as having no entries; `onReadError` hears why.
 */
export function findPasswdEntry(
  name: string,
  path: string = PASSWD_FILE,
  onReadError?: (message: string) => void,
): PasswdEntry | undefined {
  const content = passwdFile(path).get();
  if (!content.ok) {
    onReadError?.(content.message);
    return undefined;
  }
  const entry = content.value.get(name);
  // a copy: callers own what they get, as with getpwnam's static buffer copied out
  return entry && { ...entry };
}

/**
 * A user's full name from the gecos field: its first comma field, "&" as
 * the capitalized login; undefined when there is none (or no such user).
 */
export function gecosFullName(user: string, path: string = PASSWD_FILE): string | undefined {
  const gecos = findPasswdEntry(user, path)?.gecos.split(',')[0] ?? '';
  const name = gecos.replace(/&/g, user.charAt(0).toUpperCase() + user.slice(1)).trim();
  return name === '' ? undefined : name;
}
