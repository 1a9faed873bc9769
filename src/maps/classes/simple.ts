/**
 * The small built-in classes that read no file: `null` (never finds),
 * `syslog` (logs the key, returns the empty string), `macro` (sets or clears
 * a macro, returns the empty string).
 */
import { atDecl, NOT_FOUND_68, rawFlagValue } from '../common.js';
import { registerMapClass } from '../registry.js';
import type { LookupResult, MapDecl, MapEnvironment, SendmailMap } from '../types.js';

const EMPTY: LookupResult = Object.freeze({ status: 'found', value: '' }) as LookupResult;

registerMapClass('null', (decl) => ({ decl, lookup: () => NOT_FOUND_68 }));

/** syslog priorities a -L flag may name (with or without LOG_, any case). */
export const SYSLOG_PRIORITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

/** Where the syslog class sends what it logs; replaceable (daemon log, tests). */
export type SyslogSink = (priority: string, message: string) => void;
let syslogSink: SyslogSink = () => {};
export function setSyslogSink(sink: SyslogSink): void {
  syslogSink = sink;
}

registerMapClass('syslog', (decl, env) => {
  const level = rawFlagValue(decl.flags, 'L');
  let priority = 'notice';
  if (level !== undefined) {
    const name = level.toLowerCase().replace(/^log_/, '');
    if ((SYSLOG_PRIORITIES as readonly string[]).includes(name)) priority = name;
    else env.report(atDecl(decl.pos, `syslog_map_parseargs: Unknown priority ${level}`));
  }
  return {
    decl,
    lookup(key: string): LookupResult {
      syslogSink(priority, key);
      return EMPTY;
    },
  };
});

/** `{name}` or `x` as the macro name the environment uses. */
export function macroName(key: string): string {
  return key.startsWith('{') && key.endsWith('}') ? key.slice(1, -1) : key;
}

registerMapClass('macro', (decl: MapDecl, env: MapEnvironment) => ({
  decl,
  lookup(key: string, args: readonly string[]): LookupResult {
    env.setMacro(macroName(key), args.length > 0 ? args[0] : undefined);
    return EMPTY;
  },
}));
