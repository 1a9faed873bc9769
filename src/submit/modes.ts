// The command-line side of the modes that take mail: which mode runs, what
// its flags mean (-t, -i/-oi, -f/-r, -F, -q interval), reading standard
// input, exit statuses.  src/cli/sendmail.ts calls runMailMode with the
// parsed arguments and its config loader.

import { mkdirSync } from 'node:fs';
import type { LoadedConfig } from '../config/loader.js';
import { configureMailLog } from '../log/index.js';
import { daemonReady, detachDaemon, takeDaemonReadyFd } from './detach.js';
// each mode's module is imported when that mode runs: the daemon does not
// carry the queue runner, nodemailer and the delivery agents until a queue
// run needs them

export interface MailModeArgs {
  mode: string;
  configFile: string;
  options: { name: string; value: string }[];
  flags: Map<string, string>;
  recipients: string[];
}

const EX_USAGE = 64;
const EX_CONFIG = 78;
const EX_OSERR = 71;
const EX_OSFILE = 72;

/** The modes this module runs. */
export const MAIL_MODES = new Set(['d', 'D', 's', 'm', 'v', 'p']);

/** "-q30m" -> 1800 (s, m, h, d, w units; bare numbers are seconds). */
export function queueInterval(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  let total = 0;
  for (const m of value.matchAll(/(\d+)([smhdw]?)/g)) {
    const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as '' | 's' | 'm' | 'h' | 'd' | 'w'];
    total += Number(m[1]) * unit;
  }
  return total;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function runMailMode(
  args: MailModeArgs,
  progName: string,
  load: () => Promise<LoadedConfig | null>,
  argv: readonly string[],
): Promise<number> {
  const err = (line: string): void => void process.stderr.write(`${line}\n`);
  if (args.mode === 'p') {
    // the cf is read as for every mode: one that cannot be opened (72) or has read errors
    // (reported by `load`, exit 70) lists nothing, as real sendmail 8.17; -O QueueDirectory counts
    const loaded = await load();
    if (!loaded) return EX_OSFILE;
    const { listQueue } = await import('./queue-listing.js');
    // -v adds priorities; -qQ lists the quarantined messages instead
    return listQueue(loaded, { verbose: args.flags.has('v'), quarantined: args.flags.get('q') === 'Q' }, progName);
  }
  const daemon = args.mode === 'd' || args.mode === 'D';
  // the mail log follows the cf's LogLevel, read again with the cf on SIGHUP
  const loadLogging = async (): Promise<LoadedConfig | null> => {
    const fresh = await load();
    // the syslog tag is the name the command was run by (Debian runs the daemon as sm-mta)
    if (fresh) configureMailLog({ logLevel: fresh.config.options.get('LogLevel'), progName: process.argv[1] ?? progName, daemon });
    return fresh;
  };
  const loaded = await loadLogging();
  if (!loaded) return EX_CONFIG;
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  try {
    switch (args.mode) {
      case 'd':
      case 'D': {
        // a submit.cf (UseMSP) is not a daemon's cf: sendmail 8.17 refuses with exit 64
        if (/^[ty]/i.test(loaded.config.options.get('UseMSP') ?? '')) {
          err('Mail submission program cannot be used as daemon');
          return EX_USAGE;
        }
        const queue = loaded.config.options.get('QueueDirectory');
        if (queue !== undefined && !queue.includes('*')) mkdirSync(queue, { recursive: true, mode: 0o700 });
        // -bd: this command returns once a background copy of it listens; -bD stays
        const readyFd = args.mode === 'd' ? takeDaemonReadyFd() : undefined;
        if (args.mode === 'd' && readyFd === undefined) return await detachDaemon(argv);
        const { runCfDaemon } = await import('./daemon.js');
        await runCfDaemon({
          loaded,
          overrides: args.options,
          commandLine: [progName, ...argv].join(' '),
          reload: loadLogging,
          queueIntervalSeconds: queueInterval(args.flags.get('q')),
        });
        if (readyFd !== undefined) daemonReady(readyFd);
        return 0;
      }
      case 's': {
        const { serveStdio } = await import('./stdio.js');
        await serveStdio(loaded, process.stdin, process.stdout, err);
        return 0;
      }
      case 'v': {
        if (args.recipients.length === 0) {
          print('Recipient names must be specified');
          return EX_USAGE;
        }
        const { verifyAddresses } = await import('./verify.js');
        return await verifyAddresses(loaded, args.recipients, print);
      }
      default: {
        if (args.flags.has('q') && args.recipients.length === 0) {
          // `sendmail -q[...]`: run the queues once, or every interval in the foreground.
          const { queueCommand } = await import('../deliver/queue-command.js');
          const done = await queueCommand([args.flags.get('q')!], { loaded, log: err });
          if (done.kind === 'scheduled') await new Promise<never>(() => {});
          return 0;
        }
        const fromHeaders = args.flags.has('t');
        if (!fromHeaders && args.recipients.length === 0) {
          print('Recipient names must be specified');
          return EX_USAGE;
        }
        const ignoreDots = args.flags.has('i') || args.options.some((o) => o.name === 'IgnoreDots' && !/^(f|false|n|no)$/i.test(o.value));
        const sender = args.flags.get('f') ?? args.flags.get('r');
        const fullName = args.flags.get('F');
        const { submitLocal, deliverNow, deliverInBackground } = await import('./local.js');
        const { deliveryModeOf } = await import('./session-options.js');
        const mode = deliveryModeOf(loaded, args.flags.has('v'));
        const deliver =
          mode === 'i'
            ? (id: string) => deliverNow(loaded, id, err)
            : mode === 'b'
              ? async (id: string) => deliverInBackground(args.configFile, args.options, id)
              : undefined;
        return await submitLocal(
          loaded,
          await readStdin(),
          { recipients: args.recipients, fromHeaders, ignoreDots, ...(sender ? { sender } : {}), ...(fullName ? { fullName } : {}), ...(deliver ? { deliver } : {}) },
          // refused recipients and the dead.letter note go to standard output, as sendmail prints them
          print,
        );
      }
    }
  } catch (e) {
    err(`${progName}: ${(e as Error).message}`);
    return EX_OSERR;
  }
}
