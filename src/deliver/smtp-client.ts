// Remote delivery over SMTP: one message, one sender, some recipients, one
// next hop (or an [IPC] mailer's Unix domain socket).  The hosts come from planRoute (mx.ts); each host's addresses are
// tried in order until one gives a transaction.  The SMTP protocol itself
// (EHLO/HELO, STARTTLS, AUTH, PIPELINING, SIZE, DSN parameters, dot
// stuffing, LMTP) is nodemailer's SMTPConnection; this module decides what
// each reply means for each recipient, the way sendmail 8.17 does (observed
// against real sendmail with a mailertable host list and scripted peers):
//
// - a connection failure, a 4xx or 5xx greeting, a failed EHLO/HELO or
//   STARTTLS, a 4xx reply to AUTH or MAIL, or a lost connection before the
//   final reply to the message: try the next address/host;
// - a 5xx reply to AUTH (credentials from the cf's authinfo ruleset,
//   authinfo.ts): go on unauthenticated, as sendmail 8.17 does;
// - a 5xx reply to MAIL: every recipient fails permanently;
// - each RCPT reply decides its recipient (2xx accepted, 4xx deferred, 5xx
//   failed); the final reply to DATA decides every accepted recipient;
// - a host that accepted nobody but deferred some: those try the next host.
//
// What each reply means (status, sendmail's failure line, the transcript a
// bounce shows) is smtp-replies.ts.  Every recipient gets a DeliveryResult
// (status.ts); the report also carries the session transcript.

import net from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SMTPEnvelope, SMTPConnectionSendInfo } from 'nodemailer/lib/smtp-connection';
import { planRoute, type RouteOptions, type TargetHost } from './mx.js';
import { chooseMechanism } from './authinfo.js';
import type { CachedSession, SmtpConnectionCache } from './smtp-connection-cache.js';
import { EX_UNAVAILABLE, resultFromExit } from './mailers/sysexits.js';
import {
  parseReply,
  resultFromReply,
  SessionTranscript,
  statusOf,
  type ParsedReply,
  type ReplyStage,
} from './smtp-replies.js';
import { kindOfReplyCode, makeResult, type DeliveryResult } from './status.js';

export { parseReply, type ParsedReply } from './smtp-replies.js';

/** RFC 3461 NOTIFY values; NEVER stands alone. */
export type DsnNotify = 'NEVER' | readonly ('SUCCESS' | 'FAILURE' | 'DELAY')[];

export interface SmtpRecipient {
  /** The envelope address, without angle brackets. */
  readonly address: string;
  readonly notify?: DsnNotify;
  /** ORCPT value "type;address", e.g. "rfc822;bob@example.com". */
  readonly orcpt?: string;
}

export interface SmtpCredentials {
  /** Authentication id. */
  readonly user: string;
  /** Authorization id sent with PLAIN (sendmail sends authinfo's U: there); default none. */
  readonly authzid?: string;
  readonly pass: string;
  /** SASL mechanism (PLAIN, LOGIN, CRAM-MD5); default: the first one both sides know. */
  readonly method?: string;
  /** Mechanisms allowed (authinfo's M:), in order of preference; empty or absent: any the server offers. */
  readonly mechanisms?: readonly string[];
}

export interface SmtpTimeouts {
  /** Connecting (ms); sendmail's Timeout.connect. */
  readonly connect?: number;
  /** Waiting for the greeting (ms); Timeout.initial. */
  readonly greeting?: number;
  /** Any other reply (ms); Timeout.datafinal and friends. */
  readonly command?: number;
}

