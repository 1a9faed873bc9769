/**
 * src/maps/lmdb/load-lmdb.ts — loading lmdb-js, as cheaply as a short
 * command (makemap) needs.
 *
 * lmdb's CommonJS build is one file: it loads in ~25 ms less than its ES
 * module graph.  Two things it does while loading cost short commands more
 * than their work, and are not needed here:
 * - node-gyp-build-optional-packages asks detect-libc whether the C library
 *   is musl, which loads node's child_process module (and net, stream ...)
 *   to ask `getconf`; its documented `LIBC` variable skips that.  We answer
 *   from the C library mapped into this very process (/proc/self/maps).
 * - msgpackr (lmdb's default value encoding) loads its optional native
 *   string decoder, a second addon found by the same search; our databases
 *   store raw bytes (`encoding: 'binary'`) and never decode MessagePack, so
 *   it is switched off with msgpackr's MSGPACKR_NATIVE_ACCELERATION_DISABLED.
 * Both variables are set only while lmdb loads (children of this process,
 * the daemon's mailers, do not inherit them), and never over a value the
 * user set.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The C library this process runs on, as node-gyp-build names it; undefined when unknown. */
export function runningLibc(): 'glibc' | 'musl' | undefined {
  if (process.platform !== 'linux') return undefined;
  let maps: string;
  try {
    maps = readFileSync('/proc/self/maps', 'latin1');
  } catch {
    return undefined;
  }
  if (/\/ld-musl-[^/\s]*\.so|\/libc\.musl-/.test(maps)) return 'musl';
  if (/\/libc\.so\.6$/m.test(maps)) return 'glibc';
  return undefined;
}

/** Run `load` with `vars` set in the environment (those not set already), then restore it. */
function withEnv<T>(vars: Record<string, string | undefined>, load: () => T): T {
  const added: string[] = [];
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined || process.env[name] !== undefined) continue;
    process.env[name] = value;
    added.push(name);
  }
  try {
    return load();
  } finally {
    for (const name of added) delete process.env[name];
  }
}

const lmdb = withEnv({ LIBC: runningLibc(), MSGPACKR_NATIVE_ACCELERATION_DISABLED: 'true' }, () =>
  createRequire(import.meta.url)('lmdb') as typeof import('lmdb'),
);

/** lmdb-js's `open` and `asBinary`. */
export const { open, asBinary } = lmdb;
