/**
 * The `arpa` class: the reverse-lookup form of an address without the
 * in-addr.arpa / ip6.arpa suffix: `1.2.3.4` -> `4.3.2.1`,
 * `IPv6:1:2::1` -> 32 nibbles.  IPv6 needs the `IPv6:` tag (any case);
 * anything else finds nothing (status 65, EX_DATAERR).  Its K line knows
 * only -a: another flag ends the flags (as in sendmail).
 */
import { reverseAddressLabels } from '../../dns/index.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult } from '../types.js';
import { isIPv4 } from 'node:net';

/** The arpa form of a key, or undefined. */
export function arpaOf(key: string): string | undefined {
  if (/^ipv6:/i.test(key)) {
    const addr = key.slice(5);
    return addr.includes(':') ? reverseAddressLabels(addr) : undefined;
  }
  return isIPv4(key) ? reverseAddressLabels(key) : undefined;
}

registerMapClass('arpa', (decl) => ({
  decl,
  lookup(key: string): LookupResult {
    const value = arpaOf(key);
    // -a applies, -m does not (as in sendmail)
    return value === undefined ? { status: 'notfound', code: 65 } : { status: 'found', value: value + (decl.flags.append ?? '') };
  },
}));
