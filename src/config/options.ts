/**
 * src/config/options.ts — option names: one-letter (old) names to long
 * names, and the long names sendmail 8.17 (Debian's build) knows, matched as
 * it matches them: without regard to case, a unique prefix standing for the
 * whole name (with a warning), anything else an error ("readcf: unknown
 * option name X", "readcf: ambiguous option name X (matches A and B)").
 * Names with a dot (Timeout.*, Milter.*) are sub-options and pass as given.
 */

/** Old single-character option names (op.txt 5.6) and their long names. */
export const SHORT_OPTION_NAMES: Readonly<Record<string, string>> = {
  '7': 'SevenBitInput',
  '8': 'EightBitMode',
  A: 'AliasFile',
  a: 'AliasWait',
  B: 'BlankSub',
  b: 'MinFreeBlocks',
  C: 'CheckpointInterval',
  c: 'HoldExpensive',
  d: 'DeliveryMode',
  E: 'ErrorHeader',
  e: 'ErrorMode',
  F: 'TempFileMode',
  f: 'SaveFromLine',
  G: 'MatchGECOS',
  H: 'HelpFile',
  h: 'MaxHopCount',
  I: 'ResolverOptions',
  i: 'IgnoreDots',
  J: 'ForwardPath',
  j: 'SendMimeErrors',
  K: 'ConnectionCacheTimeout',
  k: 'ConnectionCacheSize',
  L: 'LogLevel',
  l: 'UseErrorsTo',
  m: 'MeToo',
  n: 'CheckAliases',
  O: 'DaemonPortOptions',
  o: 'OldStyleHeaders',
  P: 'PostmasterCopy',
  p: 'PrivacyOptions',
  Q: 'QueueDirectory',
  q: 'QueueFactor',
  R: 'DontPruneRoutes',
  r: 'Timeout',
  S: 'StatusFile',
  s: 'SuperSafe',
  T: 'QueueTimeout',
  t: 'TimeZoneSpec',
  U: 'UserDatabaseSpec',
  u: 'DefaultUser',
  V: 'FallbackMXhost',
  v: 'Verbose',
  w: 'TryNullMXList',
  X: 'RefuseLA',
  x: 'QueueLA',
  Y: 'ForkEachJob',
  y: 'RecipientFactor',
  Z: 'RetryFactor',
  z: 'ClassFactor',
};

/** Split an option setting (`O Name=value`, `Oxvalue`) into a long name and value. */
export function parseOptionText(text: string): { name: string; value: string } | null {
  if (text.length === 0) return null;
  if (text[0] === ' ' || text[0] === '\t') {
    const body = text.replace(/^[ \t]+/, '');
    const eq = body.indexOf('=');
    const name = (eq < 0 ? body : body.slice(0, eq)).trim();
    const value = eq < 0 ? '' : body.slice(eq + 1);
    if (name.length === 0) return null;
    return { name, value: value.replace(/^[ \t]+/, '') };
  }
  const letter = text[0]!;
  return { name: SHORT_OPTION_NAMES[letter] ?? letter, value: text.slice(1) };
}

