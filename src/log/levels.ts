// Which LogLevel each event needs and the syslog severity it goes out with,
// as sendmail 8.17 does it.  Measured, not guessed: real sendmail -bD ran
// the same sessions (good mail, relay denied, check_mail and check_relay
// rejects, a session without MAIL, a dropped session, a bounce, a deferral,
// a local submission) once at each LogLevel 0..15 under a private /dev/log,
// and the first level at which each line appeared is the threshold here.
// op.txt's "Log Level" table is the rough guide (it is a level off in places:
// connections show from 10, not 12).

/** syslog(3) severities (the low three bits of the priority). */
export const Severity = {
  crit: 2,
  err: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
} as const;
export type SeverityName = keyof typeof Severity;

/** The mail facility (LOG_MAIL = 2 << 3). */
export const MAIL_FACILITY = 16;

export interface EventLevel {
  /** Logged when LogLevel >= this. */
  readonly level: number;
  readonly severity: SeverityName;
}

export const EVENTS = {
  /** "starting daemon (8.17.1.9): SMTP": logged at every level. */
  startingDaemon: { level: 0, severity: 'info' },
  /** "collect: relay=..., from=..., info=unexpected close". */
  collectClosed: { level: 1, severity: 'notice' },
  /** "lost input channel from ... after mail". */
  lostInput: { level: 2, severity: 'notice' },
  /** "collect: relay=..., from=..., info=Bare linefeed (LF) not allowed, where=body, status=tempfail". */
  collectRefused: { level: 1, severity: 'notice' },
  /** "collect: premature EOM: unexpected close". */
  prematureEom: { level: 2, severity: 'warning' },
  /** "headers too large (32768 max) from host during message collect" (MaxHeadersLength): logged at every level. */
  headersTooLarge: { level: 0, severity: 'notice' },
  /** "ruleset=check_*, arg1=..., relay=..., reject=...". */
  rulesetReject: { level: 4, severity: 'notice' },
  /** "<a@b>... User unknown" and other refused addresses. */
  addressRefused: { level: 4, severity: 'notice' },
  /** "from=<...>, size=..., ...": a message taken in, or a transaction given up. */
  received: { level: 5, severity: 'info' },
  /** "name [addr] did not issue MAIL/EXPN/VRFY/ETRN during connection to MTA". */
  noTransaction: { level: 6, severity: 'info' },
  /** "name [addr]: VRFY x" / "EXPN x". */
  vrfyExpn: { level: 6, severity: 'info' },
  /** "name [addr]: Possible SMTP RCPT flood, throttling." (BadRcptThrottle reached). */
  rcptFlood: { level: 6, severity: 'info' },
  /** "NEWID: DSN: ...", "postmaster notify", "return to sender". */
  report: { level: 6, severity: 'info' },
  /** to= ... stat=User unknown (permanent failures). */
  deliveryFailed: { level: 7, severity: 'info' },
  /** to= ... stat=Sent (...). */
  deliverySent: { level: 8, severity: 'info' },
  /** to= ... stat=Deferred: ... and stat=queued. */
  deliveryDeferred: { level: 9, severity: 'info' },
  /** "rejecting connections on daemon MTA: 2 children, max 2" (MaxDaemonChildren reached; the listener is closed). */
  rejectingConnections: { level: 9, severity: 'info' },
  /** "accepting connections again for daemon MTA". */
  acceptingConnections: { level: 9, severity: 'info' },
  /** "to=<a@b>, delay=..., pri=0, stat=aborted by sender": each recipient of a transaction given up (RSET, QUIT, a new MAIL, a lost connection). */
  abortedRecipient: { level: 10, severity: 'info' },
  /** "NOQUEUE: connect from name [addr]". */
  connect: { level: 10, severity: 'info' },
  /** "started as: sendmail -bd ...". */
  startedAs: { level: 10, severity: 'info' },
  /** "NOQUEUE: stopping daemon, reason=signal". */
  stoppingDaemon: { level: 10, severity: 'info' },
  /** "QID: done; delay=..., ntries=N" (a message finished by a queue run). */
  done: { level: 10, severity: 'info' },
} as const satisfies Record<string, EventLevel>;
export type EventName = keyof typeof EVENTS;

/** sendmail's default LogLevel (op.txt: "Defaults to 9"). */
export const DEFAULT_LOG_LEVEL = 9;

/** The LogLevel option's value as a number; the default for a missing or malformed one. */
export function parseLogLevel(value: string | undefined): number {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return DEFAULT_LOG_LEVEL;
  return Number(value);
}
