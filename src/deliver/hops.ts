// The hop count: how many trace headers (Received, Via, Mail-From,
// X400-Received) a message carries, against the cf's MaxHopCount (25 when
// unset).  Delivery bounces a message over the limit; a local submission
// over it is not queued at all (src/submit/local.ts).

import type { LoadedConfig } from '../config/loader.js';

/** Headers sendmail counts as hops (its trace headers). */
const TRACE_HEADERS = new Set(['received', 'via', 'mail-from', 'x400-received']);

/** The trace headers among header names. */
export function hopCount(headerNames: Iterable<string>): number {
  let n = 0;
  for (const name of headerNames) if (TRACE_HEADERS.has(name.toLowerCase())) n++;
  return n;
}

/** MaxHopCount of the cf (25 when unset or not a number). */
export function maxHopCount(loaded: LoadedConfig): number {
  return Number(loaded.config.options.get('MaxHopCount') ?? 25) || 25;
}
