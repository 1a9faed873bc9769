// ~/dead.letter: where a local submission keeps a message it could not
// send everywhere, as sendmail does in its default ErrorMode (p, print):
// the errors go to the terminal and the message is appended to the
// invoking user's dead.letter ($HOME, else the password file's home) in mailbox form ("From sender date" line,
// Return-Path, the message, a blank line), durably, and the command says
// "FILE... Saved message in FILE".  So nothing typed into sendmail is lost
// when a recipient is refused or the message cannot be queued.

import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C's ctime without its newline, in local time: "Sun Nov 22 17:46:18 2026". */
function ctime(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

/**
 * Append `message` (headers, blank line, body; LF line ends) from `sender`
 * to the invoking user's dead.letter; says so through `print`.  False when
 * it could not be written (the reason printed).
 */
export function saveDeadLetter(sender: string, message: string, print: (line: string) => void, home = process.env.HOME || os.userInfo().homedir, now = new Date()): boolean {
  const file = path.join(home, 'dead.letter');
  const bare = sender.replace(/^<(.*)>$/, '$1') || 'MAILER-DAEMON';
  const text = `From ${bare} ${ctime(now)}\nReturn-Path: <${bare}>\n${message.endsWith('\n') ? message : `${message}\n`}\n`;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'a', 0o600);
    writeSync(fd, Buffer.from(text, 'latin1'));
    fsyncSync(fd);
  } catch (err) {
    print(`${file}... Cannot save message: ${(err as Error).message}`);
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  print(`${file}... Saved message in ${file}`);
  return true;
}
