// The envelope of one queued message: what a qf file records (sender,
// recipients with their DSN settings, headers, times, priority, flags,
// macros).  Plain data; src/queue/qf-file.ts reads and writes it.

/** DSN NOTIFY and related per-recipient flags of an R line. */
export interface RecipientFlags {
  /** P: a primary address (given on the command line or in the SMTP session). */
  primary: boolean;
  /** S: notify on success. */
  notifySuccess: boolean;
  /** F: notify on failure. */
  notifyFailure: boolean;
  /** D: notify on delay. */
  notifyDelay: boolean;
  /** N: a NOTIFY parameter was given (NOTIFY=NEVER is N without S, F, D). */
  notifyGiven: boolean;
  /** Flag letters this implementation does not interpret, kept as read. */
  other: string;
}

export interface QueuedRecipient {
  /** The address as given ("<root>", "alice@example.org"). */
  address: string;
  flags: RecipientFlags;
  /** DSN original recipient (ORCPT=), the Q line, e.g. "rfc822;root@mx.example.com". */
  originalRecipient?: string;
  /** DSN final recipient, the r line, e.g. "RFC822; root@mx.example.com". */
  finalRecipient?: string;
  /** Controlling user, the C line that precedes this recipient. */
  controller?: string;
}

/** One header: "?flags?" conditions as in the configuration file, name, value (continuation lines joined with "\n"). */
export interface QueuedHeader {
  /** The mailer flags between the question marks ("P" in H?P?Return-Path:), "" for none. */
  conditions: string;
  name: string;
  /** The text after "Name:" including its leading space; continuation lines joined by "\n". */
  value: string;
}

export interface Envelope {
  /** Queue id, e.g. 6AM4JfgJ000018. */
  id: string;
  /** qf format version (V line); 8 for sendmail 8.13 and later. */
  version: number;
  /** Job creation time (T), seconds since the epoch. */
  createdAt: number;
  /** Last delivery attempt (K), seconds since the epoch; 0 if none. */
  lastAttempt: number;
  /** Number of delivery attempts (N). */
  attempts: number;
  /** Current priority (P); lower runs first. */
  priority: number;
  /** Data file's device/inode as "major/minor/inode" (I), if known. */
  dataInode?: string;
  /** Status message shown by mailq (M). */
  statusMessage?: string;
  /** Body type (B): "7BIT" or "8BITMIME". */
  bodyType?: string;
  /** Envelope flag letters (F): r w 8 b d n s ... */
  flags: string;
  /** AUTH= parameter (A). */
  auth?: string;
  /** DSN envelope id (ENVID=, Z). */
  envelopeId?: string;
  /** Quarantine reason (q). */
  quarantineReason?: string;
  /** Directory of the data file when not beside the qf (d). */
  dataDirectory?: string;
  /** Envelope sender (S) as given, "<>" for the null sender. */
  sender: string;
  recipients: QueuedRecipient[];
  /** Macros passed to the queue run ($ lines): single-character names or long names without braces. */
  macros: Map<string, string>;
  headers: QueuedHeader[];
  /** qf lines this implementation does not interpret, kept so that rewriting the file loses nothing. */
  unknownLines: string[];
}

export function defaultRecipientFlags(): RecipientFlags {
  return { primary: true, notifySuccess: false, notifyFailure: true, notifyDelay: true, notifyGiven: false, other: '' };
}

/** A new envelope with sendmail's defaults for a message being received now. */
export function newEnvelope(id: string, sender: string, now: Date = new Date()): Envelope {
  return {
    id,
    version: 8,
    createdAt: Math.floor(now.getTime() / 1000),
    lastAttempt: 0,
    attempts: 0,
    priority: 0,
    flags: '',
    sender,
    recipients: [],
    macros: new Map(),
    headers: [],
    unknownLines: [],
  };
}
