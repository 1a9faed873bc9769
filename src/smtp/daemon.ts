// The SMTP daemon process (`sendmail -bd`): listeners from DAEMON_OPTIONS,
// the PidFile (pid on the first line, the command line on the second, as
// sendmail writes it), SIGHUP calling a reload hook, SIGTERM draining open
// sessions before exit.  The lead wires runDaemon into src/cli/sendmail.ts.

import { promises as fs } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { mailLog } from '../log/index.js';
import { SmtpListeners, type AdapterOptions } from './adapter.js';
import type { TlsServerSettings } from './tls.js';

export interface DaemonOptions extends AdapterOptions {
  /** O PidFile; not written when undefined. */
  pidFile?: string;
  /** The command line written to the PidFile's second line. */
  commandLine?: string;
  /** SIGHUP: re-read configuration and maps. */
  onReload?: () => void | Promise<void>;
  /** Run by stop() once the sessions are done: deliveries in progress finish or are abandoned (SIGTERM). */
  drain?: () => Promise<void>;
  /** Handle SIGHUP/SIGTERM/SIGINT in this process (default true). */
  handleSignals?: boolean;
  /** Messages for the log. */
  log?: (message: string) => void;
}

export interface RunningDaemon {
  /** The bound address of each listener, in DAEMON_OPTIONS order. */
  readonly addresses: AddressInfo[];
  /** Stops accepting, lets open sessions finish (smtp-server gives them 30 s), removes the PidFile. */
  stop(): Promise<void>;
  /** New TLS certificate and key for the connections to come (SIGHUP). */
  updateTls(tls: TlsServerSettings): void;
}

export async function runDaemon(opts: DaemonOptions): Promise<RunningDaemon> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const listeners = new SmtpListeners(opts);
  const addresses = await listeners.start();
  if (opts.pidFile !== undefined) {
    await fs.writeFile(opts.pidFile, `${process.pid}\n${opts.commandLine ?? process.argv.join(' ')}\n`, { mode: 0o644 });
  }
  let stopping: Promise<void> | undefined;
  const onHup = (): void => {
    log('SIGHUP: reloading');
    void Promise.resolve(opts.onReload?.()).catch((err: unknown) => log(`reload failed: ${(err as Error).message}`));
  };
  const onTerm = (): void => {
    log('stopping: draining open sessions');
    mailLog().stoppingDaemon('signal');
    void stop().then(() => process.exit(0));
  };
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (opts.handleSignals !== false) {
        process.off('SIGHUP', onHup);
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onTerm);
      }
      await listeners.close();
      await opts.drain?.();
      if (opts.pidFile !== undefined) await fs.rm(opts.pidFile, { force: true });
    })();
    return stopping;
  };
  if (opts.handleSignals !== false) {
    process.on('SIGHUP', onHup);
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onTerm);
  }
  return { addresses, stop, updateTls: (tls) => listeners.updateTls(tls) };
}
