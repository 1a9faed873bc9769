// A mailer's A= as sendmail uses it (op.txt, "M -- Define Mailer"): words
// separated by blanks, each word's macros ($u, $h, ${client_addr}, ...)
// expanded when the mailer runs.  For P=[IPC] the words say where to
// connect: "TCP host [port]" (port default smtp) or "FILE /path/socket".

import type { MailerDecl } from '../config/types.js';

/** The A= text as written in the cf ("procmail -Y -a $h -d $u"). */
export function mailerArgvText(decl: MailerDecl): string {
  return decl.fields.get('A') ?? decl.argv;
}

/** Expands $x and ${name} in one word; $$ is a dollar sign; unknown macros are empty. */
export function expandArgvWord(word: string, lookup: (name: string) => string | undefined): string {
  return word.replace(/\$(\{([^}]*)\}|\$|.)/g, (_all, ref: string, long: string | undefined) => {
    if (ref === '$') return '$';
    return lookup(long ?? ref) ?? '';
  });
}

/** The A= words with their macros expanded, argv[0] first. */
export function mailerArgv(decl: MailerDecl, lookup: (name: string) => string | undefined): string[] {
  return mailerArgvText(decl)
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => expandArgvWord(w, lookup));
}

/** Whether the A= words name the recipient ($u): without it sendmail speaks SMTP/LMTP to the mailer. */
export function argvNamesRecipient(decl: MailerDecl): boolean {
  return /\$u(?![A-Za-z0-9_])/.test(mailerArgvText(decl).replace(/\$\{[^}]*\}/g, ''));
}

const SERVICE_PORTS: Readonly<Record<string, number>> = { smtp: 25, lmtp: 24, submission: 587, smtps: 465 };

/** Where an [IPC] mailer connects, from its expanded A= words; undefined when they are neither TCP nor FILE. */
export type IpcEndpoint = { readonly kind: 'tcp'; readonly host: string; readonly port: number } | { readonly kind: 'unix'; readonly path: string };

export function ipcEndpoint(argv: readonly string[]): IpcEndpoint | { readonly error: string } {
  const [how, where, port] = argv;
  if (how === 'FILE') {
    return where ? { kind: 'unix', path: where } : { error: 'A=FILE: expected the path of a Unix domain socket' };
  }
  if (how === 'TCP') {
    const n = port === undefined ? 25 : /^\d+$/.test(port) ? Number(port) : SERVICE_PORTS[port.toLowerCase()];
    if (n === undefined || n <= 0 || n > 65535) return { error: `A=TCP: unknown port "${port}"` };
    return { kind: 'tcp', host: where ?? '', port: n };
  }
  return { error: `[IPC] mailer: A= must start with TCP or FILE, not "${how ?? ''}"` };
}
