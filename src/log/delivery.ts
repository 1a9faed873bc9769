// The fields of a delivery's to= line from a delivery result (the shape
// src/deliver/status.ts defines; only read here): sendmail's stat= is the
// mailer's short status ("Sent (Ok queued as X)", "User unknown",
// "Deferred: 451 4.3.0 try later"), reply= the remote reply of a failure.

import type { DeliveryFields } from './format.js';

/** What the log reads of a DeliveryResult. */
export interface LoggedResult {
  readonly kind: 'sent' | 'tempfail' | 'permfail';
  readonly status: string;
  readonly text: string;
  readonly diagnostic?: string | undefined;
  readonly diagnosticType?: string | undefined;
  readonly transcript: readonly string[];
}

/** stat=: a refused SMTP recipient is the mailer's verdict ("User unknown"), as the transcript's own line names it, not the reply. */
export function statOf(r: LoggedResult): string {
  if (r.kind === 'permfail' && r.diagnosticType === 'SMTP' && r.text === r.diagnostic) {
    const own = r.transcript[r.transcript.length - 1] ?? '';
    const dots = own.indexOf('... ');
    if (dots >= 0) return own.slice(dots + 4);
  }
  return r.text;
}

/** reply=: the reply text of a failure, when the mailer got one. */
export function replyOf(r: LoggedResult): string | undefined {
  return r.kind !== 'sent' && r.diagnostic !== undefined && /^[245]\d\d /.test(r.diagnostic) ? r.diagnostic : undefined;
}

export interface DeliveryFacts {
  to: readonly string[];
  /** The controlling user ("root (0/0)"), when the delivery has one. */
  ctladdr?: string | undefined;
  result: LoggedResult;
  mailer?: string | undefined;
  relay?: string | undefined;
  /** When the message was queued (seconds since the epoch). */
  createdAt: number;
  now: Date;
  xdelaySeconds?: number | undefined;
  priority: number;
}

export function deliveryFields(f: DeliveryFacts): DeliveryFields {
  return {
    to: f.to,
    ctladdr: f.ctladdr,
    delaySeconds: f.now.getTime() / 1000 - f.createdAt,
    xdelaySeconds: f.xdelaySeconds,
    mailer: f.mailer,
    priority: f.priority,
    relay: f.relay,
    dsn: f.result.status,
    reply: replyOf(f.result),
    stat: statOf(f.result),
  };
}
