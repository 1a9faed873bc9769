// src/log owns the mail log: sendmail's log lines (format.ts), the LogLevel
// each event needs and its syslog severity (levels.ts), the sinks (sink.ts:
// syslog through `logger`, a file, standard error) and the MailLog that
// ties them (mail-log.ts).  One MailLog per process, set up by the command
// from the loaded cf (LogLevel, -O LogLevel=, -oL) and the SENDMAIL_LOG
// environment variable:
//
//   unset      syslog when /dev/log is a socket and `logger` is installed;
//              otherwise standard error for the daemon (-bd/-bD), nothing
//              for the other modes (as sendmail without a syslogd)
//   syslog     syslog (/dev/log);  syslog:/path/to/socket  another socket
//   stderr     standard error, in mail.log form
//   none       nothing
//   a path     that file, appended to, in mail.log form
//
// Other modules log through mailLog(); until configureMailLog runs it drops
// everything, so library use and tests stay quiet.

import path from 'node:path';
import { parseLogLevel } from './levels.js';
import { MailLog } from './mail-log.js';
import { FileSink, findLogger, NullSink, StreamSink, SyslogSink, syslogSocket, type LogIdentity, type LogSink } from './sink.js';

export { MailLog } from './mail-log.js';
export * as logFormat from './format.js';
export { isDeliveryLogLine } from './format.js';
export { deliveryFields, statOf, type LoggedResult } from './delivery.js';
export { EVENTS, DEFAULT_LOG_LEVEL, parseLogLevel } from './levels.js';
export type { LogSink } from './sink.js';

let current = MailLog.disabled();
let currentChoice: string | undefined;

/** The process's mail log. */
export function mailLog(): MailLog {
  return current;
}

/** Replaces the process's mail log (tests, embedding); returns the previous one. */
export function useMailLog(log: MailLog): MailLog {
  const previous = current;
  current = log;
  currentChoice = undefined;
  return previous;
}

export interface MailLogSetup {
  /** The cf's LogLevel option value (after -O/-o overrides). */
  logLevel: string | undefined;
  /** The command's name or path as run: its base name is the syslog tag ("sendmail", "sm-mta"). */
  progName: string;
  /** The SMTP daemon (-bd/-bD): without syslog its log goes to standard error. */
  daemon: boolean;
  /** SENDMAIL_LOG (default: from the environment). */
  choice?: string | undefined;
}

/** The sink SENDMAIL_LOG (or the default) names. */
export function chooseSink(choice: string | undefined, id: LogIdentity, daemon: boolean): LogSink {
  const logger = findLogger();
  const stderr = (): LogSink => new StreamSink(id);
  if (choice === undefined || choice === '') {
    if (logger && syslogSocket()) return new SyslogSink(id, { logger });
    return daemon ? stderr() : new NullSink();
  }
  if (choice === 'none') return new NullSink();
  if (choice === 'stderr') return stderr();
  if (choice === 'syslog' || choice.startsWith('syslog:')) {
    const socket = choice.startsWith('syslog:') ? choice.slice('syslog:'.length) : undefined;
    return logger ? new SyslogSink(id, { logger, socket }) : stderr();
  }
  return new FileSink(path.resolve(choice), id);
}

/**
 * Sets up the process's mail log from the cf; called again after a reload
 * (SIGHUP), it keeps the sink and takes the new LogLevel.
 */
export function configureMailLog(setup: MailLogSetup): MailLog {
  const choice = setup.choice ?? process.env.SENDMAIL_LOG ?? '';
  const level = parseLogLevel(setup.logLevel);
  const key = `${choice}\0${setup.daemon}`;
  if (currentChoice === key) {
    current.level = level;
    return current;
  }
  current.sink.close();
  const id = { tag: path.basename(setup.progName), pid: process.pid };
  current = new MailLog(chooseSink(choice, id, setup.daemon), level);
  currentChoice = key;
  return current;
}
