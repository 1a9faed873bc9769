// `sendmail -bd` / `-bD`: the SMTP daemon on the cf's listeners with the cf
// policy, the PidFile, SIGHUP reloading the cf.  -bd and -bD both stay in
// the foreground here (a service manager or `&` puts -bd in the
// background); the queue run interval of -q is kept for the queue runner.
// In DeliveryMode b (the default) and i every message queued is delivered
// at once in this process (ImmediateDelivery, at most
// IMMEDIATE_DELIVERIES at a time); in q and d it waits for a queue run.

import type { LoadedConfig } from '../config/loader.js';
import { isDeliveryLogLine, mailLog } from '../log/index.js';
import { runDaemon, type RunningDaemon } from '../smtp/daemon.js';
import { tlsSettingsFromOptions } from '../smtp/tls.js';
import type { MessageDelivery, QueueRunOptions } from '../deliver/runner.js';
import type { Envelope } from '../queue/envelope.js';
import type { QueueDirectory } from '../queue/queue-directory.js';
import { releaseHeldLocks } from '../deliver/queue-lock.js';

/** A message as the session stored it: its envelope and df body. */
interface StoredMessage {
  readonly envelope: Envelope;
  readonly body: Buffer;
}
import { resolveClientAddress, daemonListeners, deliveryModeOf, sessionOptionsFromConfig } from './session-options.js';

export interface CfDaemonOptions {
  loaded: LoadedConfig;
  /** -O/-o overrides from the command line (DaemonPortOptions among them). */
  overrides: readonly { name: string; value: string }[];
  /** The command line for the PidFile. */
  commandLine: string;
  /** Re-reads the cf (SIGHUP). */
  reload?: () => Promise<LoadedConfig | null>;
  /** -q interval, in seconds (0: none). */
  queueIntervalSeconds?: number;
  log?: (message: string) => void;
}

