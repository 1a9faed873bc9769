/**
 * src/maps/types.ts — the contract between the rewrite engine and every map class.
 *
 * A sendmail.cf `K` line declares a map:  K<name> <class> [-flags...] [args...]
 * The config loader (src/config) turns it into a MapDecl; the map registry
 * (src/maps/registry.ts) turns a MapDecl into a SendmailMap through the
 * factory registered for its class; the engine (src/rewrite) calls
 * `lookup` for `$( name key $@ arg ... $: default $)` and for `-bt`'s `/map`.
 *
 * Rules every class follows:
 * - `lookup` returns the *final* replacement text: `%0` (key) and `%1..%9`
 *   (the `$@` arguments) already substituted, the `-a` suffix appended, `-m`
 *   (match only: the key comes back instead of the value) honoured.  Classes
 *   share that logic through `rewriteMapValue` (src/maps/common.ts).
 * - Temporary failure is a status, never a thrown error.  Throw only for a
 *   programming error.
 * - A lookup may return a Promise (DNS, programs, sockets); the engine awaits
 *   it only when it is one, so synchronous classes cost nothing extra.
 * - A class reads its own flags from `decl.flags` (the common ones, parsed
 *   once by `parseMapFlags`) and `decl.args` (what follows the flags).
 */

/** Where a declaration or a value came from, for error messages. */
export interface SourcePos {
  file: string;
  line: number;
}

/** Flags every map class shares (op.txt section 5.10, "K -- key file declaration"). */
export interface MapFlags {
  /** -o: the map is optional; a missing file is not an error. */
  optional: boolean;
  /** -N: keys include a trailing NUL byte. */
  includeNull: boolean;
  /** -O: try the key with and without the trailing NUL. */
  tryNullBoth: boolean;
  /** -f: do not fold the key to lower case. */
  noFold: boolean;
  /** -m: match only; return the key, not the value. */
  matchOnly: boolean;
  /** -q: do not dequote the key before lookup. */
  noDequote: boolean;
  /** -A: append values of duplicate keys (text/hash build time). */
  appendDuplicates: boolean;
  /** -D: do not look up when in defer-delivery mode. */
  deferLookup: boolean;
  /** -t: do not treat a temporary failure as a failure of the map. */
  noTempfailLog: boolean;
  /** -a<text>: appended to a successful lookup's result. */
  append?: string;
  /** -T<text>: appended to the key on a temporary failure. */
  tempfailAppend?: string;
  /** -S<c>: space substitution character. */
  spaceSub?: string;
  /** -k<col>: key column (text maps) or key option (others). */
  keyColumn?: string;
  /** -v<col>: value column. */
  valueColumn?: string;
  /** -z<c>: column delimiter. */
  delimiter?: string;
  /**
   * Every flag as written, in order, e.g. ["-o", "-T<TMPF>", "-a.FOUND"],
   * for class-specific flags (regex -n -b -d -s, dns -R -r -d, ldap ...).
   */
  raw: string[];
}

/** One parsed `K` line. */
export interface MapDecl {
  name: string;
  /** Class name exactly as written (hash, btree, text, regex, sequence, ...). */
  className: string;
  flags: MapFlags;
  /** What follows the flags, split at white space (file name, regex, map names ...). */
  args: string[];
  /** The text after the class name, as written (some classes parse it themselves). */
  rawArgs: string;
  pos: SourcePos;
}

/**
 * `code` is sendmail's status of the lookup (an EX_* value), which `-bt`'s
 * `/map` prints as `map_lookup: NAME (KEY) no match (68)`; when absent it is
 * 0 for found and notfound, 75 (EX_TEMPFAIL) for tempfail.
 */
export type LookupResult =
  | { status: 'found'; value: string; code?: number }
  | { status: 'notfound'; code?: number }
  /**
   * `report`: a diagnostic of the failure (`NAME: Name server timeout`),
   * printed by the caller where it uses the answer -- an asynchronous
   * lookup's own output would be lost when the engine runs the ruleset again.
   */
  | { status: 'tempfail'; code?: number; report?: string };

/** A map ready for lookups. */
export interface SendmailMap {
  readonly decl: MapDecl;
  /**
   * Look `key` up.  `args` are the `$@` arguments of `$( ... $)` (%1..%9).
   * The key arrives as the engine built it (tokens joined without spaces);
   * case folding, dequoting and NUL handling are the class's job.
   */
  lookup(key: string, args: readonly string[]): LookupResult | Promise<LookupResult>;
  /** Release files, sockets, child processes. */
  close?(): void | Promise<void>;
}

/** What a map class may use of the running program. */
export interface MapEnvironment {
  /** Another declared map, by name (sequence, switch). */
  getMap(name: string): SendmailMap | undefined;
  /** Macro value (`macro` class, programs); undefined when unset. */
  getMacro(name: string): string | undefined;
  /** Set or clear a macro (`macro` class). */
  setMacro(name: string, value: string | undefined): void;
  /** A cf option's value by its long name (e.g. "HostsFile", "ServiceSwitchFile"). */
  option(name: string): string | undefined;
  /**
   * A line of diagnostics, printed where sendmail prints it (stdout in -bt,
   * the log in the daemon), e.g. `hash map "access": unsafe map file ...`.
   */
  report(message: string): void;
}

/**
 * Builds a map of one class.  Throws MapOpenError (src/maps/common.ts) with
 * sendmail's message when the map cannot be opened and is not optional.
 */
export type MapFactory = (decl: MapDecl, env: MapEnvironment) => SendmailMap;
