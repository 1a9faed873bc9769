/**
 * src/maps/lmdb/ — keyed maps stored in LMDB files (`name.db`).
 *
 * Owns the map file (map-file.ts: open, atomic rebuild in one write
 * transaction, snapshot reads), the key order of a build (key-order.ts:
 * keys sorted as LMDB compares them, then appended), makemap's input format
 * (makemap-source.ts), loading lmdb-js cheaply (load-lmdb.ts) and the
 * `hash` and `btree` map classes (keyed-map.ts), registered here.  Short
 * commands (makemap, editmap) import map-file.ts and makemap-source.ts
 * directly, without the classes.
 * Importing this module registers the classes.
 */
import { registerMapClass } from '../registry.js';
import { createKeyedLmdbMap } from './keyed-map.js';

registerMapClass('hash', createKeyedLmdbMap);
registerMapClass('btree', createKeyedLmdbMap);

export { MapFile, MapFileError, MAX_KEY_BYTES, entryTable, giveMapFileTo, mapFilePath, textEntryTable, toMapFileError, type EntryTable, type MapEntry, type ExistingKeyAction } from './map-file.js';
export { createKeyedLmdbMap, keyBytes, valueText } from './keyed-map.js';
export { parseMakemapSource, SourceTable, type SourceProblem, type SourceOptions } from './makemap-source.js';
