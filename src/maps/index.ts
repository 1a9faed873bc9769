/**
 * src/maps — every map class, the K-line flag rules they share
 * (common.ts), the class registry (registry.ts) and the contract the rewrite
 * engine uses (types.ts).  Importing this module registers every class.
 *
 * Classes: hash/btree (lmdb/), text, implicit, host, bestmx, dns, sequence,
 * switch, stab, user, arith, macro, dequote, regex, syslog, program, null,
 * arpa, socket, and ldap/nis/nisplus (load, fail at lookup).
 */
import './lmdb/index.js';
import './classes/text.js';
import './classes/implicit.js';
import './classes/host.js';
import './classes/dns.js';
import './classes/sequence.js';
import './classes/simple.js';
import './classes/stab.js';
import './classes/user.js';
import './classes/arith.js';
import './classes/dequote.js';
import './classes/regex.js';
import './classes/program.js';
import './classes/arpa.js';
import './classes/socket.js';
import './classes/unsupported.js';

export { createMap, isMapClass, mapClassNames, registerMapClass } from './registry.js';
export { useResolver } from './classes/resolverFor.js';
export * from './common.js';
export type * from './types.js';
