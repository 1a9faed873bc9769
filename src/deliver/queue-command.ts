// What `sendmail -q...` asks of the queue runner, for src/cli/sendmail.ts
// and the daemon: "-q" runs the queues once, "-q30m" (or "-qp30m") every
// 30 minutes, "-qIabc" "-qRbob" "-qSalice" (and "-q!R...") run once, only
// the matching messages and whatever their retry time; "-qf" is once in
// the foreground, as this runner always works.

import { queueInterval } from '../submit/modes.js';
import { parseQueueSelection, runQueuesOf, scheduleQueueRuns, type QueueRunOptions, type QueueRunSummary, type QueueSelection, type ScheduledRuns } from './runner.js';

export interface QueueRequest {
  /** Seconds between runs; 0 for a single run. */
  intervalSeconds: number;
  selections: QueueSelection[];
}

/** Reads the values of every -q flag given ("" for a bare -q). Throws with the flag named on a bad one. */
export function parseQueueFlags(values: readonly string[]): QueueRequest {
  const req: QueueRequest = { intervalSeconds: 0, selections: [] };
  for (const raw of values) {
    const v = raw.replace(/^-q/, '');
    if (/^[!]?[IRS]/.test(v)) {
      req.selections.push(parseQueueSelection(v));
    } else if (v === '' || v === 'f') {
      continue;
    } else if (/^p?(\d+[smhdw]?)+$/.test(v)) {
      req.intervalSeconds = queueInterval(v.replace(/^p/, ''));
    } else {
      throw new Error(`-q${v}: expected an interval such as 30m, or I, R or S with a substring`);
    }
  }
  return req;
}

/** Runs what the -q flags ask: one run (its summary) or runs every interval (stop them with `stop`). */
export async function queueCommand(
  values: readonly string[],
  options: QueueRunOptions,
): Promise<{ kind: 'once'; summary: QueueRunSummary } | { kind: 'scheduled'; runs: ScheduledRuns }> {
  const req = parseQueueFlags(values);
  const opts: QueueRunOptions = {
    ...options,
    selections: [...(options.selections ?? []), ...req.selections],
    ignoreRetryTime: options.ignoreRetryTime ?? req.selections.length > 0,
  };
  if (req.intervalSeconds > 0 && req.selections.length === 0) return { kind: 'scheduled', runs: scheduleQueueRuns(req.intervalSeconds, opts) };
  return { kind: 'once', summary: await runQueuesOf(opts) };
}
