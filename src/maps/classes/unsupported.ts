/**
 * Classes sendmail 8.17 (as Debian builds it) knows but this program does
 * not implement against a server: `ldap`, `nis`, `nisplus`.  They load with
 * sendmail's checks and messages and fail every lookup temporarily, saying
 * why once, the way sendmail does when the service cannot be reached.
 * (hesiod, ph, cdb, dbm, netinfo, nsd are not compiled into that sendmail
 * either: their K lines get the loader's "class ... not available".)
 */
import { MapOpenError, rawFlagValue, TEMP_FAIL_75 } from '../common.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../types.js';

/** A map whose every lookup fails temporarily, reporting `message` the first time. */
function failingMap(decl: MapDecl, env: MapEnvironment, message: string | undefined): SendmailMap {
  let reported = false;
  return {
    decl,
    lookup(): LookupResult {
      if (!reported && message !== undefined) env.report(message);
      reported = true;
      return TEMP_FAIL_75;
    },
  };
}

registerMapClass('ldap', (decl, env) => {
  if (decl.flags.keyColumn === undefined && !decl.args.length) {
    throw new MapOpenError(`No filter given in map ${decl.name}`, decl.pos);
  }
  const host = rawFlagValue(decl.flags, 'h') ?? 'localhost';
  return failingMap(decl, env, `ldap_init/ldap_bind failed to ${host} in map ${decl.name}: Transport endpoint is not connected`);
});

registerMapClass('nis', (decl, env) => {
  const name = decl.args[0];
  if (name === undefined) throw new MapOpenError(`No file name for nis map ${decl.name}`, decl.pos);
  return failingMap(decl, env, `NIS map ${name} specified, but NIS not running`);
});

registerMapClass('nisplus', (decl, env) => {
  if (decl.args[0] === undefined) throw new MapOpenError(`No file name for nisplus map ${decl.name}`, decl.pos);
  return failingMap(decl, env, undefined);
});
