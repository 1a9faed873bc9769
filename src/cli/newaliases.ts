/**
 * src/cli/newaliases.ts — `newaliases`, the same as `sendmail -bi`.
 */
import { main as sendmailMain } from './sendmail.js';

export function main(argv: string[], progName: string): Promise<void> {
  return sendmailMain(['-bi', ...argv], progName);
}
