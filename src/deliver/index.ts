// src/deliver — getting a queued message to its recipients: remote SMTP
// delivery with sendmail's MX loop and a connection cache (smtp-client.ts,
// smtp-replies.ts, mx.ts, mx-dns.ts, smtp-connection-cache.ts), the
// local mailers for mailboxes, programs and files (mailers/), the cf's
// Mlocal run as declared (local-mailer.ts: P= program, [IPC] LMTP, or our
// mailbox writer) and A= words (mailer-argv.ts), the
// per-recipient outcome every mailer returns (status.ts: sent, temporary or
// permanent failure as a type), and RFC 3464 reports in sendmail's layout
// (dsn.ts); alias and .forward expansion (alias-expand.ts); what delivery
// reads from a queued envelope (queue-bridge.ts); the queue runner that
// takes queued messages through all of these (runner.ts, with resolve.ts,
// plan.ts, queue-lock.ts, the clock of clock.ts, and what -q flags ask in
// queue-command.ts).

export * from './status.js';
export * from './mx.js';
export { mxResolverFrom } from './mx-dns.js';
export * from './smtp-client.js';
export * from './dsn.js';
export * from './mailers/index.js';
export * from './alias-expand.js';
export { SmtpConnectionCache, type ConnectionCacheOptions } from './smtp-connection-cache.js';
export * from './queue-bridge.js';
export * from './mailer-argv.js';
export { localMailerWay, deliverThroughLocalMailer, type LocalMailerWay } from './local-mailer.js';
export {
  runQueue,
  runQueuesOf,
  scheduleQueueRuns,
  parseQueueSelection,
  selects,
  retryDelay,
  type QueueRunOptions,
  type QueueRunSummary,
  type QueueSelection,
  type ScheduledRuns,
} from './runner.js';
export { systemClock, ManualClock, type Clock } from './clock.js';
export { queueCommand, parseQueueFlags, type QueueRequest } from './queue-command.js';
export { cfResolver, type RecipientResolver } from './resolve.js';
