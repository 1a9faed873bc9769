// Shared pieces of the map tool tests (makemap, editmap, aliases, LMDB maps):
// temp dirs, running our bin/ commands and the real tools, tool detection.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CORPUS = path.resolve(REPO, '../shared/conformance');

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Whether this process may set a host name in a UTS namespace (real sendmail needs a qualified one). */
export function canUnshareUts(): boolean {
  return hasTool('unshare') && spawnSync('unshare', ['--uts', 'true'], { stdio: 'ignore' }).status === 0;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function result(r: SpawnSyncReturns<Buffer>): RunResult {
  return { status: r.status, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1') };
}

/** Our tools' environment: without NODE_EXTRA_CA_CERTS, which costs every node start ~80 ms and no map tool needs. */
const TOOL_ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_EXTRA_CA_CERTS'));

/** Run one of our commands (bin/NAME, from dist/) with `input` on stdin. */
export function runOurs(name: string, args: string[], input = '', cwd?: string): RunResult {
  const bin = path.join(REPO, 'bin', name);
  if (!existsSync(path.join(REPO, 'dist', 'cli', `${name}.js`))) {
    throw new Error(`dist/cli/${name}.js is missing: run "npx tsc -p tsconfig.json" first (npm test does)`);
  }
  return result(spawnSync(process.execPath, [bin, ...args], { input: Buffer.from(input, 'latin1'), cwd, env: TOOL_ENV, timeout: 60000 }));
}

/** Run a real tool (makemap, editmap, sendmail, ...). */
export function runReal(cmd: string, args: string[], input = '', cwd?: string): RunResult {
  return result(spawnSync(cmd, args, { input: Buffer.from(input, 'latin1'), cwd, timeout: 60000 }));
}

/**
 * Without the map tools' safety warnings (`WARNING: World writable
 * directory /tmp`...): temp dirs live under /tmp, and only the tests of the
 * warnings themselves want them.
 */
export function withoutWarnings(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^WARNING: (World|Group) writable directory /.test(l))
    .join('\n');
}
