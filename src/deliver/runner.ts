// The queue runner: taking queued messages (qf/df) to their recipients.
// Each recipient is resolved through the cf (rulesets 3 and 0, resolve.ts);
// local-mailer recipients are expanded through the aliases database and
// .forward files (alias-expand.ts); what remains is grouped by mailer and
// host (plan.ts) and handed to the cf's local mailer (local-mailer.ts),
// the program, file or SMTP mailer.  Every CheckpointInterval addresses
// sent the qf is rewritten without the finished recipients (Checkpoints),
// so a killed runner repeats little; a killed runner's tf, df and locks are
// cleaned up by the next run.
// Results go back into the qf (write-then-rename with fsync, by
// QueueDirectory.rewriteControl): delivered and failed recipients leave it,
// deferred ones stay; permanent failures are reported to the sender from
// MAILER-DAEMON (dsn.ts) by a report queued beside the message; a delay
// warning goes out once after Timeout.queuewarn and every deferred recipient
// is returned after Timeout.queuereturn.  When no recipient is left the
// message is removed.  `runQueue` runs one queue directory once,
// `runQueuesOf` every QueueDirectory of a cf, and `scheduleQueueRuns` repeats
// that every interval (sendmail -q30m) with backoff after a failing run.
// Time comes from a Clock (clock.ts) so tests can move it.