export interface SmtpDeliveryRequest {
  /** Next hop as the mailer's $h: "example.com", "[mx.example.com]", "a.example:b.example", "[::1]:2525". */
  readonly nextHop: string;
  /** Envelope sender; "" for the null sender <>. */
  readonly sender: string;
  readonly recipients: readonly SmtpRecipient[];
  /** The message, headers and body, with CRLF or LF line ends. */
  readonly message: Buffer;
  /** Our name in EHLO/HELO ($j). */
  readonly heloName: string;
  /** DSN RET and ENVID for MAIL FROM, sent when the peer offers DSN. */
  readonly ret?: 'FULL' | 'HDRS';
  readonly envid?: string;
  /**
   * The message's AUTH= for MAIL FROM (the qf A line, xtext, or "<>"),
   * sent when the peer offers AUTH; undefined sends AUTH=<> there (the
   * message came in unauthenticated), as sendmail does.
   */
  readonly authParam?: string;
  /** Sends BODY=8BITMIME when the peer offers it. */
  readonly eightBitMime?: boolean;
  /** Credentials for a host at one of its addresses, from the caller's authinfo lookup; undefined: no AUTH. */
  readonly credentials?: (host: TargetHost, address: string) => Promise<SmtpCredentials | undefined> | SmtpCredentials | undefined;
  /** Speak LMTP instead of SMTP (per-recipient replies to the message). */
  readonly lmtp?: boolean;
  /** Verify the peer's certificate after STARTTLS (default false: opportunistic TLS). */
  readonly verifyCertificates?: boolean;
  /** Skip STARTTLS even when it is offered. */
  readonly noTls?: boolean;
  readonly timeouts?: SmtpTimeouts;
  readonly route: RouteOptions;
  /** Keep sessions open for the next message to the same host (see smtp-connection-cache.ts). */
  readonly connectionCache?: SmtpConnectionCache;
  /** A Unix domain socket to speak to instead of the next hop's hosts (an [IPC] mailer's A=FILE path). */
  readonly socketPath?: string;
}

/** One connection attempt, for logs and tests. */
export interface SmtpAttempt {
  readonly host: string;
  readonly address: string;
  readonly port: number;
  /** "delivered" when the host gave a verdict for the recipients, otherwise why we moved on. */
  readonly outcome: 'delivered' | 'next-host';
  readonly detail: string;
}

export interface SmtpDeliveryReport {
  /** One result per recipient address given in the request. */
  readonly results: ReadonlyMap<string, DeliveryResult>;
  readonly attempts: readonly SmtpAttempt[];
  /** TLS was in use on the connection that gave the verdict. */
  readonly secured: boolean;
  /**
   * The session transcript as sendmail puts it in a bounce: the failures of
   * the connection that gave the verdict, or each recipient's line when no
   * host could be used.
   */
  readonly transcript: readonly string[];
}

interface NodemailerError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  recipient?: string;
  rejectedErrors?: NodemailerError[];
}

/** Collects the SMTP dialogue for bounce transcripts (nodemailer's transactionLog). */
function transcriptLogger(capture: { lines: string[] }): Record<string, (...args: unknown[]) => void> {
  const debug = (entry: unknown, message: unknown, ...args: unknown[]): void => {
    if (typeof entry !== 'object' || entry === null || typeof message !== 'string') return;
    const tnx = (entry as { tnx?: unknown }).tnx;
    const text = args.length > 0 ? message.replace(/%s/g, () => String(args.shift())) : message;
    if (tnx === 'client') capture.lines.push(`>>> ${text}`);
    else if (tnx === 'server') for (const l of text.split(/\r?\n/)) capture.lines.push(`<<< ${l}`);
  };
  const ignore = (): void => {};
  return { debug, trace: ignore, info: ignore, warn: ignore, error: ignore, fatal: ignore };
}

/** Outcome of one connection: a verdict per recipient, or a reason to try the next address. */
type HostOutcome =
  | {
      readonly kind: 'verdict';
      readonly results: Map<string, DeliveryResult>;
      readonly secured: boolean;
      readonly transcript: readonly string[];
    }
  | { readonly kind: 'next'; readonly result: DeliveryResult; readonly detail: string };

