/**
 * src/cli/makemap.ts — `makemap [flags] type mapname < source`: build or dump
 * an LMDB map file `mapname.db` with sendmail 8.17 makemap's command line.
 *
 * Differences from the C tool, on purpose: a rebuild replaces the map's
 * content in one transaction (readers never see a half-built map), and a
 * source with a broken line (no value, leading blank, binary data) leaves
 * the old map untouched instead of building a map without those lines.
 * Duplicate keys are dropped with makemap's message, as makemap does.
 *
 * As the C tool: the safety checks and warnings of map-cli.ts (-s skips the
 * link checks); -c (Berkeley DB's cache size) is accepted and means nothing
 * to LMDB; -i names a fallback type, which changes nothing here since cdb
 * and dbm are refused with or without it, as by sendmail's Debian build.
 */
// the map file and source modules themselves, not lmdb/index.js: a short
// command loads no map classes
import { MapFile, MapFileError, mapFilePath, type ExistingKeyAction } from '../maps/lmdb/map-file.js';
import { parseMakemapSource, printable } from '../maps/lmdb/makemap-source.js';
import {
  ChunkedWriter,
  EX_CANTCREAT,
  EX_DATAERR,
  MAP_TYPES,
  checkMapType,
  giveToTrustedUser,
  parseCommandLine,
  prepareMapTarget,
  readStandardInput,
  usageError,
} from './map-cli.js';

const USAGE =
  'Usage: makemap [-C cffile] [-N] [-c cachesize] [-D commentchar]\n' +
  '               [-d] [-e] [-f] [-i type] [-l] [-o] [-r] [-s] [-t delimiter]\n' +
  '               [-u] [-v] type mapname\n';

const OPTION_SPECS = [
  { letter: 'C', value: 'cffile' },
  { letter: 'N' },
  { letter: 'c', value: 'cachesize' },
  { letter: 'D', value: 'commentchar' },
  { letter: 'd' },
  { letter: 'e' },
  { letter: 'f' },
  { letter: 'i', value: 'type' },
  { letter: 'l' },
  { letter: 'o' },
  { letter: 'r' },
  { letter: 's' },
  { letter: 't', value: 'delimiter' },
  { letter: 'u' },
  { letter: 'v' },
];

export function main(argv: string[], progName = 'makemap'): void {
  const cmd = parseCommandLine(argv, progName, OPTION_SPECS, USAGE);
  if (!cmd) return;
  const { options: opt, args } = cmd;
  if (opt.has('l')) {
    process.stdout.write(MAP_TYPES.join('\n') + '\n');
    return;
  }
  if (args.length !== 2) return usageError(USAGE);
  const [type, mapName] = args;
  const fail = (reason: string, hint?: string): void => {
    process.stderr.write(`${progName}: error opening type ${type} map ${mapName}: ${reason}\n`);
    if (hint) process.stderr.write(`${progName}: ${mapFilePath(mapName)} is ${hint}\n`);
    process.exitCode = EX_CANTCREAT;
  };
  if (!checkMapType(progName, type, fail)) return;
  const path = mapFilePath(mapName);
  const delimiter = optionChar(opt.get('t'));
  const dumping = opt.has('u');
  const check = { write: !dumping, mustExist: dumping || opt.has('o'), skipLinkChecks: opt.has('s') };
  const cf = prepareMapTarget(progName, opt.get('C'), path, check, fail);
  if (!cf) return;
  if (dumping) return dump(path, type, delimiter ?? '\t', fail);

  let input: Buffer;
  try {
    input = readStandardInput();
  } catch (err) {
    process.stderr.write(`${progName}: cannot read standard input: ${(err as Error).message}\n`);
    process.exitCode = EX_DATAERR;
    return;
  }
  const { table, problems } = parseMakemapSource(input, {
    commentChar: optionChar(opt.get('D')),
    delimiter,
    noFold: opt.has('f'),
    includeNull: opt.has('N'),
    allowEmpty: opt.has('e'),
  });
  const report = (line: number, message: string): void => {
    process.stderr.write(`${progName}: ${mapName}: line ${line}: ${message}\n`);
  };
  for (const p of problems) report(p.line, p.message);
  const fatal = problems.filter((p) => p.fatal).length;
  if (fatal > 0) {
    process.stderr.write(`${progName}: ${mapName}: ${fatal} bad line${fatal === 1 ? '' : 's'} in input; ${path} not changed\n`);
    process.exitCode = EX_DATAERR;
    return;
  }

  let file: MapFile;
  try {
    // a rebuild may change the class (as makemap's does); -o keeps to it
    file = MapFile.open(path, { write: true, create: !opt.has('o'), sizeHint: input.length, mapClass: opt.has('o') ? type : undefined });
  } catch (err) {
    if (err instanceof MapFileError) return fail(err.reason, err.hint);
    throw err;
  }
  let duplicates = 0;
  const onExisting = (key: Buffer, index: number): ExistingKeyAction => {
    if (opt.has('d')) return 'duplicate';
    if (opt.has('r')) return 'replace';
    duplicates++;
    report(table.line[index], `key ${printable(key)}: duplicate key`);
    return 'skip';
  };
  if (opt.has('v')) {
    const verbose = new ChunkedWriter();
    for (let i = 0; i < table.count; i++) verbose.line(`key=\`${printable(table.key(i))}', val=\`${printable(table.value(i))}'`);
    verbose.flush();
  }
  try {
    file.replaceAll(table, { keepOld: opt.has('o'), onExisting, mapClass: type });
  } catch (err) {
    if (!(err instanceof MapFileError)) throw err;
    process.stderr.write(`${progName}: ${mapName}: ${err.reason}; ${path} not changed\n`);
    process.exitCode = EX_CANTCREAT;
    return;
  } finally {
    file.close();
  }
  giveToTrustedUser(path, cf);
  if (duplicates > 0) process.exitCode = EX_DATAERR;
}

/** The first character of an option value (`-t:`, `-D%`); `\t`/`\n` are understood. */
function optionChar(value: string | true | undefined): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined;
  if (value === '\\t') return '\t';
  if (value === '\\n') return '\n';
  return value[0];
}

/** `makemap -u`: every entry as `key<TAB>value`, in key order. */
function dump(path: string, type: string, delimiter: string, fail: (reason: string, hint?: string) => void): void {
  let file: MapFile;
  try {
    file = MapFile.open(path, { mapClass: type });
  } catch (err) {
    if (err instanceof MapFileError) return fail(err.reason, err.hint);
    throw err;
  }
  const out = new ChunkedWriter();
  try {
    for (const [key, value] of file.entries()) out.line(printable(key) + delimiter + printable(value));
  } finally {
    file.close();
  }
  out.flush();
}