/** The long option names (learned by giving real sendmail 8.17 each candidate name). */
const LONG_OPTION_NAMES: readonly string[] = [
  'AliasFile', 'AliasWait', 'AllowBogusHELO', 'AuthMaxBits', 'AuthMechanisms', 'AuthOptions', 'AuthRealm',
  'BadRcptShutdown', 'BadRcptShutdownGood', 'BadRcptThrottle', 'BlankSub', 'CACertFile', 'CACertPath',
  'CertFingerprintAlgorithm', 'CheckAliases', 'CheckpointInterval', 'CipherList', 'CipherSuites', 'ClassFactor',
  'ClientCertFile', 'ClientKeyFile', 'ClientPortOptions', 'ClientSSLOptions', 'ColonOkInAddr', 'ConnectionCacheSize',
  'ConnectionCacheTimeout', 'ConnectionRateThrottle', 'ConnectionRateWindowSize', 'ConnectOnlyTo', 'ControlSocketName',
  'CRLFile', 'CRLPath', 'DaemonPortOptions', 'DataFileBufferSize', 'DeadLetterDrop', 'DefaultAuthInfo',
  'DefaultCharSet', 'DefaultUser', 'DelayLA', 'DeliverByMin', 'DeliveryMode', 'DHParameters', 'DialDelay',
  'DirectSubmissionModifiers', 'DontBlameSendmail', 'DontExpandCnames', 'DontInitGroups', 'DontProbeInterfaces',
  'DontPruneRoutes', 'DoubleBounceAddress', 'EightBitMode', 'ErrorHeader', 'ErrorMode', 'FallbackMXhost',
  'FallBackSmartHost', 'FastSplit', 'ForkEachJob', 'ForwardPath', 'HeloName', 'HelpFile', 'HoldExpensive', 'HostsFile',
  'HostStatusDirectory', 'IgnoreDots', 'InputMailFilters', 'LDAPDefaultSpec', 'LogLevel', 'MailboxDatabase',
  'MatchGECOS', 'MaxAliasRecursion', 'MaxDaemonChildren', 'MaxHeadersLength', 'MaxHopCount', 'MaxMessageSize',
  'MaxMimeHeaderLength', 'MaxNOOPCommands', 'MaxQueueAge', 'MaxQueueChildren', 'MaxQueueRunSize',
  'MaxRecipientsPerMessage', 'MaxRunnersPerQueue', 'MeToo', 'MinFreeBlocks', 'MinQueueAge', 'MustQuoteChars',
  'NiceQueueRun', 'NoRecipientAction', 'OldStyleHeaders', 'OperatorChars', 'PidFile', 'PostmasterCopy',
  'PrivacyOptions', 'ProcessTitlePrefix', 'QueueDirectory', 'QueueFactor', 'QueueFileMode', 'QueueLA',
  'QueueSortOrder', 'QueueTimeout', 'RandFile', 'RecipientFactor', 'RefuseLA', 'RejectLogInterval', 'RejectNUL',
  'RequiresDirfsync', 'ResolverOptions', 'RetryFactor', 'RrtImpliesDsn', 'RunAsUser', 'SafeFileEnvironment',
  'SaveFromLine', 'SendMimeErrors', 'ServerCertFile', 'ServerKeyFile', 'ServerSSLOptions', 'ServiceSwitchFile',
  'SetCertAltnames', 'SevenBitInput', 'SharedMemoryKey', 'SharedMemoryKeyFile', 'SingleLineFromHeader',
  'SingleThreadDelivery', 'SmtpGreetingMessage', 'SmtpUTF8', 'SoftBounce', 'SSLEngine', 'SSLEnginePath', 'StatusFile',
  'StrictTransportSecurity', 'SuperSafe', 'TempFileMode', 'Timeout', 'TimeZoneSpec', 'TLSFallbacktoClear',
  'TLSSrvOptions', 'TrustedUser', 'TryNullMXList', 'UnixFromLine', 'UnsafeGroupWrites', 'UseCompressedIPv6Addresses',
  'UseErrorsTo', 'UseMSP', 'UserDatabaseSpec', 'Verbose', 'XscriptFileBufferSize',
];

const BY_LOWER = new Map(LONG_OPTION_NAMES.map((n) => [n.toLowerCase(), n]));

export type ResolvedOptionName = { name: string; warning?: string } | { error: string };

/** The option a long name given in a cf or with -O stands for. */
export function resolveOptionName(given: string): ResolvedOptionName {
  if (given.includes('.')) return { name: given };
  const lower = given.toLowerCase();
  const exact = BY_LOWER.get(lower);
  if (exact !== undefined) return { name: exact };
  const matches = LONG_OPTION_NAMES.filter((n) => n.toLowerCase().startsWith(lower));
  if (matches.length === 0) return { error: `readcf: unknown option name ${given}` };
  if (matches.length > 1) return { error: `readcf: ambiguous option name ${given} (matches ${matches[0]} and ${matches[1]})` };
  return { name: matches[0]!, warning: `Option ${given} used as abbreviation for ${matches[0]}` };
}
