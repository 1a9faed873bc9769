/**
 * src/cli/editmap.ts — `editmap [-C cffile] [-N] [-f] -q|-u|-x type mapname
 * key [value]`: query, insert/replace or delete one record of an LMDB map
 * file in place.  Each change is one write transaction, so processes
 * reading the map see the record before or after the change, never a
 * partly written file.
 */
import { MapFile, MapFileError, mapFilePath } from '../maps/lmdb/map-file.js';
import { foldAsciiInPlace, printable } from '../maps/lmdb/makemap-source.js';
import { EX_CANTCREAT, EX_IOERR, EX_UNAVAILABLE, checkMapType, giveToTrustedUser, parseCommandLine, prepareMapTarget, usageError } from './map-cli.js';

const USAGE = 'Usage: editmap [-C cffile] [-N] [-f] [-q|-u|-x] maptype mapname key [ "value ..." ]\n';

export function main(argv: string[], progName = 'editmap'): void {
  const cmd = parseCommandLine(
    argv,
    progName,
    [{ letter: 'C', value: 'cffile' }, { letter: 'N' }, { letter: 'f' }, { letter: 'q' }, { letter: 'u' }, { letter: 'x' }],
    USAGE,
  );
  if (!cmd) return;
  const { options: opt, args } = cmd;
  const modes = ['q', 'u', 'x'].filter((m) => opt.has(m));
  const mode = modes[0];
  if (modes.length !== 1 || args.length < 3 || (mode === 'u' && args.length < 4)) return usageError(USAGE);
  const [type, mapName, keyText, valueText] = args;
  const fail = (reason: string, hint?: string): void => {
    process.stderr.write(`${progName}: error opening type ${type} map ${mapName}: ${reason}\n`);
    if (hint) process.stderr.write(`${progName}: ${mapFilePath(mapName)} is ${hint}\n`);
    process.exitCode = EX_CANTCREAT;
  };
  if (!checkMapType(progName, type, fail)) return;
  const path = mapFilePath(mapName);
  const cf = prepareMapTarget(progName, opt.get('C'), path, { write: mode !== 'q', mustExist: mode !== 'u' }, fail);
  if (!cf) return;

  let key: Buffer = Buffer.from(keyText, 'latin1');
  if (!opt.has('f')) key = foldAsciiInPlace(key);
  const shownKey = printable(key);
  if (opt.has('N')) key = Buffer.concat([key, Buffer.from([0])]);

  let file: MapFile;
  try {
    file = MapFile.open(path, { write: mode !== 'q', create: mode === 'u', mapClass: type });
  } catch (err) {
    if (err instanceof MapFileError) return fail(err.reason, err.hint);
    throw err;
  }
  try {
    if (mode === 'q') {
      const value = file.get(key);
      if (value === undefined) {
        process.stderr.write(`${progName}: couldn't find key ${shownKey} in map ${mapName}\n`);
        process.exitCode = EX_UNAVAILABLE;
      } else {
        process.stdout.write(Buffer.concat([Buffer.from(printable(value), 'latin1'), Buffer.from('\n')]));
      }
    } else if (mode === 'u') {
      let value = Buffer.from(valueText, 'latin1');
      if (opt.has('N')) value = Buffer.concat([value, Buffer.from([0])]);
      file.put(key, value, type);
      giveToTrustedUser(file.path, cf);
    } else if (!file.remove(key)) {
      // editmap reports a missing key but does not fail
      process.stderr.write(`${progName}: key ${shownKey} doesn't exist in map ${mapName}\n`);
    }
  } catch (err) {
    if (!(err instanceof MapFileError)) throw err;
    process.stderr.write(`${progName}: ${mapName}: ${err.reason}\n`);
    process.exitCode = EX_IOERR;
  } finally {
    file.close();
  }
}
