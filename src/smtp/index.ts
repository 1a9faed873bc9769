// src/smtp — the SMTP daemon.  It owns: the reply builder (reply.ts, one
// table of enhanced status codes in enhanced-codes.ts, sendmail 8.17's own
// reply texts in replies.ts), the policy interface the session asks at each
// stage with typed decisions (policy.ts), the protocol state machine
// (session.ts), the message's queue form (message.ts), the smtp-server
// adapter that is the only importer of smtp-server (adapter.ts: listeners
// from DAEMON_OPTIONS, sendmail -bs on streams), STARTTLS (tls.ts: the
// cf's certificate, the TLS macros), AUTH (auth.ts: PLAIN and LOGIN;
// auth-saslauthd.ts: the password check), and the daemon process
// (daemon.ts: PidFile, SIGHUP reload, SIGTERM drain).
export { makeReply, formatReply, replyFromConfig, replyFromText, replyClass, type Reply, type ReplyClass } from './reply.js';
export { enhancedCodeText } from './enhanced-codes.js';
export {
  accept,
  reject,
  tempfail,
  discard,
  quarantine,
  failure,
  InMemoryPolicy,
  type Decision,
  type SmtpPolicy,
  type SessionMacros,
  type RecipientDecision,
} from './policy.js';
export { SmtpSession, type SessionOptions, type DaemonInfo, type ClientInfo } from './session.js';
export { SmtpListeners, parseDaemonOptions, serveStream, type ListenerSpec, type AdapterOptions } from './adapter.js';
export { runDaemon, type DaemonOptions, type RunningDaemon } from './daemon.js';
export { readHelpFile, parseHelpFile } from './helpfile.js';
