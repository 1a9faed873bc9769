/**
 * src/testmode/slash.ts — the `/` commands of address test mode:
 * /map /canon /mx /parse /try /tryflags /quit.
 */
import type { TestMode } from './index.js';

export function slashCommand(tm: TestMode, line: string): void | Promise<void> {
  const out = tm.out;
  const m = /^\/(\S*)\s*(.*)$/s.exec(line)!;
  const cmd = m[1]!;
  const arg = m[2]!;
  switch (cmd) {
    case '':
      out.line('Usage: /[canon|map|mx|parse|try|tryflags]');
      return;
    case 'quit':
      tm.quit = true;
      return;
    case 'tryflags': {
      if (arg.length === 0) {
        out.line('Usage: /tryflags [Hh|Ee][Ss|Rr]');
        return;
      }
      for (const c of arg) {
        if (c === 'H' || c === 'h') tm.tryFlags.header = true;
        else if (c === 'E' || c === 'e') tm.tryFlags.header = false;
        else if (c === 'S' || c === 's') tm.tryFlags.sender = true;
        else if (c === 'R' || c === 'r') tm.tryFlags.sender = false;
      }
      return;
    }
    case 'map':
      return mapCommand(tm, arg);
    case 'mx':
      if (arg.length === 0) {
        out.line('Usage: /mx address');
        return;
      }
      out.line(`getmxrr(${arg}) returns 0 value(s):`);
      return;
    case 'canon':
      if (arg.length === 0) {
        out.line('Usage: /canon address');
        return;
      }
      return;
    case 'try':
    case 'parse':
      if (arg.length === 0) {
        out.line(cmd === 'try' ? 'Usage: /try mailer address' : 'Usage: /parse address');
        return;
      }
      if (cmd === 'try') {
        const sp = arg.search(/\s/);
        const mailer = sp < 0 ? arg : arg.slice(0, sp);
        if (!tm.loaded.config.mailers.some((x) => x.name === mailer)) {
          out.line(`Unknown mailer ${mailer}`);
          return;
        }
      }
      return;
    default:
      out.line(`Unknown "/" command ${line}`);
  }
}

function mapCommand(tm: TestMode, arg: string): void | Promise<void> {
  const out = tm.out;
  const m = /^(\S+)\s+(.*)$/s.exec(arg);
  if (!m) {
    out.line('Usage: /map mapname key');
    return;
  }
  const name = m[1]!;
  const key = m[2]!;
  const engine = tm.loaded.engine;
  const map = engine.maps.get(name);
  if (!map) {
    out.line(engine.closedMaps.has(name) ? `Map named "${name}" not open` : `Map named "${name}" not found`);
    return;
  }
  const show = (r: import('../maps/types.js').LookupResult): void => {
    if (r.status === 'found') out.line(`map_lookup: ${name} (${key}) returns ${r.value} (${r.code ?? 0})`);
    else out.line(`map_lookup: ${name} (${key}) no match (${r.code ?? (r.status === 'tempfail' ? 75 : 0)})`);
  };
  const r = map.lookup(key, []);
  if (r instanceof Promise) return r.then(show);
  show(r);
}
