// The cf's local mailer (Mlocal) as the cf declares it, for one local user:
//
// - P=[IPC] with A=FILE /path/socket or A=TCP host [port]: LMTP (F=z) or
//   SMTP to that socket or port (op.txt: "Builtin pathnames are [FILE] and
//   [IPC]"), one transaction per recipient;
// - any other P= whose A= names the recipient ($u): that program (procmail
//   -Y -a $h -d $u, /usr/sbin/sensible-mda $g $u $h ${client_addr},
//   /usr/lib/sm.bin/mail.local -d $u) run directly with the expanded A=
//   words, the message on its standard input, its exit status read as
//   sysexits;
// - our own mailbox writer (mailers/local.ts, which does what mail.local
//   does) when the runner was given a mailbox directory, when P= names a
//   program that is not installed, or when A= does not name $u (sendmail
//   then speaks LMTP over the program's pipes, as `mail.local -l` expects;
//   this runner does not, and writes the mailbox as mail.local would).
//
// sendmail has no built-in local delivery: "[LOCAL]" is not a pathname it
// knows; Debian's cf uses P=/usr/sbin/sensible-mda.  Observed: real
// sendmail 8.17 (-odi, Debian cf, sensible-mda not installed) exits 71 and
// keeps the message queued with "Operating system error"; we deliver to the
// mailbox instead and log the substitution, so a host without procmail or
// sensible-mda still gets its local mail.

import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { MailerDecl } from '../config/types.js';
import { argvNamesRecipient, ipcEndpoint, mailerArgv, type IpcEndpoint } from './mailer-argv.js';
import { deliverToMailbox, deliverToProgram } from './mailers/index.js';
import type { MxResolver } from './mx.js';
import { deliverSmtp } from './smtp-client.js';
import { makeResult, type DeliveryResult } from './status.js';

/** How one delivery through the local mailer is made. */
export type LocalMailerWay =
  | { readonly kind: 'mailbox'; readonly note?: string }
  | { readonly kind: 'program'; readonly path: string; readonly argv: readonly string[] }
  | { readonly kind: 'ipc'; readonly endpoint: IpcEndpoint; readonly lmtp: boolean }
  | { readonly kind: 'misconfigured'; readonly error: string };

async function executable(file: string): Promise<boolean> {
  try {
    await fsp.access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Chooses the way for `decl` (the cf's Mlocal) with the A= macros from `lookup`. */
export async function localMailerWay(
  decl: MailerDecl | undefined,
  lookup: (name: string) => string | undefined,
  mailboxDirGiven: boolean,
): Promise<LocalMailerWay> {
  if (!decl || mailboxDirGiven) return { kind: 'mailbox' };
  const argv = mailerArgv(decl, lookup);
  if (decl.path === '[IPC]') {
    const endpoint = ipcEndpoint(argv);
    if ('error' in endpoint) return { kind: 'misconfigured', error: `${decl.pos.file}:${decl.pos.line}: Mlocal: ${endpoint.error}` };
    return { kind: 'ipc', endpoint, lmtp: decl.flags.has('z') };
  }
  if (!argvNamesRecipient(decl)) return { kind: 'mailbox', note: `local mailer ${decl.path}: A= has no $u (LMTP on its pipes is not spoken here)` };
  if (!(await executable(decl.path))) return { kind: 'mailbox', note: `local mailer ${decl.path}: not installed` };
  return { kind: 'program', path: decl.path, argv };
}

export interface LocalMailerDelivery {
  readonly way: LocalMailerWay;
  /** The user's mailbox, for the built-in writer. */
  readonly mailbox: string;
  /** The user as $u names it (the LMTP recipient). */
  readonly user: string;
  readonly recipient: string;
  readonly sender: string;
  readonly message: Buffer;
  readonly date: Date;
  readonly owner?: { readonly uid: number; readonly gid: number };
  /** Our name for LHLO/EHLO ($j). */
  readonly heloName: string;
  /** For A=TCP host names. */
  readonly resolver: MxResolver;
  readonly env?: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

/** Delivers one message to one local user the chosen way. */
export async function deliverThroughLocalMailer(req: LocalMailerDelivery): Promise<DeliveryResult> {
  const way = req.way;
  switch (way.kind) {
    case 'mailbox':
      if (way.note) req.log(`${way.note}: ${req.recipient} delivered to ${req.mailbox} by the built-in mail.local`);
      return deliverToMailbox({ mailbox: req.mailbox, recipient: req.recipient, sender: req.sender, message: req.message, date: req.date, owner: req.owner });
    case 'program':
      return deliverToProgram({
        command: way.argv.join(' '),
        exec: { path: way.path, argv: way.argv },
        mailerName: `local mailer (${path.basename(way.path)})`,
        recipient: req.recipient,
        message: req.message,
        env: req.env,
      });
    case 'misconfigured':
      return makeResult('tempfail', '4.3.5', `Deferred: ${way.error}`, { transcript: [`${req.recipient}... ${way.error}`] });
    case 'ipc': {
      const e = way.endpoint;
      const report = await deliverSmtp({
        nextHop: e.kind === 'tcp' ? `[${e.host === '' ? 'localhost' : e.host}]` : 'localhost',
        socketPath: e.kind === 'unix' ? e.path : undefined,
        sender: req.sender,
        recipients: [{ address: req.user }],
        message: req.message,
        heloName: req.heloName,
        lmtp: way.lmtp,
        noTls: true,
        route: { resolver: req.resolver, localNames: [], defaultPort: e.kind === 'tcp' ? e.port : 0 },
      });
      return report.results.get(req.user) ?? makeResult('tempfail', '4.4.0', 'Deferred: no result from the local mailer', { transcript: [...report.transcript] });
    }
  }
}
