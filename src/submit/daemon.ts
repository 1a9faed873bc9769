// `sendmail -bd` / `-bD`: the SMTP daemon on the cf's listeners with the cf
// policy, the PidFile, SIGHUP reloading the cf.  -bd and -bD both stay in
// the foreground here (a service manager or `&` puts -bd in the
// background); the queue run interval of -q is kept for the queue runner.

import type { LoadedConfig } from '../config/loader.js';
import { isDeliveryLogLine, mailLog } from '../log/index.js';
import { runDaemon, type RunningDaemon } from '../smtp/daemon.js';
import { tlsSettingsFromOptions } from '../smtp/tls.js';
import { resolveClientAddress, daemonListeners, sessionOptionsFromConfig } from './session-options.js';

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

export async function runCfDaemon(opts: CfDaemonOptions): Promise<RunningDaemon> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const session = await sessionOptionsFromConfig(opts.loaded, log);
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
    onReload: async () => {
      const fresh = await opts.reload?.();
      if (fresh) Object.assign(session, await sessionOptionsFromConfig(fresh, log));
    },
  });
  mailLog().startingDaemon(session.identity.version, true, opts.queueIntervalSeconds ?? 0);
  mailLog().startedAs(opts.commandLine);
  for (const a of running.addresses) log(`listening on ${a.address} port ${a.port}`);
  if ((opts.queueIntervalSeconds ?? 0) > 0) {
    // the queue runner gets its own copy of the cf: the engine's macros are not shared with the SMTP policy
    const runnerConfig = await opts.reload?.();
    if (runnerConfig) {
      // the queue runner (and nodemailer under it) is loaded only by a daemon that runs the queue
      const { scheduleQueueRuns } = await import('../deliver/runner.js');
      // the runner's delivery lines (to=, DSN) are in the mail log already; its other notes go to the daemon's log
      scheduleQueueRuns(opts.queueIntervalSeconds!, { loaded: runnerConfig, log: (m) => void (isDeliveryLogLine(m) || log(m)) });
      log(`queue runs every ${opts.queueIntervalSeconds} s`);
    } else log('queue runs not started: the cf could not be read again');
  }
  return running;
}