function encodeXtext(s: string): string {
  return s.replace(/[^\x21-\x2a\x2c-\x3c\x3e-\x7e]/g, (c) => `+${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The RCPT TO parameters for one recipient (when the peer offers DSN). */
function rcptDsnParams(r: SmtpRecipient): string {
  const args: string[] = [];
  if (r.notify !== undefined) {
    args.push(`NOTIFY=${r.notify === 'NEVER' ? 'NEVER' : r.notify.join(',')}`);
  }
  if (r.orcpt !== undefined) {
    const semi = r.orcpt.indexOf(';');
    const orcpt = semi < 0 ? `rfc822;${r.orcpt}` : r.orcpt;
    args.push(`ORCPT=${orcpt.slice(0, orcpt.indexOf(';') + 1)}${encodeXtext(orcpt.slice(orcpt.indexOf(';') + 1))}`);
  }
  return args.length > 0 ? ` ${args.join(' ')}` : '';
}

/**
 * nodemailer sends one NOTIFY/ORCPT for every RCPT; sendmail sends each
 * recipient's own.  Its RCPT commands go out in envelope order and each asks
 * `_getDsnRcptToArgs` for its parameters, so the n-th call is the n-th
 * recipient.  This is the one place we lean on a nodemailer internal; the
 * DSN test against a real peer checks it still holds.
 */
function installPerRecipientDsn(conn: SMTPConnection, recipients: readonly SmtpRecipient[]): void {
  const internals = conn as unknown as {
    _getDsnRcptToArgs?: () => string;
    _supportedExtensions?: string[];
  };
  if (typeof internals._getDsnRcptToArgs !== 'function') {
    throw new Error('nodemailer SMTPConnection no longer has _getDsnRcptToArgs; per-recipient DSN needs updating');
  }
  let next = 0;
  internals._getDsnRcptToArgs = () => {
    const r = recipients[next++];
    if (r === undefined || !(internals._supportedExtensions ?? []).includes('DSN')) return '';
    return rcptDsnParams(r);
  };
}

/** The AUTH= value each connection's next MAIL FROM carries (set per transaction). */
const mailAuthOf = new WeakMap<SMTPConnection, string>();

/**
 * Makes MAIL FROM carry AUTH=`value` when the peer offers AUTH (nodemailer
 * sends no AUTH= of its own): its command writer is wrapped once per
 * connection, the value set for each transaction.
 */
function installMailAuth(conn: SMTPConnection, value: string): void {
  const internals = conn as unknown as { _sendCommand?: (str: string, logStr?: string) => void; allowsAuth?: boolean };
  const send = internals._sendCommand;
  if (typeof send !== 'function') throw new Error('nodemailer SMTPConnection no longer has _sendCommand; MAIL FROM AUTH= needs updating');
  if (!mailAuthOf.has(conn)) {
    internals._sendCommand = function (this: unknown, str: string, logStr?: string) {
      const auth = mailAuthOf.get(conn);
      if (!/^MAIL FROM:/i.test(str) || internals.allowsAuth !== true || auth === undefined) return send.call(this, str, logStr);
      return send.call(this, `${str} AUTH=${auth}`);
    };
  }
  mailAuthOf.set(conn, value);
}

function connectionFailure(host: string, address: string, err: NodemailerError | undefined, what: string): DeliveryResult {
  const reply = err?.response ? parseReply(err.response) : undefined;
  if (reply && reply.code >= 400) {
    // A refusing greeting (or EHLO): sendmail reports it with the status of
    // EX_UNAVAILABLE or a deferral, the reply as diagnostic, no Remote-MTA.
    const transcript = [`... while talking to ${host}:`, ...reply.lines.map((l) => `<<< ${l}`)];
    const common = { diagnostic: reply.line, diagnosticType: 'SMTP' as const, transcript };
    return kindOfReplyCode(reply.code) === 'permfail'
      ? makeResult('permfail', '5.5.0', reply.line, common)
      : makeResult('tempfail', statusOf(reply, 'tempfail', true), `Deferred: ${reply.line}`, common);
  }
  const cause = err?.message ?? what;
  const refused = /ECONNREFUSED/.test(String((err as { originalCode?: string } | undefined)?.originalCode ?? '') + cause);
  const text = refused ? `Deferred: Connection refused by ${host}` : `Deferred: ${what} with ${host} (${address}): ${cause}`;
  return makeResult('tempfail', '4.4.1', text, { remoteMta: host });
}

/**
 * Runs one step on the connection (`start` gets the callback to finish it)
 * and resolves with its error, if any: the step's own callback, an 'error'
 * event or the connection ending, whichever comes first.  The listeners are
 * removed afterwards, so a cached connection does not collect them.
 */
function settle<T>(conn: SMTPConnection, start: (done: (err: NodemailerError | undefined, value?: T) => void) => void): Promise<{ err?: NodemailerError; value?: T }> {
  return new Promise((resolve) => {
    let done = false;
    const onError = (err: NodemailerError) => finish(err);
    const onEnd = () => finish(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }));
    const finish = (err: NodemailerError | undefined, value?: T) => {
      if (done) return;
      done = true;
      conn.removeListener('error', onError);
      conn.removeListener('end', onEnd);
      resolve(err ? { err } : { value });
    };
    conn.on('error', onError);
    conn.once('end', onEnd);
    start(finish);
  });
}

const waitConnected = async (conn: SMTPConnection): Promise<NodemailerError | undefined> =>
  (await settle(conn, (done) => conn.connect((err) => done(err as NodemailerError | undefined)))).err;

const login = async (conn: SMTPConnection, creds: SmtpCredentials): Promise<NodemailerError | undefined> =>
  (
    await settle(conn, (done) =>
      conn.login({ user: creds.user, pass: creds.pass, method: creds.method }, (err) => done(err ?? undefined)),
    )
  ).err;

const resetSession = async (conn: SMTPConnection): Promise<NodemailerError | undefined> =>
  (await settle(conn, (done) => conn.reset((err) => done(err ?? undefined)))).err;

async function send(
  conn: SMTPConnection,
  envelope: SMTPEnvelope,
  message: Buffer,
): Promise<{ err?: NodemailerError; info?: SMTPConnectionSendInfo }> {
  const r = await settle<SMTPConnectionSendInfo>(conn, (done) =>
    conn.send(envelope, message, (err, info) => done(err ? (err as NodemailerError) : undefined, info)),
  );
  return { err: r.err, info: r.value };
}

/** A connected Unix domain socket, or why not. */
function connectUnix(socketPath: string, timeoutMs: number): Promise<net.Socket | Error> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketPath });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Object.assign(new Error(`${socketPath}: connection timed out`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      resolve(err);
    });
  });
}

/** The SASL mechanisms nodemailer's client speaks with a user and password. */
const SPOKEN_MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5'];

/**
 * AUTH with the credentials, when the server offers a mechanism they allow.
 * As sendmail does, a permanent refusal (5xx) leaves the session
 * unauthenticated and the transaction goes on (the server may then refuse
 * MAIL or RCPT); anything else (4xx, a lost connection) moves on.
 */
async function authenticate(conn: SMTPConnection, creds: SmtpCredentials): Promise<NodemailerError | undefined> {
  const offered = (conn as unknown as { _supportedAuth?: string[] })._supportedAuth ?? [];
  const method = creds.method ?? chooseMechanism(offered, creds.mechanisms ?? [], SPOKEN_MECHANISMS);
  if (method === undefined) return undefined;
  const err = await login(conn, { ...creds, method });
  if (err && (err.responseCode ?? 0) >= 500 && !conn.destroyed) return undefined;
  return err;
}

/** AUTH PLAIN with an authorization id (nodemailer's own PLAIN sends none), as sendmail's SASL client sends it. */
function plainWithAuthzid(creds: SmtpCredentials) {
  return async (ctx: { sendCommand(cmd: string): Promise<{ status: number; response: string }>; resolve(): void; reject(err: Error): void }) => {
    const token = Buffer.from(`${creds.authzid ?? ''}\0${creds.user}\0${creds.pass}`, 'utf8').toString('base64');
    const r = await ctx.sendCommand(`AUTH PLAIN ${token}`);
    if (r.status === 235) ctx.resolve();
    else ctx.reject(new Error(r.response));
  };
}

/** Opens a session to one address (or the request's socket): connect, greeting, EHLO, STARTTLS, AUTH. */
async function openSession(
  req: SmtpDeliveryRequest,
  host: TargetHost,
  address: string,
  creds: SmtpCredentials | undefined,
): Promise<{ session: CachedSession } | { failed: HostOutcome }> {
  const capture = { lines: [] as string[] };
  const t = req.timeouts ?? {};
  let connection: net.Socket | undefined;
  if (req.socketPath !== undefined) {
    const opened = await connectUnix(req.socketPath, t.connect ?? 300_000);
    if (opened instanceof Error) {
      const result = connectionFailure(host.display, address, opened as NodemailerError, 'connect');
      return { failed: { kind: 'next', result, detail: opened.message } };
    }
    connection = opened;
  }
  const conn = new SMTPConnection({
    ...(connection ? { connection } : {}),
    host: address,
    port: host.port,
    name: req.heloName,
    servername: host.name,
    opportunisticTLS: true,
    ignoreTLS: req.noTls === true,
    tls: { rejectUnauthorized: req.verifyCertificates === true, servername: host.name },
    lmtp: req.lmtp === true,
    connectionTimeout: t.connect ?? 300_000,
    greetingTimeout: t.greeting ?? 300_000,
    socketTimeout: t.command ?? 3_600_000,
    socketCloseTimeout: 0,
    logger: transcriptLogger(capture),
    transactionLog: true,
    ...(creds?.authzid !== undefined ? { customAuth: { PLAIN: plainWithAuthzid(creds) } } : {}),
  });
  conn.on('error', () => {}); // errors also reach the step waiting for them
  const connectErr = await waitConnected(conn);
  if (connectErr) {
    conn.close();
    const result = connectionFailure(host.display, address, connectErr, 'connect');
    return { failed: { kind: 'next', result, detail: connectErr.message } };
  }
  if (creds && conn.allowsAuth) {
    const authErr = await authenticate(conn, creds);
    if (authErr) {
      conn.close();
      const result = connectionFailure(host.display, address, authErr, 'AUTH');
      return { failed: { kind: 'next', result, detail: authErr.message } };
    }
  }
  return { session: { conn, capture, opening: [...capture.lines] } };
}

/** One transaction with one address of one host, on a cached session when there is one. */
async function tryAddress(
  req: SmtpDeliveryRequest,
  host: TargetHost,
  address: string,
  pending: readonly SmtpRecipient[],
): Promise<HostOutcome> {
  const cache = req.connectionCache;
  const creds = await req.credentials?.(host, address);
  const key = [address, host.port, req.heloName, creds?.user ?? '', req.lmtp === true, req.noTls === true].join('|');
  let session = cache?.take(key);
  if (session && (await resetSession(session.conn)) !== undefined) {
    session.conn.close();
    session = undefined;
  }
  if (session === undefined) {
    const opened = await openSession(req, host, address, creds);
    if ('failed' in opened) return opened.failed;
    session = opened.session;
  }
  const { conn, capture } = session;
  capture.lines = [];
  installPerRecipientDsn(conn, pending);
  installMailAuth(conn, req.authParam ?? '<>');
  const envelope: SMTPEnvelope = {
    from: req.sender === '' ? false : req.sender,
    to: pending.map((r) => r.address),
    size: req.message.length,
    use8BitMime: req.eightBitMime === true,
  };
  if (req.ret !== undefined || req.envid !== undefined) {
    envelope.dsn = { ret: req.ret ?? null, envid: req.envid ?? null };
  }
  const { err, info } = await send(conn, envelope, req.message);
  const outcome = judgeTransaction(host, address, req, pending, [...session.opening, ...capture.lines], err, info, conn.secure);
  if (cache && err === undefined && !conn.destroyed) cache.put(key, session);
  else conn.close();
  return outcome;
}

/** Turns the end of a transaction into per-recipient results, or a reason to move on. */
function judgeTransaction(
  host: TargetHost,
  address: string,
  req: SmtpDeliveryRequest,
  pending: readonly SmtpRecipient[],
  log: readonly string[],
  err: NodemailerError | undefined,
  info: SMTPConnectionSendInfo | undefined,
  secured: boolean,
): HostOutcome {
  const session = new SessionTranscript(
    host.display,
    log.some((l) => /^<<< 250[ -]ENHANCEDSTATUSCODES\b/i.test(l)),
    log.some((l) => /^<<< 250[ -]PIPELINING\b/i.test(l)),
  );
  const results = new Map<string, DeliveryResult>();
  // an SMTP peer that offered DSN got each recipient's NOTIFY: success reports are its job now
  const peerTookDsn = req.lmtp !== true && log.some((l) => /^<<< 250[ -]DSN\b/i.test(l));
  const verdict = (): HostOutcome => {
    if (peerTookDsn) for (const [a, r] of results) if (r.kind === 'sent') results.set(a, { ...r, dsnRelayed: true });
    return { kind: 'verdict', results, secured, transcript: session.lines };
  };
  // Refused recipients, in the order the peer answered: RCPT replies, then
  // (LMTP) the per-recipient replies to the message.
  for (const e of (err?.rejectedErrors ?? info?.rejectedErrors ?? []) as NodemailerError[]) {
    const reply = e.response ? parseReply(e.response) : undefined;
    if (e.recipient === undefined || !reply) continue;
    const atData = e.command === 'DATA';
    results.set(
      e.recipient,
      resultFromReply(reply, session, e.recipient, atData ? 'data' : 'rcpt', atData ? 'DATA' : `RCPT To:<${e.recipient}>`),
    );
  }
  const reply = err?.response ? parseReply(err.response) : undefined;
  /** The reply for every recipient the peer accepted. */
  const forAccepted = (final: ParsedReply, stage: ReplyStage, command: string): HostOutcome => {
    let first = true;
    for (const r of pending) {
      if (results.has(r.address)) continue;
      // A refused message is one failure: the session transcript shows it once.
      results.set(r.address, resultFromReply(final, session, r.address, stage, command, first));
      first = false;
    }
    return verdict();
  };
  if (!err) {
    let final = info?.response ? parseReply(info.response) : undefined;
    // LMTP answers each recipient; nodemailer keeps only the last answer, so
    // an accepted recipient whose own answer was not kept gets a plain 250.
    if (req.lmtp === true && final !== undefined && final.code >= 300) final = parseReply('250 2.0.0 Delivered');
    return final ? forAccepted(final, 'data', 'DATA') : verdict();
  }
  if (err.command === 'MAIL FROM' && reply && reply.code >= 500) {
    // The command as we sent it, in sendmail's spelling.
    const sent = log.filter((l) => /^>>> MAIL FROM:/i.test(l)).at(-1)?.slice('>>> MAIL FROM:'.length);
    return forAccepted(reply, 'mail', `MAIL From:${sent ?? `<${req.sender}>`}`);
  }
  if (err.code === 'EMESSAGE' && !reply && /size/i.test(err.message)) {
    const res = makeResult('permfail', '5.3.4', `Message is too large for ${host.display}`, {
      diagnostic: '552 5.3.4 Message size exceeds fixed maximum message size',
      diagnosticType: 'SMTP',
      remoteMta: host.display,
    });
    for (const r of pending) results.set(r.address, res);
    return verdict();
  }
  if (err.code === 'EENVELOPE' && err.command === 'RCPT TO' && pending.every((r) => results.has(r.address))) {
    // Every recipient was refused, each with its own reply.  The pipelined
    // DATA was refused too ("503 need RCPT"); sendmail's transcript shows it.
    const last = log.filter((l) => l.startsWith('<<< ')).at(-1);
    if (session.pipelined && last !== undefined && /^<<< 5\d\d/.test(last) && session.lines.at(-1) !== last && !session.lines.includes(last)) {
      session.lines.push(last);
    }
    return verdict();
  }
  if ((err.command === 'DATA' || err.code === 'EMESSAGE') && reply) {
    return forAccepted(reply, 'data', 'DATA');
  }
  // Anything else (lost connection, timeout, 4xx to MAIL): the next host may do better.
  return { kind: 'next', result: connectionFailure(host.display, address, err, 'I/O error'), detail: err.message };
}

/**
 * Delivers a message to its recipients through the next hop.  Never throws
 * for network or protocol trouble: every recipient gets a result.
 */
export async function deliverSmtp(req: SmtpDeliveryRequest): Promise<SmtpDeliveryReport> {
  const results = new Map<string, DeliveryResult>();
  const attempts: SmtpAttempt[] = [];
  if (req.recipients.length === 0) return { results, attempts, secured: false, transcript: [] };
  let plan;
  try {
    plan =
      req.socketPath !== undefined
        ? { kind: 'hosts' as const, hosts: [{ name: 'localhost', display: req.socketPath, addresses: [req.socketPath], port: 0 }] }
        : await planRoute(req.nextHop, req.route);
  } catch (err) {
    const res = makeResult('permfail', '5.3.5', `Bad next hop: ${(err as Error).message}`, {
      diagnosticType: 'X-Unix',
      diagnostic: '554 5.3.5 Local configuration error',
    });
    for (const r of req.recipients) results.set(r.address, res);
    return { results, attempts, secured: false, transcript: [] };
  }
  if (plan.kind === 'failed') {
    const res = plan.result;
    for (const r of req.recipients) {
      const line =
        res.kind === 'permfail'
          ? `${(res.diagnostic ?? '554').slice(0, 3)} ${res.status} ${r.address}... ${res.text}`
          : `${r.address}... ${res.text}`;
      results.set(r.address, { ...res, transcript: [line] });
    }
    return { results, attempts, secured: false, transcript: req.recipients.flatMap((r) => results.get(r.address)?.transcript ?? []) };
  }
  let last: DeliveryResult | undefined;
  let pending: readonly SmtpRecipient[] = req.recipients;
  let secured = false;
  const transcript: string[] = [];
  hosts: for (const host of plan.hosts) {
    for (const address of host.addresses) {
      const outcome = await tryAddress(req, host, address, pending);
      if (outcome.kind === 'next') {
        attempts.push({ host: host.name, address, port: host.port, outcome: 'next-host', detail: outcome.detail });
        last = outcome.result;
        continue;
      }
      attempts.push({ host: host.name, address, port: host.port, outcome: 'delivered', detail: 'transaction completed' });
      transcript.push(...outcome.transcript);
      secured = outcome.secured;
      for (const r of pending) {
        results.set(
          r.address,
          outcome.results.get(r.address) ??
            makeResult('tempfail', '4.4.2', `Deferred: no reply for ${r.address} from ${host.display}`, { remoteMta: host.display }),
        );
      }
      // As sendmail: when the host took nobody and deferred some, those try the next host.
      const deferred = pending.filter((r) => results.get(r.address)?.kind === 'tempfail');
      const anySent = pending.some((r) => results.get(r.address)?.kind === 'sent');
      if (anySent || deferred.length === 0) return { results, attempts, secured, transcript };
      pending = deferred;
      last = undefined;
      continue hosts;
    }
  }
  if (pending.every((r) => results.has(r.address))) return { results, attempts, secured, transcript };
  // Every host failed before giving a verdict.  A permanent refusal from the
  // last host stays permanent; anything else is temporary.
  const final = last ?? makeResult('tempfail', '4.4.1', 'Deferred: no host to try');
  const session = [...final.transcript];
  for (const r of pending) {
    const own = final.kind === 'permfail' ? (resultFromExit(EX_UNAVAILABLE, r.address, 'esmtp').transcript[0] ?? '') : `${r.address}... ${final.text}`;
    if (!session.includes(own)) session.push(own);
    results.set(r.address, { ...final, transcript: [...final.transcript, own] });
  }
  transcript.push(...session);
  return { results, attempts, secured: false, transcript };
}