import { findPasswdEntry } from '../sys/passwd.js';
import { existsSync, readFileSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../config/loader.js';
import type { MailerDecl } from '../config/types.js';
import { LocalUsers, localAddress } from '../address/index.js';
import { resolverFor } from '../maps/classes/resolverFor.js';
import { defaultRecipientFlags, newEnvelope, type Envelope, type QueuedRecipient } from '../queue/envelope.js';
import { QueueDirectory, expandQueueDirectory, type QueueEntry } from '../queue/queue-directory.js';
import { sortEntries } from '../queue/listing.js';
import { QueueIdGenerator } from '../queue/queue-id.js';
import { parseMessage } from '../smtp/message.js';
import { MACRO_EXPAND } from '../queue/qf-file.js';
import { queueInterval } from '../submit/modes.js';
import { cfMacroExpander } from '../submit/session-options.js';
import { arpaDate } from '../smtp/arpadate.js';
import { deliveryFields, logFormat, mailLog, statOf } from '../log/index.js';
import { controllerFromQf, expandAliases, readForwardFile, splitAddressList, type Controller } from './alias-expand.js';
import { systemClock, type Clock } from './clock.js';
import {
  buildReport,
  expiredInQueue,
  intervalText,
  queueTimeoutLines,
  delayWarningLines,
  reportRecipient,
  type ReportKind,
  type ReportedRecipient,
} from './dsn.js';
import { deliverToFile, deliverToProgram } from './mailers/index.js';
import { deliverThroughLocalMailer, localMailerWay } from './local-mailer.js';
import { expandArgvWord, ipcEndpoint } from './mailer-argv.js';
import { mxResolverFrom } from './mx-dns.js';
import type { MxResolver } from './mx.js';
import { composeMessage, groupByMailerHost } from './plan.js';
import { lockIsStale, lockMessage } from './queue-lock.js';
import { envelopeDsn, notifyOf, recipientWantsReport } from './queue-bridge.js';
import { hopCount, maxHopCount } from './hops.js';
import { cfResolver, unbracket, type RecipientResolver } from './resolve.js';
import { deliverSmtp, type SmtpCredentials, type SmtpTimeouts } from './smtp-client.js';
import { lookupAuthInfo } from './authinfo.js';
import { checkCompat } from './compat-check.js';
import { SmtpConnectionCache } from './smtp-connection-cache.js';
import { makeResult, type DeliveryResult } from './status.js';

/** One -qI / -qR / -qS selection: a substring of the queue id, a recipient or the sender; `negate` for -q!X. */
export interface QueueSelection {
  readonly kind: 'I' | 'R' | 'S';
  readonly value: string;
  readonly negate: boolean;
}

/** Reads "-qIabc", "-q!Rbob", "Sfoo" style selections; throws on an unknown letter. */
export function parseQueueSelection(spec: string): QueueSelection {
  let s = spec.replace(/^-q/, '');
  const negate = s.startsWith('!');
  if (negate) s = s.slice(1);
  const kind = s[0];
  if (kind !== 'I' && kind !== 'R' && kind !== 'S') {
    throw new Error(`queue selection "${spec}": expected I (queue id), R (recipient) or S (sender) after -q`);
  }
  return { kind, value: s.slice(1), negate };
}

/** Whether a message is selected: selections of one kind are alternatives, different kinds must all hold. */
export function selects(env: Envelope, selections: readonly QueueSelection[]): boolean {
  for (const kind of ['I', 'R', 'S'] as const) {
    const mine = selections.filter((s) => s.kind === kind);
    if (mine.length === 0) continue;
    const hit = mine.some((s) => {
      const v = s.value.toLowerCase();
      const found =
        kind === 'I'
          ? env.id.includes(s.value)
          : kind === 'S'
            ? env.sender.toLowerCase().includes(v)
            : env.recipients.some((r) => r.address.toLowerCase().includes(v));
      return found !== s.negate;
    });
    if (!hit) return false;
  }
  return true;
}

export interface QueueRunOptions {
  readonly loaded: LoadedConfig;
  readonly clock?: Clock;
  /** Where local mailboxes are (default /var/mail). */
  readonly mailboxDir?: string;
  /** The password file for local users and their .forward (default /etc/passwd). */
  readonly passwdFile?: string;
  /** Address resolution; default: the cf's rulesets. */
  readonly resolver?: RecipientResolver;
  /** MX and address lookups; default: the cf's resolver (service switch, hosts file, DNS). */
  readonly mxResolver?: MxResolver;
  /** Port for SMTP mailers whose host names none (default 25). */
  readonly smtpPort?: number;
  readonly smtpTimeouts?: SmtpTimeouts;
  readonly selections?: readonly QueueSelection[];
  /** Only this queue id (read alone, not the whole queue): delivery of a message just accepted. */
  readonly messageId?: string;
  /** Run every selected message, whatever its retry time (sendmail -q with a selection, or -qf). */
  readonly ignoreRetryTime?: boolean;
  /** Smallest wait after a failed attempt (s); doubled per attempt up to maxRetrySeconds. Default MinQueueAge or 0. */
  readonly minRetrySeconds?: number;
  readonly maxRetrySeconds?: number;
  /** Timeout.queuereturn and Timeout.queuewarn overrides (s). */
  readonly queueReturnSeconds?: number;
  readonly queueWarnSeconds?: number;
  readonly log?: (line: string) => void;
}

/** What one queue run did. */
export interface QueueRunSummary {
  /** Messages tried. */
  attempted: number;
  /** Messages finished and removed (every recipient delivered or reported). */
  completed: number;
  /** Messages kept for a later try. */
  deferred: number;
  /** Reports (bounces, delay warnings) queued. */
  reports: number;
  /** Messages not due yet or not selected. */
  skipped: number;
}

/** One thing to deliver for a queued recipient. */
type Target =
  | { kind: 'mailbox'; user: string }
  | { kind: 'program'; command: string }
  | { kind: 'file'; path: string }
  | { kind: 'mailer'; mailer: string; host: string; user: string; decl: MailerDecl | undefined }
  | { kind: 'done'; result: DeliveryResult };

interface Work {
  rcpt: QueuedRecipient;
  /** How the report and transcripts name it. */
  display: string;
  expandedFrom?: string;
  /** The address this becomes in the qf if it is deferred. */
  requeueAs: string;
  target: Target;
  /** Whose credentials a program of this item runs with (alias-expand.ts). */
  controller?: Controller;
  result?: DeliveryResult;
  /** For the log: the mailer run it was part of, the host that answered ("name. [addr]"), how long the run took (s). */
  run?: { id: number; relay?: string | undefined; seconds: number };
}

const DEFAULT_QUEUE_RETURN = 5 * 86400;
const DEFAULT_QUEUE_WARN = 4 * 3600;
const inFlight = new Set<string>();

function timeoutOption(loaded: LoadedConfig, name: string): number | undefined {
  const o = loaded.config.options;
  const v = o.get(`Timeout.${name}.normal`) ?? o.get(`Timeout.${name}`) ?? (name === 'queuereturn' ? o.get('QueueTimeout') : undefined);
  return v === undefined || v === '' ? undefined : queueInterval(v);
}

function failedReply(code: number, enhanced: string | undefined, text: string): DeliveryResult {
  const kind = code >= 500 ? 'permfail' : 'tempfail';
  const status = enhanced ?? (kind === 'permfail' ? '5.0.0' : '4.0.0');
  return makeResult(kind, status, text, { diagnosticType: 'SMTP', diagnostic: `${code} ${status} ${text}`, transcript: [`${code} ${status} ${text}`] });
}

const SENDER_HEADERS = new Set(['from', 'sender', 'reply-to', 'resent-from', 'resent-sender', 'resent-reply-to', 'errors-to']);
const RECIPIENT_HEADERS = new Set(['to', 'cc', 'bcc', 'resent-to', 'resent-cc', 'resent-bcc', 'apparently-to']);

/**
 * The envelope's headers with their addresses as `mailer` sends them
 * (masquerading, genericstable): each list item's address, the part in
 * <> or a lone address before a comment, goes through the mailer's header
 * rulesets; a header whose addresses do not change is kept as it was.
 */
async function headersFor(env: Envelope, mailer: MailerDecl | undefined, resolver: RecipientResolver): Promise<Envelope> {
  if (!mailer) return env;
  const headers = [];
  for (const h of env.headers) {
    const name = h.name.toLowerCase();
    const sender = SENDER_HEADERS.has(name);
    if ((!sender && !RECIPIENT_HEADERS.has(name)) || h.value.includes(MACRO_EXPAND)) {
      headers.push(h);
      continue;
    }
    let changed = false;
    const items: string[] = [];
    for (const item of splitAddressList(h.value.replace(/\n/g, ' '))) {
      const m = /<([^<>]*)>/.exec(item) ?? /^([^\s()"<>,;:]+@?[^\s()"<>,;:]*)(?=\s*(\(.*\))?$)/.exec(item);
      if (!m || m[1] === '') {
        items.push(item);
        continue;
      }
      const rewritten = await resolver.headerAddressFor(m[1]!, mailer, sender);
      if (rewritten !== m[1]) changed = true;
      items.push(item.slice(0, m.index) + m[0].replace(m[1]!, rewritten) + item.slice(m.index + m[0].length));
    }
    headers.push(changed ? { ...h, value: ` ${items.join(', ')}` } : h);
  }
  return { ...env, headers };
}

/** The port of an [IPC] mailer's A= ("TCP $h 2525", "TCP $h lmtp"), else 25. */
export function mailerPort(decl: MailerDecl): number {
  const e = ipcEndpoint(decl.argv.trim().split(/\s+/));
  return 'kind' in e && e.kind === 'tcp' ? e.port : 25;
}

/** A group's id from /etc/group, or undefined. */
function groupId(name: string): number | undefined {
  try {
    const line = readFileSync('/etc/group', 'latin1').split('\n').find((l) => l.split(':')[0] === name);
    return line === undefined ? undefined : Number(line.split(':')[2]);
  } catch {
    return undefined;
  }
}

/** Password file entry: uid, gid and home directory of a user. */
function account(passwdFile: string, user: string): { uid: number; gid: number; home: string } | undefined {
  const e = findPasswdEntry(user, passwdFile);
  return e ? { uid: Number(e.uid), gid: Number(e.gid), home: e.dir } : undefined;
}

/** The runner's view of one configuration, shared by every message of a run. */
class Deliverer {
  readonly clock: Clock;
  readonly resolver: RecipientResolver;
  readonly mx: MxResolver;
  readonly users: LocalUsers;
  readonly passwdFile: string;
  readonly mailboxDir: string;
  readonly log: (line: string) => void;
  readonly ids = new QueueIdGenerator();
  /** Mailer runs so far (the log's to= lines group the recipients of one run). */
  private runs = 0;
  /** Sessions kept open between messages of one run (ConnectionCacheSize, ConnectionCacheTimeout). */
  readonly connections: SmtpConnectionCache;

  constructor(
    readonly opts: QueueRunOptions,
    atOnce = 1,
  ) {
    const { loaded } = opts;
    // delivery shows no -bt trace (building its lines cost about a tenth of a delivery's CPU)
    loaded.engine.trace = false;
    this.clock = opts.clock ?? systemClock;
    this.resolver = opts.resolver ?? cfResolver(loaded);
    this.mx = opts.mxResolver ?? mxResolverFrom(resolverFor(loaded.env));
    this.passwdFile = opts.passwdFile ?? '/etc/passwd';
    this.mailboxDir = opts.mailboxDir ?? '/var/mail';
    this.log = opts.log ?? (() => {});
    const aliasFiles = (loaded.config.options.get('AliasFile') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    this.users = new LocalUsers({ aliasFiles, passwdFile: this.passwdFile, warn: this.log });
    const o = loaded.config.options;
    const idle = queueInterval(o.get('ConnectionCacheTimeout') ?? '5m');
    // each of `atOnce` concurrent deliveries keeps its ConnectionCacheSize, as each of sendmail's delivery processes does
    const size = (Number(o.get('ConnectionCacheSize') ?? 2) || 2) * atOnce;
    this.connections = new SmtpConnectionCache({ size, idleTimeoutMs: (idle || 300) * 1000 });
  }

  get loaded(): LoadedConfig {
    return this.opts.loaded;
  }

  /** Timeout.connect, .initial and .datafinal of the cf, in ms (unset: the SMTP client's defaults). */
  cfTimeouts(): SmtpTimeouts {
    const ms = (name: string): number | undefined => {
      const v = this.loaded.config.options.get(`Timeout.${name}`);
      const s = v === undefined ? 0 : queueInterval(v);
      return s > 0 ? s * 1000 : undefined;
    };
    return { connect: ms('connect'), greeting: ms('initial'), command: ms('datafinal') };
  }

  mailer(name: string): MailerDecl | undefined {
    return this.loaded.config.mailers.find((m) => m.name === name);
  }

  macro(env: Envelope, sender: string) {
    return (name: string): string | undefined =>
      env.macros.get(name) ?? (name === 'g' || name === 'f' ? sender : this.loaded.macros.getByName(name));
  }

  /** The targets a queued recipient stands for. */
  async plan(rcpt: QueuedRecipient, depth = 0): Promise<Work[]> {
    const address = unbracket(rcpt.address);
    // reports and transcripts name a recipient as it was given (RCPT TO:<x> keeps its brackets)
    const base = { rcpt, display: rcpt.address, requeueAs: rcpt.address, controller: controllerFromQf(rcpt.controller) };
    const maxDepth = Number(this.loaded.config.options.get('MaxAliasRecursion') ?? 10) || 10;
    if (depth > maxDepth) {
      // an alias that leads back to itself through another mailer's rules (virtusertable)
      const text = `aliasing/forwarding loop broken (${depth} aliases deep; ${maxDepth} max)`;
      return [{ ...base, target: { kind: 'done', result: failedReply(554, '5.4.6', text) } }];
    }
    const parsed = await this.resolver.resolve(rcpt.address);
    if (!parsed.ok) {
      const r = parsed.reply;
      return [{ ...base, target: { kind: 'done', result: failedReply(r.code, r.enhanced, r.lines.join(' ')) } }];
    }
    const t = parsed.triple;
    if (t.mailer === 'discard') return [{ ...base, target: { kind: 'done', result: makeResult('sent', '2.0.0', 'Discarded') } }];
    if (t.mailer === 'prog') return [{ ...base, target: { kind: 'program', command: t.user.replace(/^"?\|/, '').replace(/"$/, '') } }];
    if (t.mailer === '*file*') return [{ ...base, target: { kind: 'file', path: t.user.replace(/^"|"$/g, '') } }];
    if (t.mailer !== 'local') return [{ ...base, target: { kind: 'mailer', mailer: t.mailer, host: t.host, user: t.user, decl: t.decl } }];
    const expanded = await expandAliases([t.user], {
      lookup: (name) => this.users.alias(name),
      // a name with a domain goes through the cf again (virtusertable, mailertable): only bare names are local here
      localName: (a) => (unbracket(a).includes('@') ? undefined : unbracket(a)),
      forward: (user) => this.forwardAfterRuleset5(user),
      maxDepth,
    });
    const works: Work[] = [];
    for (const e of expanded) {
      const w = { rcpt, display: e.display, expandedFrom: e.expandedFrom, controller: e.controller };
      const tg = e.target;
      if (tg.kind === 'local') works.push(...(await this.localTargets(rcpt, w, tg.user, depth)));
      else if (tg.kind === 'program') works.push({ ...w, requeueAs: `"|${tg.command}"`, target: { kind: 'program', command: tg.command } });
      else if (tg.kind === 'file') works.push({ ...w, requeueAs: tg.path, target: { kind: 'file', path: tg.path } });
      else if (tg.kind === 'failed') works.push({ ...w, requeueAs: e.display, target: { kind: 'done', result: tg.result } });
      else {
        const sub = await this.plan({ ...rcpt, address: tg.address }, depth + 1);
        works.push(...sub.map((s) => ({ ...s, display: e.display, expandedFrom: e.expandedFrom })));
      }
    }
    return works;
  }

  /**
   * A local user no alias or .forward took: ruleset 5 (F=5; not for a
   * \\name), which may send it elsewhere (MAIL_HUB, LUSER_RELAY; such a
   * name's .forward is not read), else its mailbox.
   */
  private async localTargets(rcpt: QueuedRecipient, w: Omit<Work, 'target' | 'requeueAs'>, user: string, depth: number): Promise<Work[]> {
    const mapped = w.display.startsWith('\\') ? undefined : await localAddress(this.loaded, user);
    if (mapped === undefined) return [{ ...w, requeueAs: `\\${user}`, target: { kind: 'mailbox', user } }];
    const requeueAs = w.display;
    if (!mapped.ok) {
      const r = mapped.reply;
      return [{ ...w, requeueAs, target: { kind: 'done', result: failedReply(r.code, r.enhanced, r.lines.join(' ')) } }];
    }
    const t = mapped.triple;
    if (t.mailer === 'discard') return [{ ...w, requeueAs, target: { kind: 'done', result: makeResult('sent', '2.0.0', 'Discarded') } }];
    // another local name (LUSER_RELAY local:name) is aliased again
    if (t.mailer === 'local') return (await this.plan({ ...rcpt, address: t.user }, depth + 1)).map((s) => ({ ...s, display: w.display, expandedFrom: w.expandedFrom }));
    return [{ ...w, requeueAs, target: { kind: 'mailer', mailer: t.mailer, host: t.host, user: t.user, decl: t.decl } }];
  }

  /**
   * The .forward items of a local name no alias took, after ruleset 5 as in
   * sendmail: a name ruleset 5 leaves alone, or keeps for the same local
   * user (user+detail made "user+*" with the detail as host, as the
   * sendmail-cf rules do), has its forward file read ($h the detail); a
   * name it sends to another user or mailer has none here (localTargets
   * sends it there).
   */
  private async forwardAfterRuleset5(name: string): Promise<readonly string[] | undefined> {
    const mapped = await localAddress(this.loaded, name);
    if (mapped === undefined) return this.forward(name);
    if (!mapped.ok || mapped.triple.mailer !== 'local') return undefined;
    const userOf = (address: string): string => address.split('+')[0]!.toLowerCase();
    return userOf(mapped.triple.user) === userOf(name) ? this.forward(name) : undefined;
  }

  /**
   * The items of a local user's forward file: the ForwardPath option's
   * colon-separated files (default $z/.forward), with $z the home
   * directory, $u the user, $h the +detail and the cf's macros ($w)
   * expanded; the first that exists and is safe wins.
   */
  async forward(localName: string): Promise<readonly string[] | undefined> {
    const plus = localName.indexOf('+');
    const user = plus > 0 ? localName.slice(0, plus) : localName;
    const acct = account(this.passwdFile, user);
    if (!acct || acct.home === '') return undefined;
    const lookup = (name: string): string | undefined =>
      name === 'z' ? acct.home : name === 'u' ? user : name === 'h' ? (plus > 0 ? localName.slice(plus + 1) : '') : this.loaded.macros.getByName(name);
    const forwardPath = this.loaded.config.options.get('ForwardPath') || '$z/.forward';
    for (const entry of forwardPath.split(':')) {
      const file = expandArgvWord(entry.trim(), lookup);
      if (file === '') continue;
      const r = await readForwardFile(file, acct.uid);
      if (r === undefined) continue;
      if ('refused' in r) {
        this.log(`forward: ${r.refused}`);
        continue;
      }
      return r.items;
    }
    return undefined;
  }

  /**
   * Runs the mailers for every work item of a message; fills in `result`.
   * `ran` is told the items of each mailer run as it ends (checkpointing).
   */
  async deliver(env: Envelope, body: Buffer, works: Work[], ran: (items: Work[]) => Promise<void> = async () => {}): Promise<void> {
    const now = this.clock.now();
    const pending = works.filter((w) => {
      if (w.target.kind === 'done') w.result = w.target.result;
      return w.result === undefined;
    });
    const local = pending.filter((w) => w.target.kind !== 'mailer');
    for (const w of local) {
      const started = this.clock.now().getTime();
      w.result = await this.deliverLocal(env, body, w, now);
      w.run = { id: ++this.runs, seconds: (this.clock.now().getTime() - started) / 1000 };
      await ran([w]);
    }
    const remote = pending.filter((w) => w.target.kind === 'mailer');
    const groups = groupByMailerHost(remote, (w) => {
      const t = w.target as Extract<Target, { kind: 'mailer' }>;
      return { mailer: t.mailer, host: t.host };
    });
    for (const g of groups) await this.deliverGroup(env, body, g.mailer, g.host, g.items, ran);
  }

  private async deliverLocal(env: Envelope, body: Buffer, w: Work, now: Date): Promise<DeliveryResult> {
    const t = w.target;
    if (t.kind === 'mailbox') {
      const decl = this.mailer('local');
      const sender = await this.resolver.senderFor(env.sender, decl);
      const plus = t.user.indexOf('+');
      const user = plus > 0 ? t.user.slice(0, plus) : t.user;
      const acct = account(this.passwdFile, user);
      // F=w: the user must have a password entry
      if ((!decl || decl.flags.has('w')) && !this.users.hasAccount(user)) {
        const text = 'User unknown';
        return makeResult('permfail', '5.1.1', text, {
          diagnosticType: 'X-Unix',
          diagnostic: '550 5.1.1 User unknown',
          transcript: [`550 5.1.1 ${w.display}... ${text}`],
        });
      }
      const macro = this.macro(env, sender);
      // $u the user, $h the +detail, $z the home directory
      const argvMacro = (name: string): string | undefined =>
        name === 'u' ? user : name === 'h' ? (plus > 0 ? t.user.slice(plus + 1) : '') : name === 'z' ? (acct?.home ?? '') : macro(name);
      const message = composeMessage(await headersFor(env, decl, this.resolver), body, decl, macro);
      // running as root, a new mailbox belongs to its user
      const owner = acct && process.getuid?.() === 0 ? { uid: acct.uid, gid: acct.gid } : undefined;
      return deliverThroughLocalMailer({
        way: await localMailerWay(decl, argvMacro, this.opts.mailboxDir !== undefined),
        mailbox: path.join(this.mailboxDir, user),
        user,
        recipient: w.display,
        sender,
        message,
        date: now,
        owner,
        heloName: this.loaded.macros.getByName('j') ?? 'localhost',
        resolver: this.mx,
        env: { PATH: '/bin:/usr/bin', SHELL: '/bin/sh', SENDER: sender, USER: user, HOME: acct?.home ?? '/' },
        log: this.log,
      });
    }
    if (t.kind === 'program') {
      const decl = this.mailer('prog');
      const sender = await this.resolver.senderFor(env.sender, decl);
      const message = composeMessage(await headersFor(env, decl, this.resolver), body, decl, this.macro(env, sender));
      const runAs = this.credentials(decl, w.controller);
      return deliverToProgram({
        command: t.command,
        recipient: w.display,
        message,
        env: { SENDER: sender, ...(runAs ? { HOME: runAs.home, USER: runAs.name } : {}) },
        ...(runAs ? { uid: runAs.uid, gid: runAs.gid, cwd: runAs.home } : {}),
      });
    }
    if (t.kind === 'file') {
      const decl = this.mailer('*file*');
      const sender = await this.resolver.senderFor(env.sender, decl);
      // header addresses through *file*'s rulesets too (3, 1/2, 4: "frank@host" is canonified)
      const message = composeMessage(await headersFor(env, decl, this.resolver), body, decl, this.macro(env, sender));
      return deliverToFile({
        path: t.path,
        recipient: w.display,
        sender,
        message,
        date: now,
        safeFileEnvironment: this.loaded.config.options.get('SafeFileEnvironment'),
      });
    }
    throw new Error(`deliverLocal: ${t.kind} is not a local target`);
  }

  /**
   * Whose uid and gid a program runs with when we are root (sendmail's
   * controlling user): a mailer with F=S keeps root; a target from a
   * .forward runs as its user, from an :include: file as the file's owner;
   * otherwise the mailer's U=, else DefaultUser (default 1:1).  Undefined
   * when not root or F=S.
   */
  credentials(decl: MailerDecl | undefined, controller: Controller | undefined): { uid: number; gid: number; home: string; name: string } | undefined {
    if (process.getuid?.() !== 0 || decl?.flags.has('S')) return undefined;
    const home = (dir: string | undefined) => (dir && existsSync(dir) ? dir : '/');
    if (controller && 'user' in controller) {
      const acct = account(this.passwdFile, controller.user);
      if (acct) return { uid: acct.uid, gid: acct.gid, home: home(acct.home), name: controller.user };
    }
    if (controller && 'file' in controller) return { uid: controller.uid, gid: controller.gid, home: '/', name: controller.name ?? String(controller.uid) };
    if (decl && decl.uid >= 0) return { uid: decl.uid, gid: decl.gid >= 0 ? decl.gid : decl.uid, home: '/', name: String(decl.uid) };
    return this.defaultUser();
  }

  /** The qf C line that keeps a deferred program's or file's controlling user ("name:uid:gid:address"). */
  controllerLine(w: Work): string | undefined {
    const c = w.controller;
    if (!c || (w.target.kind !== 'program' && w.target.kind !== 'file')) return undefined;
    if ('user' in c) {
      const acct = account(this.passwdFile, c.user);
      return acct ? `${c.user}:${acct.uid}:${acct.gid}:${c.user}` : undefined;
    }
    return `${c.name ?? c.uid}:${c.uid}:${c.gid}:${c.file}`;
  }

  /** DefaultUser=user:group ("mail", "8:8", "mail:mail"); sendmail's default 1:1. */
  defaultUser(): { uid: number; gid: number; home: string; name: string } {
    const [u = '1', g] = (this.loaded.config.options.get('DefaultUser') ?? '1:1').split(':');
    const entry = /^\d+$/.test(u) ? undefined : findPasswdEntry(u, this.passwdFile);
    const uid = entry ? Number(entry.uid) : /^\d+$/.test(u) ? Number(u) : 1;
    const groupOf = (name: string) => (/^\d+$/.test(name) ? Number(name) : groupId(name));
    const gid = g !== undefined ? (groupOf(g) ?? 1) : entry ? Number(entry.gid) : uid;
    return { uid, gid, home: '/', name: u };
  }

  private async deliverGroup(env: Envelope, body: Buffer, mailer: string, host: string, items: Work[], ran: (items: Work[]) => Promise<void>): Promise<void> {
    const decl = this.mailer(mailer);
    if (!decl || decl.path !== '[IPC]') {
      const text = `Deferred: mailer ${mailer} (P=${decl?.path ?? '?'}) is not run by this queue runner`;
      for (const w of items) w.result = makeResult('tempfail', '4.3.0', text, { transcript: [`${w.display}... ${text}`] });
      return;
    }
    // a report (response message) is sent from <> whatever its queued sender
    const sender = isResponse(env) ? '' : await this.resolver.senderFor(env.sender, decl);
    const all = new Map<string, Work[]>();
    for (const w of items) {
      const u = (w.target as Extract<Target, { kind: 'mailer' }>).user;
      all.set(u, [...(all.get(u) ?? []), w]);
    }
    // at most the mailer's m= recipients per transaction
    const entries = [...all];
    const max = decl.maxRcpts > 0 ? decl.maxRcpts : entries.length;
    for (let i = 0; i < entries.length; i += max) {
      const batch = new Map(entries.slice(i, i + max));
      await this.smtpTransaction(env, body, decl, host, sender, batch);
      await ran([...batch.values()].flat());
    }
  }

  private async smtpTransaction(env: Envelope, body: Buffer, decl: MailerDecl, host: string, sender: string, users: Map<string, Work[]>): Promise<void> {
    const started = this.clock.now().getTime();
    const report = await deliverSmtp({
      nextHop: host,
      sender,
      recipients: [...users].map(([address, ws]) => ({ address, notify: notifyOf(ws[0]!.rcpt.flags), orcpt: ws[0]!.rcpt.originalRecipient })),
      message: composeMessage(await headersFor(env, decl, this.resolver), body, decl, this.macro(env, sender)),
      heloName: this.loaded.macros.getByName('j') ?? 'localhost',
      ...envelopeDsn(env),
      eightBitMime: env.bodyType === '8BITMIME',
      // a report goes out unauthenticated: AUTH=<>
      ...(env.auth !== undefined && !isResponse(env) ? { authParam: env.auth } : {}),
      lmtp: decl.fields.get('A')?.includes('LMTP') === true || decl.flags.has('z'),
      timeouts: this.opts.smtpTimeouts ?? this.cfTimeouts(),
      route: { resolver: this.mx, localNames: this.resolver.localNames(), defaultPort: this.opts.smtpPort ?? mailerPort(decl) },
      connectionCache: this.connections,
      credentials: (target, address) => this.authInfo(target.name, address),
    });
    for (const [address, ws] of users) {
      const r =
        report.results.get(address) ??
        makeResult('tempfail', '4.4.0', 'Deferred: no result from the SMTP client', { transcript: [...report.transcript] });
      for (const w of ws) w.result = w.display === address ? r : { ...r, transcript: r.transcript.map((l) => l.split(`${address}... `).join(`${w.display}... `)) };
    }
    const answered = report.attempts.filter((a) => a.outcome === 'delivered').at(-1) ?? report.attempts.at(-1);
    const run = {
      id: ++this.runs,
      relay: answered && logFormat.remoteRelay(answered.host, answered.address),
      seconds: (this.clock.now().getTime() - started) / 1000,
    };
    for (const ws of users.values()) for (const w of ws) w.run = run;
  }

  /** Client AUTH credentials for a server from the cf's authinfo ruleset (authinfo.ts); undefined: no AUTH. */
  private async authInfo(serverName: string, serverAddr: string): Promise<SmtpCredentials | undefined> {
    const info = await lookupAuthInfo(this.loaded, serverName, serverAddr);
    return info && { user: info.authId, authzid: info.user, pass: info.password, mechanisms: info.mechanisms };
  }

  /** The cf's Received: header (HReceived) for a message made here, with its macros; undefined without one. */
  receivedHeader(macros: ReadonlyMap<string, string>, id: string, date: string): string | undefined {
    const decl = this.loaded.config.headers.find((h) => h.name.toLowerCase() === 'received' && h.condition === undefined);
    if (decl === undefined) return undefined;
    this.receivedExpander ??= cfMacroExpander(this.loaded, decl.value);
    return ` ${this.receivedExpander(new Map([...macros, ['i', id], ['b', date]]))}`;
  }

  private receivedExpander: ((macros: ReadonlyMap<string, string>) => string) | undefined;

  /** X-Actual-Recipient of a report: the mailer's address type (T=) and the address it was given. */
  actualRecipient(t: Target): string | undefined {
    const [decl, user] =
      t.kind === 'mailbox'
        ? [this.mailer('local'), t.user]
        : t.kind === 'program'
          ? [this.mailer('prog'), `|${t.command}`]
          : t.kind === 'file'
            ? [this.mailer('*file*'), t.path]
            : t.kind === 'mailer'
              ? [t.decl, t.user]
              : [undefined, undefined];
    if (user === undefined) return undefined;
    const type = decl?.fields.get('T')?.split('/')[1]?.trim() || 'rfc822';
    if (type.toLowerCase() !== 'rfc822') return `${type}; ${user}`;
    return `rfc822; ${user.includes('@') ? user : `${user}@${this.loaded.macros.getByName('j') ?? 'localhost'}`}`;
  }
}

/** A report this host made (qf flag r): its sender is MAILER-DAEMON, it goes out from <>. */
function isResponse(env: Envelope): boolean {
  return env.flags.includes('r');
}

/** Queues a report about `env` (a bounce or delay warning) as a new message from <>. */
async function queueReport(
  d: Deliverer,
  queue: QueueDirectory,
  env: Envelope,
  body: Buffer,
  kind: ReportKind,
  recipients: ReportedRecipient[],
  extraTranscript: string[],
  delayedFor?: string,
): Promise<boolean> {
  // a report about a report goes to the postmaster, and one about that nowhere
  const nullSender = isResponse(env) || unbracket(env.sender) === '';
  const target = reportRecipient(nullSender ? '<>' : env.sender, { messageIsDoubleBounce: isResponse(env) && env.flags.includes('b') });
  if (!target || recipients.length === 0) return false;
  const now = d.clock.now();
  const id = d.ids.next(now);
  const host = d.loaded.macros.getByName('j') ?? 'localhost';
  // the returned message as the queue file of the report holds it: written with *file*'s flags (P: Return-Path)
  const original = composeMessage(env, body, d.mailer('*file*'), d.macro(env, unbracket(env.sender)));
  const report = buildReport({
    kind,
    reportingMta: host,
    reportId: id,
    now,
    arrivalDate: new Date(env.createdAt * 1000),
    receivedFrom: env.macros.get('_'),
    envelopeId: env.envelopeId,
    to: target.to,
    recipients,
    extraTranscript,
    delayedFor,
    original,
    headersOnly: env.flags.includes('n') || undefined,
  });
  const parsed = parseMessage(report.message);
  // as real sendmail queues it: sender MAILER-DAEMON, flags r (response) and s, made on localhost
  const out = newEnvelope(id, 'MAILER-DAEMON', now);
  out.flags = target.doubleBounce ? 'rsb' : 'rs';
  for (const [name, value] of [['_', 'localhost'], ['r', ''], ['s', 'localhost']]) out.macros.set(name!, value!);
  out.recipients.push({ address: `<${unbracket(target.to)}>`, flags: defaultRecipientFlags() });
  const received = d.receivedHeader(out.macros, id, arpaDate(now));
  out.headers = [
    { conditions: 'P', name: 'Return-Path', value: ` <${MACRO_EXPAND}g>` },
    ...(received === undefined ? [] : [{ conditions: '', name: 'Received', value: received }]),
    ...parsed.headers,
  ];
  await queue.storeNew(out, parsed.body);
  // sendmail's log line: "QID: NEWID: DSN: User unknown" ("postmaster notify" for a report about a report)
  const reason =
    kind === 'delay' ? `Warning: could not send message for past ${delayedFor ?? ''}` : kind === 'success' ? 'Return receipt' : statOf(recipients[0]!.result);
  const line = logFormat.reportLine(id, nullSender ? 'postmaster notify' : 'DSN', reason);
  d.log(`${env.id}: ${line}`);
  mailLog().event('report', env.id, line);
  return true;
}

function reported(d: Deliverer, w: Work, result: DeliveryResult, when: Date, until?: Date): ReportedRecipient {
  const address = unbracket(w.rcpt.address);
  return {
    display: w.display,
    actualRecipient: d.actualRecipient(w.target),
    finalRecipient: w.rcpt.finalRecipient ?? `RFC822; ${address}`,
    originalRecipient: w.rcpt.originalRecipient,
    expandedFrom: w.expandedFrom,
    result,
    lastAttempt: when,
    willRetryUntil: until,
  };
}

/** What makes two targets one delivery; undefined for a result already known. */
function targetKey(t: Target): string | undefined {
  switch (t.kind) {
    case 'mailbox':
      return `mailbox:${t.user}`;
    case 'program':
      return `program:${t.command}`;
    case 'file':
      return `file:${t.path}`;
    case 'mailer':
      return `mailer:${t.mailer}:${t.host.toLowerCase()}:${t.user}`;
    case 'done':
      return undefined;
  }
}

type MessageOutcome = 'completed' | 'deferred';

/** The qf recipients for work items still open: each once, as the address it was expanded to, with its controlling user. */
function requeued(d: Deliverer, open: readonly Work[]): QueuedRecipient[] {
  const kept = new Map<string, QueuedRecipient>();
  for (const w of open) {
    if (kept.has(w.requeueAs)) continue;
    const primary = w.requeueAs === w.rcpt.address;
    const controller = d.controllerLine(w) ?? (primary ? w.rcpt.controller : undefined);
    const r: QueuedRecipient = primary ? { ...w.rcpt } : { ...w.rcpt, address: w.requeueAs, flags: { ...w.rcpt.flags, primary: false } };
    if (controller === undefined) delete r.controller;
    else r.controller = controller;
    kept.set(w.requeueAs, r);
  }
  return [...kept.values()];
}

/** Sent or failed for good. */
function finished(w: Work): boolean {
  return w.result !== undefined && w.result.kind !== 'tempfail';
}

/** Finished with no report owed for it: a checkpoint may drop it from the qf. */
function settled(w: Work): boolean {
  const r = w.result;
  if (r?.kind === 'sent') return r.dsnRelayed === true || !recipientWantsReport(w.rcpt, 'success');
  if (r?.kind === 'permfail') return !recipientWantsReport(w.rcpt, 'failure');
  return false;
}

/**
 * CheckpointInterval (op.txt: the queue is checkpointed every N addresses
 * sent, default 10): after a mailer run that brings the count of addresses
 * sent since the last checkpoint to N, the qf is rewritten (tf, fsync,
 * rename, directory fsync) without the recipients settled so far; a crash
 * then repeats at most the deliveries since that checkpoint.  Recipients
 * that owe a report (a failure, NOTIFY=SUCCESS) stay until the end of the
 * attempt, which sends one report for all as without checkpoints (after a
 * crash they are tried again).  0 turns it off.
 */
class Checkpoints {
  private sentSince = 0;
  private readonly interval: number;

  constructor(
    private readonly d: Deliverer,
    private readonly queue: QueueDirectory,
    private readonly env: Envelope,
    private readonly works: readonly Work[],
  ) {
    const v = Number(d.loaded.config.options.get('CheckpointInterval') ?? 10);
    this.interval = Number.isFinite(v) && v > 0 ? v : 0;
  }

  async ran(items: readonly Work[]): Promise<void> {
    if (this.interval === 0) return;
    this.sentSince += items.filter((w) => w.result?.kind === 'sent').length;
    if (this.sentSince < this.interval) return;
    // nothing left to try: the end of the attempt writes the qf anyway
    if (!this.works.some((w) => w.result === undefined)) return;
    this.sentSince = 0;
    await this.queue.rewriteControl({ ...this.env, recipients: requeued(this.d, this.works.filter((w) => !settled(w))) });
  }
}

/** Queues the failure and success reports `done` (sent or failed items) call for. */
async function reportFinished(
  d: Deliverer,
  queue: QueueDirectory,
  env: Envelope,
  body: Buffer,
  done: readonly Work[],
  now: Date,
  failureExtra: string[],
  expiredFailures: readonly ReportedRecipient[] = [],
): Promise<number> {
  const failed = [...expiredFailures];
  const succeeded: ReportedRecipient[] = [];
  for (const w of done) {
    const r = w.result!;
    if (r.kind === 'sent' && !r.dsnRelayed && recipientWantsReport(w.rcpt, 'success')) succeeded.push(reported(d, w, r, now));
    if (r.kind === 'permfail' && recipientWantsReport(w.rcpt, 'failure')) failed.push(reported(d, w, r, now));
  }
  let reports = 0;
  if (failed.length > 0 && (await queueReport(d, queue, env, body, 'failure', failed, failureExtra))) reports++;
  if (succeeded.length > 0 && (await queueReport(d, queue, env, body, 'success', succeeded, []))) reports++;
  return reports;
}

/**
 * The envelope as mailers see it: with the qf flag b ("a Bcc: header should
 * be removed", op.txt; set when the message names recipients in To: or Cc:,
 * and by -t) its Bcc: and Resent-Bcc: headers are left out.
 */
export function withoutBcc(env: Envelope): Envelope {
  if (!env.flags.includes('b') || isResponse(env)) return env;
  return { ...env, headers: env.headers.filter((h) => !/^(resent-)?bcc$/i.test(h.name)) };
}

/** One delivery attempt of one queued message; the qf is rewritten (checkpoints, then the end) or removed. */
async function runMessage(d: Deliverer, queue: QueueDirectory, entry: QueueEntry, stored?: Buffer): Promise<{ outcome: MessageOutcome; reports: number }> {
  const env = entry.envelope;
  const body = stored ?? (await queue.readBody(env.id));
  const works: Work[] = [];
  const seen = new Set<string>();
  const tooManyHops = hopCountFailure(d, env);
  for (const rcpt of env.recipients) {
    if (tooManyHops) {
      works.push({ rcpt, display: rcpt.address, requeueAs: rcpt.address, target: { kind: 'done', result: tooManyHops } });
      continue;
    }
    // the same target reached from two recipients is delivered once
    for (const w of await d.plan(rcpt)) {
      const key = targetKey(w.target);
      if (key !== undefined && seen.has(key)) continue;
      if (key !== undefined) seen.add(key);
      works.push(w);
    }
  }
  await applyCompatCheck(d, env, works);
  const checkpoints = new Checkpoints(d, queue, env, works);
  await d.deliver(withoutBcc(env), body, works, (items) => checkpoints.ran(items));
  const now = d.clock.now();
  const age = Math.floor(now.getTime() / 1000) - env.createdAt;
  const returnAfter = d.opts.queueReturnSeconds ?? timeoutOption(d.loaded, 'queuereturn') ?? DEFAULT_QUEUE_RETURN;
  const warnAfter = d.opts.queueWarnSeconds ?? timeoutOption(d.loaded, 'queuewarn') ?? DEFAULT_QUEUE_WARN;
  const expired = returnAfter > 0 && age >= returnAfter;
  const expiredFailures: ReportedRecipient[] = [];
  const delayed: ReportedRecipient[] = [];
  const deferred: Work[] = [];
  logDeliveries(d, env, works, now);
  for (const w of works) {
    const r = w.result!;
    if (r.kind !== 'tempfail') continue;
    if (expired) {
      if (recipientWantsReport(w.rcpt, 'failure')) expiredFailures.push(reported(d, w, expiredInQueue(r), now));
    } else {
      deferred.push(w);
      if (recipientWantsReport(w.rcpt, 'delay')) delayed.push(reported(d, w, r, now, new Date((env.createdAt + returnAfter) * 1000)));
    }
  }
  const extra = expiredFailures.length > 0 ? queueTimeoutLines(returnAfter) : [];
  const reports = await reportFinished(d, queue, env, body, works.filter(finished), now, extra, expiredFailures);
  if (deferred.length === 0) {
    await queue.remove(env.id);
    mailLog().done(env.id, age, env.attempts + 1);
    return { outcome: 'completed', reports };
  }
  let warnings = 0;
  if (warnAfter > 0 && age >= warnAfter && !env.flags.includes('w') && delayed.length > 0) {
    if (await queueReport(d, queue, env, body, 'delay', delayed, delayWarningLines(warnAfter, returnAfter), intervalText(warnAfter))) warnings++;
    if (!env.flags.includes('w')) env.flags += 'w'; // the warning is sent once
  }
  // deferred recipients stay, each once, as the address it was expanded to
  env.recipients = requeued(d, deferred);
  env.attempts += 1;
  // each retry ranks the message lower (RetryFactor, sendmail's default 90000)
  env.priority += Number(d.loaded.config.options.get('RetryFactor') ?? 90000) || 0;
  env.lastAttempt = Math.floor(now.getTime() / 1000);
  const last = deferred[deferred.length - 1]!.result!;
  env.statusMessage = last.text.startsWith('Deferred') ? last.text : `Deferred: ${last.text}`;
  await queue.rewriteControl(env);
  return { outcome: 'deferred', reports: reports + warnings };
}

/**
 * A message that has passed more hosts than MaxHopCount (default 25) fails
 * for every recipient, as real 8.17 bounces it: "554 5.4.6 Too many hops 4
 * (3 max): from <sender> via host, to <recipients>".
 */
function hopCountFailure(d: Deliverer, env: Envelope): DeliveryResult | undefined {
  const max = maxHopCount(d.loaded);
  const hops = hopCount(env.headers.map((h) => h.name));
  if (hops <= max) return undefined;
  const via = (env.macros.get('_') ?? 'localhost').split(' ')[0] ?? 'localhost';
  const to = env.recipients.map((r) => r.address).join(', ');
  const reason = '554 5.4.6 Too many hops';
  return makeResult('permfail', '5.4.6', reason, {
    diagnosticType: 'X-Unix',
    diagnostic: reason,
    transcript: [`554 5.4.6 Too many hops ${hops} (${max} max): from ${env.sender} via ${via}, to ${to}`],
  });
}

/** check_compat for every recipient about to reach a mailer: a refused one fails (or is deferred), a discarded one is dropped. */
async function applyCompatCheck(d: Deliverer, env: Envelope, works: Work[]): Promise<void> {
  for (let i = 0; i < works.length; i++) {
    const w = works[i]!;
    const mailer = mailerName(w.target);
    if (mailer === undefined) continue;
    const relay = env.macros.get('_') ?? '';
    // the recipient as queued, or the address an alias expanded it to
    const recipient = w.expandedFrom === undefined ? w.rcpt.address : w.display;
    const verdict = await checkCompat(d.loaded, { sender: env.sender, recipient, queueId: env.id, relay, mailerDesc: `${mailer} mailer` });
    if (verdict.kind === 'discard') works.splice(i--, 1);
    else if (verdict.kind === 'fail') works[i] = { ...w, target: { kind: 'done', result: verdict.result } };
  }
}

/** The mailer a target goes through, as the log names it; undefined when it never reached one. */
function mailerName(t: Target): string | undefined {
  return t.kind === 'mailer' ? t.mailer : t.kind === 'mailbox' ? 'local' : t.kind === 'program' ? 'prog' : t.kind === 'file' ? '*file*' : undefined;
}

/**
 * The to= lines of one attempt, sendmail's log lines (also what -v prints):
 * the recipients of one mailer run with the same outcome share a line; a
 * recipient shows as queued ("<a@b>" from SMTP), an alias's target as expanded.
 */
function logDeliveries(d: Deliverer, env: Envelope, works: readonly Work[], now: Date): void {
  const groups = new Map<string, Work[]>();
  works.forEach((w, i) => {
    const r = w.result!;
    const key = w.run ? `${w.run.id}\0${r.kind}\0${r.status}\0${r.text}` : `alone ${i}`;
    groups.set(key, [...(groups.get(key) ?? []), w]);
  });
  for (const ws of groups.values()) {
    const first = ws[0]!;
    const fields = deliveryFields({
      to: ws.map((w) => (w.display === unbracket(w.rcpt.address) ? w.rcpt.address : w.display)),
      ctladdr: controllingAddress(d, env, first),
      result: first.result!,
      mailer: mailerName(first.target),
      relay: first.run?.relay,
      xdelaySeconds: first.run?.seconds,
      createdAt: env.createdAt,
      now,
      priority: env.priority,
    });
    d.log(`${env.id}: ${logFormat.deliveryLine(fields)}`);
    mailLog().delivery(env.id, first.result!.kind, fields);
  }
}

/**
 * ctladdr= of a to= line, as sendmail 8.17 logs it: a program or file
 * names the nearest address that controls it (the .forward's user, the
 * :include: file as ":include:PATH" with the file's owner, else the alias
 * with DefaultUser's uid and gid 0), shown as the address was given (the
 * recipient itself keeps its <>); any other delivery names the envelope
 * sender when that is a local user with an account.
 */
function controllingAddress(d: Deliverer, env: Envelope, w: Work): string | undefined {
  const shown = (name: string): string => {
    const top = unbracket(w.rcpt.address);
    const local = d.resolver.localName(top) ?? top;
    return local.toLowerCase() === name.toLowerCase() ? w.rcpt.address : name;
  };
  if (w.target.kind === 'program' || w.target.kind === 'file') {
    const c = w.controller;
    if (c && 'user' in c) {
      const acct = account(d.passwdFile, c.user);
      return acct ? logFormat.controllingUser(shown(c.user), acct.uid, acct.gid) : undefined;
    }
    // an :include: file, or a controller kept in the qf (name:uid:gid:address)
    if (c) return logFormat.controllingUser(c.name === undefined || c.file.startsWith('/') ? `:include:${c.file}` : c.file, c.uid, c.gid);
    return w.expandedFrom === undefined ? undefined : logFormat.controllingUser(shown(w.expandedFrom), d.defaultUser().uid, 0);
  }
  const user = d.resolver.localName(env.sender);
  const acct = user === undefined ? undefined : account(d.passwdFile, user);
  return acct ? logFormat.controllingUser(env.sender, acct.uid, acct.gid) : undefined;
}

/** Seconds to wait after the `attempts`-th failed try: doubling from minRetry, at most maxRetry. */
export function retryDelay(attempts: number, minRetry: number, maxRetry: number): number {
  if (attempts <= 0 || minRetry <= 0) return 0;
  return Math.min(maxRetry, minRetry * 2 ** Math.min(attempts - 1, 30));
}

/**
 * A runner killed while removing a finished message leaves its df (the qf,
 * removed first, is gone) and its lf lock, whose owner is dead: both go.
 * A message being received has no lf, so it is never touched.
 */
async function sweepAbandonedRemovals(queue: QueueDirectory, log: (line: string) => void): Promise<void> {
  const controlDir = await queue.controlDir();
  const names = new Set(await fsp.readdir(controlDir));
  for (const name of names) {
    if (!name.startsWith('lf')) continue;
    const id = name.slice(2);
    if (names.has(`qf${id}`) || names.has(`hf${id}`)) continue;
    const lf = path.join(controlDir, name);
    const [text, st] = await Promise.all([fsp.readFile(lf, 'latin1').catch(() => ''), fsp.stat(lf).catch(() => undefined)]);
    if (!st || !lockIsStale(text, st.mtimeMs)) continue;
    await fsp.rm(path.join(await queue.dataDir(), `df${id}`), { force: true });
    await fsp.rm(lf, { force: true });
    log(`${id}: removed what a dead queue runner left of a finished message`);
  }
}

/** The one message of `id` as a list (empty when it is gone already, e.g. delivered by a queue run). */
async function readOne(queue: QueueDirectory, id: string): Promise<QueueEntry[]> {
  try {
    return [await queue.read(id)];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

const emptySummary = (): QueueRunSummary => ({ attempted: 0, completed: 0, deferred: 0, reports: 0, skipped: 0 });

/**
 * One listed message of a run: skipped when not selected, not due, without
 * its data file, in flight in this process or locked by another; else
 * locked, read again and delivered.  Counts go to `summary`.  A message
 * just accepted comes with its df body (`stored`): it is not read again,
 * only checked to be still queued once locked.
 */
async function attemptEntry(
  d: Deliverer,
  queue: QueueDirectory,
  dir: string,
  entry: QueueEntry,
  options: QueueRunOptions,
  summary: QueueRunSummary,
  stored?: Buffer,
): Promise<void> {
  const minAge = options.minRetrySeconds ?? queueInterval(options.loaded.config.options.get('MinQueueAge'));
  const maxRetry = options.maxRetrySeconds ?? 4 * 3600;
  const env = entry.envelope;
  const nowSec = Math.floor(d.clock.now().getTime() / 1000);
  const due = options.ignoreRetryTime || nowSec - env.lastAttempt >= retryDelay(env.attempts, minAge, maxRetry);
  const key = `${path.resolve(dir)}/${env.id}`;
  if (!selects(env, options.selections ?? []) || !due || entry.dataSize === undefined || inFlight.has(key)) {
    summary.skipped++;
    return;
  }
  inFlight.add(key);
  const unlock = await lockMessage(path.dirname(entry.controlPath), env.id).catch(() => undefined);
  if (!unlock) {
    inFlight.delete(key);
    summary.skipped++;
    return;
  }
  summary.attempted++;
  try {
    let r;
    if (stored !== undefined) {
      // a queue run may have delivered it between its 250 and our lock
      if (!existsSync(entry.controlPath)) throw Object.assign(new Error(`${env.id}: gone`), { code: 'ENOENT' });
      r = await runMessage(d, queue, entry, stored);
    } else {
      // another runner may have finished it between our listing and the lock
      const fresh = await queue.read(env.id);
      // a tf beside a qf we hold the lock of is what a killed runner was rewriting: its qf stands
      await fsp.rm(path.join(path.dirname(entry.controlPath), `tf${env.id}`), { force: true });
      r = await runMessage(d, queue, fresh);
    }
    summary[r.outcome]++;
    summary.reports += r.reports;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      summary.attempted--; // finished by another runner meanwhile
      summary.skipped++;
    } else {
      summary.deferred++;
      d.log(`${env.id}: queue run failed: ${(err as Error).message}`);
    }
  } finally {
    await unlock();
    inFlight.delete(key);
  }
}

/** Runs one queue directory once. */
export async function runQueue(dir: string, options: QueueRunOptions): Promise<QueueRunSummary> {
  const d = new Deliverer(options);
  const queue = new QueueDirectory(dir);
  const summary = emptySummary();
  await sweepAbandonedRemovals(queue, d.log);
  const onCorrupt = (f: { id: string; path: string; reason: string }): void => d.log(`${f.id}: set aside as ${f.path}: ${f.reason}`);
  const entries = options.messageId === undefined ? sortEntries(await queue.readAll(onCorrupt)) : await readOne(queue, options.messageId);
  const maxRun = Number(options.loaded.config.options.get('MaxQueueRunSize') ?? 0) || Infinity;
  for (const entry of entries) {
    if (summary.attempted >= maxRun) summary.skipped++;
    else await attemptEntry(d, queue, dir, entry, options, summary);
  }
  d.connections.close();
  return summary;
}

/**
 * Delivery of messages one by one as they are queued (the daemon in
 * DeliveryMode b or i): one Deliverer for the daemon's life, so the
 * recipient resolver and alias databases are set up once and open SMTP
 * sessions are reused from one message to the next (ConnectionCacheSize,
 * ConnectionCacheTimeout), where a queue run's cache lasts for the run.
 * Each message is attempted whatever its retry time, as sendmail's
 * background delivery does.
 */
export class MessageDelivery {
  private readonly d: Deliverer;
  private readonly queue: QueueDirectory;

  /** `atOnce`: how many deliveries the caller runs at the same time (they share the connection cache). */
  constructor(
    private readonly dir: string,
    private readonly options: QueueRunOptions,
    atOnce = 1,
  ) {
    this.d = new Deliverer(options, atOnce);
    this.queue = new QueueDirectory(dir);
  }

  /** Delivers the queued message `id` (nothing when it is gone or locked by a queue run). */
  async deliver(id: string): Promise<QueueRunSummary> {
    const summary = emptySummary();
    const options = { ...this.options, messageId: id, ignoreRetryTime: true };
    for (const entry of await readOne(this.queue, id)) await attemptEntry(this.d, this.queue, this.dir, entry, options, summary);
    return summary;
  }

  /**
   * Delivers a message this process has just queued, from what it wrote
   * (the envelope as its qf reads back, the df body) rather than reading
   * qf and df again; the queue files stay the durable copy until the
   * delivery ends.
   */
  async deliverStored(envelope: Envelope, body: Buffer): Promise<QueueRunSummary> {
    const summary = emptySummary();
    const options = { ...this.options, messageId: envelope.id, ignoreRetryTime: true };
    const entry = await this.queue.entryOf(envelope, body.length);
    await attemptEntry(this.d, this.queue, this.dir, entry, options, summary, body);
    return summary;
  }

  /** Ends the cached SMTP sessions. */
  close(): void {
    this.d.connections.close();
  }
}

/** Runs every queue directory the cf's QueueDirectory option names (a trailing * names several). */
export async function runQueuesOf(options: QueueRunOptions): Promise<QueueRunSummary> {
  const option = options.loaded.config.options.get('QueueDirectory') ?? '/var/spool/mqueue';
  const total: QueueRunSummary = { attempted: 0, completed: 0, deferred: 0, reports: 0, skipped: 0 };
  for (const dir of await expandQueueDirectory(option)) {
    await fsp.access(dir);
    const s = await runQueue(dir, options);
    for (const k of Object.keys(total) as (keyof QueueRunSummary)[]) total[k] += s[k];
  }
  return total;
}

export interface ScheduledRuns {
  /** Stops after the current run; resolves when it has. */
  stop(): Promise<void>;
  /** Runs finished so far. */
  readonly runs: number;
}

/**
 * sendmail -q30m: a queue run now and then every `intervalSeconds`; after a
 * run that fails (queue directory unreadable) the wait doubles, up to an hour
 * or the interval when that is longer.
 */
export function scheduleQueueRuns(intervalSeconds: number, options: QueueRunOptions, run: (o: QueueRunOptions) => Promise<QueueRunSummary> = runQueuesOf): ScheduledRuns {
  if (!(intervalSeconds > 0)) throw new Error(`queue interval must be positive, got ${intervalSeconds}`);
  const clock = options.clock ?? systemClock;
  const log = options.log ?? (() => {});
  const abort = new AbortController();
  let runs = 0;
  let failures = 0;
  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        await run(options);
        failures = 0;
      } catch (err) {
        failures++;
        log(`queue run failed: ${(err as Error).message}`);
      }
      runs++;
      const wait = failures === 0 ? intervalSeconds : Math.max(intervalSeconds, Math.min(3600, intervalSeconds * 2 ** failures));
      await clock.sleep(wait * 1000, abort.signal);
    }
  })();
  return {
    stop: async () => {
      abort.abort();
      await loop;
    },
    get runs() {
      return runs;
    },
  };
}
