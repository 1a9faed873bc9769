/**
 * The `program` class: runs the K line's program with its initial
 * arguments and the key as the last argument (`%0`..`%9` in the K line's
 * arguments are replaced by the key and the `$@` arguments first) and
 * returns the first line of its standard output.  A non-zero exit status
 * finds nothing (with that status), as does empty output; a program that
 * cannot be started is status 78.  Runs with a time limit, and when we are
 * root as the DefaultUser option's user:group (default 1:1), as sendmail.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { foundResult, MapOpenError, substitutePercent, TEMP_FAIL_75 } from '../common.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../types.js';
import { findPasswdEntry } from './user.js';

/** A group's id from /etc/group, by name. */
function groupId(name: string): number | undefined {
  try {
    for (const line of readFileSync('/etc/group', 'latin1').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length >= 3) return Number(f[2]);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * The DefaultUser option (`user:group`, names or numbers; a user name alone
 * brings its passwd group) as ids; 1:1 when unset or unknown.
 */
export function defaultUserIds(option: string | undefined): { uid: number; gid: number } {
  const ids = { uid: 1, gid: 1 };
  if (!option) return ids;
  const [user, group] = option.split(':');
  if (/^\d+$/.test(user)) ids.uid = Number(user);
  else {
    const entry = findPasswdEntry(user);
    if (entry) {
      ids.uid = Number(entry.uid);
      ids.gid = Number(entry.gid);
    }
  }
  if (group !== undefined && group !== '') ids.gid = /^\d+$/.test(group) ? Number(group) : (groupId(group) ?? ids.gid);
  return ids;
}

/** How long a program may run before it counts as a temporary failure. */
export const PROGRAM_TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 64 * 1024;

/** Run `argv` and collect the first line of its output and its exit status. */
export function runForFirstLine(
  argv: string[],
  timeoutMs = PROGRAM_TIMEOUT_MS,
  ids?: { uid: number; gid: number },
): Promise<{ line: string | undefined; status: number }> {
  return new Promise((resolve) => {
    let out = '';
    let settled = false;
    const finish = (line: string | undefined, status: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ line, status });
    };
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'], ...ids });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(undefined, 75);
    }, timeoutMs);
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (chunk: string) => {
      if (out.length < MAX_OUTPUT) out += chunk;
    });
    child.on('error', () => finish(undefined, 78));
    child.on('close', (code, signal) => {
      const nl = out.indexOf('\n');
      const line = nl >= 0 ? out.slice(0, nl) : out;
      finish(line.length > 0 ? line : undefined, signal ? 75 : (code ?? 75));
    });
  });
}

class ProgramMap implements SendmailMap {
  constructor(
    readonly decl: MapDecl,
    private readonly env: MapEnvironment,
  ) {}

  async lookup(key: string, args: readonly string[]): Promise<LookupResult> {
    const av = [key, ...args];
    const argv = [...this.decl.args.map((a, i) => (i === 0 ? a : substitutePercent(a, av))), key];
    const asRoot = process.getuid?.() === 0;
    const { line, status } = await runForFirstLine(argv, PROGRAM_TIMEOUT_MS, asRoot ? defaultUserIds(this.env.option('DefaultUser')) : undefined);
    if (status === 75) return TEMP_FAIL_75;
    if (status !== 0) return { status: 'notfound', code: status };
    if (line === undefined) return { status: 'notfound', code: 0 };
    return foundResult(line, key, args, this.decl.flags);
  }
}

registerMapClass('program', (decl, env) => {
  if (decl.args[0] === undefined) throw new MapOpenError(`No file name for program map ${decl.name}`, decl.pos);
  return new ProgramMap(decl, env);
});