/** O MaxDaemonChildren (0, the default: no limit). */
function maxDaemonChildren(loaded: LoadedConfig): number {
  const n = Number((loaded.config.options.get('MaxDaemonChildren') ?? '0').trim());
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * Deliveries of just-accepted messages running at once; the rest wait their
 * turn.  (sendmail forks a delivery per accepted message, without a bound;
 * bench/accepted-to-delivered at 10 and 50 connections did no worse with 12
 * than with 4, within a loaded machine's noise.)
 */
export const IMMEDIATE_DELIVERIES = 12;
/** How long a stopping daemon lets the deliveries in progress finish before it abandons them (ms). */
export const STOP_GRACE_MS = 2000;
/** Accepted messages waiting for a delivery slot; beyond this they are left to the next queue run. */
const IMMEDIATE_BACKLOG = 1000;

/**
 * Delivery of each message as it is queued: the runner's MessageDelivery
 * for that one queue id (it takes the message's lock, so a queue run at
 * the same time does not deliver it twice; its SMTP sessions are reused
 * from message to message), `limit` at a time, the others in order.
 */
export class ImmediateDelivery {
  /** Messages waiting for a slot: the id, and what was stored when the session hands it over. */
  private readonly waiting: { id: string; stored?: StoredMessage | undefined }[] = [];
  private running = 0;
  private idle: (() => void)[] = [];
  /** The runner's side, loaded with the first message (it brings nodemailer); kept for its connection cache. */
  private delivery: MessageDelivery | undefined;

  constructor(
    private readonly queueDir: string,
    private readonly options: QueueRunOptions,
    private readonly log: (m: string) => void,
    private readonly limit = IMMEDIATE_DELIVERIES,
  ) {}

  /** Set by stop(): nothing more is started. */
  private stopped = false;

  /**
   * Deliver `id` as soon as a slot is free (after the current tick: its 250
   * is written first); `stored`, what the session wrote, spares reading it back.
   */
  add(id: string, stored?: StoredMessage): void {
    if (this.stopped) return; // stays queued for the next run
    if (this.waiting.length >= IMMEDIATE_BACKLOG) {
      this.log(`${id}: ${IMMEDIATE_BACKLOG} messages wait for delivery already; this one waits for the next queue run`);
      return;
    }
    this.waiting.push({ id, stored });
    setImmediate(() => this.pump());
  }

  /** Resolves when nothing is running or waiting. */
  drained(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * Stops starting deliveries (the waiting ones stay queued for the next
   * queue run); those in progress get `graceMs` to finish.  Resolves when
   * they have or when the grace is over: how many are still running (the
   * caller releases their locks and exits under them; they stay queued).
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<number> {
    this.stopped = true;
    this.waiting.length = 0;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      this.drained().then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    return finished ? 0 : this.running;
  }

  private pump(): void {
    while (!this.stopped && this.running < this.limit && this.waiting.length > 0) {
      const { id, stored } = this.waiting.shift()!;
      this.running++;
      void this.deliver(id, stored).finally(() => {
        this.running--;
        this.pump();
        if (this.running === 0 && this.waiting.length === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
    }
  }

  private async deliver(id: string, stored: StoredMessage | undefined): Promise<void> {
    try {
      if (!this.delivery) {
        const { MessageDelivery } = await import('../deliver/runner.js');
        this.delivery ??= new MessageDelivery(this.queueDir, this.options, this.limit);
      }
      if (stored) await this.delivery.deliverStored(stored.envelope, stored.body);
      else await this.delivery.deliver(id);
    } catch (err) {
      this.log(`${id}: delivery failed, left in the queue: ${(err as Error).message}`);
    }
  }
}

/**
 * Keeps what the session's queue stores (the envelope and df body of each
 * new message, by id) until onQueued takes it, for sessions that do not
 * hand it over themselves; at most IMMEDIATE_BACKLOG are kept.
 */
function rememberStored(queue: QueueDirectory, stored: Map<string, StoredMessage>): void {
  const storeNew = queue.storeNew.bind(queue);
  queue.storeNew = async (envelope, body) => {
    await storeNew(envelope, body);
    if (stored.size >= IMMEDIATE_BACKLOG) stored.delete(stored.keys().next().value!);
    stored.set(envelope.id, { envelope, body: Buffer.isBuffer(body) ? body : typeof body === 'string' ? Buffer.from(body, 'latin1') : Buffer.from(body) });
  };
}

export async function runCfDaemon(opts: CfDaemonOptions): Promise<RunningDaemon> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const session = await sessionOptionsFromConfig(opts.loaded, log);
  const deliveryMode = deliveryModeOf(opts.loaded);
  const runsQueue = (opts.queueIntervalSeconds ?? 0) > 0;
  // the queue runner gets its own copy of the cf: the engine's macros are not shared with the SMTP policy
  const runnerConfig = runsQueue || deliveryMode === 'b' || deliveryMode === 'i' ? await opts.reload?.() : undefined;
  if ((runsQueue || deliveryMode === 'b' || deliveryMode === 'i') && !runnerConfig) log('no delivery in this process: the cf could not be read again');
  // the runner's delivery lines (to=, DSN) are in the mail log already; its other notes go to the daemon's log
  const runnerOptions: QueueRunOptions | undefined = runnerConfig ? { loaded: runnerConfig, log: (m) => void (isDeliveryLogLine(m) || log(m)) } : undefined;
  let immediate: ImmediateDelivery | undefined;
  const stored = new Map<string, StoredMessage>();
  if (runnerOptions && (deliveryMode === 'b' || deliveryMode === 'i')) {
    const delivery = new ImmediateDelivery(session.queue.dir, runnerOptions, log);
    rememberStored(session.queue, stored);
    session.onQueued = (id: string, given?: StoredMessage) => {
      const kept = stored.get(id);
      stored.delete(id);
      delivery.add(id, given ?? kept);
    };
    immediate = delivery;
  }
  const pid = opts.loaded.config.options.get('PidFile');
  const running = await runDaemon({
    listeners: daemonListeners(opts.loaded, opts.overrides),
    session,
    resolveClient: resolveClientAddress,
    maxClients: maxDaemonChildren(opts.loaded),
    onChildrenLimit: {
      refusing: (daemon, children, max) => mailLog().rejectingConnections(daemon, children, max),
      accepting: (daemon) => mailLog().acceptingConnections(daemon),
    },
    tls: tlsSettingsFromOptions(opts.loaded.config.options, log),
    ...(pid ? { pidFile: opts.loaded.macros.expand(pid) } : {}),
    commandLine: opts.commandLine,
    log,
    onError: (err) => log(`session error: ${err.message}`),
    drain: async () => {
      await immediate?.stop();
      // what still runs (immediate deliveries, a queue run) is abandoned: its messages stay queued, unlocked
      const abandoned = releaseHeldLocks();
      if (abandoned > 0) log(`stopping: ${abandoned} deliveries in progress abandoned, their messages stay queued`);
    },
    onReload: async () => {
      const fresh = await opts.reload?.();
      if (fresh) Object.assign(session, await sessionOptionsFromConfig(fresh, log));
      // the certificate and key are read again (a renewed certificate needs no restart)
      const tls = fresh ? tlsSettingsFromOptions(fresh.config.options, log) : undefined;
      if (tls) running.updateTls(tls);
      if (fresh && immediate) rememberStored(session.queue, stored);
    },
  });
  mailLog().startingDaemon(session.identity.version, true, opts.queueIntervalSeconds ?? 0);
  mailLog().startedAs(opts.commandLine);
  for (const a of running.addresses) log(`listening on ${a.address} port ${a.port}`);
  if (runsQueue && runnerOptions) {
    // the queue runner (and nodemailer under it) is loaded only by a daemon that delivers
    const { scheduleQueueRuns } = await import('../deliver/runner.js');
    scheduleQueueRuns(opts.queueIntervalSeconds!, runnerOptions);
    log(`queue runs every ${opts.queueIntervalSeconds} s`);
  }
  return running;
}
