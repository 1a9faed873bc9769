// The MxResolver that delivery uses in production: src/dns's Resolver,
// asked the way sendmail asks.  MX records come from DNS only when the
// service switch lists "dns" for hosts (otherwise every name is its own mail
// host, and a name DNS does not know but the hosts file does is its own);
// addresses come from the switch's methods in order (the hosts file, then A
// and AAAA records).  Temporary failures stay temporary.  A name the
// rulesets canonified ends in a dot ("remote.example."); the hosts file
// is asked without it, as sendmail strips it before asking the system.

import type { Resolver } from '../dns/index.js';
import type { AddressAnswer, MxAnswer, MxResolver } from './mx.js';

export function mxResolverFrom(resolver: Resolver): MxResolver {
  const methods = (): string[] => resolver.serviceSwitch.methods('hosts');
  const inHostsFile = (name: string): string[] => resolver.hosts.addressesOf(name.replace(/\.$/, ''));
  return {
    async lookupMx(domain: string): Promise<MxAnswer> {
      if (!methods().includes('dns')) return { kind: 'none' };
      const answer = await resolver.query(domain, 'MX');
      if (answer.status === 'tempfail') return { kind: 'tempfail', message: answer.message };
      if (answer.status === 'notfound') {
        // A name DNS does not know may still be in the hosts file.
        const inFiles = methods().includes('files') && inHostsFile(domain).length > 0;
        return answer.reason === 'nxdomain' && !inFiles ? { kind: 'nxdomain' } : { kind: 'none' };
      }
      return {
        kind: 'found',
        records: answer.records.map((r) => ({ exchange: r.data, preference: r.preference ?? 0 })),
      };
    },
    async lookupAddresses(host: string): Promise<AddressAnswer> {
      let tempfail: string | undefined;
      for (const method of methods()) {
        if (method === 'files') {
          const found = inHostsFile(host);
          if (found.length > 0) return { kind: 'found', addresses: found };
        } else if (method === 'dns') {
          const addresses: string[] = [];
          for (const type of ['A', 'AAAA'] as const) {
            const answer = await resolver.query(host, type);
            if (answer.status === 'found') addresses.push(...answer.records.map((r) => r.data));
            else if (answer.status === 'tempfail') tempfail ??= answer.message;
          }
          if (addresses.length > 0) return { kind: 'found', addresses };
        }
      }
      return tempfail !== undefined ? { kind: 'tempfail', message: tempfail } : { kind: 'nxdomain' };
    },
  };
}
