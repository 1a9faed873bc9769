/**
 * The `sequence` and `switch` classes: look the key up in other maps in
 * turn until one finds it.  `sequence` names its members on the K line (any
 * character other than letters, digits, `.` and `_` separates names);
 * `switch` takes a service name and tries `NAME.method` for every method of
 * that service in the service switch file (e.g. `aliases files nis` makes
 * map `ali` try `ali.files` then `ali.nis`; a service the file does not
 * list makes every lookup a temporary failure).  A temporary failure of a
 * member is remembered and returned when no member finds the key.
 */
import { atDecl, MapOpenError, NOT_FOUND_68, TEMP_FAIL_75 } from '../common.js';
import { ServiceSwitch } from '../../dns/index.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../types.js';

/** Member map names of a sequence K line. */
export function sequenceMemberNames(rawArgs: string): string[] {
  return rawArgs.split(/[^A-Za-z0-9._]+/).filter((n) => n.length > 0);
}

/** Ask members in order; found wins, else a remembered tempfail, else the last notfound. */
async function lookupInTurn(
  members: readonly SendmailMap[],
  key: string,
  args: readonly string[],
  start = 0,
  last: LookupResult = { status: 'notfound' },
  tempfail?: LookupResult,
): Promise<LookupResult> {
  for (let i = start; i < members.length; i++) {
    const r = await members[i].lookup(key, args);
    if (r.status === 'found') return r;
    if (r.status === 'tempfail') tempfail ??= r;
    else last = r;
  }
  return tempfail ?? last;
}

/** Synchronous while members answer synchronously; switches to async at the first Promise. */
function lookupMembers(members: readonly SendmailMap[], key: string, args: readonly string[]): LookupResult | Promise<LookupResult> {
  let last: LookupResult = NOT_FOUND_68;
  let tempfail: LookupResult | undefined;
  for (let i = 0; i < members.length; i++) {
    const r = members[i].lookup(key, args);
    if (r instanceof Promise) {
      return r.then((res) => {
        if (res.status === 'found') return res;
        if (res.status === 'tempfail') tempfail ??= res;
        else last = res;
        return lookupInTurn(members, key, args, i + 1, last, tempfail);
      });
    }
    if (r.status === 'found') return r;
    if (r.status === 'tempfail') tempfail ??= r;
    else last = r;
  }
  return tempfail ?? last;
}

registerMapClass('sequence', (decl: MapDecl, env: MapEnvironment): SendmailMap => {
  // members must be declared before the sequence; unknown ones are dropped
  const names = sequenceMemberNames(decl.rawArgs).filter((n) => {
    if (env.getMap(n)) return true;
    env.report(atDecl(decl.pos, `Sequence map ${decl.name}: unknown member map ${n}`));
    return false;
  });
  return {
    decl,
    lookup(key, args) {
      const members = names.map((n) => env.getMap(n)).filter((m): m is SendmailMap => m !== undefined);
      return lookupMembers(members, key, args);
    },
  };
});

registerMapClass('switch', (decl: MapDecl, env: MapEnvironment): SendmailMap => {
  const service = decl.args[0];
  if (service === undefined) throw new MapOpenError(`No file name for switch map ${decl.name}`, decl.pos);
  let names: string[] | undefined;
  return {
    decl,
    lookup(key, args) {
      if (names === undefined) {
        const methods = new ServiceSwitch(env.option('ServiceSwitchFile')).methods(service);
        names = methods.map((m) => `${decl.name}.${m}`);
        for (const n of names) if (!env.getMap(n)) env.report(`Switch map ${decl.name}: unknown member map ${n}`);
      }
      if (names.length === 0) return TEMP_FAIL_75;
      const members = names.map((n) => env.getMap(n)).filter((m): m is SendmailMap => m !== undefined);
      return lookupMembers(members, key, args);
    },
  };
});
