/**
 * src/cli/praliases.ts — `praliases [-C cffile] [-f aliasfile] [key ...]`:
 * list the alias databases (`name:value` per line, `@:@` included) or look
 * keys up (`key: No such key` when absent).  The alias files come from the
 * cf's AliasFile option unless -f names one.  Entries are listed in key
 * order (sendmail's hash files list in hash order).
 */
import * as fs from 'node:fs';
import { lookupAlias, parseAliasSpecs, readAliasDatabase } from '../maps/aliases.js';
import { MapFile, MapFileError, mapFilePath } from '../maps/lmdb/index.js';
import { ChunkedWriter, DEFAULT_CF, parseCommandLine } from './map-cli.js';

const USAGE = 'usage: praliases [-C cffile] [-f aliasfile] [key ...]\n';
const EX_NOINPUT = 66;

/** The AliasFile values of a cf (`O AliasFile=...` and the old `OA...`). */
export function aliasFileOption(cfText: string): string[] {
  const out: string[] = [];
  for (const line of cfText.split('\n')) {
    const m = /^O\s*AliasFile\s*=\s*(.*)$/.exec(line) ?? /^OA(.*)$/.exec(line);
    if (m) out.push(m[1].trim());
  }
  return out;
}

export function main(argv: string[], progName = 'praliases'): void {
  const cmd = parseCommandLine(argv, progName, [{ letter: 'C', value: 'cffile' }, { letter: 'f', value: 'aliasfile' }], USAGE);
  if (!cmd) return;
  const { options, args: keys } = cmd;
  let files: string[];
  const f = options.get('f');
  if (typeof f === 'string') {
    files = [f];
  } else {
    const cf = options.get('C');
    const cfPath = typeof cf === 'string' ? cf : DEFAULT_CF;
    let text: string;
    try {
      text = fs.readFileSync(cfPath, 'latin1');
    } catch (err) {
      process.stderr.write(`${progName}: ${cfPath}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message}\n`);
      process.exitCode = EX_NOINPUT;
      return;
    }
    files = parseAliasSpecs(aliasFileOption(text))
      .filter((s) => s.buildable)
      .map((s) => s.path);
  }
  const out = new ChunkedWriter();
  for (const file of files) {
    const dbPath = mapFilePath(file);
    try {
      if (keys.length === 0) {
        for (const [name, value] of readAliasDatabase(dbPath)) out.line(`${name}:${value}`);
        continue;
      }
      const db = MapFile.open(dbPath);
      try {
        for (const key of keys) {
          const value = lookupExact(db, key);
          out.line(value === undefined ? `${key}: No such key` : `${key}:${value}`);
        }
      } finally {
        db.close();
      }
    } catch (err) {
      if (!(err instanceof MapFileError)) throw err;
      out.flush();
      process.stderr.write(`${progName}: ${file}: open: ${err.code === 'EINVAL' ? 'not an alias database' : err.reason}\n`);
      process.exitCode = EX_NOINPUT;
    }
  }
  out.flush();
}

/** praliases looks keys up as typed (no case folding). */
function lookupExact(db: MapFile, key: string): string | undefined {
  return /[A-Z]/.test(key) ? undefined : lookupAlias(db, key);
}
