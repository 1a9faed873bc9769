/**
 * src/sys/passwd.ts — the password file, read as getpwnam(3) would: one
 * entry by exact name.  Every user lookup of the project (the `user` map
 * class, local recipients, mailbox owners, TrustedUser) goes through here.
 */
import { readFileSync } from 'node:fs';

export const PASSWD_FILE = '/etc/passwd';

/** The seven fields of a passwd line, in file order. */
export const PASSWD_COLUMNS = ['name', 'passwd', 'uid', 'gid', 'gecos', 'dir', 'shell'] as const;
export type PasswdColumn = (typeof PASSWD_COLUMNS)[number];

/** One passwd entry: each column as written. */
export type PasswdEntry = Record<PasswdColumn, string>;

/**
 * The entry for `name`, or undefined when there is none.  A file that cannot
 * be read counts as having no entries; `onReadError` hears why.
 */
export function findPasswdEntry(
  name: string,
  path: string = PASSWD_FILE,
  onReadError?: (message: string) => void,
): PasswdEntry | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (err) {
    onReadError?.(`${path}: ${(err as Error).message}`);
    return undefined;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < PASSWD_COLUMNS.length || fields[0] !== name) continue;
    const entry = {} as PasswdEntry;
    PASSWD_COLUMNS.forEach((col, i) => (entry[col] = fields[i]!));
    return entry;
  }
  return undefined;
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
