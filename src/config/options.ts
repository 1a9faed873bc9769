/**
 * src/config/options.ts — option names: one-letter (old) names to long names.
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
