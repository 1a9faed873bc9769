/**
 * src/dns — the resolver: the hosts file (HostsFile option), the service
 * switch (ServiceSwitchFile option), and DNS through dns2 with permanent
 * (`notfound`) and temporary (`tempfail`) failures told apart by type.
 * `lookupMx` serves `-bt`'s `/mx` and delivery; `canonicalName` serves the
 * `host` map and `$[ $]`.
 */
export { HostsFile, parseHostsFile, canonicalNameOf, type HostsEntry } from './hostsFile.js';
export { ServiceSwitch, parseServiceSwitch } from './serviceSwitch.js';
export { parseResolvConf, readResolvConf, type NameServer, type ResolvConf } from './resolvConf.js';
export {
  Resolver,
  DNS_RECORD_TYPES,
  expandIPv6,
  parseInetAddr,
  reverseAddressLabels,
  reverseLookupName,
  type CanonicalOutcome,
  type DnsOutcome,
  type DnsRecord,
  type DnsRecordType,
  type MxHost,
  type MxOutcome,
  type QueryLimits,
  type ResolverOptions,
  type TempfailReason,
} from './resolver.js';
