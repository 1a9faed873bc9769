// The outcome of one delivery attempt for one recipient, the shape every
// mailer (SMTP, local mbox, program, file) returns and the DSN builder reads.
// Temporary and permanent failure are distinct kinds, never strings to parse.

/** What happened to a recipient: delivered, try again later, or give up. */
export type DeliveryKind = 'sent' | 'tempfail' | 'permfail';

/** Which type a Diagnostic-Code field names (RFC 3464 2.3.6). */
export type DiagnosticType = 'SMTP' | 'X-Unix';

export interface DeliveryResult {
  readonly kind: DeliveryKind;
  /** The DSN Status field (RFC 3463), e.g. "5.1.1". Its class matches `kind`. */
  readonly status: string;
  /** Short human text, e.g. "User unknown", for the "(reason: ...)" line and logs. */
  readonly text: string;
  /** Diagnostic-Code value without its type, e.g. "550 5.1.1 <bob@x>... User unknown" or "67". */
  readonly diagnostic?: string;
  readonly diagnosticType?: DiagnosticType;
  /** Host name of the remote MTA that answered (Remote-MTA field). */
  readonly remoteMta?: string;
  /**
   * Lines for the bounce's "Transcript of session follows" part, in the order
   * they happened (">>> RCPT To:<x>", "<<< 550 ...", "550 5.1.1 x... User unknown").
   */
  readonly transcript: readonly string[];
  /**
   * SMTP: the peer offered DSN and took the recipient with its NOTIFY, so
   * it owes any success report (sendmail reports "relayed" only to a peer
   * without DSN, "delivered" only for a local mailer).
   */
  readonly dsnRelayed?: boolean;
}

/** The class digit a DeliveryKind stands for. */
export function classDigit(kind: DeliveryKind): '2' | '4' | '5' {
  return kind === 'sent' ? '2' : kind === 'tempfail' ? '4' : '5';
}

/** The kind a reply code's first digit means (2xx/3xx sent, 4xx temporary, else permanent). */
export function kindOfReplyCode(code: number): DeliveryKind {
  if (code >= 200 && code < 400) return 'sent';
  if (code >= 400 && code < 500) return 'tempfail';
  return 'permfail';
}

/** A result built from the parts; fills `transcript` with nothing when not given. */
export function makeResult(
  kind: DeliveryKind,
  status: string,
  text: string,
  extra: Partial<Omit<DeliveryResult, 'kind' | 'status' | 'text'>> = {},
): DeliveryResult {
  if (status[0] !== classDigit(kind)) {
    throw new Error(`delivery status ${status} does not match outcome ${kind}`);
  }
  return { kind, status, text, transcript: [], ...extra };
}
