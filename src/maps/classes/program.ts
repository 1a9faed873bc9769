/**
 * The `program` class: runs the K line's program with its initial
 * arguments and the key as the last argument (`%0`..`%9` in the K line's
 * arguments are replaced by the key and the `$@` arguments first) and
 * returns the first line of its standard output.  A non-zero exit status
 * finds nothing (with that status), as does empty output; a program that
 * cannot be started is status 78.  Runs with a time limit.
 */
import { spawn } from 'node:child_process';
import { foundResult, MapOpenError, substitutePercent, TEMP_FAIL_75 } from '../common.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, SendmailMap } from '../types.js';

/** How long a program may run before it counts as a temporary failure. */
export const PROGRAM_TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 64 * 1024;

/** Run `argv` and collect the first line of its output and its exit status. */
export function runForFirstLine(argv: string[], timeoutMs = PROGRAM_TIMEOUT_MS): Promise<{ line: string | undefined; status: number }> {
  return new Promise((resolve) => {
    let out = '';
    let settled = false;
    const finish = (line: string | undefined, status: number): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ line, status });
    };
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
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
  constructor(readonly decl: MapDecl) {}

  async lookup(key: string, args: readonly string[]): Promise<LookupResult> {
    const av = [key, ...args];
    const argv = [...this.decl.args.map((a, i) => (i === 0 ? a : substitutePercent(a, av))), key];
    const { line, status } = await runForFirstLine(argv);
    if (status === 75) return TEMP_FAIL_75;
    if (status !== 0) return { status: 'notfound', code: status };
    if (line === undefined) return { status: 'notfound', code: 0 };
    return foundResult(line, key, args, this.decl.flags);
  }
}

registerMapClass('program', (decl) => {
  if (decl.args[0] === undefined) throw new MapOpenError(`No file name for program map ${decl.name}`, decl.pos);
  return new ProgramMap(decl);
});
